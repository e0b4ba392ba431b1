"""Issue 20: the retention schedule's arithmetic, with plain values (schedule.py is pure)."""

from datetime import date

import pytest

from doorstep.retention.models import RecordKind
from doorstep.retention.schedule import DEFAULTS, Child, RetentionFacts, anniversary, retention_decide

CLOSED = date(2020, 1, 10)


def decide(*children, closed=CLOSED, police=False, schedule=DEFAULTS):
    return retention_decide(RetentionFacts(closed_on=closed, children=tuple(children), police_involved=police),
                            schedule)


def test_retention_children_kept_until_the_youngest_childs_25th_birthday():
    decision = decide(Child(date(2008, 4, 2)), Child(date(2012, 9, 30)))
    assert (decision.retain_until, decision.kind) == (date(2037, 9, 30), RecordKind.CHILDREN)
    assert [(d.kind, d.retain_until) for d in decision.deadlines] == [
        (RecordKind.CHILDREN, date(2037, 9, 30)), (RecordKind.ADULTS, date(2026, 1, 10))]


@pytest.mark.parametrize("born, until", [
    (date(2003, 6, 1), date(2029, 6, 1)),  # 16 at closure: the 26th birthday
    (date(2002, 6, 1), date(2028, 6, 1)),  # 17: the 26th
    (date(2001, 6, 1), date(2026, 6, 1)),  # 18: the 25th
    (date(2004, 1, 11), date(2029, 1, 11)),  # 15, a day short of 16: the 25th
    (date(2004, 1, 10), date(2030, 1, 10)),  # 16 on the day of closure: the 26th
])
def test_retention_child_protection_26th_birthday_when_16_or_17_at_closure(born, until):
    decision = decide(Child(born, child_protection=True))
    assert (decision.retain_until, decision.kind) == (until, RecordKind.CHILD_PROTECTION)


def test_retention_looked_after_75_years_from_the_childs_date_of_birth():
    decision = decide(Child(date(2005, 2, 3), looked_after=True), Child(date(2015, 1, 1)))
    assert (decision.retain_until, decision.kind) == (date(2080, 2, 3), RecordKind.LOOKED_AFTER)


def test_retention_adults_only_and_police_six_years_after_closure():
    decision = decide(police=True)
    assert (decision.retain_until, decision.kind) == (date(2026, 1, 10), RecordKind.ADULTS)
    assert [d.kind for d in decision.deadlines] == [RecordKind.ADULTS, RecordKind.POLICE]
    assert not decision.past(date(2026, 1, 10)) and decision.past(date(2026, 1, 11))


def test_retention_29_february_falls_on_1_march():
    assert anniversary(date(2004, 2, 29), 25) == date(2029, 3, 1)
    assert anniversary(date(2004, 2, 29), 24) == date(2028, 2, 29)
    assert decide(closed=date(2020, 2, 29)).retain_until == date(2026, 3, 1)


def test_retention_a_child_without_a_date_of_birth_counts_as_born_at_closure():
    assert decide(Child(None)).retain_until == date(2045, 1, 10)


def test_retention_has_not_started_while_an_agency_is_involved():
    decision = decide(Child(date(2010, 1, 1)), closed=None)
    assert decision.retain_until is None and not decision.past(date(2100, 1, 1))


def test_retention_schedule_as_changed_by_an_administrator():
    schedule = {**DEFAULTS, RecordKind.ADULTS: DEFAULTS[RecordKind.ADULTS].with_years(10, 99)}
    assert schedule[RecordKind.ADULTS].older_years is None  # a period after closure has no "16 or 17"
    assert decide(schedule=schedule).retain_until == date(2030, 1, 10)
