from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Agency
from doorstep.core.forms import GovukDateField, GovukForm

from .models import ClosureStepKind
from .rules import RuleDefinition


class CompleteForm(GovukForm):
    outcome = forms.CharField(label=_("What was done"), widget=forms.Textarea, max_length=5000,
                              help_text=_("For example, the meeting held and what it agreed. This is added to the "
                                          "family's chronology."))


class CancelForm(GovukForm):
    reason = forms.CharField(label=_("Why the action is no longer needed"), widget=forms.Textarea, max_length=5000,
                             help_text=_("This is added to the family's chronology."))


class NonComplianceForm(GovukForm):
    evidence = forms.CharField(label=_("Evidence of non-compliance"), widget=forms.Textarea, max_length=5000,
                               help_text=_("What the family has not done, or not allowed, and how you know."))
    concerns = forms.CharField(label=_("Concerns that remain for the children"), widget=forms.Textarea,
                               max_length=5000)
    identified_on = GovukDateField(label=_("Date the evidence was identified"), past_only=True,
                                   help_text=_("For example, 27 3 2026. The timescale counts from this date."))


class ClosureStepForm(GovukForm):
    # Issue 18: a consultation opens the question which agency was consulted (ESC-6).
    reveals = {"kind": {ClosureStepKind.CONSULTATION: ("agency",)}}
    kind = forms.ChoiceField(label=_("What was done"), choices=ClosureStepKind.choices, widget=forms.RadioSelect)
    agency = forms.ModelChoiceField(label=_("Agency consulted"), queryset=Agency.objects.none(), required=False,
                                    help_text=_("Only for a consultation."))
    person = forms.CharField(label=_("Who was consulted or attended"), max_length=300, required=False)
    held_on = GovukDateField(label=_("Date"), past_only=True)
    note = forms.CharField(label=_("What was agreed"), widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class RuleSettingsForm(GovukForm):
    """The settings of one rule (ESC-12): one whole-number field per parameter, with its bounds."""

    enabled = forms.BooleanField(label=_("The rule is on"), required=False)
    reason = forms.CharField(label=_("Why you are changing the settings"), widget=forms.Textarea, max_length=2000,
                             help_text=_("Recorded with the change in the audit log."))

    def __init__(self, *args, definition: RuleDefinition, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields.pop("reason")
        if definition.always_on:
            del self.fields["enabled"]  # SAF-3, ESC-4, ESC-5: never switched off (RuleDefinition.always_on)
        for p in definition.parameters:
            self.fields[p.name] = forms.IntegerField(
                label=p.label, min_value=p.minimum, max_value=p.maximum,
                help_text=_("From %(min)s to %(max)s. The protocol's default is %(default)s.") % {
                    "min": p.minimum, "max": p.maximum, "default": p.default},
                widget=forms.TextInput(attrs={"data-width": "short", "inputmode": "numeric"}),
            )
        self.fields["reason"] = reason
        self.fields["reason"].error_messages["required"] = _("Enter why you are changing the settings")

    def parameters(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("enabled", "reason")}


class TeamFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[("open", _("Open actions")),
                                                                        ("overdue", _("Overdue actions")),
                                                                        ("closed", _("Closed actions"))])
    rule = forms.ChoiceField(label=_("Kind of action"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args, rules: "Iterable[RuleDefinition]" = (), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Issue 18: by name, in plain words; the value stays the rule ID (the address bar and the API use it).
        self.fields["rule"].choices = [("", _("All kinds of action"))] + [(r.rule_id, r.title) for r in rules]
        self.fields["owner"].choices = [("", _("Everyone"))] + [(str(p.pk), str(p)) for p in owners]
