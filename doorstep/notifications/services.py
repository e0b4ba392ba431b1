import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.module_loading import import_string
from django.utils.translation import override

from doorstep.core.texts import Text, text_store

from .models import MANDATORY_KINDS, EmailState, Notification, NotificationKind, NotificationPreference

log = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
# Retry after 30 s, 1, 2, 4 ... minutes: eight attempts span about an hour before the row is marked failed.
RETRY_BASE_SECONDS = 30
# A row left in "sending" this long (a worker died mid-send) is tried again by the catch-up.
STUCK_AFTER = timedelta(seconds=settings.DOORSTEP_EMAIL_STUCK_SECONDS)


def _wanting_email(recipients: list, kind: str, mandatory: bool) -> set[int]:
    """Which of the recipients are e-mailed: those with an address who have not turned e-mail off for the kind, or
    all of them when it is mandatory. One query for every recipient (issue 15: a rule may notify many at once)."""
    with_email = [r for r in recipients if r.email and r.is_active]
    if mandatory or kind in MANDATORY_KINDS:
        return {r.pk for r in with_email}
    off = set(NotificationPreference.objects.filter(professional__in=with_email, kind=kind, email=False)
              .values_list("professional_id", flat=True)) if with_email else set()
    return {r.pk for r in with_email if r.pk not in off}


def notify(
    *,
    recipients: Iterable,
    kind: NotificationKind,
    message,  # str | Text
    link: str = "",
    family=None,
    mandatory: bool = False,
    dedupe_key: str | None = None,
    email_builder: str = "",
    email_params: dict | None = None,
) -> list[Notification]:
    """Notify people in Doorstep and, where they want it (or the protocol requires it), by e-mail.

    Call inside the transaction of the change that causes it: the e-mail is queued only once that commits.
    With a dedupe_key, a recipient who already has a notification for that key is not notified again.
    A `message` Doorstep writes is a `Text`, shown in the reader's language (issue 14).
    """
    created = []
    unique = list({r.pk: r for r in recipients if r is not None}.values())
    # Issue 15: who was already notified of the cause, and who wants e-mail, looked up once for all recipients.
    if dedupe_key and unique:
        notified = set(Notification.objects.filter(recipient__in=unique, dedupe_key=dedupe_key)
                       .values_list("recipient_id", flat=True))
        unique = [r for r in unique if r.pk not in notified]
    emailed = _wanting_email(unique, kind, mandatory)
    now = timezone.now()

    def row(recipient) -> Notification:
        email = recipient.pk in emailed
        plain, stored = text_store(message, max_length=500, language=recipient.preferred_language)
        return Notification(
            recipient=recipient, kind=kind, message=plain, message_text=stored, link=link, family=family,
            mandatory=mandatory or kind in MANDATORY_KINDS, dedupe_key=dedupe_key,
            email_builder=email_builder, email_params=dict(email_params or {}),
            email_state=EmailState.CREATED if email else EmailState.NONE,
            email_next_attempt_at=now if email else None,
        )

    rows = [row(r) for r in unique]
    try:  # one INSERT for every recipient (issue 15)
        if rows:
            with transaction.atomic():
                created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # another worker notified one of them of the same cause at the same moment: one by one
        for note in rows:
            note.pk = None
            try:
                with transaction.atomic():
                    note.save(force_insert=True)
            except IntegrityError:
                continue
            created.append(note)
    ids = [n.pk for n in created if n.email_state == EmailState.CREATED]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_email

    for pk in ids:
        deliver_email.enqueue(pk)


def _enqueue_retry(pk: int, at) -> None:
    """Queue the next attempt for its time; if even that fails, the catch-up job finds the row (it is data)."""
    from .tasks import deliver_email

    try:
        deliver_email.using(run_after=at).enqueue(pk)
    except Exception:  # noqa: BLE001
        log.warning("Could not queue the next attempt for notification %s; the catch-up will", pk, exc_info=True)


# Issue 14 "one outbox": e-mails other apps build (with attachments) go through these rows too. Each builder is
# `fn(notification) -> EmailMessage` (without Message-ID: the outbox sets it), named here so a row names it by key.
EMAIL_BUILDERS: dict[str, str] = {
    "meetings.invitation": "doorstep.meetings.delivery.invitation_email_build",
}


def email_message(notification: Notification) -> EmailMessage:
    """The e-mail for a notification, always with its stable Message-ID."""
    if notification.email_builder:
        message = import_string(EMAIL_BUILDERS[notification.email_builder])(notification)
    else:
        subject, body = email_text(notification)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
    message.extra_headers["Message-ID"] = email_message_id(notification)
    return message


