"""SAF-3: the lone-worker chain, driven by the periodic sweep. With the clock controlled, each step fires at its
exact time and never before; nothing is lost, nothing fires twice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.core.schedule import SCHEDULE
from doorstep.escalations.evaluate import SWEEP_CHECKS, sweep_run
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.testing.factories import ProfessionalFactory
from doorstep.visits import services
from doorstep.visits.models import ChainStep, LoneWorkingProcedure, Visit, VisitAlert, VisitStatus
from doorstep.visits.scheduled import visit_alarm_sweep

from .helpers import plan, started

LONDON = ZoneInfo("Europe/London")
ARRIVED = datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)  # each test starts then: @pytest.mark.clock("2026-11-24 14:00")
SECOND = timedelta(seconds=1)


def _steps(visit) -> list[str]:
    return list(VisitAlert.objects.filter(visit=visit).order_by("fired_at", "id").values_list("step", flat=True))


def _duty_manager(world) -> Professional:
    """A duty manager in the worker's team, distinct from their line manager."""
    manager = world.users["involved_manager"]
    Professional.objects.filter(pk=manager.pk).update(is_duty_manager=False)
    return ProfessionalFactory(username="health.duty", agency=manager.agency, team=manager.team, role=Role.MANAGER,
                               is_duty_manager=True)


def test_the_sweep_is_registered_and_has_its_own_faster_schedule():
    assert visit_alarm_sweep in SWEEP_CHECKS
    job = next(j for j in SCHEDULE if j[0] == "visit-alarms")
    assert job[2] == "doorstep.visits.tasks.alarm_sweep" and job[1] <= 30


@pytest.mark.clock("2026-11-24 14:00")
def test_each_step_fires_at_its_exact_time_and_never_before(world, time_machine):
    duty = _duty_manager(world)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    visit = started(world, minutes=60)
    end = ARRIVED + timedelta(minutes=60)
    expected = [
        (end, ChainStep.REMINDER, [worker]),
        (end + timedelta(minutes=15), ChainStep.LINE_MANAGER, [manager]),
        (end + timedelta(minutes=30), ChainStep.DUTY_MANAGER, [duty]),
        (end + timedelta(minutes=45), ChainStep.EMERGENCY, [duty, manager]),
    ]
    fired = []
    for at, step, recipients in expected:
        time_machine.move_to(at - SECOND, tick=False)
        assert visit_alarm_sweep(now=at - SECOND) == 0, f"{step} fired before its time"
        assert _steps(visit) == fired
        time_machine.move_to(at, tick=False)
        assert sweep_run(now=at)["doorstep.visits.scheduled.visit_alarm_sweep"] == 1
        fired.append(step)
        assert _steps(visit) == fired
        alert = VisitAlert.objects.get(visit=visit, step=step)
        assert alert.due_at == at == alert.fired_at
        assert {p.pk for p in alert.recipients.all()} == {p.pk for p in recipients}
        assert visit_alarm_sweep(now=at) == 0  # a second sweeper at the same moment: nothing more
    # Each is a mandatory notification (and e-mail) to exactly its recipients, once.
    overdue = Notification.objects.filter(kind=NotificationKind.VISIT_OVERDUE)
    assert sorted(n.recipient.username for n in overdue if "not reported back" in n.message) == [
        "health.duty", "health.duty", "health.manager", "health.manager"]
    assert all(n.mandatory and n.link == f"/visits/{visit.pk}/alarm/" for n in overdue)
    reminder = Notification.objects.get(recipient=worker, kind=NotificationKind.ACTION, dedupe_key__contains="reminder")
    assert reminder.link == f"/visits/{visit.pk}/go/"
    # The emergency step is also a tracked action, owned by the duty manager (ESC engine).
    action = Escalation.objects.get(key=f"SAF-3:visit:{visit.pk}:round:1")
    assert action.owner == duty and action.rule_id == "SAF-3" and action.clause == "004 §6.1"
    # Nothing further is timed after the top of the chain.
    assert Visit.objects.get(pk=visit.pk).next_alert_at is None
    assert visit_alarm_sweep(now=end + timedelta(hours=5)) == 0
    assert ChronologyEntry.objects.filter(kind=EntryKind.VISIT, significant=True,
                                          summary__startswith="Lone-worker alarm").count() == 1
    assert AuditEvent.objects.filter(object_type="visits.VisitAlert").count() == 4


@pytest.mark.clock("2026-11-24 14:00")
def test_a_sweep_that_was_down_fires_every_step_that_fell_due_meanwhile_once(world, time_machine):
    visit = started(world, minutes=30)
    late = ARRIVED + timedelta(minutes=30 + 31)
    time_machine.move_to(late, tick=False)
    assert visit_alarm_sweep(now=late) == 3
    assert _steps(visit) == ["reminder", "line_manager", "duty_manager"]
    assert [a.due_at - ARRIVED for a in VisitAlert.objects.filter(visit=visit).order_by("id")] == [
        timedelta(minutes=30), timedelta(minutes=45), timedelta(minutes=60)]


