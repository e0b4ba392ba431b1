"""Escalations are the protocol's rules made into tracked actions (ESC-1..12): each has an owner, an exact
deadline, the facts that raised it, a state and a history. The same facts never raise a second copy."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EscalationState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATES = (EscalationState.OPEN, EscalationState.ACKNOWLEDGED)


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
    state = models.CharField(_("state"), max_length=16, choices=EscalationState.choices, default=EscalationState.OPEN)
    # What raised it: a list of {"text": ..., "link": ...}, shown to the reader.
    facts = models.JSONField(_("why"), default=list, blank=True)
    # The record it is about (a meeting, a marker, a visit), by model label and key.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
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
        ]
        verbose_name = _("escalation")

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.title}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class EscalationEvent(models.Model):
    """The history of an escalation: raised, updated with new facts, acknowledged, done, cancelled, overdue."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=32)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
