from django.db.models import Q, QuerySet

from .models import EmailState, Notification


def inbox_for(*, professional) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=professional).order_by("read_at", "-created_at", "-id")


def unread_count(*, professional) -> int:
    return Notification.objects.filter(recipient=professional, read_at__isnull=True).count()


def failed_emails() -> QuerySet[Notification]:
    """For administrators: e-mails that could not be delivered. Only who, what kind and why; no message."""
    return outbox_emails(state="failed")


OUTBOX_FILTERS = {
    "failed": Q(email_state=EmailState.FAILED),
    "retrying": Q(email_state=EmailState.CREATED, email_attempts__gt=0),
    "waiting": Q(email_state=EmailState.CREATED, email_attempts=0) | Q(email_state=EmailState.SENDING),
    "possibly-sent": Q(email_possibly_sent=True) & ~Q(email_state=EmailState.NONE),
}


def outbox_emails(*, state: str) -> QuerySet[Notification]:
    """For administrators (issue 16): the e-mails of one state of the outbox, oldest first. Only who, what kind,
    attempts, next try and last error; never the message."""
    return (
        Notification.objects.filter(OUTBOX_FILTERS[state])
        .order_by("created_at", "id")
        .select_related("recipient")
        .only("id", "kind", "created_at", "email_state", "email_attempts", "email_last_error", "email_next_attempt_at",
              "email_possibly_sent", "email_sent_at", "recipient__first_name",
              "recipient__last_name", "recipient__email", "recipient__username")
    )
