"""RIG-2 as a pure rule (STYLE.md: no database, no clock): a person's request to correct a record about them (UK
GDPR Article 16) is decided by the record's agency within one calendar month of receipt, the corresponding-day rule
of `core.workingdays.add_calendar_months` (Article 12(3), as for RIG-1). Applied by `services.correction_request_log`
through `engine.rule_apply`; closed by `services.correction_decide`."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.workingdays import add_calendar_months
from doorstep.escalations.rules import Fact, Raise, RuleDefinition, RuleResult, Text, rule_register

RIG_2_CLAUSE = "001 §5.1.27, 004 §4.2; UK GDPR Art. 16, 12(3)"


@dataclass(frozen=True)
class CorrectionFacts:
    request_id: int
    family_name: object  # family.name_text: its English and Welsh forms
    person_name: str
    record: object  # the record's kind, a lazy label
    owner_id: int
    received_on: date
    nation: str


def correction_key(request_id: int) -> str:
    return f"RIG-2:correction:{request_id}"


def correction_due(received_on: date, nation: str) -> date:
    """One calendar month from receipt: the corresponding day, else the month's last, then a working day."""
    return add_calendar_months(received_on, 1, nation)


def rig_2(facts: CorrectionFacts, params: dict) -> RuleResult:
    due = correction_due(facts.received_on, facts.nation)
    return RuleResult(outcomes=[Raise(
        rule_id="RIG-2", clause=RIG_2_CLAUSE, key=correction_key(facts.request_id), owner_id=facts.owner_id,
        title=Text(gettext_noop("Decide %(name)s's request to correct a record (%(family)s) by %(date)s"),
                   {"name": facts.person_name, "family": facts.family_name, "date": due}),
        trigger_date=facts.received_on, deadline=due,
        facts=(Fact(Text(gettext_noop("Request to correct a record (%(record)s) received on %(date)s"),
                         {"record": facts.record, "date": facts.received_on}), ("correction", facts.request_id)),),
        source=("recording.CorrectionRequest", facts.request_id), parameters=dict(params),
    )])


rule_register(RuleDefinition(
    "RIG-2", RIG_2_CLAUSE, _("Requests to correct a record decided"),
    _("A person asks for a record about them to be corrected."),
    _("The record's agency (whoever recorded it, else its manager): correct it, or attach the person's statement."),
    (), rig_2, subject="correction",
    deadline=_("One calendar month from receipt: the same day of the next month (its last day if there is none), "
               "or the next working day."),
))
