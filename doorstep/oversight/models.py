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


# --- Case-file audit rounds (OVR-1, 004 §4.1: "audits of case files on a regular basis") ------------------------

class Grade(models.TextChoices):
    GOOD = "good", _("Good")
    REQUIRES_IMPROVEMENT = "requires_improvement", _("Requires improvement")
    INADEQUATE = "inadequate", _("Inadequate")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# The grades that are findings: each becomes a tracked action for the family's lead professional (rule OVR-1A).
FINDING_GRADES = (Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)


class RoundState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RoundScope(models.TextChoices):
    # Single agency: the planner's agency's families; multi-agency: every family the partnership works with.
    AGENCY = "agency", _("Single agency")
    PARTNERSHIP = "partnership", _("Multi-agency")


class SampleMethod(models.TextChoices):
    RANDOM = "random", _("At random")
    DRIFT = "drift", _("Families with drift signals or visit records to check")
    CASELOAD = "caseload", _("A worker's caseload")
    CONTACTS = "contacts", _("Families with contacts in the period")


class AuditQuestion(models.Model):
    """A question of the partnership's case-file audit (issue 19: configurable). A question is never changed once
    asked: a new wording is a new question and the old one is retired, so a closed round keeps its questions.
    `wording` is a sentence (core/texts.py): a message id for the protocol's defaults (English and Welsh), or
    `Names` {"en": ..., "cy": ...} for a question a manager wrote."""

    # Issue 21: each partnership keeps its own question set (indexed: a deployment may be partitioned by partnership).
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="audit_questions", verbose_name=_("partnership"))
    key = models.CharField(max_length=40, blank=True)  # the default question's name, blank for one written here
    wording = models.JSONField()
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("asked in new rounds"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("audit question")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return text_render(text_from_json(self.wording))

    @property
    def wording_text(self):
        """The wording as a stored sentence's parameter (in the reader's language when read)."""
        return text_from_json(self.wording)


class AuditRound(models.Model):
    """A case-file audit round (OVR-1): planned by a manager or a designated auditor, a sample of families, the
    partnership's questions; planned -> open -> closed. While it is open its auditor reads its families under an
    audit grant (core/access.py, `audit_grant`), which ends when it closes."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    scope = models.CharField(_("scope"), max_length=16, choices=RoundScope.choices, default=RoundScope.AGENCY)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")  # the planner's
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.PLANNED)
    method = models.CharField(_("how the families were chosen"), max_length=16, choices=SampleMethod.choices)
    sample_size = models.PositiveIntegerField(_("number of families"))
    # Reproducible: the same seed over the same eligible families picks the same sample (recorded and shown).
    seed = models.BigIntegerField(_("random seed"))
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("worker"))  # SampleMethod.CASELOAD
    questions = models.ManyToManyField(AuditQuestion, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit round")
        indexes = [models.Index(fields=["planned_by", "state"], name="audit_round_auditor")]

    def __str__(self) -> str:
        return self.title


class AuditedFamily(models.Model):
    """A family in a round's sample, and its audit form's progress."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="families")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "family"], name="one_audit_per_family_per_round")]
        indexes = [models.Index(fields=["family", "round"], name="audited_family_grant")]


class AuditAnswer(models.Model):
    """One question answered for one family: a grade, the evidence (links to the family's chronology entries, each of
    which links to its record) and a note. A finding (FINDING_GRADES) is a tracked action of the lead professional."""

    audited = models.ForeignKey(AuditedFamily, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=24, choices=Grade.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField("chronology.ChronologyEntry", blank=True, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField()
    escalation = models.ForeignKey("escalations.Escalation", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["audited_id", "question__position", "question_id"]
        constraints = [models.UniqueConstraint(fields=["audited", "question"], name="one_answer_per_question")]

    @property
    def is_finding(self) -> bool:
        return self.grade in FINDING_GRADES
