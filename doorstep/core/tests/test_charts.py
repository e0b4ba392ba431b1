"""Charts (issue 18): pure functions building SVG bar charts, period comparisons and heatmaps, each drawn with its
data table, CSP-safe (no style attribute, no script) and with colours that pass WCAG contrast."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from doorstep.core import charts
from doorstep.core.charts import Row


def test_bar_chart_scales_bars_to_the_largest_value():
    chart = charts.bar_chart(title="Overdue actions by worker", label_heading="Worker", value_heading="Overdue",
                             rows=[("Ann Bell", 4), Row(label="Cai Jones", values=(2,), href="/x/"), ("Dee", 0)])
    bars = [group.bars[0] for group in chart.groups]
    assert [b.width for b in bars] == [charts.BAR_AREA, charts.BAR_AREA / 2, 0]
    assert all(b.x == chart.label_width for b in bars)
    assert [g.label for g in chart.groups] == ["Ann Bell", "Cai Jones", "Dee"]
    assert [r["href"] for r in chart.table_rows] == ["", "/x/", ""]
    assert chart.width > chart.label_width + charts.BAR_AREA  # room for the number after the longest bar
    assert chart.id == "chart-overdue-actions-by-worker"


def test_comparison_chart_has_two_bars_a_row_on_one_scale_and_the_difference_in_the_table():
    chart = charts.comparison_chart(title="Families", label_heading="Status", series=("This quarter", "Last quarter"),
                                    rows=[("In need", 10, 5), ("Plan", 2, None)])
    assert [s.name for s in chart.series] == ["This quarter", "Last quarter"]
    first = chart.groups[0].bars
    assert (first[0].width, first[1].width) == (charts.BAR_AREA, charts.BAR_AREA / 2)
    assert first[1].y == first[0].y + charts.BAR_HEIGHT  # previous period just under the current one
    assert [r["difference"] for r in chart.table_rows] == [5, None]
    assert chart.difference_heading == "Change"


def test_heatmap_shades_each_tone_against_its_own_peak_and_the_legend_matches():
    chart = charts.heatmap(title="Contacts", label_heading="Agency", columns=["Jan", "Feb", "Mar"],
                           rows=[("Attempted", 0, 4, 8), Row(label="Refused", values=(1, None, 0), tone="red")],
                           tone_names={"red": "Refused"})
    attempted, refused = chart.heat_rows
    blue, red = charts.TONES["blue"], charts.TONES["red"]
    assert [c.fill for c in attempted.cells] == [charts.ZERO_FILL, blue[1], blue[3]]
    assert [c.fill for c in refused.cells] == [red[3], charts.EMPTY_FILL, charts.ZERO_FILL]
    legend = [(s.fill, s.low, s.high, s.tone_name) for s in chart.legend]
    assert legend[0] == (charts.ZERO_FILL, 0, None, "")
    assert (blue[1], 3, 4, "") in legend and (blue[3], 7, 8, "") in legend
    assert (red[3], 1, None, "Refused") in legend
    # Every value shown in the grid falls in the legend entry of its shade.
    for row, heat_row in zip(chart.rows, chart.heat_rows):
        for value, cell in zip(row.values, heat_row.cells):
            if value:
                shade = next(s for s in chart.legend if s.fill == cell.fill)
                assert shade.low <= value <= (shade.high if shade.high is not None else shade.low)


def test_heatmap_legend_for_a_peak_of_decimals():
    chart = charts.heatmap(title="Rate", label_heading="Agency", columns=["Q1"], rows=[("A", Decimal("2.0"))])
    assert chart.heat_rows[0].cells[0].fill == charts.TONES["blue"][3]
    assert [s.high for s in chart.legend][-1] == 2.0


@pytest.mark.parametrize("rows, message", [
    ([("A", 1, 2)], "has 2 values, not 1"),
    ([("A", "3")], "is not a number"),
    ([("A", True)], "is not a number"),
    ([("A", -1)], "below zero"),
])
def test_bad_rows_are_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        charts.bar_chart(title="T", label_heading="L", value_heading="V", rows=rows)


def test_an_unknown_tone_is_refused():
    with pytest.raises(ValueError, match="tone"):
        charts.heatmap(title="T", label_heading="L", columns=["a"], rows=[Row(label="A", values=(1,), tone="pink")])


def test_every_colour_passes_contrast():
    # WCAG 1.4.11: bars and filled shades at least 3:1 against the white page; 1.4.3: numbers drawn on a fill 4.5:1.
    for colour in charts.SERIES_COLOURS:
        assert charts.contrast_ratio(colour, "#ffffff") >= 4.5  # the numbers are drawn beside bars, on white
    for shades in charts.TONES.values():
        for fill in shades:
            assert charts.contrast_ratio(fill, "#ffffff") >= 3
            assert charts.contrast_ratio(fill, charts.text_colour_on(fill)) >= 4.5
    assert charts.contrast_ratio(charts.ZERO_FILL, charts.text_colour_on(charts.ZERO_FILL)) >= 4.5
    assert round(charts.contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the known AA threshold grey


def test_long_labels_are_shortened_in_the_picture_but_whole_in_the_table():
    label = "A very long agency name that goes on and on"
    chart = charts.bar_chart(title="T", label_heading="L", value_heading="V", rows=[(label, 1)])
    assert chart.groups[0].label.endswith("…") and len(chart.groups[0].label) == charts.LABEL_MAX_CHARS
    html = render_to_string("core/includes/chart_bar.html", {"chart": chart})
    assert f">{label}</th>" in html


def _check_markup(html: str, chart) -> None:
    assert "style=" not in html and "<script" not in html  # CSP: style-src 'self', scripts by nonce only
    assert 'role="img"' in html
    assert f'aria-labelledby="{chart.id}-title"' in html and f'<title id="{chart.id}-title">' in html
    assert f'aria-describedby="{chart.id}-desc"' in html and f'<desc id="{chart.id}-desc">' in html
    assert '<table class="govuk-table ds-chart__table">' in html
    # Coordinates are plain numbers whatever the reader's language (no "12,5" in Welsh or English locales).
    assert not re.search(r'(?:x|y|width|height)="[0-9]+,[0-9]', html)


def test_bar_chart_template_draws_the_bars_and_the_table():
    chart = charts.comparison_chart(title="Families", label_heading="Status", series=("Now", "Before"),
                                    rows=[Row(label="In need", values=(10, 5), href="/families/?s=need"),
                                          ("Plan", 2, 3)])
    html = render_to_string("core/includes/chart_bar.html", {"chart": chart})
    _check_markup(html, chart)
    assert html.count("<rect ") == 4 + 2  # four bars and two legend swatches
    assert '<a class="govuk-link" href="/families/?s=need">In need</a>' in html
    cells = re.findall(r'ds-numeric">([^<]*)</td>', html)
    assert cells == ["10", "5", "+5", "2", "3", "-1"]


def test_heatmap_template_draws_every_cell_its_legend_and_the_table():
    chart = charts.heatmap(title="Contacts by month", label_heading="Agency", columns=["Jan", "Feb"],
                           rows=[("Health", 3, None), Row(label="Police", values=(0, 1), tone="red")])
    html = render_to_string("core/includes/chart_heatmap.html", {"chart": chart})
    _check_markup(html, chart)
    svg = html[html.index("<svg class=\"ds-chart__svg\""):html.index("</svg>")]
    assert svg.count("<rect ") == 4
    assert f'fill="{charts.TONES["blue"][3]}"' in svg and f'fill="{charts.EMPTY_FILL}"' in svg
    assert re.findall(r'ds-numeric">([^<]*)</td>', html) == ["3", "–", "0", "1"]
    assert "Key:" in html


def test_an_empty_chart_still_has_its_table_saying_so():
    chart = charts.bar_chart(title="Nothing", label_heading="L", value_heading="V", rows=[])
    html = render_to_string("core/includes/chart_bar.html", {"chart": chart})
    assert "<svg" not in html and "No figures." in html
    assert chart.is_empty


def test_heatmap_groups_and_totals_in_the_picture_and_the_table():
    chart = charts.heatmap(
        title="Contacts", label_heading="Agency", columns=["Jan", "Feb"], total_heading="Total",
        rows=[Row(label="Attempted", values=(2, 1), group="Health"), Row(label="Refused", values=(1, None),
                                                                         group="Health", tone="red"),
              Row(label="Attempted", values=(None, None), group="Police")])
    assert [r.group for r in chart.heat_rows] == ["Health", "", "Police"]
    assert [r.separator_y is not None for r in chart.heat_rows] == [False, False, True]
    assert [r.total for r in chart.heat_rows] == [3, 1, None]
    assert chart.columns[-1] == ("Total", chart.total_x) and chart.label_width > chart.group_width > 0
    assert [(e["group"], e["group_span"], e["total"]) for e in chart.table_rows] == [
        ("Health", 2, 3), ("Health", 0, 1), ("Police", 1, None)]
    html = render_to_string("core/includes/chart_heatmap.html", {"chart": chart})
    _check_markup(html, chart)
    assert html.count('scope="rowgroup"') == 2 and 'rowspan="2"' in html
    assert re.findall(r'ds-numeric"><strong>([^<]*)</strong></td>', html) == ["3", "1", "–"]


def test_a_chart_under_a_heading_of_its_own_keeps_its_caption_for_screen_readers_only():
    chart = charts.bar_chart(title="Overdue", label_heading="L", value_heading="V", rows=[("A", 1)])
    plain = render_to_string("core/includes/chart_bar.html", {"chart": chart})
    headed = render_to_string("core/includes/chart_bar.html", {"chart": chart, "headed": True})
    assert '<figcaption class="govuk-heading-s ds-chart__title">Overdue</figcaption>' in plain
    assert '<figcaption class="govuk-visually-hidden ds-chart__title">Overdue</figcaption>' in headed
