"""Working days: the protocol's timescales ("within 7 working days", ESC-2) counted exactly.

Definition, used everywhere in Doorstep: the day something happens is day 0, whatever the time. Counting
forward, a day counts when it is Monday to Friday and not a bank holiday of the deployment's nation
(DOORSTEP_NATION, with substitute days, from the `holidays` package). "Within N working days" means by the end
(23:59:59, Europe/London) of the Nth counted day. Examples, England and Wales:

- Monday 2 November 2026 + 3 working days -> Thursday 5 November 2026.
- Friday 6 November 2026 + 1 working day -> Monday 9 November 2026 (the weekend does not count).
- Thursday 24 December 2026 + 7 working days -> Thursday 7 January 2027 (25 December, 28 December as the
  Boxing Day substitute and 1 January are bank holidays). In Scotland, where 2 January (4 January substitute)
  is also a holiday, the same trigger gives Friday 8 January 2027.
- A trigger on a weekend or bank holiday is still day 0, so the first working day after it is day 1:
  Saturday 7 November 2026 + 1 working day -> Monday 9 November 2026.
- + 0 working days is the end of the trigger day itself.

Clock changes do not move a deadline: days are counted as calendar dates in the deployment's time zone, and
the deadline is the end of the local day (so 23:59:59 GMT in winter, 23:59:59 BST in summer).
"""

import calendar
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

# England and Wales share their bank holidays (the `holidays` package's ENG and WLS calendars are the same).
NATION_SUBDIVISION = {"england-wales": "WLS", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=16)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    calendar = holidays.UK(subdiv=NATION_SUBDIVISION[nation], years=[year], observed=True)
    return frozenset(calendar.keys())


def is_working_day(day: date, nation: str | None = None) -> bool:
    nation = nation or settings.DOORSTEP_NATION
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def local_date(moment: datetime | date) -> date:
    """The calendar date of `moment` in the deployment's time zone (Europe/London), whatever zone is active."""
    if isinstance(moment, datetime):
        return (timezone.localtime(moment, timezone.get_default_timezone()).date() if timezone.is_aware(moment)
                else moment.date())
    return moment


def add_working_days(start: datetime | date, days: int, nation: str | None = None) -> date:
    """The date that is `days` working days after `start` (day 0), as defined above."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = local_date(start)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            counted += 1
    return day


def end_of_day(day: date) -> datetime:
    """23:59:59 on `day` in Europe/London (the deployment's TIME_ZONE), as an aware datetime: GMT or BST as the day
    requires, whatever time zone is active (a request or a worker may have activated another)."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)), timezone.get_default_timezone())


def working_days_deadline(start: datetime | date, days: int, nation: str | None = None) -> datetime:
    return end_of_day(add_working_days(start, days, nation))


def working_days_between(start: date, end: date, nation: str | None = None) -> int:
    """How many working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count


def add_calendar_months(start: datetime | date, months: int, nation: str | None = None) -> date:
    """RIG-1 (UK GDPR Article 12(3), as the ICO counts it): "one month" runs from the day of receipt (day 0) to the
    corresponding calendar date `months` months later; where that month has no such date, the last day of the month
    (31 January -> 28 February, or 29 in a leap year); where the date is not a working day of the nation, the next
    working day. Examples: 3 September 2026 -> Monday 5 October 2026 (3 October is a Saturday); 31 January 2027 ->
    Monday 1 March 2027 (28 February 2027 is a Sunday); 31 January 2028 -> Tuesday 29 February 2028."""
    if months < 0:
        raise ValueError("months must not be negative")
    day = local_date(start)
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    due = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    while not is_working_day(due, nation):
        due += timedelta(days=1)
    return due


def calendar_months_deadline(start: datetime | date, months: int, nation: str | None = None) -> datetime:
    return end_of_day(add_calendar_months(start, months, nation))