@pytest.mark.clock("2026-11-24 14:00")
def test_checking_in_stops_the_chain_and_stands_everyone_down(world, time_machine):
    visit = started(world, minutes=30)
    at = ARRIVED + timedelta(minutes=46)
    time_machine.move_to(at, tick=False)
    visit_alarm_sweep(now=at)  # reminder and line manager
    visit = services.visit_extend(visit=Visit.objects.get(pk=visit.pk), by=visit.worker, minutes=15)
    assert visit.alarm_round == 2 and visit.escalated_at is None and visit.alarm_step == ""
    assert visit.expected_back == at + timedelta(minutes=15) == visit.next_alert_at
    stand_down = Notification.objects.get(recipient=world.users["involved_manager"], kind=NotificationKind.GENERAL)
    assert stand_down.message.startswith("Stand down:") and stand_down.mandatory
    # A new round: the chain starts again from the new expected end.
    time_machine.move_to(at + timedelta(minutes=15), tick=False)
    assert visit_alarm_sweep(now=at + timedelta(minutes=15)) == 1
    assert VisitAlert.objects.filter(visit=visit, round=2).get().step == ChainStep.REMINDER


@pytest.mark.clock("2026-11-24 14:00")
def test_an_acknowledgement_holds_the_chain_then_it_moves_on_if_the_worker_is_not_found(world, time_machine):
    duty = _duty_manager(world)
    manager = world.users["involved_manager"]
    visit = started(world, minutes=30)
    line_manager_at = ARRIVED + timedelta(minutes=45)
    time_machine.move_to(line_manager_at, tick=False)
    visit_alarm_sweep(now=line_manager_at)
    acknowledged_at = line_manager_at + timedelta(minutes=10)  # 5 minutes before the duty manager's step
    time_machine.move_to(acknowledged_at, tick=False)
    visit = services.visit_acknowledge(visit=visit, by=manager)
    assert visit.next_alert_at == acknowledged_at + timedelta(minutes=15)
    assert VisitAlert.objects.get(visit=visit, step=ChainStep.LINE_MANAGER).acknowledged_by == manager
    duty_due = ARRIVED + timedelta(minutes=60)
    assert visit_alarm_sweep(now=duty_due) == 0  # held
    assert visit_alarm_sweep(now=visit.next_alert_at - SECOND) == 0
    assert visit_alarm_sweep(now=visit.next_alert_at) == 1
    assert VisitAlert.objects.get(visit=visit, step=ChainStep.DUTY_MANAGER).recipients.get() == duty


@pytest.mark.clock("2026-11-24 14:00")
def test_someone_on_the_chain_records_the_worker_safe(world, time_machine):
    visit = started(world, minutes=30)
    at = ARRIVED + timedelta(minutes=90)
    time_machine.move_to(at, tick=False)
    visit_alarm_sweep(now=at)  # all the way to the emergency procedure
    assert Escalation.objects.get(key=f"SAF-3:visit:{visit.pk}:round:1").state == EscalationState.OPEN
    visit = services.visit_resolve(visit=visit, by=world.users["involved_manager"], outcome="ended",
                                   note="Phoned her: she was in the car, her phone had died")
    assert visit.status == VisitStatus.COMPLETED and visit.ended_by == world.users["involved_manager"]
    assert Escalation.objects.get(key=f"SAF-3:visit:{visit.pk}:round:1").state == EscalationState.DONE
    assert visit_alarm_sweep(now=at + timedelta(hours=1)) == 0


@pytest.mark.clock("2026-11-24 14:00")
def test_i_need_help_now_goes_straight_to_the_top_at_once(world, time_machine):
    duty = _duty_manager(world)
    visit = started(world, minutes=60)
    time_machine.move_to(ARRIVED + timedelta(minutes=10), tick=False)
    alert = services.visit_help(visit=visit, by=visit.worker)
    assert alert.step == ChainStep.HELP and alert.fired_at == ARRIVED + timedelta(minutes=10)
    assert {p.pk for p in alert.recipients.all()} == {duty.pk, world.users["involved_manager"].pk}
    assert Notification.objects.filter(kind=NotificationKind.VISIT_OVERDUE, message__startswith="HELP:").count() == 2
    visit.refresh_from_db()
    assert visit.escalation_started and visit.next_alert_at is None and visit.help_requested_at
    assert Escalation.objects.get(key=f"SAF-3:visit:{visit.pk}:round:1").owner == duty
    assert services.visit_help(visit=visit, by=visit.worker) is None  # pressed twice: alerted once


@pytest.mark.clock("2026-11-24 14:00")
def test_the_chain_follows_the_agencys_own_procedure_and_a_running_visit_keeps_its_own(world, time_machine):
    agency = world.users["involved_practitioner"].agency
    LoneWorkingProcedure.objects.create(agency=agency, reminder_minutes=None, line_manager_minutes=5,
                                        duty_manager_minutes=None, emergency_minutes=20)
    visit = started(world, minutes=30)
    assert visit.chain == [{"step": "line_manager", "minutes": 5}, {"step": "emergency", "minutes": 20}]
    LoneWorkingProcedure.objects.filter(agency=agency).update(line_manager_minutes=1)
    at = ARRIVED + timedelta(minutes=34)
    assert visit_alarm_sweep(now=at) == 0
    assert visit_alarm_sweep(now=at + timedelta(minutes=1)) == 1
    assert _steps(visit) == ["line_manager"]


