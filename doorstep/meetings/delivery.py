"""Invitation e-mails with their .ics attachment, sent through the one notifications outbox (issue 14).

`invitation_email_queue` writes an `InvitationEmail` (which e-mail: first sending, change, cancellation) and a
notification for the invitee, in the transaction that invites; `notifications.services` delivers it (rows first,
bounded retries, a stable Message-ID, an explicit failed state on the administrators' page, one catch-up job),
building the message with `invitation_email_build`.

The e-mail says only that there is a meeting invitation (or a change, or a cancellation) in Doorstep, with a link:
no family reference, no kind of meeting ("Core group" would say a child is on a child protection plan), no place,
no agency and no names; the details are behind sign-in (issue 13, finding 9). The calendar entry carries the time,
which is what a calendar needs, and nothing more (ics.py).
"""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import override

from doorstep.core.texts import Text
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.notifications.services import notify

from .ics import meeting_calendar, site_url
from .models import CalendarMethod, Invitation, InvitationEmail

IN_APP = {
    "new": gettext_noop("You are invited to a meeting"),
    "changed": gettext_noop("A meeting you are invited to has a new time or place"),
    "cancelled": gettext_noop("A meeting you were invited to has been cancelled"),
}


def invitation_email_queue(*, invitation: Invitation, method: str = CalendarMethod.REQUEST) -> InvitationEmail:
    """Write the e-mail's rows; call inside the transaction that invites. It is sent once that commits."""
    meeting = invitation.meeting
    row = InvitationEmail.objects.create(invitation=invitation, method=method, sequence=meeting.sequence)
    which = "cancelled" if method == CalendarMethod.CANCEL else "changed" if row.sequence > 0 else "new"
    message = Text(IN_APP[which])  # stored as a message id, shown in the reader's language (issue 14)
    # Mandatory: the calendar entry is how an invitee gets the meeting, whatever their e-mail choices.
    notes = notify(recipients=[invitation.invitee], kind=NotificationKind.MEETING, message=message,
                   link=f"/meetings/{meeting.pk}/", mandatory=True, dedupe_key=f"invitation-email:{row.pk}",
                   email_builder="meetings.invitation", email_params={"invitation_email": row.pk})
    if notes:
        row.notification = notes[0]
        row.save(update_fields=["notification"])
    return row


def invitation_email_build(notification: Notification) -> EmailMessage:
    """The outbox's builder for "meetings.invitation" (notifications.services.EMAIL_BUILDERS)."""
    row = InvitationEmail.objects.select_related("invitation__invitee", "invitation__meeting").get(
        pk=notification.email_params["invitation_email"])
    return invitation_email_message(row)


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
