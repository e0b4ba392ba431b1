"""Gathering a family's facts for the pure rules (rules.py), in a fixed number of queries however long its history.

Every list is fetched with one query (values only, no model instances), so a family with 5,000 contacts costs the
same number of queries as a family with none (tests/test_engine.py asserts it).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from doorstep.agencies.models import Professional, Role
from doorstep.engagement.models import (
    ACHIEVED_OUTCOMES,
    REMOTE_KINDS,
    Behaviour,
    Contact,
    ContactChild,
    ContactKind,
    Outcome,
)
from doorstep.families.models import CHILD_ROLES, Family, Involvement, MemberRole, Person

from .models import ACTIVE_STATES, CLOSED_STATES, Escalation, EscalationState, NonComplianceFinding
from .rules import ActiveFact, AgencyFact, ChildFact, ContactFact, FamilyFacts, FindingFact

# ESC-11: what counts as hostility or refusal towards an agency at a contact.
HOSTILE_BEHAVIOURS = frozenset({Behaviour.REFUSAL, Behaviour.CONFRONTATION, Behaviour.VIOLENCE})
KIND_LABELS = dict(ContactKind.choices)
OUTCOME_LABELS = dict(Outcome.choices)
ADULT_AGE_YEARS = 18


@dataclass
class Gathered:
    facts: FamilyFacts
    # What the applier needs beside the facts: the active escalations' ids and stored facts, by key.
    active_rows: dict = field(default_factory=dict)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _is_adult(date_of_birth: date | None, today: date) -> bool:
    if date_of_birth is None:
        return False
    try:
        eighteenth = date_of_birth.replace(year=date_of_birth.year + ADULT_AGE_YEARS)
    except ValueError:  # born on 29 February
        eighteenth = date_of_birth.replace(year=date_of_birth.year + ADULT_AGE_YEARS, day=28)
    return eighteenth <= today


def family_facts(*, family: Family, now: datetime) -> Gathered:
    today = timezone.localdate(now)

    # 1. The children (FAM-1, FAM-2).
    members = list(
        Person.objects.filter(family=family, role__in=CHILD_ROLES)
        .values("id", "role", "given_name", "family_name", "child_status", "known_to_csc", "lives_elsewhere",
                "date_of_birth", "created_at")
    )
    # 2. The agencies involved now, with their lead professionals.
    involvements = list(
        Involvement.objects.filter(family=family, ended_on__isnull=True)
        .values("id", "agency_id", "agency__name", "agency__kind", "started_on", "lead_professional_id",
                "lead_professional__line_manager_id")
        .order_by("started_on", "id")
    )
    agency_ids = [i["agency_id"] for i in involvements]
    # 3. A manager for each involved agency, for agencies whose lead has no line manager (ORG-3).
    agency_manager: dict[int, int] = {}
    for agency_id, pk in (
        Professional.objects.filter(agency_id__in=agency_ids, role=Role.MANAGER, is_active=True)
        .order_by("-is_duty_manager", "id").values_list("agency_id", "id")
    ):
        agency_manager.setdefault(agency_id, pk)
    # 4. Every contact, oldest first (ENG-1, ENG-6), without those entered in error.
    contact_rows = list(
        Contact.objects.filter(family=family, entered_in_error=False)
        .order_by("occurred_at", "id")
        .values_list("id", "agency_id", "agency__name", "kind", "outcome", "occurred_at", "recorded_by_id",
                     "defaulted", "behaviours", "threats")
    )
    # 5. Which children were seen, and seen alone, at which contact.
    seen_rows = list(
        ContactChild.objects.filter(contact__family=family, contact__entered_in_error=False)
        .filter(Q(seen=True) | Q(seen_alone=True))
        .order_by("contact__occurred_at", "contact_id")
        .values_list("contact_id", "child_id", "seen_alone", "contact__occurred_at")
    )
    # 6. Evidence of non-compliance (ESC-2).
    finding_rows = list(
        NonComplianceFinding.objects.filter(family=family)
        .values_list("id", "identified_on", "recorded_at", "recorded_by_id", "child_protection_plan")
        .order_by("recorded_at", "id")
    )
    # 7. The family's escalations: the active ones, and when each key last closed (and was last done: ESC-7).
    active_rows = {
        row["key"]: row for row in Escalation.objects.filter(family=family, state__in=ACTIVE_STATES)
        .values("id", "key", "rule_id", "trigger_date", "parameters", "facts")
    }
    closed_rows = list(
        Escalation.objects.filter(family=family, state__in=CLOSED_STATES, closed_at__isnull=False)
        .values("key").annotate(last=Max("closed_at"), done=Max("closed_at", filter=Q(state=EscalationState.DONE)))
        .values_list("key", "last", "done")
    )
    last_closed = {key: last for key, last, _done in closed_rows}
    # 8. The line managers of everyone the rules may name (ORG-3).
    people = {family.overall_lead_id, *(i["lead_professional_id"] for i in involvements),
              *{r[6] for r in contact_rows}, *(r[3] for r in finding_rows)}
    people.discard(None)
    line_managers = {pk: manager for pk, manager in
                     Professional.objects.filter(pk__in=people, line_manager__isnull=False)
                     .values_list("id", "line_manager_id")}

    child_seen_contacts: set[int] = set()
    seen_by_child: dict[int, list[date]] = {}
    alone_by_child: dict[int, list[date]] = {}
    for contact_id, child_id, alone, occurred_at in seen_rows:
        day = _local_date(occurred_at)
        child_seen_contacts.add(contact_id)
        seen_by_child.setdefault(child_id, []).append(day)
        if alone:
            alone_by_child.setdefault(child_id, []).append(day)

    contacts = tuple(
        ContactFact(
            id=pk, agency_id=agency_id, agency_name=agency_name, kind=kind, kind_label=KIND_LABELS.get(kind, kind),
            outcome=outcome, outcome_label=OUTCOME_LABELS.get(outcome, outcome), occurred_on=_local_date(occurred_at),
            recorded_by_id=recorded_by, defaulted=defaulted, achieved=outcome in ACHIEVED_OUTCOMES,
            remote=kind in REMOTE_KINDS,
            hostile=(outcome == Outcome.REFUSED_ENTRY or bool(set(behaviours or ()) & HOSTILE_BEHAVIOURS)
                     or bool(threats)),
            child_seen=pk in child_seen_contacts,
        )
        for pk, agency_id, agency_name, kind, outcome, occurred_at, recorded_by, defaulted, behaviours, threats
        in contact_rows
    )
    agencies = tuple(
        AgencyFact(
            id=i["agency_id"], name=i["agency__name"], kind=i["agency__kind"], started_on=i["started_on"],
            lead_id=i["lead_professional_id"], involvement_id=i["id"],
            manager_id=i["lead_professional__line_manager_id"] or agency_manager.get(i["agency_id"]),
        )
        for i in involvements
    )
    involved_since = min((a.started_on for a in agencies), default=today)
    children = tuple(
        ChildFact(
            id=m["id"], name=f"{m['given_name']} {m['family_name']}", status=m["child_status"],
            tracked_since=max(_local_date(m["created_at"]), involved_since),
            seen_on=tuple(seen_by_child.get(m["id"], ())), seen_alone_on=tuple(alone_by_child.get(m["id"], ())),
        )
        for m in members
        if m["role"] == MemberRole.CHILD and not m["lives_elsewhere"] and not _is_adult(m["date_of_birth"], today)
    )
    facts = FamilyFacts(
        family_id=family.pk, today=today, nation=settings.DOORSTEP_NATION,
        known_to_csc=family.known_to_csc or any(m["known_to_csc"] for m in members),
        overall_lead_id=family.overall_lead_id, children=children, agencies=agencies, contacts=contacts,
        findings=tuple(FindingFact(id=pk, identified_on=identified_on, recorded_at=recorded_at,
                                   recorded_by_id=recorded_by, child_protection_plan=cp)
                       for pk, identified_on, recorded_at, recorded_by, cp in finding_rows),
        line_managers=line_managers, last_closed=last_closed,
        last_closed_on={key: _local_date(at) for key, at in last_closed.items()},
        last_done_on={key: _local_date(done) for key, _last, done in closed_rows if done is not None},
        active={key: ActiveFact(key=key, rule_id=row["rule_id"], trigger_date=row["trigger_date"],
                                parameters=row["parameters"] or {})
                for key, row in active_rows.items()},
    )
    return Gathered(facts=facts, active_rows=active_rows)
