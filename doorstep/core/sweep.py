"""One sweep loop (issue 14): every periodic check runs isolated, and every due item in its own transaction.

- `sweep_checks_run(checks, now=...)` runs each check by name. A check that raises is logged with its name and
  recorded on its `SweepCheck` row; the next check still runs; a check that keeps failing is paused for a growing
  while (`retry_at`) instead of failing every sweep.
- `sweep_each(check=..., due=..., act=..., now=...)` is how a check works through its due rows: claims them with
  `select_for_update(skip_locked=True)`, one per transaction, at most `limit` per sweep. An item that fails is
  recorded (`SweepFailure`, with the error and a growing pause) and the check goes on to the next item.

A check is just a function `check(*, now) -> int` (how many items it acted on).
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import models, transaction

from .models import SweepCheck, SweepFailure

log = logging.getLogger("doorstep.worker")

BATCH = 200
# A failing check or item waits 30 s, 1, 2, 4 ... minutes, at most an hour, before it is tried again.
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def check_name(check: Callable) -> str:
    return getattr(check, "sweep_name", None) or f"{check.__module__}.{check.__name__}"


def backoff(failures: int) -> timedelta:
    return min(BACKOFF_BASE * 2 ** max(failures - 1, 0), BACKOFF_MAX)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


_UNKNOWN = object()


def sweep_check_run(check: Callable, *, now: datetime, state=_UNKNOWN) -> int | None:
    """Run one check, isolated. Returns its result, or None when it failed or is paused after failing.

    With nothing wrong, this writes nothing: the row is written when the check fails, and when it succeeds again."""
    name = check_name(check)
    if state is _UNKNOWN:
        state = SweepCheck.objects.filter(name=name).first()
    if state is not None and state.retry_at is not None and state.retry_at > now:
        return None
    try:
        result = check(now=now)
    except Exception as exc:  # noqa: BLE001  (recorded on the check's row and in the log, with its name)
        log.exception("Sweep check %s failed", name)
        failures = (state.failures if state else 0) + 1
        SweepCheck.objects.update_or_create(name=name, defaults={
            "failures": failures, "last_error": _error(exc), "last_failed_at": now, "last_started_at": now,
            "retry_at": now + backoff(failures)})
        return None
    if state is not None and state.failures:
        SweepCheck.objects.filter(name=name).update(last_finished_at=now, failures=0, retry_at=None,
                                                    last_result=result if isinstance(result, int) else None)
    return result


def sweep_checks_run(checks: Iterable[Callable], *, now: datetime) -> dict[str, int | None]:
    """Run every check, each isolated from the others' failures: {check name: result, or None if it failed}."""
    states = {state.name: state for state in SweepCheck.objects.all()}
    return {check_name(check): sweep_check_run(check, now=now, state=states.get(check_name(check)))
            for check in checks}


def sweep_each(*, check: str, due: Callable[[], models.QuerySet], act: Callable[[models.Model], object], now: datetime,
               limit: int = BATCH) -> int:
    """Act on each row of `due()` (an ordered queryset of the rows due now), one per transaction, claimed with
    select_for_update(skip_locked=True) so that several workers share the work. Returns how many succeeded.

    `act(row)` runs inside the transaction that holds the row's lock. A failure rolls back that item only, is
    recorded with a growing pause, and the next item is taken."""
    done = tried = 0
    failed: list[int] = []
    while tried < limit:
        paused = SweepFailure.objects.filter(check_name=check, retry_at__gt=now).values("item_id")
        with transaction.atomic():
            row = due().exclude(pk__in=paused).exclude(pk__in=failed).select_for_update(skip_locked=True, of=("self",)).first()
            if row is None:
                break
            tried += 1
            try:
                with transaction.atomic():
                    act(row)
            except Exception as exc:  # noqa: BLE001  (recorded, paused, tried again later)
                log.exception("Sweep check %s failed on item %s", check, row.pk)
                failed.append(row.pk)
                previous = SweepFailure.objects.filter(check_name=check, item_id=row.pk).first()
                failures = (previous.failures if previous else 0) + 1
                SweepFailure.objects.update_or_create(
                    check_name=check, item_id=row.pk,
                    defaults={"failures": failures, "last_error": _error(exc), "last_failed_at": now,
                              "retry_at": now + backoff(failures)})
                continue
            SweepFailure.objects.filter(check_name=check, item_id=row.pk).delete()
            done += 1
    return done
