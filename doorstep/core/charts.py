"""Charts drawn on the server as inline SVG, each with its data table (issue 18: "No chart without its data table").

Three pure functions build a chart from plain values (no database, no request); two templates draw it:

    from doorstep.core import charts

    chart = charts.bar_chart(
        title=_("Overdue actions by worker"), label_heading=_("Worker"), value_heading=_("Overdue actions"),
        rows=[charts.Row(label="Ann Bell", values=(3,), href="/actions/team/?owner=4"), ("Cai Jones", 1)])
    chart = charts.comparison_chart(
        title=_("Families by status"), label_heading=_("Status"),
        series=(_("This quarter"), _("Previous quarter")),
        rows=[("Child in need", 12, 9), ("Child protection plan", 4, 6)])
    chart = charts.heatmap(
        title=_("Contacts by month"), label_heading=_("Agency"), columns=["Jan", "Feb", "Mar"],
        rows=[charts.Row(label="Health visiting: achieved", values=(2, 0, 5), tone="green"),
              ("Health visiting: attempted", 3, 1, 5)])

    {% include "core/includes/chart_bar.html" with chart=chart %}      (bar_chart and comparison_chart)
    {% include "core/includes/chart_heatmap.html" with chart=chart %}  (heatmap)

The figure's caption is the chart's title, shown as a small heading; add `headed=True` to the include where the page
already gives the chart a heading of its own with the same words (the caption is then for screen readers only).

A row is a `Row` or a plain tuple `(label, value, ...)`: one value per series for the bar charts, one per column for
the heatmap. A value is a number (int, float or Decimal) or None (no figure: drawn as nothing, "–" in the table). A
row's `href` links its label in the table (never inside the SVG: a picture with `role="img"` has no working links).
Titles, headings and labels come translated from the caller; they are shown as given (escaped).

How each is drawn: a `<figure>` holding the SVG (`role="img"`, labelled by its <title> and described by its <desc>)
and then, always, a GOV.UK table with the same numbers, which is what a screen reader reads. No JavaScript and no
style attribute (the CSP's `style-src 'self'`): positions and colours are SVG presentation attributes computed here;
sizes by the viewBox, so the picture scales to its column (frontend/doorstep.css `.ds-chart`). Colours are GOV.UK's
palette: every bar and every filled cell is at least 3:1 against white (WCAG 1.4.11) and every number drawn on a
fill is at least 4.5:1 against it (WCAG 1.4.3), asserted in core/tests/test_charts.py. Colour never carries meaning
alone: every bar and cell has its number drawn beside or on it, and a legend names the series and the shades.

`id` (optional) names the chart's elements in the page; give one when two charts on a page share a title.
"""

from __future__ import annotations

import math
from functools import cached_property, lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

Number = int | float | Decimal

# GOV.UK Frontend palette. Bars: blue for the current period (or the only series), dark grey for the previous one.
SERIES_COLOURS = ("#1d70b8", "#505a5f")
# Heatmap shades, lightest to darkest, for each tone; a zero cell is light grey and an empty one (None) is white.
TONES: dict[str, tuple[str, ...]] = {
    "blue": ("#5694ca", "#1d70b8", "#144e81", "#003078"),
    "green": ("#4c9e7a", "#00703c", "#005a30", "#003d20"),
    "red": ("#e5614b", "#d4351c", "#aa2a16", "#6e1b0e"),
}
ZERO_FILL = "#f3f2f1"
EMPTY_FILL = "#ffffff"
TEXT_DARK = "#0b0c0c"
TEXT_LIGHT = "#ffffff"
OUTLINE = "#505a5f"
GRID_LINE = "#b1b4b6"

# Geometry, in SVG user units (one unit is one CSS pixel at full width).
FONT = 14
CHAR_WIDTH = 7.5  # Arial at 14 px: a generous average advance, so labels are never drawn over the bars
HEADING_CHAR_WIDTH = 6.5  # Arial at 12 px, the heatmap's column headings ("Maw 26" fits a cell)
LABEL_MAX_CHARS = 28
BAR_AREA = 360
BAR_HEIGHT = 22
BAR_GAP = 10
CELL_WIDTH = 44
CELL_HEIGHT = 30
PAD = 8


