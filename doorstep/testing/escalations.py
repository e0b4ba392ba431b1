"""Tests that need an open escalation without building the records a rule would need: one `Raise`, applied by the
engine as a rule's outcome would be (the engine is the only place that raises escalations)."""

from doorstep.escalations.engine import Applied, outcomes_apply
from doorstep.escalations.rules import Fact, Raise, RuleResult, Text


def escalation_make(*, rule_id: str, clause: str, key: str, title: str, owner, family=None, deadline=None,
                    facts=(), trigger_date=None):
    """`facts`: texts, or {"text": ..., "link": ...} (a link to the family's case file is kept)."""
    lines = []
    for fact in facts:
        text = fact["text"] if isinstance(fact, dict) else fact
        link = fact.get("link") if isinstance(fact, dict) else ""
        ref = ("family", family.pk) if family is not None and link == f"/families/{family.pk}/" else None
        lines.append(Fact(Text(text), ref))
    outcome = Raise(rule_id=rule_id, clause=clause, key=key, title=Text(title), owner_id=owner.pk,
                    trigger_date=trigger_date, deadline=deadline, facts=tuple(lines))
    applied = Applied(result=RuleResult(outcomes=[outcome]))
    outcomes_apply(family=family, outcomes=[outcome], applied=applied)
    return applied.escalations[key]


def rule_set(rule_id: str, partnership=None, **parameters) -> None:
    """A rule's settings as an administrator would set them on the Rule settings page (ESC-12), for a test; in the
    deployment's default partnership unless one is named (issue 21)."""
    from doorstep.escalations.models import RuleSetting
    from doorstep.partnerships.services import partnership_default

    setting, _created = RuleSetting.objects.get_or_create(partnership=partnership or partnership_default(),
                                                          rule_id=rule_id)
    setting.parameters = {**(setting.parameters or {}), **parameters}
    setting.save()
