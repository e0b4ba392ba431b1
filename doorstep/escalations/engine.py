"""Applying the pure rules (rules.py) to a family: gather its facts, evaluate, apply the outcomes through the
escalation services, and note when the family is next due for the time-based rules.

This is the one place where the rules' outcomes turn into state (STYLE.md, Dispatch's single dispatcher).
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional
from doorstep.core.workingdays import end_of_day
from doorstep.families.models import ChildStatus, Family, Involvement

from .facts import Gathered, family_facts
from .models import ClosureStep, ClosureStepKind, FamilyCheck
from .rules import ClosureFacts, Raise, Resolve, RuleResult, Text, esc_6_missing, rules_evaluate
from .services import escalation_raise, escalation_resolve, rule_settings, rule_settings_all
from .texts import facts_render, other_languages, text_render

log = logging.getLogger(__name__)

# Every family is looked at again at least this often (nightly by default), so that changes made without calling
# family_evaluate (a child's status, an involvement) and the passing of time are never missed for long.
RECHECK_DAYS = settings.DOORSTEP_FAMILY_RECHECK_DAYS
# The nightly look is spread over the small hours, family by family, rather than one burst at midnight.
SPREAD_MINUTES = 180

# ESC-6 extension points for other capabilities (e.g. meetings, issue 6):
#   PLAN_SOURCES: fn(*, family) -> list of str: why the family's contact is part of a formal multi-agency plan.
#   MEETING_SOURCES: fn(*, family, since: date) -> date or None: a meeting or conference held since `since`.
PLAN_SOURCES: list = []
MEETING_SOURCES: list = []


def family_due_at(family_id: int, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0))) + timedelta(minutes=family_id % SPREAD_MINUTES)


def _lock_check(family: Family, now: datetime) -> FamilyCheck:
    """The family's due row, locked: evaluations of one family never overlap (the sweep and a contact's
    transaction take this lock first)."""
    check = FamilyCheck.objects.select_for_update().filter(family=family).first()
    if check is not None:
        return check
    try:
        with transaction.atomic():
            return FamilyCheck.objects.create(family=family, due_at=now)
    except IntegrityError:
        return FamilyCheck.objects.select_for_update().get(family=family)


def _active(person: Professional | None) -> Professional | None:
    if person is None:
        return None
    if person.is_active:
        return person
    manager = person.line_manager
    return manager if manager is not None and manager.is_active else None


def outcomes_apply(*, family: Family, gathered: Gathered, outcomes: list) -> dict[str, int]:
    """Raise, update or resolve escalations as the rules decided. Unchanged open actions cost no query."""
    counts = {"raised": 0, "updated": 0, "resolved": 0}
    raises = [o for o in outcomes if isinstance(o, Raise)]
    ids = {o.owner_id for o in raises} | {i for o in raises for i in o.notify_ids}
    people = Professional.objects.select_related("line_manager", "agency").in_bulk(ids) if ids else {}
    default = settings.LANGUAGE_CODE
    for outcome in outcomes:
        if isinstance(outcome, Resolve):
            if outcome.key in gathered.active_rows:
                counts["resolved"] += escalation_resolve(key=outcome.key, outcome=text_render(outcome.outcome, default))
            continue
        facts = facts_render(outcome.facts, family_id=family.pk, language=default)
        active = gathered.active_rows.get(outcome.key)
        if active is not None and active["facts"] == facts:
            continue
        owner = _active(people.get(outcome.owner_id))
        if owner is None:
            log.warning("No active owner for %s", outcome.key)
            continue
        translations = {
            language: {"title": text_render(outcome.title, language),
                       "facts": [f["text"] for f in
                                 facts_render(outcome.facts, family_id=family.pk, language=language)]}
            for language in other_languages()
        }
        also = [people[i] for i in outcome.notify_ids if i in people and i != owner.pk and people[i].is_active]
        _escalation, created = escalation_raise(
            rule_id=outcome.rule_id, clause=outcome.clause, key=outcome.key, title=text_render(outcome.title, default),
            owner=owner, family=family, deadline=end_of_day(outcome.deadline) if outcome.deadline else None,
            facts=facts, notify_also=also, trigger_date=outcome.trigger_date, parameters=outcome.parameters,
            translations=translations,
            source_ref=(outcome.source[0], str(outcome.source[1])) if outcome.source else None,
        )
        counts["raised" if created else "updated"] += 1
    return counts


def family_rules_evaluate(*, family: Family, now: datetime | None = None) -> RuleResult:
    """Evaluate the protocol's rules for one family and apply them, in the caller's transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        check = _lock_check(family, now)
        gathered = family_facts(family=family, now=now)
        result = rules_evaluate(gathered.facts, rule_settings_all())
        outcomes_apply(family=family, gathered=gathered, outcomes=result.outcomes)
        today = gathered.facts.today
        latest = today + timedelta(days=RECHECK_DAYS)
        wake = max(min(result.wake_on or latest, latest), today + timedelta(days=1))
        check.due_at = family_due_at(family.pk, wake)
        check.evaluated_at = now
        check.failures = 0
        check.last_error = ""
        check.save()
    return result


