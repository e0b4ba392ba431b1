"""Escalations are the protocol's rules made into tracked actions (ESC-1..12): each has an owner, an exact
deadline, the facts that raised it, a state and a history. The same facts never raise a second copy.

Beside them live the engine's own records: the rule settings an administrator changes (ESC-12), when each family
is next due for a time-based check (the sweep's due rows), evidence of non-compliance (the ESC-2 trigger) and the
consultations and meetings that must come before an involvement ends while access is difficult (ESC-6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import Names, text_shown

from .rules import rule_title


class EscalationState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (EscalationState.OPEN, EscalationState.ACKNOWLEDGED)
CLOSED_STATES = (EscalationState.DONE, EscalationState.CANCELLED)


class Escalation(models.Model):
    rule_id = models.CharField(_("rule"), max_length=16)  # the requirement ID, e.g. "ESC-2"
    clause = models.CharField(_("protocol clause"), max_length=100)  # e.g. "003 §7.9"
    # Identifies "the same facts": one active escalation per key (e.g. "ESC-1:family:12").
    key = models.CharField(max_length=200)
    title = models.CharField(_("action"), max_length=300)
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="escalations")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations")
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    # The day the clock started (the trigger), from which the deadline was counted.
    trigger_date = models.DateField(_("triggered on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=EscalationState.choices, default=EscalationState.OPEN)
    # What raised it: a list of {"text": ..., "link": ...}, shown to the reader.
    facts = models.JSONField(_("why"), default=list, blank=True)
    # The title and facts in the other languages, when the rule provided them: {"cy": {"title": ..., "facts": [...]}}.
    translations = models.JSONField(default=dict, blank=True)
    # The rule's settings when it was raised (ESC-12: a later change of settings applies to new escalations only).
    parameters = models.JSONField(default=dict, blank=True)
    # The record it is about (a meeting, a marker, a visit), by model label and key.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    # Issue 14: an outcome Doorstep wrote (not a person) as a sentence (`Text` JSON) shown in the reader's language;
    # `outcome` keeps it in the site's language, and holds a person's own words.
    outcome_text = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    # Overdue: escalated to the owner's manager once (ORG-3).
    overdue_escalated_at = models.DateTimeField(null=True, blank=True)
    overdue_escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(state__in=["open", "acknowledged"]),
                                    name="one_active_escalation_per_key")
        ]
        indexes = [
            models.Index(fields=["owner", "state", "deadline"], name="escalation_my_actions"),
            models.Index(fields=["family", "state"], name="escalation_family_state"),
            models.Index(fields=["state", "deadline"], name="escalation_due"),
            models.Index(fields=["source_type", "source_id"], name="escalation_source"),
            models.Index(fields=["overdue_escalated_to", "state"], name="escalation_escalated_to"),
            models.Index(fields=["family", "key", "closed_at"], name="escalation_family_key_closed"),
        ]
        verbose_name = _("escalation")

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.title}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.deadline is not None and self.deadline < timezone.now()

    def _translated(self, part: str, default):
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return (self.translations.get(language) or {}).get(part) or default

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the rule gave one."""
        return self._translated("title", self.title)

    @property
    def rule_title(self) -> str:
        """Issue 18: the rule's plain-language title in the reader's language ("Defaulted visits and appointments"),
        shown where actions are listed instead of its ID; the ID stays for the API and "Why Doorstep asks this"."""
        return rule_title(self.rule_id)

    @property
    def outcome_shown(self) -> str:
        return text_shown(self.outcome_text, self.outcome)

    @property
    def title_names(self) -> Names:
        """The title in every language it was given in, as a stored sentence's parameter (issue 14)."""
        names = {settings.LANGUAGE_CODE: self.title}
        names.update({lang: t["title"] for lang, t in (self.translations or {}).items() if t.get("title")})
        return Names(names)

    @property
    def display_facts(self) -> list[dict]:
        texts = self._translated("facts", None)
        if not texts or len(texts) != len(self.facts):
            return self.facts
        return [{**fact, "text": text} for fact, text in zip(self.facts, texts, strict=True)]


class EscalationEvent(models.Model):
    """The history of an escalation: raised, updated with new facts, acknowledged, done, cancelled, overdue."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=32)
    note = models.TextField(blank=True)
    # Issue 14: a note Doorstep wrote ("Escalated to ...") as a sentence shown in the reader's language; `note`
    # keeps it in the site's language and holds a person's own words.
    note_text = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]

    ACTION_LABELS = {
        "raised": _("Raised"),
        "updated": _("New facts"),
        "acknowledged": _("Acknowledged"),
        "done": _("Done"),
        "cancelled": _("Cancelled"),
        "overdue": _("Overdue: escalated to the manager"),
        "resolved": _("Resolved"),
        "transferred": _("Moved to another partnership"),  # issue 21: re-timed to its calendar
    }

    @property
    def action_display(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))

    @property
    def note_shown(self) -> str:
        return text_shown(self.note_text, self.note)


class RuleSetting(models.Model):
    """A partnership's settings for one rule (ESC-12, issue 21): thresholds and timescales, and whether it is
    switched on, from its protocol preset and then its administrators' changes. A rule without a row uses the
    protocol's defaults (rules.py)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="rule_settings")
    rule_id = models.CharField(max_length=16)
    enabled = models.BooleanField(default=True)
    parameters = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "rule_id"], name="one_rule_setting_per_partnership")]


class RuleSettingChange(models.Model):
    """Every change of a rule's settings, with who, when and why (P-3, ESC-12), in its partnership (issue 21)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, null=True,
                                    related_name="rule_setting_changes")
    rule_id = models.CharField(max_length=16)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["rule_id", "-changed_at"], name="rule_change_history")]


class FamilyCheck(models.Model):
    """When a family is next due for the time-based rules (a child not seen for N days, contact falling away).

    Due work is data (STYLE.md): the sweep claims due rows with `select_for_update(skip_locked=True)`, one family per
    transaction, and records a failure on the row rather than only logging it."""

    family = models.OneToOneField("families.Family", on_delete=models.CASCADE, primary_key=True, related_name="+")
    due_at = models.DateTimeField()
    evaluated_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="family_check_due")]


class NonComplianceFinding(models.Model):
    """ESC-2 (003 §7.9): evidence that the family is not complying while concerns for the children remain."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="non_compliance_findings")
    identified_on = models.DateField(_("date the evidence was identified"))
    evidence = models.TextField(_("evidence of non-compliance"))
    concerns = models.TextField(_("concerns that remain for the children"))
    # Whether any child was on a child protection plan when it was recorded: this decides the timescale.
    child_protection_plan = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["family", "recorded_at"], name="non_compliance_family")]
        verbose_name = _("evidence of non-compliance")


class ClosureStepKind(models.TextChoices):
    # ESC-6 (001 §5.1.19)
    CONSULTATION = "consultation", _("Consultation with another agency")
    MEETING = "meeting", _("Multi-agency meeting or child protection conference")


class ClosureStep(models.Model):
    """ESC-6 (001 §5.1.19): a consultation with another agency, or a meeting held, before an agency ends its
    involvement with a family while access is difficult."""

    involvement = models.ForeignKey("families.Involvement", on_delete=models.CASCADE, related_name="closure_steps")
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what was done"), max_length=16, choices=ClosureStepKind.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("agency consulted"))
    person = models.CharField(_("who was consulted or attended"), max_length=300, blank=True)
    held_on = models.DateField(_("date"))
    note = models.TextField(_("what was agreed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