@dataclass(frozen=True)
class Row:
    """One row of a chart: its label, its values (one per series, or one per column of a heatmap), where its label
    links to in the table, and in a heatmap its tone ("blue", "green" or "red") and its group."""

    label: str
    values: tuple[Number | None, ...]
    href: str = ""
    tone: str = "blue"
    group: str = ""  # heatmaps: rows that follow each other with one group share its label (an agency's three rows)
    # Issue 19 (the Board's report): words the table shows for a value that is None, one per value, where "–"
    # would hide why there is no figure (e.g. "fewer than 5" for a small count that is not published).
    shown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class Bar:
    value: Number | None
    colour: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarGroup:
    label: str  # shortened to fit the picture; the table has it whole
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Cell:
    value: Number | None
    fill: str
    text_colour: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class HeatRow:
    label: str
    label_y: float
    cells: tuple[Cell, ...]
    group: str = ""  # the group's label, on the first row of each group only
    total: Number | None = None
    separator_y: float | None = None  # a rule above the first row of each group after the first


@dataclass(frozen=True)
class Shade:
    """A legend entry of a heatmap: the fill, and the values it stands for (`low` to `high`, or just `low`)."""

    fill: str
    text_colour: str
    low: Number
    high: Number | None
    tone_name: str  # what the tone stands for ("Achieved"), from the heatmap's `tone_names`; "" for the zero shade


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" or "heatmap"
    id: str
    title: str
    description: str
    label_heading: str
    headings: tuple[str, ...]  # the table's value columns: the series, or the heatmap's columns
    rows: tuple[Row, ...]
    width: float
    height: float
    label_width: float
    series: tuple[Series, ...] = ()
    groups: tuple[BarGroup, ...] = ()
    columns: tuple[tuple[str, float], ...] = ()  # heatmap column labels with their centres
    heat_rows: tuple[HeatRow, ...] = ()
    legend: tuple[Shade, ...] = ()
    difference_heading: str = ""
    total_heading: str = ""
    group_width: float = 0  # heatmaps with groups: the group labels' column, before the row labels
    total_x: float = 0

    @cached_property
    def has_groups(self) -> bool:
        return any(row.group for row in self.rows)

    @cached_property
    def table_rows(self) -> list[dict]:
        """The table's rows: label, href, values; for a comparison the difference (current minus previous); with a
        total heading, the row's total; with groups, the group and how many rows it spans (0 after its first row)."""
        out = []
        for i, row in enumerate(self.rows):
            entry = {"label": row.label, "href": row.href, "values": row.values, "group": row.group,
                     # The row's number cells, written here for speed (a twelve-month heatmap has hundreds).
                     "cells": mark_safe("".join(  # noqa: S308 - numbers, escaped
                         f'<td class="govuk-table__cell govuk-table__cell--numeric ds-numeric">{_number(v, words)}</td>'
                         for v, words in zip(row.values, row.shown or ("",) * len(row.values), strict=True)))}
            if self.difference_heading:
                current, previous = row.values[0], row.values[1]
                entry["difference"] = (None if current is None or previous is None else current - previous)
            if self.total_heading:
                entry["total"] = _total(row.values)
                entry["total_shown"] = _number(entry["total"])
            if i == 0 or self.rows[i - 1].group != row.group:
                span = 1
                while i + span < len(self.rows) and self.rows[i + span].group == row.group:
                    span += 1
                entry["group_span"] = span
            else:
                entry["group_span"] = 0
            out.append(entry)
        return out

    @property
    def label_x(self) -> float:
        """Where the row labels end (they are drawn right-aligned, just left of the bars or cells)."""
        return self.label_width - PAD

    @property
    def svg_marks(self) -> str:
        """The picture's marks (labels, bars or cells, numbers) as SVG markup, escaped. Written here rather than as
        template loops: a twelve-month heatmap has hundreds of marks, and the engagement picture must stay fast
        (issue 15)."""
        return mark_safe(_heatmap_marks(self) if self.kind == "heatmap" else _bar_marks(self))  # noqa: S308

    @property
    def group_x(self) -> float:
        """Where group labels start (drawn left-aligned, before the row labels)."""
        return PAD

    @property
    def is_empty(self) -> bool:
        return not any(v for row in self.rows for v in row.values)


