"""Invitation e-mails with their .ics attachment, delivered the way notifications are (STYLE.md, and
doorstep/notifications/services.py): a row is written in the transaction that invites, a task sends it after
commit, a failure schedules a retry with a growing delay, and after the last attempt the row is marked failed
(shown on the meeting page) instead of being forgotten. A periodic catch-up job (doorstep/core/schedule.py)
re-queues rows left behind by a worker that died.

The e-mail says only that there is a meeting invitation (or a change, or a cancellation) in Doorstep, with a link:
no family reference, no kind of meeting ("Core group" would say a child is on a child protection plan), no place,
no agency and no names; the details are behind sign-in (issue 13, finding 9). The calendar entry carries the time,
which is what a calendar needs, and nothing more (ics.py).
"""

from datetime import timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .ics import meeting_calendar, site_url
from .models import CalendarMethod, DeliveryState, Invitation, InvitationEmail

MAX_ATTEMPTS = 8
# Retry after 30 s, 1, 2, 4 ... minutes.
RETRY_BASE_SECONDS = 30
# A row left in "sending" this long (a worker died mid-send) is tried again.
STUCK_AFTER = timedelta(minutes=5)


def invitation_email_queue(*, invitation: Invitation, method: str = CalendarMethod.REQUEST) -> InvitationEmail:
    """Write the e-mail row; call inside the transaction that invites. It is sent once that commits."""
    now = timezone.now()
    if not invitation.invitee.email or not invitation.invitee.is_active:
        return InvitationEmail.objects.create(
            invitation=invitation, method=method, sequence=invitation.meeting.sequence, state=DeliveryState.FAILED,
            last_error=_("No e-mail address for this person"),
        )
    row = InvitationEmail.objects.create(invitation=invitation, method=method, sequence=invitation.meeting.sequence,
                                         state=DeliveryState.CREATED, next_attempt_at=now)
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(pk: int) -> None:
    from .tasks import deliver_invitation_email

    deliver_invitation_email.enqueue(pk)


def invitation_email_claim(pk: int) -> InvitationEmail | None:
    """Claim one due e-mail for sending, or None if another worker has it or it is not due."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            InvitationEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=DeliveryState.CREATED, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return None
        row.state = DeliveryState.SENDING
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["state", "claimed_at", "attempts"])
    return InvitationEmail.objects.select_related("invitation__invitee", "invitation__meeting").get(pk=pk)


def invitation_email_message(row: InvitationEmail) -> EmailMessage:
    invitation = row.invitation
    meeting = invitation.meeting
    invitee = invitation.invitee
    language = invitee.preferred_language or settings.LANGUAGE_CODE
    link = site_url(f"/meetings/{meeting.pk}/")
    with override(language):
        if row.method == CalendarMethod.CANCEL:
            subject = _("Doorstep: a meeting has been cancelled")
            lines = [_("A meeting you were invited to in Doorstep has been cancelled."), "",
                     _("Sign in to Doorstep to see which meeting:"), link, "",
                     _("The attached calendar entry takes it out of your calendar.")]
        else:
            if row.sequence > 0:
                subject = _("Doorstep: a meeting invitation has changed")
                opening = _("A meeting you are invited to in Doorstep has a new time or place.")
            else:
                subject = _("Doorstep: meeting invitation")
                opening = _("You have a meeting invitation in Doorstep.")
            lines = [opening, "", _("Sign in to Doorstep to see the details and reply:"), link, "",
                     _("The calendar entry is attached.")]
        lines.append(_("This e-mail deliberately contains no details about any family or meeting."))
        body = "\n".join(lines)
        calendar = meeting_calendar(meeting=meeting, invitee=invitee, method=row.method, sequence=row.sequence,
                                    language=language)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitee.email])
    part = MIMEText(calendar.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", row.method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(part)
    return message


def invitation_email_deliver(pk: int) -> str:
    """Send one invitation e-mail; on failure schedule a retry, and after the last attempt mark it failed."""
    row = invitation_email_claim(pk)
    if row is None:
        return "not-due"
    try:
        invitation_email_message(row).send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001  (any failure to hand over to the mail server is recorded on the row)
        failed = row.attempts >= MAX_ATTEMPTS
        InvitationEmail.objects.filter(pk=row.pk).update(
            state=DeliveryState.FAILED if failed else DeliveryState.CREATED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if failed else timezone.now() + timedelta(
                seconds=RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)),
        )
        return "failed" if failed else "retry"
    InvitationEmail.objects.filter(pk=row.pk).update(state=DeliveryState.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def invitation_emails_catch_up(*, limit: int = 200) -> int:
    """The periodic catch-up: release rows stuck in "sending" and deliver every invitation e-mail that is due."""
    now = timezone.now()
    InvitationEmail.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        state=DeliveryState.CREATED, next_attempt_at=now
    )
    due = list(
        InvitationEmail.objects.filter(state=DeliveryState.CREATED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if invitation_email_deliver(pk) == "sent")
