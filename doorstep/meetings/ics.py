"""The iCalendar (RFC 5545) attachment of a meeting invitation, in the Europe/London time zone.

Calendar programs accept an invitation whose times carry a TZID and whose calendar defines that time zone in a
VTIMEZONE. The VTIMEZONE is the compact rule-based definition of UK time (BST from the last Sunday of March at
01:00 UTC, GMT from the last Sunday of October), the form Outlook and Google Calendar themselves send, rather than
a list of transition dates that stops in 2038.

Like the e-mail, the event carries no family data (issue 13, finding 9): a calendar is read by assistants, synced
to phones and shared, so it has the time (what a calendar needs) and a link, but no family reference, no kind of
meeting, no place and no names. The details are in Doorstep, behind sign-in.
"""

from datetime import datetime, timezone as dt_timezone
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

LONDON = "Europe/London"

VTIMEZONE_EUROPE_LONDON = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:BST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:GMT
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def site_url(path: str) -> str:
    return settings.DOORSTEP_SITE_URL.rstrip("/") + path


def event_uid(meeting) -> str:
    host = urlparse(settings.DOORSTEP_SITE_URL).hostname or "doorstep"
    return f"meeting-{meeting.pk}@{host}"


def meeting_calendar(*, meeting, invitee, method: str, sequence: int, language: str = "en") -> bytes:
    """The .ics for one invitee: METHOD REQUEST (invitation or new time) or CANCEL."""
    london = ZoneInfo(LONDON)
    with override(language):
        summary = _("Doorstep meeting")
        description = _(
            "A meeting in Doorstep. Sign in to see the details and reply: %(link)s\n"
            "This calendar entry deliberately contains no details about any family or meeting."
        ) % {"link": site_url(f"/meetings/{meeting.pk}/")}
    cal = Calendar()
    cal.add("prodid", "-//Doorstep//Multi-agency meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(Timezone.from_ical(VTIMEZONE_EUROPE_LONDON))
    event = Event()
    event.add("uid", event_uid(meeting))
    event.add("dtstamp", datetime.now(dt_timezone.utc).replace(microsecond=0))
    event.add("sequence", sequence)
    event.add("dtstart", timezone.localtime(meeting.starts_at, london).replace(microsecond=0))
    event.add("dtend", timezone.localtime(meeting.ends_at, london).replace(microsecond=0))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", site_url(f"/meetings/{meeting.pk}/"))
    event.add("class", "CONFIDENTIAL")
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("Doorstep")
    event.add("organizer", organizer)
    # The address alone: no name travels in the calendar entry.
    attendee = vCalAddress(f"mailto:{invitee.email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    # Replies are made in Doorstep (and tracked there), not by the calendar program.
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
