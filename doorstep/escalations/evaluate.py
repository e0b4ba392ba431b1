"""Where the escalation engine is run from (issue 4).

- On every relevant change: a service that changes a family calls `family_evaluate(family=...)` inside its
  own transaction, so a contact and the escalation it causes commit together.
- Periodically: the sweep (`tasks.sweep`, every DOORSTEP_SWEEP_SECONDS in the worker) runs every check in
  `SWEEP_CHECKS` for time-based rules (overdue actions, children not seen for N days, visits not reported back).

Capabilities register their evaluators here in AppConfig.ready():
  FAMILY_EVALUATORS.append(fn)   # fn(*, family) -> None: applies the pure rules' outcomes for one family
  SWEEP_CHECKS.append(fn)        # fn(*, now) -> int: does what is due, safe with several workers at once
"""

FAMILY_EVALUATORS: list = []
SWEEP_CHECKS: list = []


def family_evaluate(*, family) -> None:
    for evaluator in FAMILY_EVALUATORS:
        evaluator(family=family)


def sweep_run(*, now) -> dict[str, int]:
    return {f"{check.__module__}.{check.__name__}": check(now=now) for check in SWEEP_CHECKS}