@pytest.mark.clock("2026-11-24 14:00")
def test_a_failure_to_fire_is_recorded_on_the_visit_and_tried_again(world, time_machine, monkeypatch):
    from doorstep.visits import scheduled

    visit = started(world, minutes=30)
    at = ARRIVED + timedelta(minutes=30)

    def broken(**kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr(scheduled, "visit_alarm_fire_due", broken)
    assert visit_alarm_sweep(now=at) == 0
    assert Visit.objects.get(pk=visit.pk).alarm_error == "RuntimeError: mail queue unavailable"
    monkeypatch.undo()
    assert visit_alarm_sweep(now=at + timedelta(seconds=10)) == 1
    assert Visit.objects.get(pk=visit.pk).alarm_error == ""


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_alert_once():
    # PostgreSQL: the claims are row locks (skip_locked) and the alert row is unique per step. SQLite's in-memory
    # test database refuses concurrent writers ("table is locked") instead of waiting, so there the sweepers run one
    # after another: the unique alert row still allows one alert.
    import threading

    from doorstep.testing.world import build_world

    world = build_world()
    visits = []
    for n in range(3):
        worker = ProfessionalFactory(username=f"health.worker{n}", agency=world.users["involved_practitioner"].agency,
                                     line_manager=world.users["involved_manager"])
        visit = plan(world, by=worker)
        visits.append(services.visit_start(visit=visit, by=worker, contact_number="07700 900123", minutes=5))
    now = timezone.now() + timedelta(minutes=21)  # reminder and line manager due for each
    barrier, results, errors = threading.Barrier(4), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(visit_alarm_sweep(now=now))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        results = [visit_alarm_sweep(now=now) for _ in range(4)]
    else:
        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and len(results) == 4
    assert sum(results) == 6
    assert VisitAlert.objects.count() == 6
    assert Notification.objects.filter(kind=NotificationKind.VISIT_OVERDUE).count() == 3
    assert Notification.objects.filter(kind=NotificationKind.ACTION, dedupe_key__contains="reminder").count() == 3


def test_the_default_chain_comes_from_the_settings_when_an_agency_has_no_procedure(world, settings):
    # config/settings.py reads DOORSTEP_VISIT_CHAIN="reminder=,line_manager=10,duty_manager=,emergency=25" so.
    from doorstep.visits.chain import chain_for

    agency = world.users["involved_practitioner"].agency
    settings.DOORSTEP_VISIT_CHAIN = {"reminder": None, "line_manager": 10, "duty_manager": None, "emergency": 25}
    settings.DOORSTEP_VISIT_ACK_HOLD_MINUTES = 5
    assert chain_for(agency) == ([{"step": "line_manager", "minutes": 10}, {"step": "emergency", "minutes": 25}], 5)
    settings.DOORSTEP_VISIT_CHAIN = {"line_manager": 40}  # after the emergency procedure's 45
    with pytest.raises(ValueError):
        chain_for(agency)


@pytest.mark.clock("2026-11-24 14:00")
def test_the_alarm_reads_in_each_recipients_language(world, time_machine):
    """SAF-3, issue 14: the overdue alarm and "I need help now" are stored as message ids, so a Welsh-reading manager
    reads them in Welsh; the visit record's own notes ("Expected back by", who an alert went to) too."""
    from django.utils import translation

    manager = world.users["involved_manager"]
    manager.preferred_language = "cy"
    manager.save(update_fields=["preferred_language"])
    visit = started(world, minutes=30)
    at = ARRIVED + timedelta(minutes=45)  # the line manager's step
    time_machine.move_to(at, tick=False)
    visit_alarm_sweep(now=at)
    overdue = Notification.objects.get(recipient=manager, kind=NotificationKind.VISIT_OVERDUE)
    assert overdue.message_text["msgid"].startswith("%(worker)s has not reported back from a visit")
    assert overdue.message.startswith("Nid yw ")  # written in the manager's Welsh
    with translation.override("en"):
        assert "has not reported back from a visit to" in overdue.message_shown
    help_alert = services.visit_help(visit=visit, by=visit.worker)
    assert help_alert is not None
    shouted = Notification.objects.get(recipient=manager, message_text__msgid__startswith="HELP:")
    with translation.override("cy"):
        assert shouted.message_shown.startswith("HELP: mae angen help ar ")
        notes = [e.note_shown for e in visit.events.order_by("at", "id") if e.note]
        assert notes[0] == "Ymweliad gan weithiwr unigol"  # the arrangement planned
        assert any(n.startswith("Disgwylir yn ôl erbyn ") for n in notes)
        assert any(n.startswith("Rheolwr llinell: ") for n in notes)
    with translation.override("en"):
        notes = [e.note_shown for e in visit.events.order_by("at", "id") if e.note]
        assert any(n.startswith("Line manager: ") for n in notes)
