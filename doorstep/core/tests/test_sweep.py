"""Issue 14 "one sweep loop": each check runs isolated, each due item in its own transaction; a failure is recorded
with the check's name (on its row and in the log), backed off, and everything else still runs."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep.core.models import SweepCheck, SweepFailure
from doorstep.core.sweep import sweep_checks_run
from doorstep.escalations import scheduled
from doorstep.escalations.evaluate import SWEEP_CHECKS, sweep_run
from doorstep.testing.escalations import escalation_make

pytestmark = pytest.mark.django_db


def test_killing_a_sweep_check_with_an_exception_leaves_every_other_check_running(world, caplog, time_machine,
                                                                                   monkeypatch):
    ran = []

    def broken(*, now):
        raise RuntimeError("the check's bug")

    broken.__module__, broken.__qualname__, broken.__name__ = "tests", "broken", "broken"

    def counting(*, now):
        ran.append(now)
        return 3

    monkeypatch.setattr("doorstep.escalations.evaluate.SWEEP_CHECKS", [broken, *SWEEP_CHECKS, counting])
    with caplog.at_level(logging.ERROR, logger="doorstep.worker"):
        result = sweep_run(now=timezone.now())
    assert result["tests.broken"] is None and ran and result[f"{__name__}.counting"] == 3
    assert all(result[f"{c.__module__}.{c.__name__}"] is not None for c in SWEEP_CHECKS)  # every other check ran
    state = SweepCheck.objects.get(name="tests.broken")
    assert state.failures == 1 and state.last_error == "RuntimeError: the check's bug"
    assert "Sweep check tests.broken failed" in caplog.text

    # Backed off: not tried at the next sweep, tried again after its pause, and the pause grows.
    time_machine.shift(timedelta(seconds=10))
    sweep_checks_run([broken], now=timezone.now())
    assert SweepCheck.objects.get(name="tests.broken").failures == 1
    time_machine.shift(timedelta(seconds=31))
    sweep_checks_run([broken], now=timezone.now())
    state = SweepCheck.objects.get(name="tests.broken")
    assert state.failures == 2 and state.retry_at - state.last_failed_at == timedelta(minutes=1)


def _overdue(world, n: int):
    return [escalation_make(rule_id="ESC-9", clause="004 §2.3", key=f"TEST-overdue:{i}", title="Overdue test action",
                            owner=world.users["involved_practitioner"], family=world.family,
                            deadline=timezone.now() - timedelta(hours=1))[0] for i in range(n)]


def test_one_bad_overdue_action_is_recorded_and_the_others_still_escalate(world, monkeypatch, time_machine):
    first, bad, last = _overdue(world, 3)
    real = scheduled.escalation_escalate_overdue

    def escalate(*, escalation, now):
        if escalation.pk == bad.pk:
            raise ValueError("a bad row")
        return real(escalation=escalation, now=now)

    monkeypatch.setattr(scheduled, "escalation_escalate_overdue", escalate)
    assert scheduled.escalations_overdue_run(now=timezone.now()) == 2
    for escalation in (first, bad, last):
        escalation.refresh_from_db()
    assert first.overdue_escalated_at and last.overdue_escalated_at and bad.overdue_escalated_at is None
    failure = SweepFailure.objects.get(check_name="escalations.overdue", item_id=bad.pk)
    assert failure.failures == 1 and failure.last_error == "ValueError: a bad row"

    # Paused, then tried again; once it works, its failure row goes.
    assert scheduled.escalations_overdue_run(now=timezone.now()) == 0
    monkeypatch.setattr(scheduled, "escalation_escalate_overdue", real)
    time_machine.shift(timedelta(seconds=31))
    assert scheduled.escalations_overdue_run(now=timezone.now()) == 1
    assert not SweepFailure.objects.exists()


def test_a_sweep_takes_a_bounded_batch(world):
    _overdue(world, 3)
    assert scheduled.escalations_overdue_run(now=timezone.now(), limit=2) == 2
    assert scheduled.escalations_overdue_run(now=timezone.now(), limit=2) == 1
