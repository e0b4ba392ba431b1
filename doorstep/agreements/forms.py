from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Professional
from doorstep.core.forms import GovukDateField, GovukForm
from doorstep.families.models import CHILD_ROLES, CorrespondenceLanguage, Involvement

from .models import AgencyCommitment, AgreementReviewOutcome, Consequence, FamilyExpectation, UnacceptableBehaviour

WRITTEN_HINT = _("One on each line, in the language of the agreement. Keep it short and plain.")


class AgreementForm(GovukForm):
    """Drafting an agreement from the case file (AGR-1). The choices become the family's words in their language."""

    language = forms.ChoiceField(label=_("Language of the agreement"), choices=CorrespondenceLanguage.choices,
                                 widget=forms.RadioSelect,
                                 help_text=_("The family's preferred language for letters is chosen for you."))
    people = forms.TypedMultipleChoiceField(label=_("Family members party to the agreement"), coerce=int,
                                            widget=forms.CheckboxSelectMultiple, required=False)
    behaviours = forms.MultipleChoiceField(label=_("Behaviour that is not acceptable"),
                                           choices=UnacceptableBehaviour.choices, widget=forms.CheckboxSelectMultiple,
                                           required=False)
    other_behaviours = forms.CharField(label=_("Other behaviour that is not acceptable"), widget=forms.Textarea,
                                       required=False, help_text=WRITTEN_HINT, max_length=5000)
    expectations = forms.MultipleChoiceField(label=_("What you expect from the family"),
                                             choices=FamilyExpectation.choices, widget=forms.CheckboxSelectMultiple,
                                             required=False)
    other_expectations = forms.CharField(label=_("Anything else you expect from the family"), widget=forms.Textarea,
                                         required=False, help_text=WRITTEN_HINT, max_length=5000)
    commitments = forms.MultipleChoiceField(label=_("What the family can expect from all the professionals"),
                                            choices=AgencyCommitment.choices, widget=forms.CheckboxSelectMultiple,
                                            required=False)
    consequences = forms.MultipleChoiceField(
        label=_("What will happen if things do not change"), choices=Consequence.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Explain the consequences of continued non-cooperation, up to an application for a court order."))
    other_consequences = forms.CharField(label=_("Other consequences"), widget=forms.Textarea, required=False,
                                         help_text=WRITTEN_HINT, max_length=5000)
    review_date = GovukDateField(label=_("Review date"), help_text=_("For example, 27 3 2027"))
    professionals = forms.TypedMultipleChoiceField(label=_("Professionals party to the agreement"), coerce=int,
                                                   widget=forms.CheckboxSelectMultiple, required=False)

    # Issue 13, finding 10: a commitment posted for an agency not involved with the family is refused, not dropped.
    offered_only = {"agency_": _("Only agencies involved with the family can make commitments")}

    def __init__(self, *args, family, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        adults = [p for p in family.members.order_by("role", "given_name") if p.role not in CHILD_ROLES]
        self.people_by_pk = {p.pk: p for p in adults}
        self.fields["people"].choices = [(p.pk, f"{p} ({p.get_role_display()})") for p in adults]
        involvements = list(Involvement.objects.filter(family=family, ended_on__isnull=True)
                            .select_related("agency", "lead_professional").order_by("agency__name"))
        candidates = {user.pk: user} if user.agency_id in {i.agency_id for i in involvements} else {}
        for inv in involvements:
            if inv.lead_professional is not None:
                candidates[inv.lead_professional_id] = inv.lead_professional
        if family.overall_lead_id and family.overall_lead_id not in candidates:
            lead = Professional.objects.select_related("agency").get(pk=family.overall_lead_id)
            if lead.agency_id in {i.agency_id for i in involvements}:
                candidates[lead.pk] = lead
        self.professionals_by_pk = candidates
        agency_names = {i.agency_id: i.agency.name for i in involvements}
        self.fields["professionals"].choices = [
            (p.pk, f"{p}, {agency_names.get(p.agency_id, '')}") for p in candidates.values()]
        self.agency_fields = []
        for inv in involvements:
            name = f"agency_{inv.agency_id}"
            self.fields[name] = forms.CharField(
                label=_("What the family can expect from %(agency)s") % {"agency": inv.agency.name},
                widget=forms.Textarea, required=False, max_length=2000,
                help_text=_("For example, how often they will visit and what they will help with."))
            self.agency_fields.append(name)
        self.order_fields(["language", "people", "behaviours", "other_behaviours", "expectations",
                           "other_expectations", "commitments", *self.agency_fields, "consequences",
                           "other_consequences", "review_date", "professionals"])

    def clean(self):
        data = super().clean()
        if self.errors:
            # Show the service's findings too, so every problem is listed at once; the service checks again.
            from .services import agreement_content_errors

            problems = agreement_content_errors(family=self.family, **self.service_kwargs())
            for name, messages in problems.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data.get("language", ""),
            "review_date": data.get("review_date"),
            "people": [self.people_by_pk[pk] for pk in data.get("people", [])],
            "professionals": [self.professionals_by_pk[pk] for pk in data.get("professionals", [])
                              if pk in self.professionals_by_pk],
            "behaviours": data.get("behaviours", []),
            "other_behaviours": data.get("other_behaviours", ""),
            "expectations": data.get("expectations", []),
            "other_expectations": data.get("other_expectations", ""),
            "commitments": data.get("commitments", []),
            "agency_commitments": {int(n.split("_", 1)[1]): data.get(n, "") for n in self.agency_fields},
            "consequences": data.get("consequences", []),
            "other_consequences": data.get("other_consequences", ""),
        }

    @staticmethod
    def initial_from_version(version) -> dict:
        initial = {
            "language": version.language, "review_date": version.review_date,
            "people": [p.pk for p in version.people.all()],
            "professionals": [p.pk for p in version.professionals.all()],
        }
        lists = {"behaviour": ("behaviours", "other_behaviours"), "family": ("expectations", "other_expectations"),
                 "agencies": ("commitments", None), "consequence": ("consequences", "other_consequences")}
        for key, (chosen, written) in lists.items():
            terms = [t for t in version.terms.all() if t.section == key]
            initial[chosen] = [t.code for t in terms if t.code]
            if written:
                initial[written] = "\n".join(t.text for t in terms if not t.code)
        for t in version.terms.all():
            if t.section == "agency" and t.agency_id:
                initial[f"agency_{t.agency_id}"] = t.text
        return initial


class BreachForm(GovukForm):
    term = forms.TypedChoiceField(label=_("Which term was breached"), coerce=int, widget=forms.RadioSelect)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea, max_length=5000,
                                  help_text=_("Factual: what was said or done, by whom, and who saw it."))
    occurred_on = GovukDateField(label=_("Date it happened"), past_only=True, required=False)
    occurred_time = forms.RegexField(label=_("Time it happened"), regex=r"^\s*([01]?\d|2[0-3])[:.][0-5]\d\s*$",
                                     required=False, help_text=_("For example, 14:30"),
                                     error_messages={"invalid": _("Enter a time like 14:30")},
                                     widget=forms.TextInput(attrs={"data-width": "short"}))

    def __init__(self, *args, terms, needs_time: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms_by_pk = {t.pk: t for t in terms}
        self.fields["term"].choices = [(t.pk, t.label) for t in terms]
        self.needs_time = needs_time
        if not needs_time:
            del self.fields["occurred_on"]
            del self.fields["occurred_time"]

    def clean(self):
        data = super().clean()
        if self.needs_time and not self.errors:
            if not data.get("occurred_on"):
                self.add_error("occurred_on", _("Enter the date it happened"))
            if not data.get("occurred_time"):
                self.add_error("occurred_time", _("Enter the time it happened"))
        return data

    def occurred_at(self):
        if not self.needs_time:
            return None
        hours, minutes = self.cleaned_data["occurred_time"].strip().replace(".", ":").split(":")
        return timezone.make_aware(datetime.combine(self.cleaned_data["occurred_on"], time(int(hours), int(minutes))))


class RespondForm(GovukForm):
    signed = forms.TypedChoiceField(
        label=_("What did the family do"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", _("Signed the agreement")), ("no", _("Refused to sign it"))])
    on = GovukDateField(label=_("Date"), past_only=True)
    people = forms.TypedMultipleChoiceField(label=_("Who signed or refused"), coerce=int,
                                            widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("What the family said"), widget=forms.Textarea, required=False, max_length=5000,
                           help_text=_("Needed if they refused: their reasons, in their words where you can."))
    signed_copy = forms.FileField(label=_("Scan or photo of the signed copy"), required=False,
                                  help_text=_("PDF, JPEG or PNG, smaller than 10 MB"), widget=forms.FileInput(
                                      attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.people_by_pk = {p.pk: p for p in version.people.all()}
        self.fields["people"].choices = [(p.pk, str(p)) for p in self.people_by_pk.values()]


class ReviewForm(GovukForm):
    outcome = forms.ChoiceField(label=_("Outcome of the review"), choices=AgreementReviewOutcome.choices,
                                widget=forms.RadioSelect)
    reviewed_on = GovukDateField(label=_("Date of the review"), past_only=True)
    note = forms.CharField(label=_("What was reviewed and decided"), widget=forms.Textarea, max_length=5000,
                           help_text=_("Include the family's view, and any breaches since the last review."))
    next_review_date = GovukDateField(label=_("Next review date"), required=False,
                                      help_text=_("Needed if the agreement continues"))
