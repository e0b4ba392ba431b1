"""Subject access requests (RIG-1, 004 §4.2; UK GDPR Articles 12 and 15; issue 20).

A disclosure officer of an agency involved with the family records a request about one person of the family; its
deadline (one calendar month, extendable by two more) is a tracked action of the rules engine (rules.py). Gathering
copies every record about the person into `DisclosureItem`s, each with its agency; other agencies whose records are
included are consulted (`Consultation`, a tracked action of their disclosure officer); the officer reviews each
item's `Redaction`s; the officer's manager approves; the release is recorded. The redaction log stays in Doorstep:
only the bundle (bundle.py) is released, and it never holds redacted text.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_render, value_from_json
from doorstep.families.models import CorrespondenceLanguage


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", _("The person themself")
    PARENT = "parent", _("A parent, for their child")
    REPRESENTATIVE = "representative", _("A representative with the person's authority")


class IdentityCheck(models.TextChoices):
    PHOTO_ID = "photo_id", _("Photographic identification seen")
    DOCUMENTS = "documents", _("Documents with name and address seen")
    KNOWN = "known", _("Known to the worker, confirmed in person")
    AUTHORITY = "authority", _("Written authority and the representative's identification seen")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    GATHERED = "gathered", _("Records gathered: redaction review")
    SUBMITTED = "submitted", _("Waiting for a manager's approval")
    APPROVED = "approved", _("Approved for release")
    RELEASED = "released", _("Released")


# RIG-1 (UK GDPR Article 12(3)): one month, extendable by two further months; never beyond three from receipt.
ANSWER_MONTHS = 1
MAX_MONTHS = 3


class SubjectAccessRequest(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="subject_access_requests")
    subject = models.ForeignKey("families.Person", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("who the request is about"))
    requester_kind = models.CharField(_("who is asking"), max_length=16, choices=RequesterKind.choices)
    requester_name = models.CharField(_("name of the person asking"), max_length=200, blank=True)
    identity_check = models.CharField(_("how identity was checked"), max_length=16, choices=IdentityCheck.choices)
    identity_checked_on = models.DateField(_("when identity was checked"))
    received_on = models.DateField(_("received on"))
    language = models.CharField(_("the requester's language"), max_length=2, choices=CorrespondenceLanguage.choices)
    # The deadline: one calendar month from receipt (core.workingdays.add_calendar_months), or as extended.
    due_on = models.DateField(_("answer by"))
    extended_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(_("why more time is needed"), blank=True)
    # The letter telling the requester of the extension: stored as message ids (`Text` JSON), read in their language.
    extension_letter = models.JSONField(null=True, blank=True, editable=False)
    extended_at = models.DateTimeField(null=True, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("disclosure officer"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.RECEIVED)
    gathered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    released_on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("subject access request")
        indexes = [
            models.Index(fields=["agency", "state"], name="sar_agency_state"),
            models.Index(fields=["received_on"], name="sar_received"),
            models.Index(fields=["family", "state"], name="sar_family_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(state="released") | models.Q(approved_by__isnull=False),
                                   name="sar_released_only_when_approved"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != RequestState.RELEASED

    @property
    def extension_letter_shown(self) -> list[str]:
        """The letter telling the requester of the extension, in the requester's language."""
        return [text_render(value_from_json(p), self.language) for p in (self.extension_letter or [])]


class ItemKind(models.TextChoices):
    FAMILY = "family", _("Family record")
    PERSON = "person", _("Person record")
    CONTACT = "contact", _("Contact")
    CHRONOLOGY = "chronology", _("Chronology entry")
    INCIDENT = "incident", _("Incident")
    MARKER = "marker", _("Warning marker")
    MINUTES = "minutes", _("Meeting minutes")
    PLAN = "plan", _("Plan action")
    AGREEMENT = "agreement", _("Written agreement")
    BREACH = "breach", _("Breach of a written agreement")
    LETTER = "letter", _("Letter sent")
    DECISION = "decision", _("Supervision decision")
    VISIT = "visit", _("Visit plan")


class DisclosureItem(models.Model):
    """One record about the subject, copied when gathered: its title (a `Text` JSON) and its lines, each
    {"label": <Text JSON>, "value": <stored value>, "own": <the subject's own words>}."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind of record"), max_length=16, choices=ItemKind.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_type = models.CharField(max_length=100)
    source_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(null=True, blank=True)
    title = models.JSONField()
    lines = models.JSONField(default=list)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "source_type", "source_id"],
                                               name="sar_item_once_per_record")]

    def __str__(self) -> str:
        return f"{self.request}: {self.source_type} {self.source_id}"

    @property
    def title_shown(self) -> str:
        return text_render(value_from_json(self.title))

    @property
    def proposed_count(self) -> int:
        return sum(1 for r in self.redactions.all() if r.state == "proposed")

    @property
    def withheld_count(self) -> int:
        return sum(1 for r in self.redactions.all() if r.state != "removed")


class ConsultationState(models.TextChoices):
    OPEN = "open", _("Waiting for the agency's answer")
    NO_OBJECTION = "no_objection", _("No objection to release")
    OBJECTION = "objection", _("Asked for information to be withheld")


class Consultation(models.Model):
    """P-4, RIG-1: an agency whose records are in the bundle is consulted before release."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("answer by"))
    state = models.CharField(_("state"), max_length=16, choices=ConsultationState.choices,
                             default=ConsultationState.OPEN)
    response = models.TextField(_("what should be withheld, and why"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["request", "agency"], name="sar_one_consultation_per_agency")]

    @property
    def is_open(self) -> bool:
        return self.state == ConsultationState.OPEN


class RedactionGround(models.TextChoices):
    # The code is what the bundle's box shows; the covering letter explains each (DPA 2018 Schedules 2 and 3).
    THIRD_PARTY = "TP", _("Third party information")
    SERIOUS_HARM = "SH", _("Serious harm")
    LEGAL_PRIVILEGE = "LP", _("Legal professional privilege")
    CRIME = "CP", _("Prevention or detection of crime")
    OTHER = "OT", _("Other")


class RedactionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REMOVED = "removed", _("Removed: released")


class Redaction(models.Model):
    """Text withheld from one item, with its ground. Proposed automatically (the names and identifiers of people
    other than the subject that the record knows) or added by the officer; confirmed or removed by the officer. A
    proposal not yet removed is withheld."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="redactions")
    text = models.CharField(_("text to withhold"), max_length=500)
    ground = models.CharField(_("ground"), max_length=2, choices=RedactionGround.choices)
    other_reason = models.CharField(_("the other ground"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RedactionState.choices,
                             default=RedactionState.PROPOSED)
    # Proposed by Doorstep: never applied to what the subject said themself (RIG-1: not withheld from them).
    automatic = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "text"], name="sar_redaction_once_per_text")]

    @property
    def applies(self) -> bool:
        return self.state != RedactionState.REMOVED