def bar_chart(*, title: str, label_heading: str, value_heading: str, rows: Iterable[Row | Sequence],
              description: str = "", id: str = "") -> Chart:
    """A horizontal bar chart, one bar a row, longest bar the largest value (a scale starting at 0)."""
    return _bars(title=title, label_heading=label_heading, series=(value_heading,), rows=rows,
                 description=description, id=id, difference_heading="")


def comparison_chart(*, title: str, label_heading: str, series: tuple[str, str], rows: Iterable[Row | Sequence],
                     description: str = "", difference_heading: str = "", id: str = "") -> Chart:
    """A grouped horizontal bar chart comparing two periods: for each row, the current value (blue) above the
    previous one (grey), both on one scale from 0. `series` names the two periods, current first; each row's values
    are (current, previous). The table adds a column with the difference (`difference_heading`, by default
    "Change")."""
    return _bars(title=title, label_heading=label_heading, series=series, rows=rows, description=description,
                 id=id, difference_heading=difference_heading or _("Change"))


def heatmap(*, title: str, label_heading: str, columns: Sequence[str], rows: Iterable[Row | Sequence],
            description: str = "", tone_names: dict[str, str] | None = None, total_heading: str = "",
            id: str = "") -> Chart:
    """A grid of rows by columns (e.g. agencies by month), each cell shaded by its value against the largest value
    in the chart's rows of the same tone, with the number on it, and a legend of the shades (each tone's shades
    under its name in `tone_names`, e.g. {"green": _("Achieved")}). A zero is light grey, None (no figure) is white
    with no number. Rows with a `group` are labelled by group, then by row (an agency, then "Attempted",
    "Achieved", "Refused"); `total_heading` adds each row's total after the grid, unshaded, and in the table."""
    rows = _rows(rows, width=len(columns))
    for row in rows:
        if row.tone not in TONES:
            raise ValueError(f"heatmap: tone {row.tone!r} is not one of {sorted(TONES)}")
    grouped = any(row.group for row in rows)
    group_width = _label_width([Row(label=r.group, values=()) for r in rows]) if grouped else 0
    label_width = _r(group_width + _label_width(rows))
    header = FONT + 2 * PAD
    columns_at = tuple((label, _r(label_width + i * CELL_WIDTH + CELL_WIDTH / 2)) for i, label in enumerate(columns))
    # The total's column is as wide as its heading needs (column headings are drawn at 12 px).
    total_width = max(CELL_WIDTH, len(str(total_heading)) * HEADING_CHAR_WIDTH + PAD) if total_heading else 0
    total_x = _r(label_width + len(columns) * CELL_WIDTH + total_width / 2) if total_heading else 0
    if total_heading:
        columns_at += ((total_heading, total_x),)
    peaks = {tone: max((v for r in rows if r.tone == tone for v in r.values if v), default=0) for tone in TONES}
    heat_rows = []
    for i, row in enumerate(rows):
        y = header + i * CELL_HEIGHT
        text_y = _r(y + CELL_HEIGHT / 2 + FONT * 0.35)
        cells = []
        for j, value in enumerate(row.values):
            fill = _shade(value, peaks[row.tone], TONES[row.tone])
            x = label_width + j * CELL_WIDTH
            cells.append(Cell(value=value, fill=fill, text_colour=text_colour_on(fill), x=_r(x + 1), y=y + 1,
                              width=CELL_WIDTH - 2, height=CELL_HEIGHT - 2, text_x=_r(x + CELL_WIDTH / 2),
                              text_y=text_y))
        first_of_group = grouped and (i == 0 or rows[i - 1].group != row.group)
        heat_rows.append(HeatRow(label=_shorten(row.label), label_y=text_y, cells=tuple(cells),
                                 group=_shorten(row.group) if first_of_group else "",
                                 total=_total(row.values) if total_heading else None,
                                 separator_y=y if first_of_group and i else None))
    legend = [Shade(fill=ZERO_FILL, text_colour=TEXT_DARK, low=0, high=None, tone_name="")]
    for tone, peak in peaks.items():
        if peak:
            legend += _legend(tone, peak, (tone_names or {}).get(tone, ""))
    width = label_width + len(columns) * CELL_WIDTH + total_width + PAD
    return Chart(kind="heatmap", id=id or _slug(title), title=title, description=description,
                 label_heading=label_heading, headings=tuple(columns), rows=rows, width=_r(width),
                 height=header + len(rows) * CELL_HEIGHT + PAD, label_width=label_width, columns=columns_at,
                 heat_rows=tuple(heat_rows), legend=tuple(legend), total_heading=total_heading,
                 group_width=group_width, total_x=total_x)


