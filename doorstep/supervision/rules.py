"""SUP-4 as a pure rule (STYLE.md: no database, no clock), and OVR-3's threshold as a rule setting.

- SUP-4 (004 §6.2, 002 §9): managers track supervision frequency. A worker whose supervision is overdue (none held
  within the set interval) becomes a tracked action of their line manager, due the set number of working days after
  it fell due. Applied by the supervision sweep through `engine.rule_apply`.
- OVR-3 (004 §6.2, 003 §5.4): allocation mindful of exposure to threatening families. A worker leading at least the
  set number of families with warning markers stands out on the managers' oversight page (no action is raised).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.workingdays import add_working_days
from doorstep.escalations.rules import Fact, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

SUP_CLAUSE = "004 §6.2, 002 §9"


@dataclass(frozen=True)
class SupervisionFacts:
    worker_id: int
    worker_name: str
    line_manager_id: int
    last_held: date | None
    due: date  # when the next supervision fell due
    today: date
    nation: str | None = None


def overdue_key(worker_id: int) -> str:
    return f"SUP-4:worker:{worker_id}"


def sup_4(facts: SupervisionFacts, params: dict) -> RuleResult:
    result = RuleResult()
    if facts.today <= facts.due:
        return result
    last = (Text(gettext_noop("Last supervision held %(date)s"), {"date": facts.last_held}) if facts.last_held
            else Text(gettext_noop("No supervision recorded")))
    result.outcomes.append(Raise(
        rule_id="SUP-4", clause=SUP_CLAUSE, key=overdue_key(facts.worker_id),
        title=Text(gettext_noop("Supervision overdue for %(worker)s"), {"worker": facts.worker_name}),
        owner_id=facts.line_manager_id, trigger_date=facts.due,
        deadline=add_working_days(facts.due, params["overdue_working_days"], facts.nation),
        facts=(Fact(last, ("supervision_staff", facts.worker_id)),
               Fact(Text(gettext_noop("Due by %(date)s (every %(days)s days)"),
                         {"date": facts.due, "days": params["interval_days"]}))),
        source=("agencies.Professional", facts.worker_id), notification_kind="supervision", parameters=dict(params),
    ))
    return result


rule_register(RuleDefinition(
    "SUP-4", SUP_CLAUSE, _("Supervision frequency"),
    _("No supervision has been held for a worker within the set interval (or since they joined)."),
    _("The worker's line manager: hold the supervision."),
    (Parameter("interval_days", _("Days between supervisions"), 28, 7, 180),
     Parameter("overdue_working_days", _("Working days for the manager once a supervision is overdue"), 5, 0, 30)),
    sup_4, subject="worker", deadline=_("The set working days after the supervision fell due."),
))
rule_register(RuleDefinition(
    "OVR-3", "004 §6.2, 003 §5.4", _("Exposure to threatening families"),
    _("A worker leads the set number of families with warning markers, or more."),
    _("Shown to managers on the supervision oversight page, for allocation (no action is raised)."),
    (Parameter("marked_families_threshold", _("Families with warning markers that stand out"), 3, 1, 50),),
    subject="worker", module=__name__, deadline=_("None: a prompt for allocation."),
))
