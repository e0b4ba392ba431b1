"""Invitation e-mails with an iCalendar attachment that calendar programs accept (Europe/London), delivered rows
first with bounded retries, and arriving at a real SMTP server. They name no one in the family."""

import email
import socket
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext, override
from icalendar import Calendar

from doorstep.meetings import delivery, services
from doorstep.meetings.ics import meeting_calendar, site_url
from doorstep.meetings.models import SHORT_NAMES, CalendarMethod, DeliveryState, InvitationEmail, MeetingKind
from doorstep.notifications import services as notification_services
from doorstep.notifications import selectors as notification_selectors
from doorstep.notifications.models import Notification

from . import helpers as h

LONDON = ZoneInfo("Europe/London")
FAMILY_WORDS = ("Testing household", "Kelly", "Alfie", "Heol y Felin")


def _family_data(world, meeting) -> list[str]:
    """What an e-mail or a calendar entry must not carry (issue 13, finding 9): the family, its people, the kind of
    meeting (a core group says a child is on a child protection plan), the place, the reason, the agency, names."""
    kinds = [str(label) for _value, label in MeetingKind.choices] + [str(name) for name in SHORT_NAMES.values()]
    with override("cy"):
        kinds += [str(label) for _value, label in MeetingKind.choices] + [str(n) for n in SHORT_NAMES.values()]
    return [*FAMILY_WORDS, world.family.reference, world.family.name, meeting.location, "Civic Centre", meeting.reason,
            meeting.calling_agency.name, str(meeting.chair), str(meeting.minute_taker), *kinds,
            *(str(i.invitee) for i in meeting.invitations.all())]


def _assert_no_family_data(world, meeting, *texts):
    # Calendar lines are folded at 75 octets: unfold them before looking.
    text = "\n".join(texts).replace("\r\n ", "").replace("\n ", "")
    assert [word for word in _family_data(world, meeting) if word and word in text] == []


def _parse(ics: bytes) -> Calendar:
    calendar = Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar


@pytest.mark.parametrize("start, utc_offset", [
    # Each called two days before it starts: the clock is set before the world is built (issue 12).
    pytest.param(datetime(2026, 11, 25, 10, 0, tzinfo=LONDON), timedelta(0), marks=pytest.mark.clock("2026-11-23 10:00"),
                 id="GMT"),
    pytest.param(datetime(2027, 6, 10, 14, 30, tzinfo=LONDON), timedelta(hours=1),
                 marks=pytest.mark.clock("2027-06-08 14:30"), id="BST"),
])
def test_the_ics_parses_and_carries_the_europe_london_time_zone(world, start, utc_offset):
    meeting = h.call_marp(world, starts_in=timedelta(days=2))
    invitee = world.users["other_involved"]
    calendar = _parse(meeting_calendar(meeting=meeting, invitee=invitee, method="REQUEST", sequence=0))
    assert calendar["METHOD"] == "REQUEST"
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/London"
    # The VTIMEZONE itself gives the right offsets in winter and in summer, as a calendar program computes them.
    tz = vtimezone.to_tz()
    assert datetime(2026, 1, 15, 12, 0, tzinfo=tz).utcoffset() == timedelta(0)
    assert datetime(2026, 7, 15, 12, 0, tzinfo=tz).utcoffset() == timedelta(hours=1)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.start == start and event.start.utcoffset() == utc_offset
    assert event.end == start + timedelta(minutes=60)
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1" and event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Doorstep meeting" and "LOCATION" not in event
    assert str(event["ATTENDEE"]) == f"mailto:{invitee.email}"
    _assert_no_family_data(world, meeting, calendar.to_ical().decode())


def test_a_cancellation_is_method_cancel_with_a_higher_sequence(world):
    meeting = h.call_marp(world)
    services.meeting_cancel(meeting=meeting, by=world.users["involved_manager"], reason="Moved away")
    meeting.refresh_from_db()
    calendar = _parse(meeting_calendar(meeting=meeting, invitee=world.users["involved_manager"], method="CANCEL",
                                       sequence=meeting.sequence))
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "alarms", "email"]}}
    yield sink
    controller.stop()


