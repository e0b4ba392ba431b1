"""Where the escalation engine is run from (issue 4).

- On every relevant change: a service that changes a family calls `family_evaluate(family=...)` inside its
  own transaction, so a contact and the escalation it causes commit together.
- Periodically: the sweep (`tasks.sweep`, every DOORSTEP_SWEEP_SECONDS in the worker) runs every check in
  `SWEEP_CHECKS` for time-based rules. The engine's own checks evaluate each family when it is due (a child about
  to pass the not-seen period; at least nightly) and escalate overdue actions to the owner's manager.

Capabilities register their evaluators here in AppConfig.ready():
  FAMILY_EVALUATORS.append(fn)   # fn(*, family) -> None: applies the pure rules' outcomes for one family. Runs on
                                 # every change and at least nightly for every family, in one transaction.
  SWEEP_CHECKS.append(fn)        # fn(*, now) -> int: does what is due, safe with several workers at once (claim
                                 # due rows with select_for_update(skip_locked=True), one per transaction).
A rule with settings an administrator can change registers its definition with
`doorstep.escalations.rules.rule_register(RuleDefinition(...))` and reads them with
`doorstep.escalations.services.rule_settings(rule_id)`.
"""

FAMILY_EVALUATORS: list = []
SWEEP_CHECKS: list = []


def family_evaluate(*, family) -> None:
    for evaluator in FAMILY_EVALUATORS:
        evaluator(family=family)


def sweep_run(*, now) -> dict[str, int]:
    return {f"{check.__module__}.{check.__name__}": check(now=now) for check in SWEEP_CHECKS}
