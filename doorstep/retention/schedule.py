"""The retention schedule (issue 20) and its arithmetic: pure, plain values in, a date out (no database, no clock).

Retention runs from the family's last involvement ending (no agency involved). Each kind of record that applies to
the family gives a date up to which its records are kept; the family is kept until the latest of them.

| kind | default | basis and source |
| --- | --- | --- |
| looked-after children | the 75th birthday of the youngest child ever looked after | Care Planning, Placement and Case Review (England) Regulations 2010, reg. 50 ("until the 75th anniversary of the date of birth of the child"); in Wales the Care Planning, Placement and Case Review (Wales) Regulations 2015: partnership to confirm |
| child protection | the youngest child's 25th birthday, the 26th if they were 16 or 17 when the last involvement ended | the partnership's default as set in issue 20, following the NHS Records Management Code of Practice (children's records); local authority child protection schedules differ (some keep 35 years from closure): partnership to confirm |
| children in need, health visiting | the youngest child's 25th birthday, the 26th if they were 16 or 17 | NHS England Records Management Code of Practice 2021 (and the Welsh Government's equivalent guidance): children's health records "until the 25th birthday, or 26th if the young person was 17 at the conclusion of treatment" |
| adults only | 6 years after the last involvement ended | Limitation Act 1980 (six years for most claims) as commonly applied to adult social care records: partnership to confirm |
| police information | 6 years after the last involvement ended | a minimum only: police forces review their own records under the Management of Police Information (MoPI) code, not this schedule: partnership to confirm |

A child with no date of birth recorded (nor an expected date for an unborn child) counts as born on the day the last
involvement ended, so the record is never kept for less time than the schedule asks. A birthday on 29 February
falls on 1 March in other years (Family Law Reform Act 1969 s.9 counts the anniversary; 1 March is the later, safer
reading).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.texts import Text

from .models import RecordKind

CHILD_BIRTHDAY = "child_birthday"  # until the youngest child's Nth birthday
AFTER_CLOSURE = "after_closure"  # N years after the last involvement ended
OLDER_AGES = (16, 17)  # the youngest child's age at closure that moves the birthday on (older_years)


@dataclass(frozen=True)
class Period:
    basis: str
    years: int
    older_years: int | None
    source: object  # a lazy translation: where the default comes from

    def with_years(self, years: int, older_years: int | None) -> "Period":
        return Period(self.basis, years, older_years if self.basis == CHILD_BIRTHDAY else None, self.source)


DEFAULTS: dict[str, Period] = {
    RecordKind.LOOKED_AFTER: Period(CHILD_BIRTHDAY, 75, 75, _(
        "Care Planning, Placement and Case Review (England) Regulations 2010, regulation 50: until the 75th "
        "anniversary of the child's date of birth. Wales (2015 regulations): partnership to confirm.")),
    RecordKind.CHILD_PROTECTION: Period(CHILD_BIRTHDAY, 25, 26, _(
        "Issue 20's default, following the NHS Records Management Code of Practice for children's records; local "
        "authority schedules differ: partnership to confirm.")),
    RecordKind.CHILDREN: Period(CHILD_BIRTHDAY, 25, 26, _(
        "NHS England Records Management Code of Practice 2021: children's records until the 25th birthday, or the "
        "26th if the young person was 17 at the end of treatment.")),
    RecordKind.ADULTS: Period(AFTER_CLOSURE, 6, None, _(
        "Limitation Act 1980 (six years for most claims), as commonly applied to adult records: partnership to "
        "confirm.")),
    RecordKind.POLICE: Period(AFTER_CLOSURE, 6, None, _(
        "A minimum only: the police review their own records under the Management of Police Information code: "
        "partnership to confirm.")),
}
# The order kinds are listed and compared in (the first of equal dates is named).
ORDER = (RecordKind.LOOKED_AFTER, RecordKind.CHILD_PROTECTION, RecordKind.CHILDREN, RecordKind.ADULTS,
         RecordKind.POLICE)
YEARS_RANGE = (1, 100)


@dataclass(frozen=True)
class Child:
    date_of_birth: date | None  # or the expected date of an unborn child
    looked_after: bool = False  # ever looked after
    child_protection: bool = False  # ever on a child protection plan


@dataclass(frozen=True)
class RetentionFacts:
    closed_on: date | None  # the day the last involvement ended; None while an agency is involved
    children: tuple[Child, ...] = ()
    police_involved: bool = False


@dataclass(frozen=True)
class Deadline:
    kind: str
    retain_until: date


@dataclass(frozen=True)
class Decision:
    retain_until: date | None  # None: an agency is involved, retention has not started
    kind: str  # the kind of record that keeps the family longest ("" while involved)
    deadlines: tuple[Deadline, ...] = ()

    def past(self, today: date) -> bool:
        return self.retain_until is not None and today > self.retain_until

    def reasons(self) -> list[Text]:
        return [Text(gettext_noop("%(kind)s: kept until %(date)s"), {"kind": RecordKind(d.kind).label,
                                                                      "date": d.retain_until})
                for d in self.deadlines]


def anniversary(day: date, years: int) -> date:
    """`day` plus whole years; 29 February falls on 1 March in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _birthday_deadline(period: Period, children: list[Child], closed_on: date) -> date:
    born = [c.date_of_birth or closed_on for c in children]
    youngest = max(born)
    years = period.years
    if period.older_years is not None and age_on(youngest, closed_on) in OLDER_AGES:
        years = period.older_years
    return anniversary(youngest, years)


def retention_decide(facts: RetentionFacts, schedule: dict[str, Period]) -> Decision:
    """When the family's records may go, and under which kind of record (the latest of those that apply)."""
    if facts.closed_on is None:
        return Decision(None, "")
    closed = facts.closed_on
    applies: dict[str, list[Child] | None] = {RecordKind.ADULTS: None}
    if facts.children:
        applies[RecordKind.CHILDREN] = list(facts.children)
    if any(c.child_protection for c in facts.children):
        applies[RecordKind.CHILD_PROTECTION] = list(facts.children)
    looked_after = [c for c in facts.children if c.looked_after]
    if looked_after:
        applies[RecordKind.LOOKED_AFTER] = looked_after
    if facts.police_involved:
        applies[RecordKind.POLICE] = None
    deadlines = []
    for kind in ORDER:
        if kind not in applies:
            continue
        period = schedule[kind]
        if period.basis == CHILD_BIRTHDAY:
            until = _birthday_deadline(period, applies[kind], closed)
        else:
            until = anniversary(closed, period.years)
        deadlines.append(Deadline(kind, until))
    latest = max(deadlines, key=lambda d: d.retain_until)  # max keeps the first of equal dates (ORDER)
    return Decision(latest.retain_until, latest.kind, tuple(deadlines))
