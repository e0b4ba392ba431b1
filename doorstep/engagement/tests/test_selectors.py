"""The case file's engagement panels: the child panel (P-1), defaulted contacts (ENG-6) and the engagement grid
(CHR-2), their numbers and their fixed number of queries."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.engagement import services
from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.selectors import child_panel, defaulted_summary, engagement_grid, grid_months
from doorstep.escalations.services import rule_settings_update
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole

from doorstep.testing.escalations import rule_set

from .helpers import record

LONDON_NOON = {"hour": 12}


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.mark.clock("2026-06-15 12:00")
def test_child_panel_last_seen_and_seen_alone_by_whom(world, time_machine):
    police = world.users["other_involved"]
    record(world, children={world.child: {"seen": True, "seen_alone": True}}, ago=timedelta(days=50))
    record(world, by=police, children={world.child: {"seen": True}}, ago=timedelta(days=10))
    record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(days=2))
    [row] = child_panel(family=world.family)
    assert row["child"] == world.child
    assert row["last_seen"].recorded_by == police and row["days_since_seen"] == 10
    assert row["last_seen"].agency.name == "Police"
    assert row["last_seen_alone"].recorded_by == world.users["involved_practitioner"]
    assert row["days_since_seen_alone"] == 50
    # ESC-8's periods (P-1): 28 days seen, 56 days seen alone by default (the rule's settings).
    assert row["not_seen"] is False and row["not_seen_alone"] is False
    rule_set("ESC-8", not_seen_alone_days=42)
    assert child_panel(family=world.family)[0]["not_seen_alone"] is True


def test_child_never_seen_stands_out(world):
    record(world, outcome=Outcome.REFUSED_ENTRY)
    [row] = child_panel(family=world.family)
    assert row["last_seen"] is None and row["not_seen"] and row["not_seen_alone"]


@pytest.mark.clock("2026-06-15 12:00")
def test_stand_out_period_is_configuration(world, time_machine):
    record(world, children={world.child: {"seen": True, "seen_alone": True}}, ago=timedelta(days=20))
    assert child_panel(family=world.family)[0]["not_seen_alone"] is False
    # ESC-8's thresholds, set once on the Rule settings page (issue 14), are the case file's too.
    rule_settings_update(rule_id="ESC-8", by=world.users["administrator"], enabled=True,
                         parameters={"not_seen_days": 10, "not_seen_alone_days": 19, "deadline_working_days": 5},
                         reason="Area protocol")
    row = child_panel(family=world.family)[0]
    assert row["not_seen"] and row["not_seen_alone"]


@pytest.mark.clock("2026-06-15 12:00")
def test_defaulted_summary_per_family_and_child_since_when(world, time_machine):
    worker = world.users["involved_practitioner"]
    record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(days=40))
    sibling = family_services.person_add(family=world.family, by=worker, role=MemberRole.CHILD, given_name="Mali",
                                         family_name="Testing", date_of_birth=date(2022, 1, 1))
    record(world, children={world.child: {"seen": True}}, ago=timedelta(days=30))
    record(world, outcome=Outcome.CHILD_NOT_AVAILABLE, children={world.child: {"seen": True}},
           ago=timedelta(days=20), follow_up="Asked school to check on Mali")
    record(world, outcome=Outcome.DID_NOT_ATTEND, kind=ContactKind.OFFICE, ago=timedelta(days=5))
    summary = defaulted_summary(family=world.family)
    assert summary["total"] == 3
    assert timezone.localtime(summary["since"]).date() == date(2026, 5, 6)
    assert summary["in_a_row"] == 2  # since contact was last achieved, 30 days ago
    assert timezone.localtime(summary["last_achieved"]).date() == date(2026, 5, 16)
    per_child = {c["child"]: c["count"] for c in summary["children"]}
    # Mali joined the household after the first visit, so only the later two concerned her.
    assert per_child == {world.child: 3, sibling: 2}
    assert [c.outcome for c in summary["recent"]] == [Outcome.DID_NOT_ATTEND, Outcome.CHILD_NOT_AVAILABLE,
                                                      Outcome.NO_ANSWER]
    assert [f.text for f in summary["recent"][1].follow_ups.all()] == ["Asked school to check on Mali"]


@pytest.mark.clock("2026-06-15 12:00")
def test_grid_counts_by_agency_adult_and_month_in_local_time(world, time_machine):
    """FAM-3 (002 §4.2, §4.4) and CHR-2: which agencies each adult engages with and which not, month by month."""
    police = world.users["other_involved"]
    # 00:30 on 1 April in London is 23:30 on 31 March UTC: it belongs to April.
    services.contact_record(family=world.family, by=police, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN,
                            occurred_at=_at(date(2026, 4, 1), 0, 30), adults_present=[world.parent])
    record(world, outcome=Outcome.REFUSED_ENTRY, adults_present=[world.parent], ago=timedelta(days=3))
    record(world, outcome=Outcome.RESCHEDULED_BY_PROFESSIONAL, ago=timedelta(days=4))
    gone = record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(days=5))
    services.contact_enter_in_error(contact=gone, by=world.users["involved_practitioner"], reason="Duplicate")
    grid = engagement_grid(family=world.family, months=3)
    assert grid["months"] == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    rows = {r.subject.name: r for r in grid["agency_rows"]}
    assert set(rows) == {"Health Board", "Police", "School"}  # every agency involved, ever
    health, police_row = rows["Health Board"], rows["Police"]
    assert [(c.attempted, c.achieved, c.refused) for c in health.cells] == [(0, 0, 0), (0, 0, 0), (2, 0, 1)]
    assert [(c.attempted, c.achieved, c.refused) for c in police_row.cells] == [(1, 1, 0), (0, 0, 0), (0, 0, 0)]
    adults = {r.subject: r for r in grid["adult_rows"]}
    kelly = adults[world.parent]
    assert (kelly.total.attempted, kelly.total.achieved, kelly.total.refused) == (2, 1, 1)
    assert kelly.by_agency[police.agency_id].achieved == 1
    assert [a.name for a in grid["engaged_with"]] == ["Police"]
    assert [a.name for a in grid["refused_only"]] == ["Health Board"]
    # The school's involvement has ended: it is shown, but is not "involved and silent".
    assert [a.name for a in grid["no_recent_contact"]] == ["Police"]


def test_grid_months_cross_the_year():
    assert grid_months(end_month=date(2026, 2, 1), months=4) == [
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def _case_file_queries(client, world) -> int:
    client.force_login(world.users["involved_practitioner"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("families:detail", args=[world.family.pk]))
    assert response.status_code == 200
    return len(queries)


def test_case_file_panels_run_a_fixed_number_of_queries(world, client):
    record(world, outcome=Outcome.NO_ANSWER)
    record(world, children={world.child: {"seen": True, "seen_alone": True}}, ago=timedelta(days=1))
    small = _case_file_queries(client, world)
    worker = world.users["involved_practitioner"]
    for i in range(3):
        family_services.person_add(family=world.family, by=worker, role=MemberRole.CHILD, given_name=f"Child{i}",
                                   family_name="Testing", date_of_birth=date(2019, 1, 1 + i))
        family_services.person_add(family=world.family, by=worker, role=MemberRole.ADULT_VISITING,
                                   given_name=f"Adult{i}", family_name="Visitor")
    for i in range(40):
        record(world, by=world.users["other_involved"] if i % 2 else worker,
               outcome=[Outcome.SEEN, Outcome.NO_ANSWER, Outcome.DID_NOT_ATTEND][i % 3],
               kind=ContactKind.HOME_VISIT if i % 3 != 2 else ContactKind.OFFICE,
               children={world.child: {"seen": True}} if i % 3 == 0 else None,
               adults_present=[world.parent] if i % 3 == 0 else [], ago=timedelta(days=1 + i * 3),
               follow_up="Letter" if i % 3 else "")
    assert _case_file_queries(client, world) == small


@pytest.mark.parametrize("months", [1, 6, 12])
def test_grid_covers_exactly_the_months_asked(world, months):
    grid = engagement_grid(family=world.family, months=months)
    assert len(grid["months"]) == months and all(len(r.cells) == months for r in grid["agency_rows"])


def test_the_grid_lists_involved_agencies_and_those_with_contacts_without_joining_every_involvement(world):
    """Issue 15: `id IN (involved) OR id IN (with contacts)`, not a join over every involvement with DISTINCT; the
    school, whose involvement ended, is still listed (it was involved), once."""
    record(world)
    with CaptureQueriesContext(connection) as queries:
        grid = engagement_grid(family=world.family, months=6)
    names = [a.name for a in grid["agencies"]]
    assert names == sorted(set(names)) and {"Health Board", "Police", "School"} <= set(names)
    assert "Housing" not in names
    agencies_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "agencies_agency"."id"'))
    assert "DISTINCT" not in agencies_sql and "JOIN" not in agencies_sql


@pytest.mark.clock("2026-06-15 12:00")
def test_issue_21_esc_8_the_child_panel_reads_the_family_partnerships_periods(world, client, time_machine):
    """ESC-8 (issue 21): seen alone 50 days ago: within the default partnership's 56 days, but past the 42 days of
    the family's own partnership, on the panel and on the case file."""
    from doorstep.testing.partnerships import second_partnership

    record(world, children={world.child: {"seen": True, "seen_alone": True}}, ago=timedelta(days=50))
    assert child_panel(family=world.family)[0]["not_seen_alone"] is False
    second_partnership(world, settings={"ESC-8": {"not_seen_alone_days": 42}}, families=[world.family])
    assert child_panel(family=world.family)[0]["not_seen_alone"] is True
    from doorstep.engagement.casefile import children_seen_panel

    panel = children_seen_panel(family=world.family, professional=world.users["involved_practitioner"])
    assert panel["esc_8"]["not_seen_alone_days"] == 42 and panel["rows"][0]["not_seen_alone"] is True
