"""Issue 18: the engagement picture as heatmaps (agency by month, adult by month: attempted, achieved, refused or
missed), server-rendered SVG with the numbers in a table beside them (CHR-2, FAM-3)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from doorstep.core import charts
from doorstep.engagement.models import Outcome
from doorstep.engagement.pictures import engagement_heatmaps
from doorstep.engagement.selectors import engagement_grid

from .helpers import record


@pytest.fixture
def worker_client(client, world):
    client.force_login(world.users["involved_practitioner"])
    return client


def _history(world):
    record(world, adults_present=[world.parent], children={world.child: {"seen": True}}, ago=timedelta(days=1))
    record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(days=2))
    record(world, by=world.users["other_involved"], outcome=Outcome.NO_ANSWER, ago=timedelta(days=40))


def test_the_heatmaps_hold_the_grid_s_numbers_row_by_row(world):
    _history(world)
    grid = engagement_grid(family=world.family, months=12)
    maps = engagement_heatmaps(grid=grid)
    agencies = maps["agencies"]
    assert agencies.headings == tuple(m.strftime("%b %y") for m in grid["months"])
    groups = [r.group for r in agencies.rows]
    assert groups[:3] == ["Health Board"] * 3 and groups[3:6] == ["Police"] * 3
    by_label = {(r.group, r.label): r for r in agencies.rows}
    assert groups[6:] == ["School (not involved now)"] * 3  # the ended involvement says so
    for row in grid["agency_rows"]:
        name = str(row.subject) + ("" if row.subject.involved else " (not involved now)")
        assert by_label[(name, "Attempted")].values == tuple(c.attempted for c in row.cells)
        assert by_label[(name, "Achieved")].values == tuple(c.achieved for c in row.cells)
        assert by_label[(name, "Refused or missed")].values == tuple(c.refused for c in row.cells)
    health = [e for e in agencies.table_rows if e["group"] == "Health Board"]
    assert [(e["label"], e["total"], e["group_span"]) for e in health] == [
        ("Attempted", 2, 3), ("Achieved", 1, 0), ("Refused or missed", 1, 0)]
    assert [r.tone for r in agencies.rows[:3]] == ["blue", "green", "red"]
    adults = maps["adults"]
    assert adults.rows[0].group == "Kelly Testing (Parent)" and adults.table_rows[0]["total"] == 1


def test_the_picture_page_draws_both_heatmaps_with_their_tables(world, worker_client):
    _history(world)
    body = worker_client.get(reverse("engagement:picture", args=[world.family.pk])).content.decode()
    assert body.count('role="img"') == 2
    assert 'aria-labelledby="engagement-agencies-title"' in body and 'aria-labelledby="engagement-adults-title"' in body
    agencies = body[body.index('id="engagement-agencies"'):body.index('id="engagement-adults"')]
    assert '<th scope="rowgroup" rowspan="3" class="govuk-table__header">Health Board</th>' in agencies
    # The refused cells are red: the month with Health Board's refusal has the darkest red (its peak).
    assert f'fill="{charts.TONES["red"][-1]}"' in agencies
    assert re.search(r'ds-numeric"><strong>2</strong></td>', agencies)  # Health Board attempted, in total
    assert "style=" not in body[body.index('<main'):]  # CSP: no inline styles


def test_the_picture_page_without_adults_has_one_heatmap(world, worker_client):
    world.parent.delete()
    record(world, ago=timedelta(days=1))
    body = worker_client.get(reverse("engagement:picture", args=[world.family.pk])).content.decode()
    assert body.count('role="img"') == 1
