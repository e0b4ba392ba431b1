"""Test helpers: contacts made directly with the ORM (the engagement app's recording service is issue 3's), and
time in the deployment's zone."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from doorstep.engagement.models import DEFAULT_DEFAULTED_OUTCOMES, Contact, ContactChild, ContactKind, Outcome

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def contact(family, by, day: date, *, outcome=Outcome.NO_ANSWER, kind=ContactKind.HOME_VISIT, behaviours=(),
            threats=(), seen=(), seen_alone=(), entered_in_error=False, hour: int = 10) -> Contact:
    c = Contact.objects.create(
        family=family, agency_id=by.agency_id, recorded_by=by, kind=kind, occurred_at=at(day, hour), outcome=outcome,
        behaviours=list(behaviours), threats=list(threats), defaulted=outcome in DEFAULT_DEFAULTED_OUTCOMES,
        entered_in_error=entered_in_error,
    )
    for child in seen:
        ContactChild.objects.create(contact=c, child=child, seen=True, seen_alone=child in seen_alone)
    return c