def protocol_rules(*, family: Family) -> None:
    """The escalation engine's entry in FAMILY_EVALUATORS."""
    family_rules_evaluate(family=family)


# --- ESC-6: refusing to end an involvement while access is difficult --------------------------------------------

def _plan_reasons(facts, family: Family) -> list:
    reasons: list = [
        Text(gettext_noop("%(child)s: %(status)s"), {"child": c.name, "status": ChildStatus(c.status).label})
        for c in facts.children if c.status in (ChildStatus.CHILD_PROTECTION, ChildStatus.CHILD_IN_NEED,
                                                ChildStatus.LOOKED_AFTER)
    ]
    for source in PLAN_SOURCES:
        reasons.extend(source(family=family) or ())
    return reasons


def involvement_closure_missing(*, involvement: Involvement, now: datetime | None = None) -> list[Text]:
    """What ESC-6 still requires before this involvement may end (empty: it may end)."""
    enabled, params = rule_settings("ESC-6")
    if not enabled:
        return []
    now = now or timezone.now()
    family = involvement.family
    gathered = family_facts(family=family, now=now)
    since = gathered.facts.today - timedelta(days=params["consultation_valid_days"])
    steps = list(ClosureStep.objects.filter(involvement=involvement, held_on__gte=since)
                 .values_list("kind", "agency_id", "held_on"))
    meetings = [held for kind, _agency, held in steps if kind == ClosureStepKind.MEETING]
    meetings += [d for d in (source(family=family, since=since) for source in MEETING_SOURCES) if d]
    closure = ClosureFacts(
        ending_agency_id=involvement.agency_id,
        consulted_agency_ids=frozenset(a for kind, a, _held in steps if kind == ClosureStepKind.CONSULTATION),
        meeting_held_on=max(meetings, default=None),
        plan_reasons=tuple(_plan_reasons(gathered.facts, family)),
    )
    _enabled3, esc_3_params = rule_settings("ESC-3")
    return esc_6_missing(gathered.facts, closure, params, esc_3_params)


def involvement_end_check(involvement: Involvement) -> list[str]:
    """ESC-6 (001 §5.1.19), registered in doorstep.families.services.INVOLVEMENT_END_CHECKS: the reasons the
    involvement cannot end yet, each saying what is missing."""
    missing = involvement_closure_missing(involvement=involvement)
    if not missing:
        return []
    missing.append(Text(gettext_noop("Record the consultations and the meeting under \"Before an agency ends its "
                                     "involvement\" "
                           "on the case file (ESC-6, 001 §5.1.19).")))
    return [text_render(t) for t in missing]
