"""Applying the pure rules (rules.py) to a family: gather its facts, evaluate, apply the outcomes through the
escalation services, and note when the family is next due for the time-based rules.

This is the one place where the rules' outcomes turn into state (STYLE.md, Dispatch's single dispatcher).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.workingdays import end_of_day
from doorstep.families.models import ChildStatus, Family, Involvement
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from .facts import Gathered, family_facts
from .models import ACTIVE_STATES, ClosureStep, ClosureStepKind, Escalation, FamilyCheck
from .rules import (
    RULES,
    ClosureFacts,
    Notice,
    Raise,
    Resolve,
    RuleResult,
    Text,
    esc_6_missing,
    rules_evaluate,
)
from .services import (
    ESCALATION_RAISED,
    _event,
    RuleContext,
    escalation_resolve,
    notify_in_languages,
    rule_context,
    rule_settings,
)
from .texts import fact_link, facts_render, other_languages, text_render

log = logging.getLogger(__name__)

# Every family is looked at again at least this often (nightly by default), so that changes made without calling
# family_evaluate (a child's status, an involvement) and the passing of time are never missed for long.
RECHECK_DAYS = settings.DOORSTEP_FAMILY_RECHECK_DAYS
# The nightly look is spread over the small hours, family by family, rather than one burst at midnight.
SPREAD_MINUTES = 180

# ESC-6 (001 §5.1.19): the meetings that count before an agency ends its involvement while access is difficult: a
# multi-agency meeting or conference about the family's engagement (not a family support or legal planning meeting).
ESC_6_MEETING_KINDS = ("marp", "hard_to_engage", "professionals", "strategy", "core_group", "review_conference")


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


@dataclass
class Applied:
    """What applying a rule's outcomes did: the result, and each raised or updated escalation by key."""

    result: RuleResult
    escalations: dict[str, tuple[Escalation, bool]] = field(default_factory=dict)  # key -> (escalation, created)
    counts: dict[str, int] = field(default_factory=dict)

    def escalation(self, key: str) -> Escalation | None:
        return self.escalations[key][0] if key in self.escalations else None


def _deadline(value: date | datetime | None) -> datetime | None:
    # A date is due by the end of that day in Europe/London (23:59:59 local time, summer and winter).
    if value is None or isinstance(value, datetime):
        return value
    return end_of_day(value)


def _notice_apply(notice: Notice, *, family: Family | None, people: dict) -> None:
    """An alert: its message is stored as a Text and read in each recipient's language (issue 14)."""
    recipients = [people[i] for i in notice.recipient_ids if i in people]
    if recipients:
        notify(recipients=recipients, kind=notice.notification_kind, family=family, mandatory=notice.mandatory,
               message=notice.message, link=fact_link(notice.link, family_id=family.pk if family else None),
               dedupe_key=notice.dedupe_key)


def outcomes_apply(*, family: Family | None, outcomes: list, gathered: Gathered | None = None,
                   applied: Applied | None = None) -> dict[str, int]:
    """Raise, update or resolve escalations and send the notices, as the rules decided: the one place where a
    rule's outcomes become state. Unchanged open actions cost no query when `gathered` knows them."""
    counts = {"raised": 0, "updated": 0, "resolved": 0, "notified": 0}
    raises = [o for o in outcomes if isinstance(o, Raise)]
    notices = [o for o in outcomes if isinstance(o, Notice)]
    ids = ({o.owner_id for o in raises} | {i for o in raises for i in o.notify_ids}
           | {i for o in notices for i in o.recipient_ids})
    people = Professional.objects.select_related("line_manager", "agency").in_bulk(ids) if ids else {}
    if gathered is not None:
        active_rows = gathered.active_rows
    else:
        keys = [o.key for o in outcomes if isinstance(o, Raise | Resolve)]
        active_rows = {row["key"]: row for row in Escalation.objects.filter(key__in=keys, state__in=ACTIVE_STATES)
                       .values("id", "key", "facts")} if keys else {}
    default = settings.LANGUAGE_CODE
    family_id = family.pk if family else None
    for outcome in outcomes:
        if isinstance(outcome, Notice):
            _notice_apply(outcome, family=family, people=people)
            counts["notified"] += 1
            continue
        if isinstance(outcome, Resolve):
            if outcome.key in active_rows:
                counts["resolved"] += escalation_resolve(key=outcome.key, outcome=text_render(outcome.outcome, default))
            continue
        facts = facts_render(outcome.facts, family_id=family_id, language=default)
        active = active_rows.get(outcome.key)
        if active is not None and active["facts"] == facts and applied is None:
            continue
        owner = _active(people.get(outcome.owner_id))
        if owner is None:
            log.warning("No active owner for %s", outcome.key)
            continue
        translations = {
            language: {"title": text_render(outcome.title, language),
                       "facts": [f["text"] for f in
                                 facts_render(outcome.facts, family_id=family_id, language=language)]}
            for language in other_languages()
        }
        also = [people[i] for i in outcome.notify_ids if i in people and i != owner.pk and people[i].is_active]
        escalation, created = escalation_raise(
            rule_id=outcome.rule_id, clause=outcome.clause, key=outcome.key, title=text_render(outcome.title, default),
            owner=owner, family=family, deadline=_deadline(outcome.deadline),
            facts=facts, notify_also=also, trigger_date=outcome.trigger_date, parameters=outcome.parameters,
            translations=translations, notification_kind=outcome.notification_kind, mandatory=outcome.mandatory,
            source_ref=(outcome.source[0], str(outcome.source[1])) if outcome.source else None,
            # Issue 15: the family's active actions were read under its lock (gathered): none has this key.
            known_new=gathered is not None and active is None,
        )
        if applied is not None:
            applied.escalations[outcome.key] = (escalation, created)
        if created or active is None or active["facts"] != facts:
            counts["raised" if created else "updated"] += 1
    return counts