# --- Colour --------------------------------------------------------------------------------------------------------

def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two "#rrggbb" colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@lru_cache(maxsize=64)
def text_colour_on(fill: str) -> str:
    """Near-black or white, whichever reads better on `fill`."""
    return TEXT_DARK if contrast_ratio(TEXT_DARK, fill) >= contrast_ratio(TEXT_LIGHT, fill) else TEXT_LIGHT


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --- Markup ---------------------------------------------------------------------------------------------------------

def _number(value, words: str = "") -> str:
    return escape(words or "–") if value is None else escape(str(value))


def _bar_marks(chart: Chart) -> str:
    out = [f'<line x1="{chart.label_width}" y1="0" x2="{chart.label_width}" y2="{chart.height}" stroke="{TEXT_DARK}" '
           f'stroke-width="1"/>']
    for group in chart.groups:
        out.append(f'<text x="{chart.label_x}" y="{group.label_y}" text-anchor="end" fill="{TEXT_DARK}">'
                   f'{escape(group.label)}</text>')
        for bar in group.bars:
            if bar.width:
                out.append(f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" '
                           f'fill="{bar.colour}"/>')
            out.append(f'<text x="{bar.text_x}" y="{bar.text_y}" fill="{TEXT_DARK}">{_number(bar.value)}</text>')
    return "\n".join(out)


def _heatmap_marks(chart: Chart) -> str:
    out = [f'<text x="{x}" y="22" text-anchor="middle" font-size="12" fill="{TEXT_DARK}">{escape(label)}</text>'
           for label, x in chart.columns]
    for row in chart.heat_rows:
        if row.separator_y is not None:
            out.append(f'<line x1="0" y1="{row.separator_y}" x2="{chart.width}" y2="{row.separator_y}" '
                       f'stroke="{OUTLINE}" stroke-width="1"/>')
        if row.group:
            out.append(f'<text x="{chart.group_x}" y="{row.label_y}" font-weight="bold" fill="{TEXT_DARK}">'
                       f'{escape(row.group)}</text>')
        out.append(f'<text x="{chart.label_x}" y="{row.label_y}" text-anchor="end" fill="{TEXT_DARK}">'
                   f'{escape(row.label)}</text>')
        for cell in row.cells:
            out.append(f'<rect x="{cell.x}" y="{cell.y}" width="{cell.width}" height="{cell.height}" '
                       f'fill="{cell.fill}" stroke="{GRID_LINE}" stroke-width="1"/>')
            if cell.value is not None:
                out.append(f'<text x="{cell.text_x}" y="{cell.text_y}" text-anchor="middle" '
                           f'fill="{cell.text_colour}">{escape(str(cell.value))}</text>')
        if chart.total_heading:
            out.append(f'<text x="{chart.total_x}" y="{row.label_y}" text-anchor="middle" font-weight="bold" '
                       f'fill="{TEXT_DARK}">{_number(row.total)}</text>')
    return "\n".join(out)


# --- Layout --------------------------------------------------------------------------------------------------------