def email_text(notification: Notification) -> tuple[str, str]:
    """Subject and body of the e-mail: the kind of notification and a link, never family data."""
    with override(notification.recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Doorstep: %(kind)s") % {"kind": notification.get_kind_display()}
        body = _(
            "%(kind)s.\n\nSign in to Doorstep to see it:\n%(link)s\n\n"
            "This e-mail deliberately contains no details about any family."
        ) % {
            "kind": notification.get_kind_display(),
            "link": settings.DOORSTEP_SITE_URL.rstrip("/") + (notification.link or "/"),
        }
    return subject, body


def email_message_id(notification: Notification) -> str:
    """The same Message-ID on every attempt, so a mail server (and a test) can tell a retry from a new e-mail."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "doorstep"
    return f"<doorstep-notification-{notification.pk}@{domain}>"


def email_claim(notification_id: int) -> Notification | None:
    """Claim one due e-mail for sending, or None if another worker has it or it is not due."""
    now = timezone.now()
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, email_state=EmailState.CREATED, email_next_attempt_at__lte=now)
            .first()
        )
        if note is None:
            return None
        note.email_state = EmailState.SENDING
        note.email_claimed_at = now
        note.email_attempts += 1
        note.save(update_fields=["email_state", "email_claimed_at", "email_attempts"])
    return note


def email_deliver(notification_id: int) -> str:
    """Send one notification's e-mail; on failure schedule a retry, and after the last attempt mark it failed."""
    note = email_claim(notification_id)
    if note is None:
        return "not-due"
    try:
        email_message(note).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001  (any failure to hand over to the mail server is recorded on the row)
        failed = note.email_attempts >= MAX_EMAIL_ATTEMPTS
        retry_at = None if failed else timezone.now() + timedelta(
            seconds=RETRY_BASE_SECONDS * 2 ** (note.email_attempts - 1))
        Notification.objects.filter(pk=note.pk).update(
            email_state=EmailState.FAILED if failed else EmailState.CREATED,
            email_last_error=f"{type(exc).__name__}: {exc}"[:2000],
            email_next_attempt_at=retry_at,
        )
        if retry_at is not None:
            _enqueue_retry(note.pk, retry_at)
        return "failed" if failed else "retry"
    Notification.objects.filter(pk=note.pk).update(email_state=EmailState.SENT, email_sent_at=timezone.now(),
                                                   email_last_error="")
    email_backlog_release()
    return "sent"


def email_backlog_release(*, limit: int = 500) -> int:
    """Issue 16: the mail server is back (an e-mail just went), so the e-mails waiting out their back-off after
    failed attempts are due now, instead of each waiting up to its next try (minutes, after an outage)."""
    now = timezone.now()
    waiting = list(Notification.objects.filter(email_state=EmailState.CREATED, email_attempts__gt=0,
                                               email_next_attempt_at__gt=now)
                   .order_by("email_next_attempt_at").values_list("pk", flat=True)[:limit])
    if waiting:
        Notification.objects.filter(pk__in=waiting, email_state=EmailState.CREATED).update(email_next_attempt_at=now)
        _enqueue(waiting)
    return len(waiting)


def email_catch_up(*, limit: int = 200) -> int:
    """The periodic catch-up (the one outbox's only one): release rows stuck in "sending" and deliver every e-mail
    that is due. A stuck row's worker died while sending it, so the mail server may have it: it is sent again with the
    same Message-ID (at least once, never a new e-mail) and marked as possibly sent twice (issue 16)."""
    now = timezone.now()
    Notification.objects.filter(email_state=EmailState.SENDING, email_claimed_at__lt=now - STUCK_AFTER).update(
        email_state=EmailState.CREATED, email_next_attempt_at=now, email_possibly_sent=True,
        email_last_error="The worker stopped while sending: it may have been delivered",
    )
    due = list(
        Notification.objects.filter(email_state=EmailState.CREATED, email_next_attempt_at__lte=now)
        .order_by("email_next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if email_deliver(pk) == "sent")


def email_metrics() -> dict[str, int]:
    """How the outbox stands, for administrators and monitoring (issue 16)."""
    from django.db.models import Count

    return Notification.objects.exclude(email_state=EmailState.NONE).aggregate(
        waiting=Count("pk", filter=Q(email_state=EmailState.CREATED, email_attempts=0)),
        retrying=Count("pk", filter=Q(email_state=EmailState.CREATED, email_attempts__gt=0)),
        sending=Count("pk", filter=Q(email_state=EmailState.SENDING)),
        failed=Count("pk", filter=Q(email_state=EmailState.FAILED)),
        sent=Count("pk", filter=Q(email_state=EmailState.SENT)),
        possible_duplicates=Count("pk", filter=Q(email_possibly_sent=True)),
    )


@transaction.atomic
def email_retry_failed(*, by, notification: Notification | None = None) -> int:
    """An administrator sends failed or retrying e-mails again now (one, or all of them), with fresh attempts."""
    from doorstep.audit.models import AuditAction
    from doorstep.audit.services import audit_record

    if not getattr(by, "is_administrator", False):
        raise PermissionError("Only administrators retry e-mails")
    rows = Notification.objects.select_for_update().filter(
        Q(email_state=EmailState.FAILED) | Q(email_state=EmailState.CREATED, email_attempts__gt=0))
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    ids = list(rows.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(email_state=EmailState.CREATED, email_attempts=0,
                                                   email_next_attempt_at=timezone.now())
    for pk in ids:
        audit_record(actor=by, action=AuditAction.UPDATE, object_type="notifications.Notification",
                     object_id=str(pk), summary=Text(gettext_noop("Retried an undelivered e-mail")))
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def notification_mark_read(*, notification: Notification, by) -> Notification:
    if notification.recipient_id != by.pk:
        raise PermissionError("Not your notification")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def preferences_set(*, professional, email_kinds: Iterable[str]) -> None:
    wanted = set(email_kinds)
    with transaction.atomic():
        for kind in NotificationKind.values:
            if kind in MANDATORY_KINDS:
                continue
            NotificationPreference.objects.update_or_create(
                professional=professional, kind=kind, defaults={"email": kind in wanted}
            )
