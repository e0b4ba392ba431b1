"""The Board's report (OVR-2, issue 19): the partnership's oversight of MARP activity and of the protocol's use, for a
period (a quarter by default) beside the period before it. Aggregate only, nothing identifiable (P-4).

Each capability contributes its section's aggregate queries for a period through `BOARD_FIGURES`
(doorstep/core/extensions.py): fn(*, start, end, partnership) -> [Table, ...], a fixed number of queries whatever
the number of families, counted in the database. Issue 21: the report is of one partnership, its families' records
only (a Board chair sees their partnership only; partnerships/selectors.partnership_report_for says whose). This
module puts the two periods side by side and hides small numbers.

Small numbers, as official statistics do: a count below the threshold (`DOORSTEP_BOARD_SMALL_COUNT`, 5) is shown as
"fewer than 5" (primary suppression). Where figures add up to a total that is also published, a single hidden part
could be worked out by subtraction, so further cells are withheld (secondary suppression) until no hidden cell can
be worked out from the published figures, the rule that hidden counts are below the threshold and the totals
(`suppress`). A median or a rate is shown only when it rests on at least that many cases.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .extensions import BOARD_FIGURES

COUNT, MEDIAN_DAYS, MEDIAN_MINUTES, RATE = "count", "median_days", "median_minutes", "rate"
PUBLISHED, FEWER, WITHHELD = "published", "fewer", "withheld"


# --- What each section contributes ---------------------------------------------------------------------------------

@dataclass
class Figure:
    """One number of a section. A count, or a measure (median, rate) with `base`, the number of cases it rests on."""

    key: str
    label: str
    value: int | float | None
    measure: str = COUNT
    base: int = 0


@dataclass
class Table:
    """One chart of the report. With `total`, the parts add up to the total (they are a breakdown of it), and the
    total is a published figure too; without, the figures are independent. A figure's key is unique in the report:
    the same key in two tables is the same number (a total shown in two breakdowns)."""

    key: str
    title: str
    figures: list[Figure]
    total: Figure | None = None
    note: str = ""


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware moments [start, end) of a period of whole local days, `end` inclusive."""
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min,
                                                                            tzinfo=tz))


# --- Periods -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def is_quarter(self) -> bool:
        return self.start == quarter_of(self.start).start and self.end == quarter_of(self.start).end

    def previous(self) -> Period:
        """The quarter before a whole quarter; otherwise the same number of days just before."""
        if self.is_quarter():
            return quarter_of(self.start - timedelta(days=1))
        # A quarter so far (the home page): the same part of the quarter before.
        quarter = quarter_of(self.start)
        if self.start == quarter.start and self.end < quarter.end:
            before = quarter_of(self.start - timedelta(days=1))
            return Period(before.start, min(before.end, before.start + timedelta(days=self.days - 1)))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        return _("%(start)s to %(end)s") % {"start": formats.date_format(self.start, "j F Y"),
                                             "end": formats.date_format(self.end, "j F Y")}

    def bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(self.start, self.end)