def _bars(*, title, label_heading, series, rows, description, id, difference_heading) -> Chart:
    rows = _rows(rows, width=len(series))
    label_width = _label_width(rows)
    peak = max((v for r in rows for v in r.values if v), default=0)
    number_room = CHAR_WIDTH * max((len(_format(v)) for r in rows for v in r.values), default=1) + PAD
    group_height = len(series) * BAR_HEIGHT
    groups = []
    for i, row in enumerate(rows):
        top = PAD + i * (group_height + BAR_GAP)
        bars = []
        for j, value in enumerate(row.values):
            length = (float(value) / float(peak) * BAR_AREA) if value and peak else 0
            y = top + j * BAR_HEIGHT
            bars.append(Bar(value=value, colour=SERIES_COLOURS[j], x=label_width, y=y + 1, width=_r(length),
                            height=BAR_HEIGHT - 2, text_x=_r(label_width + length + PAD / 2),
                            text_y=_r(y + BAR_HEIGHT / 2 + FONT * 0.35)))
        groups.append(BarGroup(label=_shorten(row.label), label_y=_r(top + group_height / 2 + FONT * 0.35),
                               bars=tuple(bars)))
    height = PAD * 2 + len(rows) * (group_height + BAR_GAP) - (BAR_GAP if rows else 0)
    return Chart(kind="bar", id=id or _slug(title), title=title, description=description,
                 label_heading=label_heading, headings=tuple(series), rows=rows,
                 width=_r(label_width + BAR_AREA + number_room), height=height, label_width=label_width,
                 series=tuple(Series(name=name, colour=SERIES_COLOURS[i]) for i, name in enumerate(series)),
                 groups=tuple(groups), difference_heading=difference_heading)


def _rows(rows: Iterable[Row | Sequence], *, width: int) -> tuple[Row, ...]:
    out = []
    for row in rows:
        if not isinstance(row, Row):
            row = Row(label=row[0], values=tuple(row[1:]))
        if len(row.values) != width:
            raise ValueError(f"chart row {row.label!r} has {len(row.values)} values, not {width}")
        for value in row.values:
            if value is not None and (isinstance(value, bool) or not isinstance(value, Real | Decimal)):
                raise ValueError(f"chart row {row.label!r}: {value!r} is not a number")
            if value is not None and value < 0:
                raise ValueError(f"chart row {row.label!r}: {value!r} is below zero")
        out.append(row)
    return tuple(out)


def _label_width(rows: Sequence[Row]) -> float:
    longest = max((len(_shorten(str(r.label))) for r in rows), default=0)
    return _r(PAD + CHAR_WIDTH * longest + PAD)


def _shorten(label) -> str:
    label = str(label)
    return label if len(label) <= LABEL_MAX_CHARS else label[:LABEL_MAX_CHARS - 1].rstrip() + "…"


def _shade(value: Number | None, peak: Number, shades: tuple[str, ...]) -> str:
    if value is None:
        return EMPTY_FILL
    if not value or not peak:
        return ZERO_FILL
    return shades[min(len(shades), math.ceil(float(value) / float(peak) * len(shades))) - 1]


def _legend(tone: str, peak: Number, name: str) -> list[Shade]:
    """Each shade with the values it stands for: shade k of n is (peak*(k-1)/n, peak*k/n]."""
    shades = TONES[tone]
    n = len(shades)
    out = []
    for k, fill in enumerate(shades, start=1):
        if isinstance(peak, int):
            low, high = math.floor(peak * (k - 1) / n) + 1, math.floor(peak * k / n)
            if low > high:
                continue
        else:
            low, high = round(float(peak) * (k - 1) / n, 1), round(float(peak) * k / n, 1)
        out.append(Shade(fill=fill, text_colour=text_colour_on(fill), low=low, high=None if low == high else high,
                         tone_name=name))
    return out


def _total(values) -> Number | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _r(value: float) -> float | int:
    """A coordinate for an SVG attribute: one decimal place, and no ".0"."""
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


def _format(value) -> str:
    return "–" if value is None else str(value)


def _slug(title) -> str:
    return "chart-" + (slugify(str(title)) or "figures")
