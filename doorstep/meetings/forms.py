from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Agency, Professional, Role
from doorstep.core.forms import GovukDateField, GovukForm

from .models import MeetingKind, Outcome, ParentsAttendance, Response, Urgency

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"]
STAFF_ROLES = [Role.PRACTITIONER, Role.MANAGER]


def _person_label(p: Professional) -> str:
    title = f", {p.job_title}" if p.job_title else ""
    return f"{p}{title} – {p.agency.name}"


class WhenFields(GovukForm):
    starts_on = GovukDateField(label=_("Date of the meeting"))
    start_time = forms.TimeField(label=_("Start time"), input_formats=TIME_FORMATS,
                                 help_text=_("24-hour clock, for example 14:30"),
                                 widget=forms.TimeInput(attrs={"data-width": "short"}, format="%H:%M"))
    duration_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=15, max_value=480, initial=60,
                                          widget=forms.NumberInput(attrs={"data-width": "short"}))
    location = forms.CharField(label=_("Where"), max_length=300,
                               help_text=_("An address or a video call. Those invited see it in Doorstep: the "
                                           "invitation e-mail does not carry it."))

    def starts_at(self) -> datetime | None:
        day, time = self.cleaned_data.get("starts_on"), self.cleaned_data.get("start_time")
        if not day or not time:
            return None
        return timezone.make_aware(datetime.combine(day, time))


class CallForm(WhenFields):
    # Issue 18: "Parents are not invited" opens the question why (MTG-7, 004 §3.5).
    reveals = {"parents": {ParentsAttendance.EXCLUDED: ("parents_excluded_reason",)}}
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("What is the concern the meeting is called about"), widget=forms.Textarea,
                             max_length=5000)
    urgency = forms.ChoiceField(label=_("How urgent is it"), choices=Urgency.choices, widget=forms.RadioSelect,
                                initial=Urgency.WORKING_DAYS)
    within_working_days = forms.IntegerField(
        label=_("Within how many working days"), required=False, min_value=1, max_value=60,
        widget=forms.NumberInput(attrs={"data-width": "short"}),
        help_text=_("Leave empty for the usual timescale of this kind of meeting"))
    parents = forms.ChoiceField(label=_("Parents"), choices=ParentsAttendance.choices, widget=forms.RadioSelect,
                                required=False,
                                help_text=_("Parents may be excluded where their presence would impair information "
                                            "sharing (004 §3.5)"))
    parents_excluded_reason = forms.CharField(label=_("Why parents are not invited"), widget=forms.Textarea,
                                              required=False, max_length=2000)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=Professional.objects.none())
    minute_taker = forms.ModelChoiceField(label=_("Minute-taker"), queryset=Professional.objects.none())

    field_order = ["kind", "reason", "urgency", "within_working_days", "starts_on", "start_time", "duration_minutes",
                   "location", "parents", "parents_excluded_reason", "chair", "minute_taker"]

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Professional.objects.filter(agency=agency, is_active=True, role__in=STAFF_ROLES).select_related(
            "agency")
        for name in ("chair", "minute_taker"):
            self.fields[name].queryset = staff
            self.fields[name].label_from_instance = lambda p: f"{p}{', ' + p.job_title if p.job_title else ''}"
            self.fields[name].help_text = _("From your agency: the calling agency chairs and minutes the meeting")


