"""AGR-1's review date as a pure rule (STYLE.md: no database, no clock): a written agreement whose review date is
near becomes a tracked action of the responsible professional, due at the end of the review date (001 §5.1.9.17,
004 §2.4: the agreement has a review date). Applied by the agreements sweep through `engine.rule_apply`."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.escalations.rules import Fact, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

AGR_CLAUSE = "004 §2.4, 001 §5.1.9.17"


@dataclass(frozen=True)
class AgreementFacts:
    agreement_id: int
    family_name: str
    lead_id: int
    review_date: date
    today: date


def review_key(agreement_id: int) -> str:
    return f"AGR-1:agreement:{agreement_id}:review"


def agr_1(facts: AgreementFacts, params: dict) -> RuleResult:
    return RuleResult(outcomes=[Raise(
        rule_id="AGR-1", clause=AGR_CLAUSE, key=review_key(facts.agreement_id),
        title=Text(gettext_noop("Review the written agreement with %(family)s by %(date)s"),
                   {"family": facts.family_name, "date": facts.review_date}),
        owner_id=facts.lead_id, trigger_date=facts.today, deadline=facts.review_date,
        facts=(Fact(Text(gettext_noop("Review date %(date)s"), {"date": facts.review_date}),
                    ("agreement", facts.agreement_id)),),
        source=("agreements.WrittenAgreement", facts.agreement_id), parameters=dict(params),
    )])


rule_register(RuleDefinition(
    "AGR-1", AGR_CLAUSE, _("Written agreements reviewed"),
    _("A written agreement's review date is within the set number of working days."),
    _("The professional responsible for the agreement: review it with the family."),
    (Parameter("review_notice_working_days", _("Working days before the review date that the action is raised"), 5,
               0, 60),),
    agr_1, subject="agreement", deadline=_("The end of the review date."),
))
