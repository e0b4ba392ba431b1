from django.db.models import QuerySet

from .models import EmailState, Notification


def inbox_for(*, professional) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=professional).order_by("read_at", "-created_at", "-id")


def unread_count(*, professional) -> int:
    return Notification.objects.filter(recipient=professional, read_at__isnull=True).count()


def failed_emails() -> QuerySet[Notification]:
    """For administrators: e-mails that could not be delivered. Only who, what kind and why; no message."""
    return (
        Notification.objects.filter(email_state=EmailState.FAILED)
        .select_related("recipient")
        .only("id", "kind", "created_at", "email_attempts", "email_last_error", "recipient__first_name",
              "recipient__last_name", "recipient__email", "recipient__username")
    )
