"""Issue 18: rules in plain words wherever actions are listed. A rule's title (its `RuleDefinition.title`,
translatable, English and Welsh) is what a reader sees; its ID and clause are inside a "Why Doorstep asks this"
details component, for those who want to trace it to the protocol (PROTOCOL.md, ESC-12: each rule cites its clause).

    {% load rule_titles %}
    {{ e.rule_id|rule_title }}            the rule's title, in the reader's language
    {% rule_why e.rule_id e.clause %}     the details component with the rule ID, clause and what raises it
"""

from django import template

from doorstep.escalations.rules import RULES, rule_title

register = template.Library()


register.filter("rule_title", rule_title)


@register.inclusion_tag("escalations/_rule_why.html")
def rule_why(rule_id: str, clause: str = "", open: bool = False) -> dict:
    definition = RULES.get(rule_id or "")
    return {"rule_id": rule_id, "clause": clause or (definition.clause if definition else ""),
            "definition": definition, "open": open}
