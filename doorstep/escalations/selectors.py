"""Reads of escalations, with the access rule inside (P-4): an escalation about a family is shown only to those who
may see the family; lists never show a family the reader's agency no longer works with."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone


from doorstep.core.access import families_visible_to, family_get_for
from doorstep.families.selectors import case_file_fact

from .models import ACTIVE_STATES, CLOSED_STATES, Escalation, EscalationState
from .rules import RULES


def rules_listed() -> list:
    """Issue 18: every rule whose actions can appear in a list, by its plain-language title in the reader's language
    (alphabetically), for the filters: every registered rule, so none that appears is missing."""
    return sorted(RULES.values(), key=lambda r: (str(r.title).casefold(), r.rule_id))


def _visible(qs: QuerySet, professional) -> QuerySet:
    visible = families_visible_to(professional=professional).filter(pk=OuterRef("family_id"))
    return qs.filter(Q(family__isnull=True) | Q(Exists(visible)))


def _listing(qs: QuerySet) -> QuerySet:
    return qs.select_related("family", "owner", "owner__agency", "overdue_escalated_to")


def actions_for(*, professional, closed: bool = False) -> QuerySet[Escalation]:
    """My actions: those I own, and those escalated to me as the owner's manager."""
    qs = Escalation.objects.filter(Q(owner=professional) | Q(overdue_escalated_to=professional))
    if closed:
        qs = qs.filter(state__in=CLOSED_STATES).order_by("-closed_at", "-id")
    else:
        qs = qs.filter(state__in=ACTIVE_STATES).order_by("deadline", "id")
    return _listing(_visible(qs, professional))


def team_actions_for(*, manager, closed: bool = False, overdue_only: bool = False, rule_id: str = "",
                     owner_id: int | None = None) -> QuerySet[Escalation]:
    """A manager's team queue: actions of the people they manage or of their team, and those escalated to them."""
    if not manager.is_manager:
        raise PermissionDenied("Only managers have a team queue.")
    team = Q(owner__line_manager=manager) | Q(overdue_escalated_to=manager) | Q(owner=manager)
    if manager.team_id:
        team |= Q(owner__team_id=manager.team_id)
    qs = Escalation.objects.filter(team)
    if closed:
        qs = qs.filter(state__in=CLOSED_STATES).order_by("-closed_at", "-id")
    else:
        qs = qs.filter(state__in=ACTIVE_STATES).order_by("deadline", "id")
    if overdue_only and not closed:
        qs = qs.filter(deadline__lt=timezone.now())
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return _listing(_visible(qs, manager))


def team_overdue_by_owner(*, manager) -> list[dict]:
    """The manager's home page (issue 18): overdue actions of their team queue, counted by owner, most first. Each
    row: owner_id, name, count, and `in_team` (the team queue's owner filter offers them). One query."""
    rows = (team_actions_for(manager=manager, overdue_only=True)
            .values("owner_id", "owner__first_name", "owner__last_name", "owner__username", "owner__line_manager_id",
                    "owner__team_id")
            .annotate(count=Count("pk")).order_by("-count", "owner__last_name", "owner__first_name", "owner_id"))
    return [{"owner_id": r["owner_id"], "count": r["count"],
             "name": f"{r['owner__first_name']} {r['owner__last_name']}".strip() or r["owner__username"],
             "in_team": r["owner__line_manager_id"] == manager.pk
             or bool(manager.team_id and r["owner__team_id"] == manager.team_id)} for r in rows]


OPEN_LISTED = 50


def family_open_escalations(*, family) -> list[Escalation]:
    """The case file's open actions, soonest deadline first, at most OPEN_LISTED: one query, which the banner and
    the Overview's list share (issue 15)."""
    return case_file_fact(family, "open_escalations", lambda: list(
        Escalation.objects.filter(family=family, state__in=ACTIVE_STATES)
        .select_related("owner").order_by("deadline", "id")[:OPEN_LISTED]))


def family_open_escalations_count(*, family) -> dict:
    """Issue 18: how many actions are open on the family, and how many of them overdue (the banner's one line).
    From the shared list; counted in the database only for a family with more than OPEN_LISTED open."""
    listed = family_open_escalations(family=family)
    if len(listed) < OPEN_LISTED:
        return {"open": len(listed), "overdue": sum(1 for e in listed if e.is_overdue)}
    return case_file_fact(family, "open_escalations_count", lambda: Escalation.objects.filter(
        family=family, state__in=ACTIVE_STATES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=timezone.now()))))


def escalation_get_for(*, professional, escalation_id: int, purpose: str = "escalation") -> Escalation:
    """The escalation if the professional may see it (its family through family_get_for, audited)."""
    escalation = (Escalation.objects.select_related("family", "owner", "owner__agency", "owner__line_manager",
                                                    "overdue_escalated_to", "closed_by")
                  .filter(pk=escalation_id).first())
    if escalation is None or not getattr(professional, "is_authenticated", False):
        raise Http404("No action found")
    if escalation.family_id is not None:
        family_get_for(professional=professional, family_id=escalation.family_id, purpose=purpose)
    elif professional.pk not in (escalation.owner_id, escalation.overdue_escalated_to_id,
                                 escalation.owner.line_manager_id):
        raise Http404("No action found")
    return escalation


__all__ = ["EscalationState", "actions_for", "team_actions_for", "family_open_escalations", "family_open_escalations_count",
           "escalation_get_for"]
