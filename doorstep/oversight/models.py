"""Management oversight (OVR-1, 004 §4.1): "case file audits to spot drift, and visits recorded that did not take
place".

- `DriftSignal`: one kind of drift a family shows, with its reasons (sentences stored as message ids and parameters,
  core/texts.py), recomputed nightly by the worker (oversight/scheduled.py). One row per family and kind; a kind
  that no longer holds is removed.
- `OversightCheck`: when a family's signals and discrepancies were last computed (due work is data).
- `VisitDiscrepancy`: an in-person contact that the lone-working record does not bear out, with the evidence. Shown
  to the worker's manager and to the worker, never as an accusation: the worker explains it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_from_json, text_render


class SignalKind(models.TextChoices):
    # OVR-1 (004 §4.1): what "drift" looks like in a family's record (issue 19).
    NO_CONTACT = "no_contact", _("No achieved contact")
    ACTIONS_OVERDUE = "actions_overdue", _("Plan actions overdue")
    REVIEW_OVERDUE = "review_overdue", _("Review meeting not held")
    ESCALATION_WITHOUT_MEETING = "escalation_no_meeting", _("Escalation closed without its meeting")
    NOT_SEEN_ALONE = "not_seen_alone", _("Child not seen alone")
    BACKING_OFF = "backing_off", _("Every agency's contact falling away")


class DiscrepancyKind(models.TextChoices):
    # OVR-1 (004 §4.1): visits recorded that did not take place, compared with the lone-working record (SAF-3).
    NO_SESSION = "no_session", _("Home visit recorded as seen with no visit session")
    OVERLAP = "overlap", _("Contact at the same time as a visit session elsewhere")
    LATE_RECORD = "late_record", _("Contact recorded long after a visit session that ended with no contact")


class Explanation(models.TextChoices):
    # The worker's explanation: the evidence is a question, never an accusation.
    SESSION_NOT_USED = "session_not_used", _("Visit session not used")
    JOINT_VISIT = "joint_visit", _("Joint visit recorded by a colleague")
    TIME_WRONG = "time_wrong", _("The time of the contact was recorded wrongly")
    OTHER = "other", _("Another reason")


def _render_all(stored: list) -> list[str]:
    return [text_render(text_from_json(item)) for item in stored or []]


class OversightCheck(models.Model):
    """When the worker last computed a family's drift signals and visit discrepancies."""

    family = models.OneToOneField("families.Family", on_delete=models.CASCADE, primary_key=True, related_name="+")
    computed_at = models.DateTimeField()


class DriftSignal(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="drift_signals")
    kind = models.CharField(_("signal"), max_length=32, choices=SignalKind.choices)
    # [Text JSON, ...]: why, in the reader's language when read.
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["family_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["family", "kind"], name="one_drift_signal_per_kind")]
        verbose_name = _("drift signal")

    def reason_texts(self) -> list[str]:
        return _render_all(self.reasons)


class VisitDiscrepancy(models.Model):
    contact = models.ForeignKey("engagement.Contact", on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what does not match"), max_length=16, choices=DiscrepancyKind.choices)
    # The visit session behind it, if any (overlap: the session elsewhere; late record: the session with no contact).
    visit = models.ForeignKey("visits.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    evidence = models.JSONField(default=list)  # [Text JSON, ...]
    found_at = models.DateTimeField()
    explanation = models.CharField(_("explanation"), max_length=24, choices=Explanation.choices, blank=True)
    explanation_note = models.TextField(_("more about it"), blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["contact", "kind"], name="one_discrepancy_per_contact_kind")]
        indexes = [models.Index(fields=["worker", "-found_at"], name="discrepancy_worker")]
        verbose_name = _("visit discrepancy")
        verbose_name_plural = _("visit discrepancies")

    def evidence_texts(self) -> list[str]:
        return _render_all(self.evidence)
