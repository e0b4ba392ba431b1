from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm
from doorstep.engagement.models import ThreatKind

from .models import MarkerCategory


class MarkerForm(GovukForm):
    subject = forms.ChoiceField(label=_("Who or what is the marker on?"), widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category of risk"), choices=MarkerCategory.choices, widget=forms.RadioSelect)
    nature = forms.CharField(
        label=_("The nature of the risk"), max_length=300,
        help_text=_("One short factual sentence, for example \"Threatened to kill a health visitor on 3 May 2026\"."))
    advice = forms.CharField(
        label=_("Advice for visitors"), max_length=300,
        help_text=_("For example \"Two workers, daylight only\". Anyone who checks the address before a visit sees "
                    "this advice, so do not name anyone in it."))
    source = forms.CharField(
        label=_("Source of the information"), max_length=300,
        help_text=_("For example an incident, police information, or what a colleague saw."))
    review_date = GovukDateField(label=_("Review date"), help_text=_("Within the next 12 months."))
    urgent = forms.BooleanField(
        label=_("Urgent: show the marker at once, marked as awaiting authorisation"), required=False)

    def __init__(self, *args, family, people, addresses, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"person:{p.pk}", f"{p} ({p.get_role_display()})") for p in people]
        choices += [(f"address:{a.pk}", _("The address: %(address)s") % {"address": a}) for a in addresses]
        self.fields["subject"].choices = choices
        self._people = {f"person:{p.pk}": p for p in people}
        self._addresses = {f"address:{a.pk}": a for a in addresses}

    def subject_kwargs(self) -> dict:
        subject = self.cleaned_data["subject"]
        return {"person": self._people.get(subject), "address": self._addresses.get(subject)}


def initial_from_incident(incident) -> dict:
    """Raise a marker from an incident in one step: what the incident already says."""
    threats = set(incident.threats)
    if ThreatKind.ANIMALS in threats:
        category = MarkerCategory.ANIMALS
    elif threats & {ThreatKind.PHYSICAL_VIOLENCE, ThreatKind.THROWING}:
        category = MarkerCategory.VIOLENCE
    elif ThreatKind.SEXUAL in threats:
        category = MarkerCategory.SEXUAL_RISK
    elif threats & {ThreatKind.FOLLOWING, ThreatKind.ONLINE_SEARCHING, ThreatKind.BOMBARDING, ThreatKind.COMPLAINTS}:
        category = MarkerCategory.HARASSMENT
    else:
        category = MarkerCategory.THREATS
    when = date_format(timezone.localtime(incident.occurred_at))
    people = list(incident.people.all())
    if people:
        subject = f"person:{people[0].pk}"
    elif incident.address_id:
        subject = f"address:{incident.address_id}"
    else:
        subject = None
    return {
        "subject": subject, "category": category,
        "nature": _("%(kinds)s towards a professional on %(date)s") % {
            "kinds": "; ".join(incident.get_threat_labels()), "date": when},
        "source": _("Incident on %(date)s recorded by %(agency)s") % {"date": when, "agency": incident.agency.name},
        "advice": _("Two workers; do not visit alone"),
        "review_date": timezone.localdate() + timedelta(days=182),
    }


class DeclineForm(GovukForm):
    reason = forms.CharField(label=_("Why is the marker not authorised?"), widget=forms.Textarea, max_length=2000)


class ReviewForm(GovukForm):
    review_date = GovukDateField(label=_("Next review date"), help_text=_("Within the next 12 months."))
    note = forms.CharField(label=_("Why is the marker still needed?"), widget=forms.Textarea, max_length=2000)


class EndForm(GovukForm):
    reason = forms.CharField(label=_("Why is the marker ending?"), widget=forms.Textarea, max_length=2000,
                             help_text=_("The marker stays in the family's history with your reason."))


class AddressCheckForm(GovukForm):
    line1 = forms.CharField(label=_("House number or name, and street"), max_length=200,
                            help_text=_("For example 12 Heol y Felin"))
    postcode = forms.RegexField(
        label=_("Postcode"), max_length=10, regex=r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$",
        error_messages={"invalid": _("Enter a real postcode, like CF10 1AA")},
        widget=forms.TextInput(attrs={"data-width": "short"}),
    )