def test_invitations_arrive_at_a_real_smtp_server_once_the_invitation_commits(world, smtp_server,
                                                                              django_capture_on_commit_callbacks):
    meeting = h.call_marp(world)
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations = h.invite(world, meeting, "other_involved", "uninvolved")
        assert smtp_server.messages == []  # nothing leaves before the transaction commits
    received = {}
    for envelope in smtp_server.messages:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        if calendars:
            received[envelope.rcpt_tos[0]] = (message, calendars[0])
    assert set(received) == {"police.worker@example.org", "housing.worker@example.org"}
    for address, (message, part) in received.items():
        assert part.get_param("method") == "REQUEST" and part.get_filename() == "invite.ics"
        calendar = _parse(part.get_payload(decode=True))
        assert calendar.walk("VEVENT")[0]["DTSTART"].params["TZID"] == "Europe/London"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert message["Subject"] == "Doorstep: meeting invitation"
        assert f"/meetings/{meeting.pk}/" in body
        _assert_no_family_data(world, meeting, message["Subject"], body, part.get_payload(decode=True).decode())
    assert all(InvitationEmail.objects.get(invitation=i).state == DeliveryState.SENT for i in invitations)


def _unused_port(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2


def test_a_mail_server_that_is_down_is_retried_with_growing_delays_then_the_row_fails(world, settings, time_machine):
    """Issue 14 "one outbox": an invitation e-mail is a notification of the outbox, retried and failed as they are."""
    time_machine.move_to(timezone.now(), tick=False)
    (invitation,) = h.invite(world, h.call_marp(world), "other_involved")
    row = InvitationEmail.objects.get(invitation=invitation)
    _unused_port(settings)
    delays = []
    for attempt in range(1, notification_services.MAX_EMAIL_ATTEMPTS + 1):
        result = notification_services.email_deliver(row.notification_id)
        row = InvitationEmail.objects.select_related("notification").get(pk=row.pk)
        assert row.attempts == attempt and row.last_error
        if attempt < notification_services.MAX_EMAIL_ATTEMPTS:
            assert result == "retry" and row.state == DeliveryState.CREATED
            delays.append(row.notification.email_next_attempt_at - timezone.now())
            assert notification_services.email_deliver(row.notification_id) == "not-due"
            time_machine.move_to(row.notification.email_next_attempt_at)
    assert result == "failed" and row.state == DeliveryState.FAILED and row.notification.email_next_attempt_at is None
    assert delays[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    # ...and it is on the administrators' one page of undelivered e-mails.
    assert row.notification in notification_selectors.failed_emails()


def test_the_one_catch_up_job_sends_invitations_left_behind_by_a_dead_worker(world, time_machine):
    (invitation,) = h.invite(world, h.call_marp(world), "other_involved")
    row = InvitationEmail.objects.get(invitation=invitation)
    Notification.objects.filter(pk=row.notification_id).update(email_state="sending", email_claimed_at=timezone.now())
    assert notification_services.email_catch_up() >= 2  # the chair's and minute-taker's invitations were due
    row = InvitationEmail.objects.select_related("notification").get(pk=row.pk)
    assert row.state == DeliveryState.SENDING  # not stuck long enough: another worker may be sending it
    mail.outbox.clear()
    time_machine.move_to(timezone.now() + notification_services.STUCK_AFTER + timedelta(seconds=1))
    assert notification_services.email_catch_up() == 1
    row = InvitationEmail.objects.select_related("notification").get(pk=row.pk)
    assert row.state == DeliveryState.SENT and row.notification.email_possibly_sent
    (message,) = [m for m in mail.outbox if "police.worker@example.org" in m.to]
    assert message.extra_headers["Message-ID"] == f"<doorstep-notification-{row.notification_id}@localhost>"
    assert [p.get_content_type() for p in message.message().walk()][-1] == "text/calendar"


def test_someone_without_an_address_is_recorded_as_failed_at_once(world):
    police = world.users["other_involved"]
    police.email = ""
    police.save()
    (invitation,) = h.invite(world, h.call_marp(world), "other_involved")
    row = InvitationEmail.objects.get(invitation=invitation)
    assert row.state == DeliveryState.FAILED and "No e-mail address" in row.last_error


def test_the_cancellation_email_says_so(world):
    meeting = h.call_marp(world)
    services.meeting_cancel(meeting=meeting, by=world.users["involved_manager"], reason="x")
    row = InvitationEmail.objects.filter(method=CalendarMethod.CANCEL).first()
    message = delivery.invitation_email_message(row)
    assert message.subject == "Doorstep: a meeting has been cancelled" and "has been cancelled" in message.body


def _texts(row) -> tuple[str, str, str]:
    message = delivery.invitation_email_message(row)
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return message.subject, message.body, part.get_payload(decode=True).decode()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_invitation_new_time_and_cancellation_emails_say_only_that_there_is_a_meeting_in_doorstep(world, language):
    """Issue 13, finding 9: subject, body and calendar entry carry the link and the time, and no family data."""
    police = world.users["other_involved"]
    police.preferred_language = language
    police.save(update_fields=["preferred_language"])
    meeting = h.call_marp(world)
    (invitation,) = h.invite(world, meeting, "other_involved")
    services.meeting_reschedule(meeting=meeting, by=world.users["involved_manager"],
                                starts_at=meeting.starts_at + timedelta(hours=2), duration_minutes=90,
                                location="Heol y Felin family centre", reason="The room was double-booked")
    services.meeting_cancel(meeting=meeting, by=world.users["involved_manager"], reason="Alfie has moved away")
    meeting.refresh_from_db()
    rows = {(r.method, r.sequence > 0): r for r in InvitationEmail.objects.filter(invitation=invitation)}
    assert set(rows) == {("REQUEST", False), ("REQUEST", True), ("CANCEL", True)}
    subjects = []
    for row in rows.values():
        subject, body, ics = _texts(row)
        subjects.append(subject)
        assert site_url(f"/meetings/{meeting.pk}/") in body.splitlines()
        _assert_no_family_data(world, meeting, subject, body, ics)
        for word in ("Heol y Felin family centre", "double-booked", "moved away"):
            assert word not in subject + body + ics
        (event,) = Calendar.from_ical(ics).walk("VEVENT")
        assert "LOCATION" not in event and event.start is not None  # the time stays: a calendar needs it
        assert f"/meetings/{meeting.pk}/" in str(event["DESCRIPTION"]) and "CN" not in event["ATTENDEE"].params
    english = ["Doorstep: a meeting has been cancelled", "Doorstep: a meeting invitation has changed",
               "Doorstep: meeting invitation"]
    with override(language):
        assert sorted(subjects) == sorted(gettext(s) for s in english)
    assert (sorted(subjects) == english) == (language == "en")  # the Welsh is there, not the English again


def test_no_email_of_a_meetings_life_carries_family_data(world):
    """Issue 13, finding 9, for every e-mail a meeting causes: invitations (with a specialist), the tracked actions,
    the plan's actions and the circulation of the minutes (notifications say only their kind, with a link)."""
    mail.outbox.clear()
    minutes = h.circulated(world)
    notification_services.email_catch_up()
    meeting = minutes.meeting
    subjects = {m.subject for m in mail.outbox}
    assert {"Doorstep: meeting invitation", "Doorstep: A meeting", "Doorstep: A plan action"} <= subjects
    for message in mail.outbox:
        attachments = [part.get_payload(decode=True).decode() for part in message.message().walk()
                       if part.get_content_type() == "text/calendar"]
        _assert_no_family_data(world, meeting, message.subject, message.body, *attachments)
        for word in ("Joint visit", "Children not seen", "health visitor", "Specialist housing advice"):
            assert word not in message.subject + message.body