def quarter_of(day: date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Period(start, next_start - timedelta(days=1))


def quarter_so_far(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(quarter_of(today).start, today)


MAX_PERIOD_DAYS = 3 * 366


def period_from(data, *, today: date | None = None) -> Period:
    """The period asked for (`from` and `to`, ISO dates); by default the current quarter so far. Raises
    ValidationError with a message per field for bad input (issue 19: a period that ends before it starts)."""
    today = today or timezone.localdate()
    errors, dates = {}, {}
    for name, label in (("from", _("start date")), ("to", _("end date"))):
        raw = (data.get(name) or "").strip()
        if not raw:
            continue
        try:
            dates[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Enter the %(what)s as a real date, for example 2026-04-01") % {"what": label}
    if errors:
        raise ValidationError(errors)
    if not dates:
        return quarter_so_far(today)
    start = dates.get("from") or quarter_of(dates["to"]).start
    end = dates.get("to") or min(quarter_of(start).end, today)
    if end < start:
        raise ValidationError({"to": _("The end date must be the same as or after the start date")})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"to": _("The period must be 3 years or shorter")})
    return Period(start, end)


# --- Small numbers -------------------------------------------------------------------------------------------------

def threshold() -> int:
    return int(getattr(settings, "DOORSTEP_BOARD_SMALL_COUNT", 5))


@dataclass
class Cell:
    value: int | float | None
    status: str = PUBLISHED
    measure: str = COUNT

    @property
    def published(self) -> int | float | None:
        return self.value if self.status == PUBLISHED else None

    def display(self) -> str:
        if self.status == FEWER:
            return _("fewer than %(n)s") % {"n": threshold()}
        if self.status == WITHHELD:
            return _("withheld")
        if self.value is None:
            return _("none")
        if self.measure == MEDIAN_DAYS:
            return _("%(n)s days") % {"n": formats.number_format(self.value, decimal_pos=1)}
        if self.measure == MEDIAN_MINUTES:
            return _("%(n)s minutes") % {"n": formats.number_format(self.value, decimal_pos=1)}
        if self.measure == RATE:
            return formats.number_format(self.value, decimal_pos=1)
        return formats.number_format(self.value, force_grouping=True)


def _interval(key, group, values, hidden, limit) -> tuple[float, float]:
    """What an attacker knows of a hidden cell from one breakdown: its bounds given the published figures, that a
    primary-suppressed count is below the threshold, and that a withheld one is not."""
    total_key, parts = group
    def bounds(k):
        if k not in hidden:
            return values[k], values[k]
        return (0, limit - 1) if values[k] < limit else (limit, float("inf"))
    lo, hi = bounds(key)
    if key == total_key:
        return max(lo, sum(bounds(p)[0] for p in parts)), min(hi, sum(bounds(p)[1] for p in parts))
    others = [p for p in parts if p != key]
    t_lo, t_hi = bounds(total_key)
    return (max(lo, t_lo - sum(bounds(p)[1] for p in others)), min(hi, t_hi - sum(bounds(p)[0] for p in others)))


def suppress(values: dict[str, int], groups: list[tuple[str, list[str]]], limit: int) -> dict[str, str]:
    """Which counts to hide: {key: FEWER | WITHHELD}. `groups` are (total, parts) with total = sum(parts).

    Primary: every count below `limit`. Secondary: while, in some breakdown, a hidden cell's value is pinned to one
    number by the others (its interval of possible values is a single value), the smallest published part of that
    breakdown is withheld too, or its total when every part is hidden already."""
    hidden = {k: FEWER for k, v in values.items() if v < limit}
    changed = True
    while changed:
        changed = False
        for group in groups:
            total_key, parts = group
            members = [total_key, *parts]
            if not any(k in hidden for k in members):
                continue
            pinned = any(lo == hi for lo, hi in (_interval(k, group, values, hidden, limit)
                                                   for k in members if k in hidden))
            if not pinned:
                continue
            candidates = sorted((values[p], p) for p in parts if p not in hidden)
            victim = candidates[0][1] if candidates else (total_key if total_key not in hidden else None)
            if victim is not None:
                hidden[victim] = WITHHELD
                changed = True
    return hidden


# --- The report ----------------------------------------------------------------------------------------------------

@dataclass
class Row:
    key: str
    label: str
    current: Cell
    previous: Cell
    is_total: bool = False


@dataclass
class ReportTable:
    key: str
    title: str
    rows: list[Row]
    note: str = ""
    measure: str = COUNT
    chart: object = None  # core/charts.py's two-period comparison, with its data table


@dataclass
class Report:
    period: Period
    previous: Period
    partnership: object = None  # the partnerships.Partnership it is of (issue 21)
    tables: list[ReportTable] = field(default_factory=list)
    threshold: int = 5


def _collect(period: Period, partnership) -> list[Table]:
    start, end = period.bounds()
    return [table for section in BOARD_FIGURES for table in section(start=start, end=end, partnership=partnership)]


def _cells(tables: list[Table], limit: int) -> dict[str, Cell]:
    values, measures, groups = {}, {}, []
    for table in tables:
        figures = table.figures + ([table.total] if table.total else [])
        for f in figures:
            if f.measure == COUNT:
                values[f.key] = int(f.value or 0)
            else:
                measures[f.key] = f
        if table.total:
            groups.append((table.total.key, [f.key for f in table.figures]))
    hidden = suppress(values, groups, limit)
    cells = {k: Cell(v, hidden.get(k, PUBLISHED)) for k, v in values.items()}
    for k, f in measures.items():
        # A median or a rate of a handful of cases says too much about each of them.
        cells[k] = Cell(f.value, FEWER if f.base < limit else PUBLISHED, f.measure)
    return cells


def board_report(period: Period, partnership) -> Report:
    """The partnership's figures for both periods, side by side, small numbers hidden (issue 21: its families' records
    only). A fixed number of queries: each section's, twice."""
    limit = threshold()
    previous = period.previous()
    now_tables, before_tables = _collect(period, partnership), _collect(previous, partnership)
    now_cells, before_cells = _cells(now_tables, limit), _cells(before_tables, limit)
    before_by_key = {t.key: t for t in before_tables}
    report = Report(period=period, previous=previous, partnership=partnership, threshold=limit)
    for table in now_tables:
        # A breakdown's rows are the union of both periods' (a rule with escalations only in one period).
        seen = [f.key for f in table.figures]
        extra = [f for f in before_by_key.get(table.key, Table("", "", [])).figures if f.key not in seen]
        figures = table.figures + extra
        rows = [Row(f.key, f.label, now_cells.get(f.key) or Cell(0, FEWER), before_cells.get(f.key) or Cell(
            0, FEWER)) for f in figures]
        if table.total:
            f = table.total
            rows.append(Row(f.key, f.label, now_cells[f.key], before_cells.get(f.key) or Cell(0, FEWER),
                            is_total=True))
        measure = figures[0].measure if figures else COUNT
        report.tables.append(ReportTable(table.key, table.title, rows, table.note, measure,
                                         _chart(table, rows, period, previous)))
    return report


def _chart(table: Table, rows: list[Row], period: Period, previous: Period):
    """The section as a grouped bar chart of the two periods (issue 18's component), its table saying "fewer than 5"
    or "withheld" where a figure is not published."""
    from . import charts

    return charts.comparison_chart(
        title=table.title, label_heading=_("Figure"), series=(period.label(), previous.label()),
        description=table.note, id=f"board-{table.key}",
        rows=[charts.Row(label=r.label, values=(r.current.published, r.previous.published),
                         shown=(r.current.display(), r.previous.display())) for r in rows])


def report_csv_rows(report: Report) -> list[list]:
    """The report as CSV rows: one per figure, published values only (a hidden cell is its words)."""
    rows = [[_("Section"), _("Figure"), report.period.label(), report.previous.label()]]
    for table in report.tables:
        for row in table.rows:
            rows.append([table.title, row.label, _csv_cell(row.current), _csv_cell(row.previous)])
    return rows


def _csv_cell(cell: Cell):
    return cell.published if cell.published is not None and cell.status == PUBLISHED else cell.display()


def report_json(report: Report) -> dict:
    def cell(c: Cell) -> dict:
        return {"value": c.published, "shown": c.display(), "suppressed": c.status != PUBLISHED}
    return {
        "partnership": {"id": report.partnership.pk, "name": report.partnership.display_name},
        "period": {"from": report.period.start, "to": report.period.end},
        "previous_period": {"from": report.previous.start, "to": report.previous.end},
        "small_count_threshold": report.threshold,
        "tables": [{
            "key": t.key, "title": t.title, "note": t.note,
            "rows": [{"key": r.key, "label": r.label, "total": r.is_total, "current": cell(r.current),
                      "previous": cell(r.previous)} for r in t.rows],
        } for t in report.tables],
    }


NOTE = gettext_lazy("Figures for the partnership %(name)s, its families only. No family or person can be identified "
                    "from them: a count below %(n)s is shown as “fewer than %(n)s”, and where that number could be "
                    "worked out from a total another figure is withheld.")


def can_read_board_report(user) -> bool:
    """The Board chair and the partnership's analysts (OVR-2)."""
    return bool(getattr(user, "is_board_chair", False) or getattr(user, "is_partnership_analyst", False))


def board_home_section(request):
    """The Board chair's home page (and an analyst's): their partnership's report for the current quarter so far. A
    Board chair or analyst of no partnership sees why there are no figures instead (issue 21)."""
    if not can_read_board_report(request.user):
        return None
    from django.core.exceptions import PermissionDenied

    from doorstep.partnerships.selectors import partnership_report_for

    from .board_views import report_context

    try:
        partnership = partnership_report_for(professional=request.user,
                                             partnership_id=request.GET.get("partnership"))
    except PermissionDenied as refused:
        return {"template": "core/_board.html", "refused": str(refused)}
    return {"template": "core/_board.html", **report_context(request, quarter_so_far(), partnership)}
