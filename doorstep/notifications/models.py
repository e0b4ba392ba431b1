"""Notifications are rows first (STYLE.md): written in the transaction of the change that causes them, e-mailed
by a task after commit with bounded retries, ending in an explicit failed state that administrators see."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_shown


class NotificationKind(models.TextChoices):
    ACTION = "action", _("An action needs your attention")
    ACTION_OVERDUE = "action_overdue", _("An action is overdue")
    VIOLENCE = "violence", _("Violence or threats towards a professional")
    VISIT_OVERDUE = "visit_overdue", _("A colleague has not reported back from a visit")
    MARKER = "marker", _("A warning marker needs your attention")
    MEETING = "meeting", _("A meeting")
    PLAN = "plan", _("A plan action")
    SUPERVISION = "supervision", _("Supervision")
    GENERAL = "general", _("Doorstep")


# The protocol makes these e-mails mandatory: nobody can switch them off (ESC-4, SAF-3).
MANDATORY_KINDS = frozenset({NotificationKind.VIOLENCE, NotificationKind.VISIT_OVERDUE})


class EmailState(models.TextChoices):
    NONE = "none", _("Not e-mailed")
    CREATED = "created", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    # Shown in Doorstep to the signed-in recipient; never e-mailed (e-mails carry no family data).
    message = models.CharField(_("message"), max_length=500)
    # Issue 14: the message as a sentence (`Text` JSON), shown in the reader's language; `message` keeps it in the
    # recipient's language when it was written (and is all that notifications from before issue 14 have).
    message_text = models.JSONField(null=True, blank=True, editable=False)
    link = models.CharField(max_length=300, blank=True)
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    mandatory = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Idempotency: the same cause never notifies the same person twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    email_state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_last_error = models.TextField(blank=True)
    # Issue 16: a worker died while the mail server held this e-mail, so it may have arrived; any resend carries the
    # same Message-ID, and administrators see it as a possible duplicate.
    email_possibly_sent = models.BooleanField(default=False)
    # Issue 14 "one outbox": an e-mail built by another app (a meeting invitation with its .ics) names its builder
    # (notifications.services.EMAIL_BUILDERS) and the builder's parameters.
    email_builder = models.CharField(max_length=50, blank=True)
    email_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=Q(dedupe_key__isnull=False),
                                    name="notification_once_per_cause")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            models.Index(fields=["email_state", "email_next_attempt_at"], name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"

    @property
    def message_shown(self) -> str:
        return text_shown(self.message_text, self.message)

    @property
    def email_retrying(self) -> bool:
        return self.email_state == EmailState.CREATED and self.email_attempts > 0


class NotificationPreference(models.Model):
    """Which optional e-mails a person receives (in-app notifications always arrive)."""

    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["professional", "kind"], name="one_preference_per_kind")]
