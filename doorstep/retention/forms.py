from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukForm

from .models import HoldGround, RecordKind
from .schedule import AFTER_CLOSURE, YEARS_RANGE

NOTE_HINT = _("Do not write the family's names here.")


def _years_field(label, help_text) -> forms.IntegerField:
    low, high = YEARS_RANGE
    field = forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text,
                               widget=forms.TextInput(attrs={"data-width": "short", "inputmode": "numeric"}))
    out_of_range = gettext_now("Enter a whole number of years from %(low)s to %(high)s") % {"low": low, "high": high}
    field.error_messages.update({"invalid": out_of_range, "min_value": out_of_range, "max_value": out_of_range})
    field._custom_required = ("required",)
    field.error_messages["required"] = out_of_range
    return field


class ScheduleForm(GovukForm):
    """The retention schedule (issue 20): each kind of record's years, and why it changes."""

    def __init__(self, *args, schedule: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for member in schedule:
            period, kind = schedule[member], RecordKind(member).value
            label = RecordKind(kind).label
            if period.basis == AFTER_CLOSURE:
                self.fields[f"{kind}_years"] = _years_field(
                    _("%(kind)s: years after the last involvement ended") % {"kind": label}, period.source)
            else:
                self.fields[f"{kind}_years"] = _years_field(
                    _("%(kind)s: kept until the youngest child's birthday (years)") % {"kind": label}, period.source)
                self.fields[f"{kind}_older_years"] = _years_field(
                    _("%(kind)s: the birthday if the youngest child was 16 or 17 when the last involvement ended")
                    % {"kind": label}, "")
            self.initial.setdefault(f"{kind}_years", period.years)
            if period.basis != AFTER_CLOSURE:
                self.initial.setdefault(f"{kind}_older_years", period.older_years)
        self.fields["reason"] = forms.CharField(label=_("Why you are changing the schedule"), widget=forms.Textarea,
                                                max_length=2000, help_text=_("Recorded with the change in the audit log."))
        self.fields["reason"]._custom_required = ("required",)
        self.fields["reason"].error_messages["required"] = _("Enter why the schedule is changing")
        self.schedule = schedule

    def periods(self) -> dict:
        return {kind: (self.cleaned_data[f"{RecordKind(kind).value}_years"],
                       self.cleaned_data.get(f"{RecordKind(kind).value}_older_years"))
                for kind in self.schedule}


class HoldForm(GovukForm):
    ground = forms.ChoiceField(label=_("Why are the family's records held?"), choices=HoldGround.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("About the hold (the case, inquiry or request)"), widget=forms.Textarea,
                           required=False, max_length=2000, help_text=NOTE_HINT)


class LiftForm(GovukForm):
    note = forms.CharField(label=_("Why is the hold lifted?"), widget=forms.Textarea, max_length=2000,
                           help_text=NOTE_HINT)


class ProposeForm(GovukForm):
    note = forms.CharField(label=_("Anything the person deciding should know"), widget=forms.Textarea,
                           required=False, max_length=2000, help_text=NOTE_HINT)


class DecideForm(GovukForm):
    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve: erase the family's records now")),
        ("refuse", _("Refuse: keep the records")),
    ])
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False, max_length=2000,
                           help_text=_("Needed when you refuse. Do not write the family's names here."))

    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"