class InviteForm(GovukForm):
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invite from the agencies involved with the family"), queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Each involved agency's lead professional is ticked"))
    specialist = forms.ModelChoiceField(
        label=_("Invite a specialist from an agency not involved with the family"),
        queryset=Professional.objects.none(),
        required=False,
        help_text=_("Where a specialist opinion or resource is needed (000). They must accept that everything shared "
                    "is on a basis of absolute confidentiality before they see anything, and their access ends with "
                    "the meeting's business."))
    specialist_reason = forms.CharField(label=_("Why is their opinion or resource needed"), widget=forms.Textarea,
                                        required=False, max_length=2000)

    def __init__(self, *args, involved_agency_ids, already, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Professional.objects.filter(is_active=True, role__in=STAFF_ROLES, agency__isnull=False,
                                            agency__is_active=True).exclude(pk__in=already).select_related("agency")
        self.fields["invitees"].queryset = staff.filter(agency_id__in=involved_agency_ids).order_by(
            "agency__name", "last_name")
        self.fields["specialist"].queryset = staff.exclude(agency_id__in=involved_agency_ids).order_by(
            "agency__name", "last_name")
        self.fields["invitees"].label_from_instance = _person_label
        self.fields["specialist"].label_from_instance = _person_label

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("invitees") and not data.get("specialist"):
            raise ValidationError(_("Choose who to invite"))
        return data


class RespondForm(GovukForm):
    response = forms.ChoiceField(
        label=_("Will you attend"), widget=forms.RadioSelect,
        choices=[(Response.ACCEPTED, _("Yes, I will attend")), (Response.TENTATIVE, _("I might attend")),
                 (Response.DECLINED, _("No, I cannot attend"))])
    note = forms.CharField(label=_("Note for the chair"), required=False, max_length=500,
                           help_text=_("For example, who will attend for your agency instead"))


class ConfidentialityForm(GovukForm):
    accept = forms.BooleanField(
        label=_("I accept that everything shared about this family, in the meeting and in Doorstep, is on a basis "
                "of absolute confidentiality"),
        error_messages={"required": _("Tick to accept the confidentiality terms, or decline the invitation")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept"].error_messages["required"] = _(
            "Tick to accept the confidentiality terms, or decline the invitation")


class RescheduleForm(WhenFields):
    reason = forms.CharField(label=_("Why is the meeting moved"), widget=forms.Textarea, max_length=2000)


class CancelForm(GovukForm):
    reason = forms.CharField(label=_("Why is the meeting cancelled"), widget=forms.Textarea, max_length=2000,
                             help_text=_("An escalation that asked for the meeting stays open: the meeting is still "
                                         "owed."))


class HeldForm(GovukForm):
    held_on = GovukDateField(label=_("Date the meeting was held"), past_only=True)
    attended = forms.MultipleChoiceField(label=_("Who attended"), widget=forms.CheckboxSelectMultiple, required=False,
                                         help_text=_("Everyone not ticked is recorded as sending apologies"))
    parents_attended = forms.ChoiceField(label=_("Did the parents attend"), widget=forms.RadioSelect, required=False,
                                         choices=[("yes", _("Yes")), ("no", _("No"))])

    def __init__(self, *args, invitations, parents_invited: bool, **kwargs):
        super().__init__(*args, **kwargs)
        specialist = _("specialist")
        self.fields["attended"].choices = [
            (str(i.pk), f"{i.invitee} – {i.agency.name}" + (f" ({specialist})" if i.is_specialist else ""))
            for i in invitations
        ]
        if not parents_invited:
            del self.fields["parents_attended"]


class MinutesForm(GovukForm):
    # RIG-2 (issue 20): the fields where the minutes describe the family, read by the recording check.
    CHECKED = ["concerns", "no_plan_reason", "sharing_with_family", "dissent", "outcome_detail"]

    concerns = forms.CharField(label=_("The concerns discussed"), widget=forms.Textarea, required=False,
                               max_length=10000)
    plan_agreed = forms.ChoiceField(
        label=_("Was a plan of intervention agreed"), widget=forms.RadioSelect, required=False,
        choices=[("yes", _("Yes: each agency's responsibility is in the plan's actions")),
                 ("no", _("No: no proactive plan of intervention is achievable"))])
    no_plan_reason = forms.CharField(label=_("Why no proactive plan of intervention is achievable"),
                                     widget=forms.Textarea, required=False, max_length=5000)
    sharing_with_family = forms.CharField(
        label=_("What will be shared with the family, how and when"), widget=forms.Textarea, required=False,
        max_length=5000, help_text=_("Required (004 §3.5): who tells the parents what, by what means and by when"))
    dissent = forms.CharField(label=_("Dissenting views"), widget=forms.Textarea, required=False, max_length=5000,
                              help_text=_("Guard against group-think exaggerating risk (001 §5.1.22): record every "
                                          "view that differed from the decision, and whose it was"))
    no_dissent = forms.BooleanField(label=_("No dissenting views were expressed"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect, required=False)
    outcome_detail = forms.CharField(
        label=_("About the outcome"), widget=forms.Textarea, required=False, max_length=5000,
        help_text=_("For example the options explored: advocacy, family centre, a family group conference"))
    review_date = GovukDateField(label=_("Review meeting by"), required=False,
                                 help_text=_("When the plan and any outcome will be reviewed (000)"))

    # Issue 13, finding 10: a role posted for an agency that did not attend is refused, not dropped.
    offered_only = {"role_": _("Roles are reviewed only for the agencies that attended")}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_fields = []
        for agency in agencies:
            name = f"role_{agency.pk}"
            self.fields[name] = forms.CharField(
                label=_("Role of %(agency)s, reviewed") % {"agency": agency.name}, widget=forms.Textarea,
                required=False, max_length=5000)
            self.role_fields.append(name)
        self.order_fields(["concerns", *self.role_fields])
        for name in self._needed():
            self.fields[name].required = True

    # What the chair's approval requires is shown without "(optional)"; a draft may still be saved without it.
    NEEDED_FOR_APPROVAL = ("concerns", "plan_agreed", "sharing_with_family", "outcome")

    def _needed(self) -> list[str]:
        return [*self.NEEDED_FOR_APPROVAL, *self.role_fields]

    def _clean_fields(self):
        needed = self._needed()
        for name in needed:
            self.fields[name].required = False
        try:
            super()._clean_fields()
        finally:
            for name in needed:
                self.fields[name].required = True

    def roles(self) -> dict[int, str]:
        return {int(name.split("_", 1)[1]): self.cleaned_data.get(name, "") for name in self.role_fields}

    def plan_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("plan_agreed"))


class PlanActionForm(GovukForm):
    description = forms.CharField(label=_("What will be done"), widget=forms.Textarea, max_length=2000)
    agency = forms.ModelChoiceField(label=_("Agency responsible"), queryset=Agency.objects.none())
    owner = forms.ModelChoiceField(label=_("Person responsible"), queryset=Professional.objects.none(),
                                   help_text=_("It will appear in their actions, with its due date"))
    due_date = GovukDateField(label=_("Due by"))

    def __init__(self, *args, agency_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=agency_ids)
        self.fields["owner"].queryset = Professional.objects.filter(
            agency_id__in=agency_ids, is_active=True, role__in=STAFF_ROLES).select_related("agency").order_by(
            "agency__name", "last_name")
        self.fields["owner"].label_from_instance = _person_label


class ProgressForm(GovukForm):
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea, max_length=5000)
    completed = forms.BooleanField(label=_("The action is done"), required=False)
