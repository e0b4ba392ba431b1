from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm

from .models import Arrangement, Decision, Question, RiskFactor
from .services import PLAN_GRACE, RESOLVE_CONTINUING, RESOLVE_ENDED

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
LENGTHS = [(str(m), label) for m, label in (
    (15, _("15 minutes")), (30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")),
    (90, _("1 hour 30 minutes")), (120, _("2 hours")), (180, _("3 hours")))]


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                  **kwargs)


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label, input_formats=["%H:%M", "%H.%M", "%H%M"], help_text=_("24-hour clock, for example 14:30"),
        widget=forms.TextInput(attrs={"data-width": "short"}),
        error_messages={"invalid": _("Enter a real time, like 14:30")}, **kwargs,
    )


def combine(day, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at))


class AssessmentForm(GovukForm):
    """Step 1 of planning: when, where, why, the contingency, and the risk assessment (SAF-1)."""

    planned_on = GovukDateField(label=_("Date of the visit"))
    planned_time = time_field(_("Time you will arrive"))
    planned_minutes = forms.ChoiceField(label=_("How long will the visit take?"), choices=LENGTHS,
                                        widget=forms.Select, initial="60")
    where = forms.ChoiceField(label=_("Where is the visit?"), widget=forms.RadioSelect)
    venue = forms.CharField(label=_("The neutral venue, if not the family's home"), max_length=300, required=False,
                            help_text=_("For example the family centre, 2 Heol y Farchnad"))
    purpose = forms.CharField(label=_("Purpose of the visit"), widget=forms.Textarea, max_length=2000)
    contingency = forms.CharField(
        label=_("What will you do if there is no access?"), widget=forms.Textarea, max_length=2000,
        help_text=_("Contingency plans for lack of engagement are made before the contact is attempted "
                    "(001 §5.1.9.23)."))
    factors = forms.MultipleChoiceField(label=_("Risk factors"), choices=RiskFactor.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    assessment_notes = forms.CharField(
        label=_("Anything else that assists the risk assessment"), widget=forms.Textarea, max_length=4000,
        required=False, help_text=_("For example whether the worker could be seen as a threat and how to reduce the "
                                    "stress on the family: being clear about your role (003 §5.4)."))

    def __init__(self, *args, address=None, **kwargs):
        super().__init__(*args, **kwargs)
        home = (_("The family's home: %(address)s") % {"address": address}) if address else _("The family's home")
        self.fields["where"].choices = [("home", home), ("venue", _("A neutral venue"))]
        for value, label in Question.choices:
            self.fields[f"q_{value}"] = yes_no(label)
            self.fields[f"q_{value}"].error_messages["required"] = _("Answer: %(question)s") % {"question": label}

    def question_fields(self):
        return [self[f"q_{value}"] for value in Question.values]

    def clean(self):
        data = super().clean()
        if data.get("where") == "venue" and not (data.get("venue") or "").strip():
            self.add_error("venue", _("Enter the neutral venue"))
        start = combine(data.get("planned_on"), data.get("planned_time"))
        if start is not None and start < timezone.now() - PLAN_GRACE:
            self.add_error("planned_on", _("A visit is planned before it is made: the start must be in the future"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "planned_start": combine(d["planned_on"], d["planned_time"]),
            "planned_minutes": int(d["planned_minutes"]), "at_home": d["where"] == "home",
            "venue": d.get("venue", ""), "purpose": d["purpose"], "contingency": d["contingency"],
            "factors": d.get("factors", []), "assessment_notes": d.get("assessment_notes", ""),
            "answers": {q: d.get(f"q_{q}") for q in Question.values},
        }


class ArrangementForm(GovukForm):
    """Step 2 of planning (SAF-2): the arrangement, started from the rules' proposal."""

    arrangements = forms.MultipleChoiceField(label=_("How will the visit be made?"), widget=forms.CheckboxSelectMultiple,
                                             help_text=_("Select all that apply."))
    companions = forms.CharField(label=_("Who is going with you?"), max_length=300, required=False,
                                 help_text=_("Name and agency of each, for example \"PC Rhys Bowen, Afonwy Valleys "
                                             "Police\". Needed unless it is a sole visit."))

    def __init__(self, *args, sole_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # With any risk factor a sole visit is not offered (003 §5.3).
        self.fields["arrangements"].choices = [c for c in Arrangement.choices
                                               if sole_allowed or c[0] != Arrangement.SOLE]


class StartForm(GovukForm):
    """Before "I've arrived": the number to reach the worker on, for this visit (SAF-3, 003 §5.4)."""

    contact_number = forms.CharField(
        label=_("Mobile number you will have with you"), max_length=40,
        help_text=_("Shown only to the people on the escalation chain, and only if you do not report back in time."),
        widget=forms.TextInput(attrs={"data-width": "short"}))
    vehicle = forms.CharField(label=_("Vehicle registration"), max_length=20, required=False,
                              help_text=_("If you are going by car."),
                              widget=forms.TextInput(attrs={"data-width": "short"}))
    minutes = forms.ChoiceField(label=_("How long will you be?"), choices=LENGTHS, widget=forms.Select)
    # Issue 18 (SAF-2): arriving somewhere else than the plan says is flagged, and the chain is told where.
    elsewhere = forms.CharField(label=_("If you are not at the planned place, where are you?"), max_length=300,
                                required=False, help_text=_("Your manager is told, and the emergency card shows it."))
    # Issue 18: consent to send the phone's location at arrival, help and extension (never in between).
    share_location = forms.BooleanField(
        label=_("Send my phone's location when I arrive, ask for help or extend the visit"), required=False,
        help_text=_("Only then, never in between. It is shown on the emergency card if an alarm is raised."))


class CheckOutForm(GovukForm):
    something_happened = forms.TypedChoiceField(
        label=_("Did anything happen that you need to report?"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", _("No, nothing happened")),
                 ("yes", _("Yes, something happened: tell my manager now and record an incident"))])


class DecideForm(GovukForm):
    # Issue 18: "Agree it with changes" opens the changed arrangement (003 §5.3).
    reveals = {"decision": {Decision.CHANGED: ("arrangements", "companions")}}
    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect, choices=[
        (Decision.AGREED, _("Agree the plan")), (Decision.CHANGED, _("Agree it with changes")),
        (Decision.REFUSED, _("Refuse it"))])
    arrangements = forms.MultipleChoiceField(
        label=_("The arrangement, if you change it"), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Only if you agree with changes. With any risk factor a sole visit cannot be agreed (003 §5.3)."))
    companions = forms.CharField(label=_("Who is going with the worker"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=4000, required=False,
                             help_text=_("Required if you change or refuse the plan. The worker reads it."))
    supervision_reference = forms.CharField(
        label=_("Agreed in supervision"), max_length=200, required=False,
        help_text=_("If you agreed this plan in supervision, the date or reference of that record (002 §9.5)."))

    def __init__(self, *args, sole_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrangements"].choices = [c for c in Arrangement.choices
                                               if sole_allowed or c[0] != Arrangement.SOLE]


class ReasonForm(GovukForm):
    reason = forms.CharField(label=_("Why is the visit cancelled?"), widget=forms.Textarea, max_length=2000)


class FalseAlarmForm(GovukForm):
    # Issue 18: everyone alerted is told the reason.
    reason = forms.CharField(label=_("Why it was a false alarm"), widget=forms.Textarea, max_length=2000,
                             help_text=_("Everyone who was alerted is told this, for example \"Pressed it by "
                                         "mistake getting my phone out\"."))


class ResolveForm(GovukForm):
    outcome = forms.ChoiceField(
        label=_("What has happened?"), widget=forms.RadioSelect,
        choices=[(RESOLVE_ENDED, _("The worker is safe and the visit has ended")),
                 (RESOLVE_CONTINUING, _("The worker is safe and still on the visit"))])
    minutes = forms.TypedChoiceField(
        label=_("If still on the visit, when are they now expected back?"), required=False, coerce=int,
        empty_value=None, widget=forms.RadioSelect,
        choices=[("15", _("In 15 minutes")), ("30", _("In 30 minutes")), ("60", _("In 1 hour"))])
    note = forms.CharField(label=_("How do you know they are safe?"), widget=forms.Textarea, max_length=2000,
                           help_text=_("For example \"Spoke to her on her mobile at 15:20; she was in the car.\""))
