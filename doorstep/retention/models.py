"""Retention and erasure (issue 20, UK GDPR Article 5(1)(e): kept no longer than necessary).

- `RetentionPeriod`: the retention schedule as an administrator has changed it, one row per kind of record; a kind
  without a row keeps its default (schedule.py `DEFAULTS`, each with its source).
- `RetentionReview`: the nightly review's answer for one family (due work is data): when its retention runs out,
  under which kind of record, and why. One row per family, recomputed once a day (scheduled.py).
- `LegalHold`: a records manager keeps a family from erasure (litigation, an inquiry, a subject access request in
  progress); a held family is never erased.
- `ErasureRequest`: erasure proposed by a records manager and decided by a second person (never the proposer);
  approving it anonymises the family (erasure.py) in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doorstep.core.texts import text_from_json, text_render


class RecordKind(models.TextChoices):
    # Issue 20: the circumstances the schedule distinguishes; a family is kept for the longest that applies.
    LOOKED_AFTER = "looked_after", _("Looked-after children's records")
    CHILD_PROTECTION = "child_protection", _("Child protection records")
    CHILDREN = "children", _("Children in need and health visiting records")
    ADULTS = "adults", _("Records about adults only")
    POLICE = "police", _("Police information, where the police were involved")


class HoldGround(models.TextChoices):
    LITIGATION = "litigation", _("Litigation, or a claim expected")
    INQUIRY = "inquiry", _("An inquiry, review or investigation")
    SUBJECT_ACCESS = "subject_access", _("A subject access request in progress")
    OTHER = "other", _("Another reason")


class ErasureState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for a second person's decision")
    ERASED = "erased", _("Approved: the family's records were erased")
    REFUSED = "refused", _("Refused")


class RetentionPeriod(models.Model):
    """A kind of record's retention as an administrator set it (issue 20: "configurable"). `years` is the birthday
    (a child's records) or the years after the last involvement ended (adults, police); `older_years` the birthday
    when the youngest child was 16 or 17 when the last involvement ended."""

    kind = models.CharField(_("kind of record"), max_length=32, choices=RecordKind.choices, primary_key=True)
    years = models.PositiveSmallIntegerField(_("years"))
    older_years = models.PositiveSmallIntegerField(_("years if the youngest child was 16 or 17"), null=True,
                                                   blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention period")


class RetentionReview(models.Model):
    """The nightly review of one family (issue 20): when its records may be erased, and why."""

    family = models.OneToOneField("families.Family", on_delete=models.CASCADE, primary_key=True,
                                  related_name="retention_review")
    computed_at = models.DateTimeField()
    # The day the last involvement ended (no agency involved since); null while an agency is involved.
    closed_on = models.DateField(null=True, blank=True)
    # Kept up to and including this day; null while an agency is involved.
    retain_until = models.DateField(null=True, blank=True)
    kind = models.CharField(_("kind of record"), max_length=32, choices=RecordKind.choices, blank=True)
    # [Text JSON, ...]: each kind of record that applies and its date, in the reader's language when read.
    reasons = models.JSONField(default=list)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["retain_until"], name="retention_review_until")]
        verbose_name = _("retention review")

    def reason_texts(self) -> list[str]:
        return [text_render(text_from_json(item)) for item in self.reasons or []]


class LegalHold(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="legal_holds")
    ground = models.CharField(_("ground"), max_length=32, choices=HoldGround.choices)
    note = models.TextField(_("about the hold"), blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_note = models.TextField(_("why the hold is lifted"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["family", "lifted_at"], name="legal_hold_family")]
        verbose_name = _("legal hold")

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ErasureRequest(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="erasure_requests")
    state = models.CharField(_("state"), max_length=16, choices=ErasureState.choices, default=ErasureState.PROPOSED)
    # What the proposal was made under: the kind of record and the date retention ran to.
    kind = models.CharField(_("kind of record"), max_length=32, choices=RecordKind.choices)
    retain_until = models.DateField(_("kept until"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["family"], condition=Q(state="proposed"),
                                    name="one_open_erasure_request_per_family"),
            # Issue 20: nothing is erased without a second person's approval.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                                   name="erasure_decided_by_a_second_person"),
        ]
        verbose_name = _("erasure request")
