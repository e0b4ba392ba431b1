"""SUP-1..5: supervision records, case discussions, decisions on the chronology, action plans, overdue supervision."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.escalations.services import escalation_cancel
from doorstep.notifications.models import Notification
from doorstep.supervision import scheduled, selectors, services
from doorstep.supervision.models import CaseDiscussion, SessionState, SupervisionActionPlan, SupervisionDecision
from doorstep.testing.escalations import rule_set

from .builders import DECISION, REFLECTION, answers, case, held

# Everyone in the world who has a line manager: supervised (SUP-4).
SUPERVISED = {"health.worker", "police.postholder", "police.worker", "housing.worker", "housing.glass", "school.worker"}

LONDON = ZoneInfo("Europe/London")


@pytest.mark.django_db
class TestRecord:
    def test_only_the_line_manager_records_a_workers_supervision(self, world):
        for who in ("uninvolved_manager", "involved_practitioner", "other_involved"):
            with pytest.raises(PermissionDenied):
                services.supervision_record(by=world.users[who], worker=world.users["involved_practitioner"],
                                            held_on=timezone.localdate(), health_and_safety_discussed=False)

    def test_recorded_supervision_tells_the_worker(self, world):
        session = held(world)
        assert session.state == SessionState.HELD and session.supervisor == world.users["involved_manager"]
        note = Notification.objects.get(recipient=world.users["involved_practitioner"])
        assert note.link == f"/supervision/{session.pk}/" and note.kind == "supervision"

    @pytest.mark.parametrize("overrides, field", [
        ({"held_on": date(2999, 1, 1)}, "held_on"),
        ({"health_and_safety_note": ""}, "health_and_safety_note"),
    ])
    def test_bad_input(self, world, overrides, field):
        with pytest.raises(ValidationError) as exc:
            held(world, **overrides)
        assert field in exc.value.message_dict

    def test_planned_then_cancelled_is_counted(self, world):
        manager, worker = world.users["involved_manager"], world.users["involved_practitioner"]
        planned = services.supervision_plan(by=manager, worker=worker, planned_for=timezone.localdate())
        with pytest.raises(ValidationError) as exc:
            services.supervision_cancel(by=manager, session=planned, cancelled_by_whom="manager", reason="")
        assert "reason" in exc.value.message_dict
        services.supervision_cancel(by=manager, session=planned, cancelled_by_whom="worker", reason="Sick")
        services.supervision_cancel(by=manager, worker=worker, planned_for=timezone.localdate() - timedelta(days=3),
                                    cancelled_by_whom="manager", reason="Strategy meeting")
        row = selectors.staff_oversight(manager=manager)["rows"][0]
        assert row.worker == worker and row.cancelled == 2 and row.last_held is None


@pytest.mark.django_db
class TestCaseDiscussion:
    def test_decisions_reach_the_chronology_and_reflections_do_not(self, world):
        discussion = case(world, hostility_significant=True, safe_working="Police present at every visit",
                          safe_working_reason="Threat to kill made last week")
        entries = list(ChronologyEntry.objects.filter(family=world.family, kind=EntryKind.SUPERVISION)
                       .order_by("id"))
        assert [e.summary for e in entries] == [
            f"Supervision decision: {DECISION}. Reason: The hostility is aimed at lone female workers",
            "Supervision, how the work will continue safely: Police present at every visit. Reason: Threat to kill "
            "made last week",
        ]
        assert entries[1].significant and entries[0].author == world.users["involved_manager"]
        everything = " ".join(ChronologyEntry.objects.values_list("summary", flat=True))
        for private in (REFLECTION, "Anxious before visits", "Alfie lives with shouting every day"):
            assert private not in everything
        assert discussion.decisions.count() == 2

    @pytest.mark.parametrize("overrides, field", [
        ({"reflective_answers": answers(afraid=None)}, "reflective_answers"),
        ({"plan": ""}, "plan"),  # SUP-3: hostility experienced needs an action plan
        ({"hostility_significant": True}, "safe_working"),  # SUP-5
        ({"decision": " "}, "decision"),
        ({"decision_reason": ""}, "decision_reason"),
        ({"risk_to_child": ""}, "risk_to_child"),
        ({"hostility_detail": ""}, "hostility_detail"),
        ({"measures": ["sole_visit"]}, "measures"),
    ])
    def test_each_missing_part_is_named_and_nothing_is_saved(self, world, overrides, field):
        session = held(world)
        with pytest.raises(ValidationError) as exc:
            case(world, session=session, **overrides)
        assert field in exc.value.message_dict
        assert not CaseDiscussion.objects.exists() and not SupervisionDecision.objects.exists()
        assert not ChronologyEntry.objects.filter(kind=EntryKind.SUPERVISION).exists()

    def test_a_family_the_workers_agency_does_not_work_with_is_refused(self, world):
        with pytest.raises(ValidationError) as exc:
            case(world, family=world.other_family)
        assert "family" in exc.value.message_dict

    def test_no_hostility_needs_no_action_plan(self, world):
        discussion = case(world, hostility="none", hostility_detail="", plan="", measures=[])
        assert not SupervisionActionPlan.objects.filter(case=discussion).exists()

    def test_cases_only_in_a_supervision_that_was_held(self, world):
        planned = services.supervision_plan(by=world.users["involved_manager"],
                                            worker=world.users["involved_practitioner"],
                                            planned_for=timezone.localdate())
        with pytest.raises(ValidationError):
            case(world, session=planned)


@pytest.mark.django_db
class TestActionPlan:
    def test_the_current_plan_is_the_managers_agreement_for_a_visit(self, world):
        worker = world.users["involved_practitioner"]
        discussion = case(world, plan_review_by=timezone.localdate() + timedelta(days=10))
        current = selectors.action_plan_current(worker=worker, family=world.family)
        assert current == discussion.action_plan and current.agreed_by == world.users["involved_manager"]
        assert current.measures == ["two_workers"]
        assert selectors.action_plan_current(worker=worker, family=world.family,
                                             on=timezone.localdate() + timedelta(days=11)) is None
        assert selectors.action_plan_current(worker=world.users["other_involved"], family=world.family) is None
        services.action_plan_withdraw(plan=current, by=world.users["involved_manager"], reason="Family moved")
        assert selectors.action_plan_current(worker=worker, family=world.family) is None

    def test_only_the_manager_withdraws_it(self, world):
        plan = case(world).action_plan
        with pytest.raises(PermissionDenied):
            services.action_plan_withdraw(plan=plan, by=world.users["involved_practitioner"], reason="No")


@pytest.mark.django_db
def test_only_the_worker_confirms_reading(world):
    session = held(world)
    with pytest.raises(PermissionDenied):
        services.supervision_acknowledge(session=session, by=world.users["involved_manager"])
    services.supervision_acknowledge(session=session, by=world.users["involved_practitioner"], comment="Agreed")
    session.refresh_from_db()
    assert session.worker_read_at is not None and session.worker_comment == "Agreed"
    with pytest.raises(ValidationError):
        services.supervision_acknowledge(session=session, by=world.users["involved_practitioner"])


@pytest.mark.django_db
class TestOverdue:
    """SUP-4 (004 §6.2): overdue supervision is a tracked action for the manager, the interval configuration."""

    @pytest.mark.clock("2026-10-01 10:00")
    def test_raised_the_day_after_it_falls_due_never_before(self, world, time_machine, settings):
        rule_set("SUP-4", interval_days=28)
        worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
        held(world, days_ago=0)
        time_machine.move_to(datetime(2026, 10, 29, 23, 59, tzinfo=LONDON))  # due by the end of 29 October
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 0
        time_machine.move_to(datetime(2026, 10, 30, 0, 1, tzinfo=LONDON))
        # The worker, and everyone else supervised, who joined on 1 October and has never had a supervision.
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 6
        assert set(Escalation.objects.filter(rule_id="SUP-4").values_list("source_id", flat=True)) == {
            str(p.pk) for p in Professional.objects.filter(username__in=SUPERVISED)}
        escalation = Escalation.objects.get(key=services.overdue_key(worker.pk))
        assert escalation.owner == manager and escalation.family is None and escalation.rule_id == "SUP-4"
        # Due 29 October + 5 working days = Thursday 5 November 2026, end of the day.
        assert escalation.deadline == datetime(2026, 11, 5, 23, 59, 59, tzinfo=LONDON)
        assert Notification.objects.filter(recipient=manager, kind="supervision").exists()
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 0
        held(world, days_ago=0)
        assert Escalation.objects.get(pk=escalation.pk).state == EscalationState.DONE

    @pytest.mark.clock("2026-10-01 10:00")
    def test_a_closed_action_is_not_raised_again_until_the_next_supervision_falls_due(self, world, time_machine,
                                                                                       settings):
        rule_set("SUP-4", interval_days=14)
        worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
        held(world, days_ago=0)
        time_machine.move_to(datetime(2026, 10, 20, 10, 0, tzinfo=LONDON))
        scheduled.supervision_overdue_sweep(now=timezone.now())
        escalation = Escalation.objects.get(key=services.overdue_key(worker.pk))
        escalation_cancel(escalation=escalation, by=manager, reason="Worker on leave")
        time_machine.move_to(datetime(2026, 10, 25, 10, 0, tzinfo=LONDON))
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 0
        held(world, days_ago=0)  # 25 October: next due 8 November
        time_machine.move_to(datetime(2026, 11, 9, 10, 0, tzinfo=LONDON))
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 1

    def test_the_interval_is_configuration(self, world, settings):
        rule_set("SUP-4", interval_days=7)
        held(world, days_ago=8)
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 1
        rule_set("SUP-4", interval_days=60)
        row = selectors.staff_oversight(manager=world.users["involved_manager"])["rows"][0]
        assert not row.overdue and row.due == timezone.localdate() + timedelta(days=52)

    def test_issue_21_sup_4_a_worker_follows_their_agencys_only_partnership(self, world):
        """SUP-4, OVR-3 (issue 21, supervision/conf.py): the health board works in exactly one partnership, whose
        interval is 7 days and threshold 1; the default partnership's 60 days still hold for the police, which
        works in none. An agency in several partnerships follows the default."""
        from doorstep.supervision import conf
        from doorstep.testing.partnerships import second_partnership

        health, police = world.users["involved_practitioner"].agency, world.users["other_involved"].agency
        rule_set("SUP-4", interval_days=60)
        held(world, days_ago=8)
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 0
        second_partnership(world, agencies=[health], settings={"SUP-4": {"interval_days": 7},
                                                                     "OVR-3": {"marked_families_threshold": 1}})
        assert conf.interval_days(health.pk) == 7 and conf.interval_days(police.pk) == 60
        assert conf.marked_families_threshold(health.pk) == 1
        assert scheduled.supervision_overdue_sweep(now=timezone.now()) == 1
        escalation = Escalation.objects.get(key=services.overdue_key(world.users["involved_practitioner"].pk))
        assert escalation.rule_id == "SUP-4"
        row = selectors.staff_oversight(manager=world.users["involved_manager"])["rows"][0]
        assert row.overdue and row.due == timezone.localdate() - timedelta(days=1)
        second_partnership(world, agencies=[health], name="Third partnership")
        assert conf.interval_days(health.pk) == 60  # in two partnerships: the default's


@pytest.mark.django_db(transaction=True)
@pytest.mark.clock("2026-10-01 10:00")
def test_two_workers_sweeping_overdue_supervision_at_once_raise_each_action_once(time_machine):
    """SUP-4 (004 §6.2), issue 14: each worker is claimed with select_for_update(skip_locked=True) and "already
    raised?" is asked again under the claim, so four sweeps at once raise one action per overdue worker. (SQLite's
    in-memory test database refuses concurrent writers, so there the sweeps run one after another.)"""
    import threading

    from django.db import connection

    from doorstep.testing.world import build_world

    build_world()
    rule_set("SUP-4", interval_days=28)
    time_machine.move_to(datetime(2026, 10, 30, 10, 0, tzinfo=LONDON))  # everyone supervised is overdue
    barrier, results, errors = threading.Barrier(4), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(scheduled.supervision_overdue_sweep(now=timezone.now()))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        results = [scheduled.supervision_overdue_sweep(now=timezone.now()) for _ in range(4)]
    else:
        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and len(results) == 4
    assert sum(results) == len(SUPERVISED)
    keys = list(Escalation.objects.filter(rule_id="SUP-4").values_list("key", flat=True))
    assert sorted(keys) == sorted({services.overdue_key(p.pk) for p in Professional.objects.filter(
        username__in=SUPERVISED)})


@pytest.mark.django_db
@pytest.mark.clock("2026-10-01 10:00")
def test_one_worker_failing_does_not_stop_the_others_and_is_recorded(world, time_machine, monkeypatch):
    """SUP-4 as a sweep over due rows (core/sweep.py): a failure is recorded for that worker, paused, and the
    other overdue workers are still raised."""
    from doorstep.core.models import SweepFailure
    from doorstep.escalations.rules import RULES
    from doorstep.supervision import rules as supervision_rules

    rule_set("SUP-4", interval_days=28)
    broken = world.users["involved_practitioner"]
    original = supervision_rules.sup_4

    def sup_4(facts, params):
        if facts.worker_id == broken.pk:
            raise RuntimeError("facts unreadable")
        return original(facts, params)

    monkeypatch.setitem(RULES, "SUP-4", replace(RULES["SUP-4"], evaluate=sup_4))
    time_machine.move_to(datetime(2026, 10, 30, 10, 0, tzinfo=LONDON))
    assert scheduled.supervision_overdue_sweep(now=timezone.now()) == len(SUPERVISED) - 1
    failure = SweepFailure.objects.get(check_name="supervision.overdue")
    assert failure.item_id == broken.pk and "facts unreadable" in failure.last_error
    assert not Escalation.objects.filter(key=services.overdue_key(broken.pk)).exists()
