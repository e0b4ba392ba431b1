"""FLG-2: review dates are escalations. A marker past (or near) its review date is flagged, never dropped."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from doorstep.escalations.evaluate import SWEEP_CHECKS, sweep_run
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.markers import services
from doorstep.markers.scheduled import marker_review_sweep

from .test_services import raise_marker

LONDON = ZoneInfo("Europe/London")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_the_sweep_is_registered_with_the_escalation_engine():
    assert marker_review_sweep in SWEEP_CHECKS


@pytest.mark.clock("2026-11-02 09:00")
def test_the_review_action_is_raised_fourteen_days_ahead_once_and_due_on_the_review_date(world, time_machine):
    marker = services.marker_authorise(marker=raise_marker(world, review_date=date(2027, 1, 20)),
                                       by=world.users["involved_manager"])
    time_machine.move_to(_at(date(2027, 1, 5)), tick=False)  # 15 days before: not yet
    assert marker_review_sweep(now=_at(date(2027, 1, 5))) == 0
    time_machine.move_to(_at(date(2027, 1, 6)), tick=False)  # 14 days before
    assert sweep_run(now=_at(date(2027, 1, 6)))["doorstep.markers.scheduled.marker_review_sweep"] == 1
    review = Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:review:2027-01-20")
    assert review.owner == world.users["involved_manager"] and review.rule_id == "FLG-2"
    assert review.deadline == datetime(2027, 1, 20, 23, 59, 59, tzinfo=LONDON)
    # A second worker, or the next sweep, raises nothing new.
    assert marker_review_sweep(now=_at(date(2027, 1, 6), 10)) == 0
    assert Escalation.objects.filter(key__contains=":review:").count() == 1


@pytest.mark.clock("2026-11-02 09:00")
def test_completing_the_action_without_reviewing_does_not_raise_it_again_but_the_banner_says_overdue(
        world, client, time_machine):
    marker = services.marker_authorise(marker=raise_marker(world, review_date=date(2026, 12, 1)),
                                       by=world.users["involved_manager"])
    time_machine.move_to(_at(date(2026, 12, 3)), tick=False)
    assert marker_review_sweep(now=_at(date(2026, 12, 3))) == 1
    Escalation.objects.filter(key__contains=":review:").update(state=EscalationState.DONE)
    assert marker_review_sweep(now=_at(date(2026, 12, 4))) == 0
    client.force_login(world.users["other_involved"])
    page = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Review overdue since 1 Dec 2026" in page  # still shown: never silently dropped


@pytest.mark.clock("2026-11-02 09:00")
def test_a_review_closes_the_action_and_the_next_date_gets_its_own(world, time_machine):
    marker = services.marker_authorise(marker=raise_marker(world, review_date=date(2026, 11, 10)),
                                       by=world.users["involved_manager"])
    assert marker_review_sweep(now=_at(date(2026, 11, 2))) == 1
    services.marker_review(marker=marker, by=world.users["involved_manager"], review_date=date(2027, 3, 1),
                           note="Still threatening staff")
    assert Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:review:2026-11-10").state == EscalationState.DONE
    assert marker_review_sweep(now=_at(date(2027, 2, 14))) == 0
    assert marker_review_sweep(now=_at(date(2027, 2, 15))) == 1
    assert Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:review:2027-03-01").state == EscalationState.OPEN


@pytest.mark.clock("2026-11-02 09:00")
def test_ended_and_unauthorised_markers_are_not_swept(world, time_machine):
    waiting = raise_marker(world, review_date=date(2026, 11, 5))
    ended = services.marker_authorise(marker=raise_marker(world, review_date=date(2026, 11, 5)),
                                      by=world.users["involved_manager"])
    services.marker_end(marker=ended, by=world.users["involved_manager"], reason="Moved away")
    assert marker_review_sweep(now=_at(date(2026, 11, 6))) == 0
    assert waiting.pk and not Escalation.objects.filter(key__contains=":review:").exists()


@pytest.mark.clock("2026-11-02 09:00")
def test_the_review_goes_to_the_agencys_duty_manager_when_the_authoriser_has_left(world, time_machine):
    from doorstep.agencies.models import Professional, Role

    manager = world.users["involved_manager"]
    marker = services.marker_authorise(marker=raise_marker(world, review_date=date(2026, 11, 10)), by=manager)
    Professional.objects.filter(pk=manager.pk).update(is_active=False)
    duty = Professional.objects.create(username="health.duty", agency=manager.agency, role=Role.MANAGER,
                                       is_duty_manager=True)
    marker_review_sweep(now=_at(date(2026, 11, 2)) + timedelta(hours=1))
    assert Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:review:2026-11-10").owner == duty


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_raise_one_review_action():
    # On PostgreSQL the claims are row locks (skip_locked); SQLite serialises writers, and the idempotent key
    # must give the same answer there.
    import threading

    from doorstep.testing.world import build_world

    world = build_world()
    marker = services.marker_authorise(
        marker=raise_marker(world, review_date=timezone.localdate() + timedelta(days=3)),
        by=world.users["involved_manager"])
    barrier, results = threading.Barrier(4), []

    def sweep():
        try:
            barrier.wait()
            results.append(marker_review_sweep(now=timezone.now()))
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        # The in-memory test database refuses concurrent writers outright ("table is locked") instead of
        # waiting, so there the four workers sweep one after another: the idempotent key still allows one action.
        results = [marker_review_sweep(now=timezone.now()) for _ in range(4)]
    else:
        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 4
    assert sum(results) == 1
    assert Escalation.objects.filter(key=f"FLG-2:marker:{marker.pk}:review:{marker.review_date.isoformat()}").count() == 1


@pytest.mark.clock("2026-11-02 09:00")
def test_issue_21_flg_2_the_review_notice_is_the_family_partnerships(world, time_machine):
    """FLG-2 (issue 21): the review action is raised as many days ahead as the marker's family's partnership says,
    not the deployment's default partnership (14 days there; 3 days in the family's)."""
    from doorstep.testing.partnerships import second_partnership

    second_partnership(world, settings={"FLG-2": {"review_notice_days": 3}}, families=[world.family])
    marker = services.marker_authorise(marker=raise_marker(world, review_date=date(2027, 1, 20)),
                                       by=world.users["involved_manager"])
    time_machine.move_to(_at(date(2027, 1, 6)), tick=False)  # 14 days before: the default would raise it
    assert marker_review_sweep(now=_at(date(2027, 1, 6))) == 0
    time_machine.move_to(_at(date(2027, 1, 17)), tick=False)  # 3 days before: the family's partnership raises it
    assert marker_review_sweep(now=_at(date(2027, 1, 17))) == 1
    assert Escalation.objects.filter(key=f"FLG-2:marker:{marker.pk}:review:2027-01-20").exists()
