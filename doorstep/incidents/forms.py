from datetime import datetime, time

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Professional, Role
from doorstep.core.forms import GovukDateField, GovukForm
from doorstep.engagement.models import ThreatKind
from doorstep.families.models import Person

from .models import Motivation, Support

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def yes_no(label, **kwargs):
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                  **kwargs)


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label, input_formats=["%H:%M", "%H.%M", "%H%M"], help_text=_("24-hour clock, for example 14:30"),
        widget=forms.TextInput(attrs={"data-width": "short"}),
        error_messages={"invalid": _("Enter a real time, like 14:30")}, **kwargs,
    )


def combine(day, at: time | None):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or time(0, 0)))


def checkboxes(label, choices, **kwargs):
    return forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class IncidentForm(GovukForm):
    occurred_on = GovukDateField(label=_("Date it happened"), past_only=True)
    occurred_time = time_field(_("Time it happened"))
    at_home = yes_no(_("Did it happen at the family's home?"))
    location = forms.CharField(label=_("Where did it happen, if not at the family's home?"), max_length=300,
                               required=False)
    people = forms.ModelMultipleChoiceField(label=_("Who from the family was involved?"), queryset=Person.objects.none(),
                                            widget=forms.CheckboxSelectMultiple, required=False)
    unknown_people = forms.CharField(
        label=_("Anyone else involved who is not recorded in Doorstep"), max_length=300, required=False,
        help_text=_("Describe them, for example \"a man visiting, about 30\". Do not guess names."))
    affected = forms.ModelMultipleChoiceField(
        label=_("Which professionals was it directed at?"), queryset=Professional.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each one's manager is alerted at once and follows up with them."))
    threats = checkboxes(_("What happened?"), [c for c in ThreatKind.choices if c[0] != ThreatKind.THREAT_TO_KILL],
                         required=False)
    threat_to_kill = yes_no(_("Were there threats to kill?"),
                            help_text=_("The police must always be informed of threats to kill."))
    injury = yes_no(_("Was anyone injured?"))
    injury_details = forms.CharField(label=_("About the injury"), widget=forms.Textarea, max_length=2000,
                                     required=False)
    witnesses = forms.CharField(label=_("Witnesses"), widget=forms.Textarea, max_length=2000, required=False)
    motivations = checkboxes(_("Was it racially, culturally, sexually or otherwise motivated?"), Motivation.choices,
                             required=False, help_text=_("Select all that apply, or none."))
    motivation_detail = forms.CharField(label=_("About the motivation"), max_length=300, required=False)
    police_informed = yes_no(_("Have the police been informed?"))
    police_informed_on = GovukDateField(label=_("Date the police were informed"), past_only=True, required=False)
    police_informed_time = time_field(_("Time the police were informed"), required=False)
    police_reference = forms.CharField(label=_("Police reference"), max_length=50, required=False,
                                       widget=forms.TextInput(attrs={"data-width": "short"}))
    manager_informed_on = GovukDateField(
        label=_("Date you told your manager"), past_only=True, required=False,
        help_text=_("If you have already told them, for example by phone. Doorstep alerts them as soon as you save."))
    manager_informed_time = time_field(_("Time you told your manager"), required=False)
    account = forms.CharField(
        label=_("Your account of what happened"), widget=forms.Textarea, max_length=10000,
        help_text=_("Only your agency sees your account unless your manager decides to share it. Every agency "
                    "involved sees the facts above."))
    life_for_child = forms.CharField(
        label=_("If you felt threatened, what is life like for the children?"), widget=forms.Textarea,
        max_length=5000, required=False)
    # RIG-2 (issue 20): the family's own account, beside the worker's; seen with the facts by every agency.
    family_account = forms.CharField(
        label=_("The family's account"), widget=forms.Textarea, max_length=10000, required=False,
        help_text=_("Optional. What the family said about it, in their own words"))
    support_offered = checkboxes(_("Support you have been offered"), Support.choices, required=False)
    support_taken_up = checkboxes(_("Support you are taking up"), Support.choices, required=False)
    impact = forms.CharField(
        label=_("The impact on you"), widget=forms.Textarea, max_length=5000, required=False,
        help_text=_("Only you and your manager will ever see this."))

    # RIG-2: the fields where the worker describes the family, read by the recording check ("Check wording").
    CHECKED = ["account", "life_for_child", "witnesses"]

    def __init__(self, *args, family, professional, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(family=family).order_by("role", "date_of_birth", "id")
        self.fields["people"].label_from_instance = lambda p: f"{p} ({p.get_role_display()})"
        # Staff of the agencies involved with the family, and the recorder (who may be using emergency access).
        self.fields["affected"].queryset = (
            Professional.objects.filter(
                Q(pk=professional.pk)
                | Q(is_active=True, role__in=[Role.PRACTITIONER, Role.MANAGER], agency__involvements__family=family,
                    agency__involvements__ended_on__isnull=True)
            ).select_related("agency").distinct().order_by("agency__name", "last_name", "first_name")
        )
        self.fields["affected"].label_from_instance = lambda p: f"{p} ({p.agency.name})"

    def clean(self):
        data = super().clean()
        if data.get("at_home") is False and not data.get("location"):
            self.add_error("location", _("Enter where it happened"))
        if not data.get("threats") and data.get("threat_to_kill") is False:
            self.add_error("threats", _("Select what happened"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "occurred_at": combine(d["occurred_on"], d["occurred_time"]),
            "at_home": d["at_home"], "location": d["location"], "people": list(d["people"]),
            "unknown_people": d["unknown_people"], "affected": list(d["affected"]), "threats": d["threats"],
            "threat_to_kill": d["threat_to_kill"], "injury": d["injury"], "injury_details": d["injury_details"],
            "witnesses": d["witnesses"], "motivations": d["motivations"], "motivation_detail": d["motivation_detail"],
            "police_informed": d["police_informed"],
            "police_informed_at": combine(d["police_informed_on"], d["police_informed_time"]),
            "police_reference": d["police_reference"],
            "manager_informed_at": combine(d["manager_informed_on"], d["manager_informed_time"]),
            "account": d["account"], "life_for_child": d["life_for_child"], "family_account": d["family_account"],
            "support_offered": d["support_offered"], "support_taken_up": d["support_taken_up"], "impact": d["impact"],
        }


class PoliceForm(GovukForm):
    informed_on = GovukDateField(label=_("Date the police were informed"), past_only=True)
    informed_time = time_field(_("Time the police were informed"))
    reference = forms.CharField(label=_("Police reference"), max_length=50, required=False,
                                widget=forms.TextInput(attrs={"data-width": "short"}))


class ShareAccountForm(GovukForm):
    reason = forms.CharField(
        label=_("Why share the worker's account with the other agencies?"), widget=forms.Textarea, max_length=2000,
        help_text=_("For example: a referral must carry all known information about violence in full."))


class OwnImpactForm(GovukForm):
    support_taken_up = checkboxes(_("Support you are taking up"), Support.choices, required=False)
    impact = forms.CharField(label=_("The impact on you"), widget=forms.Textarea, max_length=5000, required=False,
                             help_text=_("Only you and your manager will ever see this."))


class FollowUpForm(GovukForm):
    support_offered = checkboxes(_("Support offered"), Support.choices, required=False)
    note = forms.CharField(
        label=_("What was discussed and agreed"), widget=forms.Textarea, max_length=5000,
        help_text=_("Only the worker and you will see this. Include how the work with the family will continue "
                    "safely."))