def outcomes_cite(outcomes: list, context: RuleContext) -> list:
    """Issue 21: each action cites its clause in the family's partnership's protocol ("Cwm Taf protocol 3.1"); the
    rules themselves cite the merged set's clauses ("004 §3.1")."""
    from doorstep.partnerships.presets import ALL_FIVE, PRESETS

    preset = PRESETS.get(context.preset)
    if preset is None or preset.key == ALL_FIVE:
        return outcomes
    return [replace(o, clause=preset.cite(o.rule_id, o.clause)) if isinstance(o, Raise) else o for o in outcomes]


def _in_nation(facts, nation: str):
    """A rule's own facts with the partnership's nation, where they carry one that nobody set (issue 21)."""
    if is_dataclass(facts) and any(f.name == "nation" for f in fields(facts)) and facts.nation is None:
        return replace(facts, nation=nation)
    return facts


def rule_apply(*, rule_id: str, facts, family: Family | None = None, partnership_id: int | None = None) -> Applied:
    """Evaluate one rule over its own facts (an incident's, a visit's, a meeting's ...) with the settings the
    family's partnership chose (ESC-12, issue 21; the deployment's default partnership without a family), its
    deadlines in the partnership's nation, and apply its outcomes, in the caller's transaction. A disabled rule does
    nothing. A staff-level rule with no family (SUP-4) names the worker's partnership instead (supervision/conf.py)."""
    definition = RULES[rule_id]
    context = rule_context(family.partnership_id if family is not None else partnership_id)
    enabled, params = context.settings[rule_id]
    if not enabled:
        return Applied(result=RuleResult())
    result = definition.evaluate(_in_nation(facts, context.nation), params)
    result.outcomes = outcomes_cite(result.outcomes, context)
    applied = Applied(result=result)
    applied.counts = outcomes_apply(family=family, outcomes=result.outcomes, applied=applied)
    return applied


# --- Raising an escalation: only the engine does it (from a rule's Raise) -----------------------------------------

def escalation_raise(
    *,
    rule_id: str,
    clause: str,
    key: str,
    title: str,
    owner,
    family=None,
    deadline: datetime | None = None,
    facts: Iterable[dict] = (),
    source: models.Model | None = None,
    notify_also: Iterable = (),
    notification_kind: NotificationKind = NotificationKind.ACTION,
    mandatory: bool = False,
    trigger_date: date | None = None,
    parameters: Mapping | None = None,
    translations: Mapping | None = None,
    source_ref: tuple[str, str] | None = None,
    known_new: bool = False,
) -> tuple[Escalation, bool]:
    """Raise the action for `key`, or bring the active one up to date with the new facts (idempotent).

    Returns (escalation, created). The owner (and `notify_also`) are notified only when it is first raised.
    `translations` ({"cy": {"title": ..., "facts": [...]}}) lets readers see it in their language; `parameters`
    records the rule's settings it was raised under (ESC-12); `source_ref` names the source record by
    (model label, key) when there is no instance at hand. `known_new`: the caller has just read, under the
    family's lock, that no action with this key is active (the family evaluation), so it is not looked up again.
    """
    facts = list(facts)
    translations = dict(translations or {})
    existing = None if known_new else (
        Escalation.objects.select_for_update().filter(key=key, state__in=ACTIVE_STATES).first())
    if existing is not None:
        # New facts update the open action; its deadline stands (the first trigger started the clock).
        if existing.facts != facts:
            existing.facts = facts
            existing.translations = translations or existing.translations
            existing.save(update_fields=["facts", "translations", "updated_at"])
            _event(existing, action="updated", note=Text(gettext_noop("New facts")))
        return existing, False
    if source is not None:
        source_type, source_id = source._meta.label, str(source.pk)
    else:
        source_type, source_id = source_ref or ("", "")
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                rule_id=rule_id, clause=clause, key=key, title=title[:300], owner=owner, family=family,
                deadline=deadline, trigger_date=trigger_date, facts=facts, translations=translations,
                parameters=dict(parameters or {}), source_type=source_type, source_id=source_id,
            )
    except IntegrityError:  # raised by another worker at the same moment
        return Escalation.objects.get(key=key, state__in=ACTIVE_STATES), False
    _event(escalation, action="raised")
    if deadline is not None:
        # Issue 16: escalated when it becomes overdue, not at the next sweep (which stays as the safety net).
        from doorstep.core.tasks_support import enqueue_at

        from .tasks import overdue_due
        enqueue_at(overdue_due, deadline + timedelta(seconds=1), escalation.pk)
    audit_record(actor=None, action=AuditAction.CREATE, obj=escalation, family=family,
                 summary=Text(gettext_noop("Raised %(rule)s for %(owner)s"), {"rule": rule_id, "owner": str(owner)}))
    if family is not None:
        chronology_record(
            family=family, kind=EntryKind.ESCALATION, occurred_at=timezone.now(), agency=owner.agency,
            summary=ESCALATION_RAISED % {"rule": rule_id, "title": escalation.title_names}, source=escalation,
            significant=True,
        )
    notify_in_languages(
        recipients=[owner, *notify_also], escalation=escalation, kind=notification_kind, message=title,
        translations={lang: t.get("title", "") for lang, t in translations.items()}, mandatory=mandatory,
        dedupe_key=f"escalation:{escalation.pk}:raised",
    )
    return escalation, True


