"""Deadlines end at 23:59:59 Europe/London on their day, in summer (BST) and winter (GMT), whatever time zone is
active; the API gives them with their offset (issue 14). ESC-12's "within N working days" counts to that moment."""

import importlib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone

from doorstep.core.workingdays import end_of_day, working_days_deadline
from doorstep.escalations.models import Escalation
from doorstep.testing.escalations import escalation_make

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("day, utc", [
    (date(2027, 7, 1), datetime(2027, 7, 1, 22, 59, 59, tzinfo=UTC)),  # BST: 23:59:59+01:00
    (date(2027, 1, 12), datetime(2027, 1, 12, 23, 59, 59, tzinfo=UTC)),  # GMT
])
def test_end_of_day_is_in_london_whatever_zone_is_active(day, utc):
    with timezone.override("UTC"):
        assert end_of_day(day) == utc
    with timezone.override("America/New_York"):
        assert end_of_day(day) == utc
    assert end_of_day(day).astimezone(LONDON).time().isoformat() == "23:59:59"


def test_working_days_deadline_on_the_day_the_clocks_go_back():
    # Friday 23 October 2026 + 1 working day: Monday 26 October, the first GMT day after the change on the 25th.
    assert working_days_deadline(date(2026, 10, 23), 1) == datetime(2026, 10, 26, 23, 59, 59, tzinfo=UTC)
    # Thursday 25 March 2027 + 1 working day: Tuesday 30 March (Good Friday and Easter Monday are bank holidays),
    # BST since the 28th.
    assert working_days_deadline(date(2027, 3, 25), 1) == datetime(2027, 3, 30, 22, 59, 59, tzinfo=UTC)


def _raise(world, day):
    escalation, _created = escalation_make(
        rule_id="ESC-1", clause="003 §7.9", key=f"ESC-1:family:{world.family.pk}", title="Convene a meeting",
        owner=world.users["involved_practitioner"], family=world.family, deadline=day)
    return escalation


@pytest.mark.clock("2027-06-28 10:00")
def test_a_summer_deadline_is_stored_at_the_end_of_the_bst_day_and_the_api_gives_its_offset(world, client):
    escalation = _raise(world, date(2027, 7, 1))
    escalation.refresh_from_db()
    assert escalation.deadline == datetime(2027, 7, 1, 23, 59, 59, tzinfo=LONDON)
    client.force_login(world.users["involved_practitioner"])
    [row] = client.get("/api/v1/escalations/").json()["results"]
    assert row["deadline"] == "2027-07-01T23:59:59+01:00"
    with timezone.override("UTC"):  # a reader's zone does not move the day
        assert client.get(f"/api/v1/escalations/{escalation.pk}/").json()["deadline"] == "2027-07-01T23:59:59+01:00"


@pytest.mark.clock("2027-01-11 10:00")
def test_a_winter_deadline_is_stored_at_the_end_of_the_gmt_day(world, client):
    escalation = _raise(world, date(2027, 1, 12))
    escalation.refresh_from_db()
    assert escalation.deadline == datetime(2027, 1, 12, 23, 59, 59, tzinfo=UTC)
    client.force_login(world.users["involved_practitioner"])
    [row] = client.get("/api/v1/escalations/").json()["results"]
    assert row["deadline"] == "2027-01-12T23:59:59Z"  # DRF writes the +00:00 offset as Z
    # Not overdue until the day is over in London.
    assert not escalation.is_overdue


@pytest.mark.clock("2027-06-28 10:00")
def test_the_data_migration_moves_open_summer_deadlines_stored_in_utc(world):
    summer = _raise(world, date(2027, 7, 1))
    winter = escalation_make(rule_id="ESC-3", clause="001 §5.1.9.1", key="ESC-3:test", title="Discuss",
                             owner=world.users["involved_practitioner"], family=world.family,
                             deadline=date(2027, 1, 12))[0]
    at_once = escalation_make(rule_id="SAF-3", clause="004 §6.1", key="SAF-3:test", title="Emergency",
                              owner=world.users["involved_practitioner"], family=world.family,
                              deadline=datetime(2027, 6, 28, 23, 59, 59, tzinfo=LONDON))[0]
    # As the old code stored them: 23:59:59 UTC (00:59:59 BST the next day).
    Escalation.objects.filter(pk=summer.pk).update(deadline=datetime(2027, 7, 1, 23, 59, 59, tzinfo=UTC))
    migration = importlib.import_module("doorstep.escalations.migrations.0005_deadlines_end_of_day_in_london")
    migration.forwards(apps, None)
    for escalation in (summer, winter, at_once):
        escalation.refresh_from_db()
    assert summer.deadline == datetime(2027, 7, 1, 23, 59, 59, tzinfo=LONDON)
    assert winter.deadline == datetime(2027, 1, 12, 23, 59, 59, tzinfo=UTC)
    assert at_once.deadline == datetime(2027, 6, 28, 23, 59, 59, tzinfo=LONDON)
