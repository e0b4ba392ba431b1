"""The engagement picture as heatmaps (issue 18, CHR-2, FAM-3): agencies by month and adults by month, each with
three rows (attempted, achieved, refused or missed), drawn by doorstep/core/charts.py with their numbers in a table.
Pure: built from `selectors.engagement_grid`'s result, no query."""

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from doorstep.core import charts


def _rows(grid_rows, name) -> list[charts.Row]:
    out = []
    for row in grid_rows:
        group = name(row.subject)
        out += [
            charts.Row(label=_("Attempted"), values=tuple(c.attempted for c in row.cells), tone="blue", group=group),
            charts.Row(label=_("Achieved"), values=tuple(c.achieved for c in row.cells), tone="green", group=group),
            charts.Row(label=_("Refused or missed"), values=tuple(c.refused for c in row.cells), tone="red",
                       group=group),
        ]
    return out


def _agency_name(agency) -> str:
    if getattr(agency, "involved", True):
        return str(agency)
    return _("%(agency)s (not involved now)") % {"agency": agency}


def engagement_heatmaps(*, grid: dict) -> dict:
    """{"agencies": Chart, "adults": Chart or None}: the grid's months as columns, a total column."""
    months = [date_format(m, "M y") for m in grid["months"]]
    tones = {"blue": _("Attempted"), "green": _("Achieved"), "red": _("Refused or missed")}
    agencies = charts.heatmap(
        title=_("Contacts by agency and month"), label_heading=_("Agency"), columns=months,
        rows=_rows(grid["agency_rows"], _agency_name), tone_names=tones, total_heading=_("Total"),
        description=_("Each agency's contacts and attempts, achieved, and refused or missed, month by month; the "
                      "darker the shade, the more contacts."), id="engagement-agencies")
    adults = None
    if grid["adult_rows"]:
        adults = charts.heatmap(
            title=_("Contacts each adult was present at, by month"), label_heading=_("Adult"), columns=months,
            rows=_rows(grid["adult_rows"], lambda p: f"{p} ({p.get_role_display()})"), tone_names=tones,
            total_heading=_("Total"), id="engagement-adults",
            description=_("The contacts each adult was recorded as present at, month by month."))
    return {"agencies": agencies, "adults": adults}
