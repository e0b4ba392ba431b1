"""Working days (ESC-2's "within 7 working days"), as defined in doorstep/core/workingdays.py."""

from datetime import date, datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from doorstep.core.workingdays import add_calendar_months, add_working_days, is_working_day, working_days_between, working_days_deadline

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("start, days, nation, expected", [
    (date(2026, 11, 2), 3, "england-wales", date(2026, 11, 5)),
    (date(2026, 11, 6), 1, "england-wales", date(2026, 11, 9)),  # over a weekend
    (date(2026, 11, 7), 1, "england-wales", date(2026, 11, 9)),  # a Saturday trigger
    (date(2026, 11, 7), 0, "england-wales", date(2026, 11, 7)),
    # Thursday 24 December 2026: 25 December, 28 December (Boxing Day substitute) and 1 January are holidays.
    (date(2026, 12, 24), 3, "england-wales", date(2026, 12, 31)),
    (date(2026, 12, 24), 7, "england-wales", date(2027, 1, 7)),
    # Scotland also keeps 2 January, on Monday 4 January 2027 as it falls on a Saturday.
    (date(2026, 12, 24), 3, "scotland", date(2026, 12, 31)),
    (date(2026, 12, 24), 4, "scotland", date(2027, 1, 5)),
    (date(2026, 12, 24), 7, "scotland", date(2027, 1, 8)),
    # Northern Ireland: St Patrick's Day (Tuesday 17 March 2026).
    (date(2026, 3, 16), 1, "northern-ireland", date(2026, 3, 18)),
    (date(2026, 3, 16), 1, "england-wales", date(2026, 3, 17)),
    # Scotland: St Andrew's Day, Monday 30 November 2026.
    (date(2026, 11, 27), 1, "scotland", date(2026, 12, 1)),
    (date(2026, 11, 27), 1, "england-wales", date(2026, 11, 30)),
])
def test_add_working_days(start, days, nation, expected):
    assert add_working_days(start, days, nation) == expected


def test_wales_and_england_share_bank_holidays():
    for year in (2026, 2027, 2028):
        assert set(holidays.UK(subdiv="WLS", years=year)) == set(holidays.UK(subdiv="ENG", years=year))
    assert not is_working_day(date(2026, 12, 28), "england-wales")
    assert is_working_day(date(2027, 1, 4), "england-wales") and not is_working_day(date(2027, 1, 4), "scotland")


def test_deadline_is_end_of_the_local_day_across_clock_changes():
    # Clocks go back on Sunday 25 October 2026: a trigger in summer time, a deadline in winter time.
    start = datetime(2026, 10, 23, 16, 30, tzinfo=LONDON)
    deadline = working_days_deadline(start, 2, "england-wales")
    assert deadline.astimezone(LONDON).date() == date(2026, 10, 27)
    assert deadline.astimezone(dt_timezone.utc) == datetime(2026, 10, 27, 23, 59, 59, tzinfo=dt_timezone.utc)
    # A late-evening trigger counts its own local date, not the UTC one.
    late = datetime(2026, 7, 2, 23, 30, tzinfo=LONDON)  # 22:30 UTC
    summer = working_days_deadline(late, 1, "england-wales")
    assert summer.astimezone(dt_timezone.utc) == datetime(2026, 7, 3, 22, 59, 59, tzinfo=dt_timezone.utc)


def test_working_days_between_and_negative():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 7), "england-wales") == 7
    assert working_days_between(date(2027, 1, 7), date(2026, 12, 24), "england-wales") == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 9, 3), 1, date(2026, 10, 5)),    # 3 October 2026 is a Saturday
    (date(2026, 11, 10), 1, date(2026, 12, 10)),  # the corresponding day
    (date(2027, 1, 31), 1, date(2027, 3, 1)),     # no 31 February: 28 February 2027, a Sunday -> Monday 1 March
    (date(2028, 1, 31), 1, date(2028, 2, 29)),    # a leap year: Tuesday 29 February
    (date(2026, 1, 30), 1, date(2026, 3, 2)),     # clamps to Saturday 28 February 2026 -> Monday 2 March
    (date(2026, 3, 31), 1, date(2026, 4, 30)),    # April has 30 days
    (date(2026, 11, 25), 1, date(2026, 12, 29)),  # 25 December, Boxing Day substitute on 28 December
    (date(2026, 10, 31), 3, date(2027, 2, 1)),    # extended by two further months: Sunday 31 January
    (date(2026, 12, 15), 0, date(2026, 12, 15)),
])
def test_rig_1_one_calendar_month_is_the_corresponding_day_or_the_months_last_then_a_working_day(start, months,
                                                                                                  expected):
    assert add_calendar_months(start, months, "england-wales") == expected