def family_rules_evaluate(*, family: Family, now: datetime | None = None) -> RuleResult:
    """Evaluate the protocol's rules for one family and apply them, in the caller's transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        check = _lock_check(family, now)
        # Issue 15: with the settings, only what the rules read of a long history is gathered.
        # Issue 21: the rules, nation and clauses of the family's partnership.
        context = rule_context(family.partnership_id)
        settings_all = context.settings
        gathered = family_facts(family=family, now=now, settings=settings_all, nation=context.nation)
        result = rules_evaluate(gathered.facts, settings_all)
        result.outcomes = outcomes_cite(result.outcomes, context)
        outcomes_apply(family=family, outcomes=result.outcomes, gathered=gathered)
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

def _plan_reasons(facts, family: Family, agency_id: int) -> list:
    """ESC-6 (001 §5.1.19): why the ending agency's planned contact forms part of a formal multi-agency plan to
    safeguard a child: a child's plan (in need, child protection, looked after), or the plan of intervention agreed
    at a meeting (MTG-3) that still gives the agency an open action. Each makes a meeting a condition of ending;
    none is a reason to end (a plan is what the contact serves, not a way out of it)."""
    from doorstep.meetings.models import SHORT_NAMES, PlanAction

    reasons: list = [
        Text(gettext_noop("%(child)s: %(status)s"), {"child": c.name, "status": ChildStatus(c.status).label})
        for c in facts.children if c.status in (ChildStatus.CHILD_PROTECTION, ChildStatus.CHILD_IN_NEED,
                                                ChildStatus.LOOKED_AFTER)
    ]
    plans = (PlanAction.objects.filter(family=family, agency_id=agency_id, escalation__state__in=ACTIVE_STATES)
             .values_list("minutes__meeting__kind", "minutes__meeting__held_on").distinct()
             .order_by("minutes__meeting__held_on"))
    reasons += [Text(gettext_noop("the plan of intervention agreed at the %(meeting)s held on %(day)s gives the "
                                  "agency an action"), {"meeting": SHORT_NAMES[kind], "day": held_on})
                for kind, held_on in plans]
    return reasons


def _meeting_held_on(*, family: Family, agency_id: int, since: date) -> date | None:
    """ESC-6: the latest meeting held in the meetings app since `since`, of a kind that counts, with the ending agency
    present (someone from it attended)."""
    from doorstep.meetings.models import Invitation, MeetingState

    return (Invitation.objects.filter(
        meeting__family=family, meeting__kind__in=ESC_6_MEETING_KINDS, meeting__held_on__gte=since,
        meeting__state__in=(MeetingState.HELD, MeetingState.CLOSED), agency_id=agency_id, attended=True)
        .order_by("-meeting__held_on").values_list("meeting__held_on", flat=True).first())


def involvement_closure_missing(*, involvement: Involvement, now: datetime | None = None) -> list[Text]:
    """What ESC-6 still requires before this involvement may end (empty: it may end)."""
    family = involvement.family
    enabled, params = rule_settings("ESC-6", family.partnership_id)
    if not enabled:
        return []
    now = now or timezone.now()
    gathered = family_facts(family=family, now=now)
    since = gathered.facts.today - timedelta(days=params["consultation_valid_days"])
    steps = list(ClosureStep.objects.filter(involvement=involvement, held_on__gte=since)
                 .values_list("kind", "agency_id", "held_on"))
    meetings = [held for kind, _agency, held in steps if kind == ClosureStepKind.MEETING]
    held = _meeting_held_on(family=family, agency_id=involvement.agency_id, since=since)
    if held is not None:
        meetings.append(held)
    closure = ClosureFacts(
        ending_agency_id=involvement.agency_id,
        consulted_agency_ids=frozenset(a for kind, a, _held in steps if kind == ClosureStepKind.CONSULTATION),
        meeting_held_on=max(meetings, default=None),
        plan_reasons=tuple(_plan_reasons(gathered.facts, family, involvement.agency_id)),
    )
    _enabled3, esc_3_params = rule_settings("ESC-3", family.partnership_id)
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
