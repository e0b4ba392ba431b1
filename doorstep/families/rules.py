"""A proposal that another agency ends its involvement (P-4, 002 §4.8; issue 13 finding 4), as a pure rule: the
agency's lead professional for the family (or, without one, its managers) decides, as a tracked action. Nothing is
cut off until they do."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.escalations.rules import Fact, Raise, RuleDefinition, RuleResult, Text, rule_register


@dataclass(frozen=True)
class ProposalFacts:
    involvement_id: int
    agency_name: str
    family_reference: str
    proposed_by: str
    proposed_by_agency: str
    reason: str
    owner_ids: tuple[int, ...]  # the agency's lead for the family, or its managers


def proposal_key(involvement_id: int) -> str:
    return f"P-4:involvement-end:{involvement_id}"


def p_4(facts: ProposalFacts, params: dict) -> RuleResult:
    if not facts.owner_ids:
        return RuleResult()
    return RuleResult(outcomes=[Raise(
        rule_id="P-4", clause="002 §4.8", key=proposal_key(facts.involvement_id),
        title=Text(gettext_noop("Decide whether %(agency)s should end its involvement with %(reference)s: %(by)s "
                                "(%(by_agency)s) proposes it"),
                   {"agency": facts.agency_name, "reference": facts.family_reference, "by": facts.proposed_by,
                    "by_agency": facts.proposed_by_agency}),
        owner_id=facts.owner_ids[0], notify_ids=facts.owner_ids[1:], trigger_date=None, deadline=None,
        facts=(Fact(Text(gettext_noop("Reason given: %(reason)s"), {"reason": facts.reason}),
                    ("involvement_end", facts.involvement_id)),),
        source=("families.Involvement", facts.involvement_id),
    )])


rule_register(RuleDefinition(
    "P-4", "002 §4.8", _("Proposals to end another agency's involvement"),
    _("A professional proposes that another agency ends its involvement with the family."),
    _("That agency's lead professional for the family (or its managers): decide whether it ends."),
    (), p_4, subject="involvement", deadline=_("No deadline: the agency decides."),
))
