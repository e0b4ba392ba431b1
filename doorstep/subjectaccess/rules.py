"""RIG-1 as a pure rule (STYLE.md: no database, no clock): a subject access request's facts in, its tracked actions
out. Applied by the subjectaccess services through `engine.rule_apply`.

- Answer (UK GDPR Article 12(3)): the disclosure officer who recorded the request answers it by the end of the
  deadline, one calendar month from receipt (core.workingdays.add_calendar_months), or as extended; overdue, it
  escalates to their manager like every action.
- Consult (P-4, 004 §3.3): an agency whose records are in the bundle is consulted before release: its disclosure
  officer (else its manager) answers within the set working days.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.workingdays import add_working_days
from doorstep.escalations.rules import Fact, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

RIG_CLAUSE = "004 §4.2; UK GDPR Art. 12(3)"
ANSWER, CONSULT = "answer", "consult"


@dataclass(frozen=True)
class RequestFacts:
    request_id: int
    stage: str  # ANSWER (the request's deadline) or CONSULT (an agency's consultation)
    reference: str
    received_on: date
    due_on: date
    today: date
    owner_id: int  # the officer (answer) or the consulted agency's disclosure officer (consult)
    notify_ids: tuple[int, ...] = ()
    agency_id: int | None = None  # the consulted agency
    agency_name: object = ""
    nation: str | None = None


def answer_key(request_id: int) -> str:
    return f"RIG-1:request:{request_id}"


def consult_key(request_id: int, agency_id: int) -> str:
    return f"RIG-1:request:{request_id}:consult:{agency_id}"


def rig_1(facts: RequestFacts, params: dict) -> RuleResult:
    result = RuleResult()
    if facts.stage == ANSWER:
        result.outcomes.append(Raise(
            rule_id="RIG-1", clause=RIG_CLAUSE, key=answer_key(facts.request_id),
            title=Text(gettext_noop("Answer subject access request %(reference)s by %(date)s"),
                       {"reference": facts.reference, "date": facts.due_on}),
            owner_id=facts.owner_id, notify_ids=facts.notify_ids, trigger_date=facts.received_on,
            deadline=facts.due_on,
            facts=(Fact(Text(gettext_noop("Received on %(date)s"), {"date": facts.received_on}),
                        ("subject_access", facts.request_id)),),
            source=("subjectaccess.SubjectAccessRequest", facts.request_id), parameters=dict(params),
        ))
    else:
        result.outcomes.append(Raise(
            rule_id="RIG-1", clause=RIG_CLAUSE, key=consult_key(facts.request_id, facts.agency_id),
            title=Text(gettext_noop("Say whether %(agency)s's records may be released in subject access request "
                                    "%(reference)s"), {"agency": facts.agency_name, "reference": facts.reference}),
            owner_id=facts.owner_id, notify_ids=facts.notify_ids, trigger_date=facts.today,
            deadline=min(add_working_days(facts.today, params["consult_working_days"], facts.nation), facts.due_on),
            facts=(Fact(Text(gettext_noop("The request must be answered by %(date)s"), {"date": facts.due_on}),
                        ("subject_access_consultation", facts.request_id)),),
            source=("subjectaccess.SubjectAccessRequest", facts.request_id), parameters=dict(params),
        ))
    return result


rule_register(RuleDefinition(
    "RIG-1", RIG_CLAUSE, _("Subject access requests answered"),
    _("A disclosure officer records a subject access request; or another agency's records are gathered into one."),
    _("The disclosure officer who recorded it answers it; each agency whose records are included is consulted: its "
      "disclosure officer (else its manager) answers."),
    (Parameter("consult_working_days", _("Working days for another agency to answer a consultation"), 5, 1, 20),),
    rig_1, subject="subject access request",
    deadline=_("One calendar month from receipt (the corresponding day, else the month's last; then a working day), "
               "or as extended by up to two months; consultations within the set working days."),
))
