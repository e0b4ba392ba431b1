from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm

from .models import CancelledBy, DecisionKind, Hostility, ReflectiveAnswer, ReflectiveQuestion, RiskMeasure

# P-1 (000, 002 §1.2, 004 §2.3): the prompts belong where hostility is recorded.
CHILD_PROMPT = _("If you feel threatened, what is life like for the child? What might the children be feeling as "
                 "the door closes behind you?")


class PlanForm(GovukForm):
    planned_for = GovukDateField(label=_("Date of the supervision"), help_text=_("For example, 27 3 2027"))


class RecordForm(GovukForm):
    held_on = GovukDateField(label=_("Date it was held"), past_only=True)
    health_and_safety_discussed = forms.BooleanField(
        label=_("Health and safety was discussed"), required=False,
        help_text=_("Health and safety should be a regular item in every supervision."))
    health_and_safety_note = forms.CharField(label=_("What was discussed about health and safety"),
                                             widget=forms.Textarea, required=False, max_length=5000)
    unreported_threats_asked = forms.BooleanField(
        label=_("I asked about threats, intimidation or feelings of anxiety not yet reported"), required=False,
        help_text=_("Threats of violence are often under-reported: ask, even where no overt threat was made."))
    unreported_threats_note = forms.CharField(label=_("What the worker said"), widget=forms.Textarea,
                                              required=False, max_length=5000)
    support_offered = forms.CharField(
        label=_("Support offered"), widget=forms.Textarea, required=False, max_length=5000,
        help_text=_("For example after an incident: counselling, occupational health, time off, a buddy."))


class CancelForm(GovukForm):
    planned_for = GovukDateField(label=_("Date it was planned for"))
    cancelled_by_whom = forms.ChoiceField(label=_("Who cancelled it"), choices=CancelledBy.choices,
                                          widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why it was cancelled"), widget=forms.Textarea, max_length=2000)

    def __init__(self, *args, planned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if planned:
            del self.fields["planned_for"]


class CaseForm(GovukForm):
    family = forms.TypedChoiceField(label=_("Family discussed"), coerce=int, required=False,
                                    widget=forms.RadioSelect, help_text=_("Families the worker leads for the agency"))
    reference = forms.CharField(label=_("Or another family's reference"), max_length=20, required=False,
                                help_text=_("For example, DS-000123"), widget=forms.TextInput(attrs={"data-width": "short"}))
    hostility = forms.ChoiceField(label=_("Hostility towards the worker"), choices=Hostility.choices,
                                  widget=forms.RadioSelect)
    hostility_detail = forms.CharField(
        label=_("The hostility, and when it happens"), widget=forms.Textarea, required=False, max_length=5000,
        help_text=_("Is it general or in particular circumstances, for example linked to drink or to mental health?"))
    hostility_significant = forms.BooleanField(label=_("Threats or violence are significant for this worker"),
                                               required=False)
    impact_on_worker = forms.CharField(label=_("Impact on the worker"), widget=forms.Textarea, required=False,
                                       max_length=5000, help_text=_("Seen only by the worker and their manager."))
    impact_on_work = forms.CharField(
        label=_("Impact on the work with the family"), widget=forms.Textarea, required=False, max_length=5000,
        help_text=_("Is the family's behaviour stopping the work being done? What could not be assessed?"))
    risk_to_child = forms.CharField(label=_("Risks to the child, and the effect of living in a hostile home"),
                                    widget=forms.Textarea, max_length=5000, help_text=CHILD_PROMPT)
    reflections = forms.CharField(label=_("The worker's reflections"), widget=forms.Textarea, required=False,
                                  max_length=5000, help_text=_("Seen only by the worker and their manager."))
    measures = forms.MultipleChoiceField(label=_("How visits will be made safe"), choices=RiskMeasure.choices,
                                         widget=forms.CheckboxSelectMultiple, required=False)
    plan = forms.CharField(label=_("Action plan for managing the risk"), widget=forms.Textarea, required=False,
                           max_length=5000,
                           help_text=_("Agreed before the next visit. Needed where hostility is experienced or "
                                       "anticipated."))
    plan_review_by = GovukDateField(label=_("Review the action plan by"), required=False)
    decision = forms.CharField(label=_("Decision about the work with the family"), widget=forms.Textarea,
                               max_length=5000, help_text=_("Shown on the family's chronology to every agency "
                                                            "involved."))
    decision_reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea, max_length=5000)
    safe_working = forms.CharField(label=_("How the work will continue safely"), widget=forms.Textarea,
                                   required=False, max_length=5000,
                                   help_text=_("Needed where threats or violence are significant for the worker. "
                                               "Shown on the family's chronology."))
    safe_working_reason = forms.CharField(label=_("Why the work can continue safely in this way"),
                                          widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [(f.pk, f"{f.name} ({f.reference})") for f in families]
        self.question_fields = []
        for question in ReflectiveQuestion:
            name = f"q_{question.value}"
            self.fields[name] = forms.ChoiceField(label=question.label, choices=ReflectiveAnswer.choices,
                                                  widget=forms.RadioSelect)
            self.question_fields.append(name)

    def clean(self):
        data = super().clean()
        if not data.get("family") and not (data.get("reference") or "").strip() and "family" not in self.errors:
            self.add_error("family", _("Select the family discussed, or enter its reference"))
        return data

    def reflective_answers(self) -> dict:
        return {name[2:]: self.cleaned_data.get(name) for name in self.question_fields}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        keep = ("hostility", "hostility_detail", "hostility_significant", "impact_on_worker", "impact_on_work",
                "risk_to_child", "reflections", "measures", "plan", "plan_review_by", "decision", "decision_reason",
                "safe_working", "safe_working_reason")
        return {**{k: data[k] for k in keep}, "reflective_answers": self.reflective_answers()}


class DecisionForm(GovukForm):
    # RIG-2 (issue 20): a decision about the family goes on its chronology: read by the recording check.
    CHECKED = ["decision", "reason"]

    kind = forms.ChoiceField(label=_("Kind of decision"), choices=DecisionKind.choices, widget=forms.RadioSelect,
                             initial=DecisionKind.DECISION)
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea, max_length=5000,
                               help_text=_("Shown on the family's chronology to every agency involved."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=5000)


class AcknowledgeForm(GovukForm):
    comment = forms.CharField(label=_("Your comment on the record"), widget=forms.Textarea, required=False,
                              max_length=5000, help_text=_("For example, anything you see differently."))


class WithdrawForm(GovukForm):
    reason = forms.CharField(label=_("Why the action plan is withdrawn"), widget=forms.Textarea, max_length=2000)
