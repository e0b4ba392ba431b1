"""A respectful, factual record (RIG-2) and the right to have it corrected (UK GDPR Article 16).

- `RecordingTerm`: the partnership's list for the recording check (check.py), maintained by an administrator.
  Nothing records who wrote what the check found: the check is informational, never a judgement about the worker.
- `CorrectionRequest`: a person's request to correct a record about them, logged by any involved worker and decided
  by the record's own agency within one calendar month (a tracked action, rule RIG-2): corrected (the earlier
  version kept), or not corrected (the person's statement attached to the record and shown wherever it is shown).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TermLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


class RecordingTerm(models.Model):
    """A word or phrase that judges or labels a family, and the prompt towards the facts shown instead (RIG-2)."""

    # Issue 21: each partnership keeps its own list (indexed: a deployment may be partitioned by partnership).
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="recording_terms", verbose_name=_("partnership"))
    term = models.CharField(_("word or phrase"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=TermLanguage.choices)
    suggestion = models.CharField(_("suggested factual alternative or prompt"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["language", "term", "id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "language", "term"],
                                               name="recording_term_once_per_partnership")]
        verbose_name = _("recording check term")

    def __str__(self) -> str:
        return self.term


class RecordKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    INCIDENT = "incident", _("Incident")
    ENTRY = "entry", _("Chronology entry")
    PERSON = "person", _("A person's details")


class CorrectionState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting a decision")
    CORRECTED = "corrected", _("Corrected")
    NOT_CORRECTED = "not_corrected", _("Not corrected: statement attached")


class CorrectionRequest(models.Model):
    """A person's request to correct a record about them (UK GDPR Article 16). Exactly one of `contact`, `incident`,
    `entry` and `person_details` is the record; `agency` is the record's agency, which decides (for a person's
    details, which every involved agency keeps, the agency of the family's overall lead)."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="correction_requests")
    record_kind = models.CharField(_("record"), max_length=16, choices=RecordKind.choices)
    contact = models.ForeignKey("engagement.Contact", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="correction_requests")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="correction_requests")
    entry = models.ForeignKey("chronology.ChronologyEntry", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="correction_requests")
    person_details = models.ForeignKey("families.Person", on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="correction_requests_about")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("families.Person", on_delete=models.PROTECT, related_name="correction_requests",
                               verbose_name=_("who asked"))
    requested_through = models.CharField(_("asked through"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    request_text = models.TextField(_("what they say is wrong, in their words"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)
    # One calendar month from receipt (core.workingdays.add_calendar_months).
    due_on = models.DateField(_("decision due by"))
    state = models.CharField(_("state"), max_length=16, choices=CorrectionState.choices,
                             default=CorrectionState.AWAITING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    # Not corrected: the person's statement, in their words, attached to the record.
    statement = models.TextField(_("the person's statement"), blank=True)
    # Corrected: the record's words before and after (a contact also keeps its earlier version, ContactRevision; a
    # person's details their history). For a person's details, `before_text` is taken when the request is logged.
    before_text = models.TextField(blank=True)
    after_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["family", "state"], name="correction_family_state")]
        constraints = [models.CheckConstraint(
            condition=(models.Q(contact__isnull=False, incident__isnull=True, entry__isnull=True,
                                person_details__isnull=True)
                       | models.Q(contact__isnull=True, incident__isnull=False, entry__isnull=True,
                                  person_details__isnull=True)
                       | models.Q(contact__isnull=True, incident__isnull=True, entry__isnull=False,
                                  person_details__isnull=True)
                       | models.Q(contact__isnull=True, incident__isnull=True, entry__isnull=True,
                                  person_details__isnull=False)),
            name="correction_one_record")]
        verbose_name = _("request to correct a record")

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()} {self.record_id}: {self.get_state_display()}"

    @property
    def record_id(self) -> int | None:
        return self.contact_id or self.incident_id or self.entry_id or self.person_details_id

    @property
    def awaiting(self) -> bool:
        return self.state == CorrectionState.AWAITING
