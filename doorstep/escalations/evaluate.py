"""Where the escalation engine is run from (issue 4).

- On every relevant change: a service that changes a family calls `family_evaluate(family=...)` inside its
  own transaction, so a contact and the escalation it causes commit together.
- Periodically: the sweep (`tasks.sweep`, every DOORSTEP_SWEEP_SECONDS in the worker) runs every check in
  `SWEEP_CHECKS` for time-based rules. The engine's own checks evaluate each family when it is due (a child about
  to pass the not-seen period; at least nightly) and escalate overdue actions to the owner's manager.

Both lists are declared, in order, in doorstep/core/extensions.py:
  FAMILY_EVALUATORS   # fn(*, family) -> None: applies the pure rules' outcomes for one family. Runs on
                      # every change and at least nightly for every family, in one transaction.
  SWEEP_CHECKS        # fn(*, now) -> int: does what is due, safe with several workers at once: work through due
                      # rows with doorstep.core.sweep.sweep_each (skip_locked claims, one per transaction, bounded,
                      # failures recorded and backed off). Each check runs isolated: one that raises is recorded
                      # on its SweepCheck row and logged.
Every tracked action is a rule: a `RuleDefinition` in its app's `rules.py`, registered with
`doorstep.escalations.rules.rule_register(...)`, with its settings on the Rule settings page (ESC-12). Family rules
run here; other rules are applied by their app's service with `doorstep.escalations.engine.rule_apply(...)`.
"""

import threading

from django.db import connection

from doorstep.core.extensions import FAMILY_EVALUATORS, SWEEP_CHECKS

# During a bulk load (the demo region, an import of past records) evaluating after every record would raise and
# resolve actions against history recorded in order; the families are noted instead and evaluated once at the end.
# The deferral belongs to the transaction that started it: if that transaction ends without evaluation_resume()
# (the load failed), evaluation simply carries on as normal.
_deferred: set[int] | None = None
_deferred_depth = 0
_deferred_thread = 0


def _deferring() -> bool:
    global _deferred
    if _deferred is None or threading.get_ident() != _deferred_thread:
        return False
    if len(connection.atomic_blocks) < _deferred_depth:
        _deferred = None
    return _deferred is not None


def family_evaluate(*, family) -> None:
    if _deferring():
        _deferred.add(family.pk)
        return
    for evaluator in FAMILY_EVALUATORS:
        evaluator(family=family)


def evaluation_defer() -> None:
    """Start a bulk load, inside its transaction: family_evaluate only notes the family until evaluation_resume()."""
    global _deferred, _deferred_depth, _deferred_thread
    if not _deferring():
        _deferred, _deferred_depth = set(), max(len(connection.atomic_blocks), 1)
        _deferred_thread = threading.get_ident()


def evaluation_resume() -> int:
    """End a bulk load: evaluate each family noted since evaluation_defer(), once. Returns how many."""
    global _deferred
    from doorstep.families.models import Family

    noted = sorted(_deferred or ()) if _deferring() else []
    _deferred = None
    for family in Family.objects.filter(pk__in=noted).order_by("pk"):
        family_evaluate(family=family)
    return len(noted)


def sweep_run(*, now) -> dict[str, int | None]:
    """Every sweep check, each isolated (issue 14): a check that raises is recorded and the next one still runs."""
    from doorstep.core.sweep import sweep_checks_run

    return sweep_checks_run(SWEEP_CHECKS, now=now)
