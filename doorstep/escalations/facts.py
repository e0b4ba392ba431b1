"""Gathering a family's facts for the pure rules (rules.py), in a fixed number of queries however long its history.

Every list is fetched with one query (values only, no model instances), so a family with 5,000 contacts costs the
same number of queries as a family with none (tests/test_engine.py asserts it).

Issue 15: a family known for ten years has thousands of contacts, and reading them all made every contact recorded
with it slow (half a second for 7,000). Given the rules' settings, `family_facts` gathers only what the rules read:
each contact within their look-back windows (`rules.contacts_needed_from`), and of the earlier ones only the counts
and ends of runs that ESC-1, ESC-7, ESC-9 and ESC-10 read (`FamilyFacts.earlier_*`), each in SQL. The rules decide
the same on those facts as on the whole history (tests/test_engine.py compares them on varied histories). Without
settings it gathers the whole history (ESC-6's check of an ending involvement, which reads an agency's every contact).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
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
from .rules import (
    RUN_TAIL,
    ActiveFact,
    AgencyFact,
    ChildFact,
    ContactFact,
    ContactRun,
    FamilyFacts,
    FindingFact,
    contacts_needed_from,
    esc_1_key,
    esc_7_start,
)

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


def _day_start(day: date) -> datetime:
    """The first moment of a local day: a contact occurred on `day` or later if it occurred at or after this."""
    return timezone.make_aware(datetime.combine(day, time.min))


# A contact as the rules see it, read with one of these (values_list), then made by _contact_fact.
CONTACT_COLUMNS = ("id", "agency_id", "agency__name", "kind", "outcome", "occurred_at", "recorded_by_id", "defaulted",
                   "behaviours", "threats")


def _contact_fact(row, child_seen: bool) -> ContactFact:
    pk, agency_id, agency_name, kind, outcome, occurred_at, recorded_by, defaulted, behaviours, threats = row[:10]
    return ContactFact(
        id=pk, agency_id=agency_id, agency_name=agency_name, kind=kind, kind_label=KIND_LABELS.get(kind, kind),
        outcome=outcome, outcome_label=OUTCOME_LABELS.get(outcome, outcome), occurred_on=_local_date(occurred_at),
        recorded_by_id=recorded_by, defaulted=defaulted, achieved=outcome in ACHIEVED_OUTCOMES,
        remote=kind in REMOTE_KINDS,
        hostile=(outcome == Outcome.REFUSED_ENTRY or bool(set(behaviours or ()) & HOSTILE_BEHAVIOURS)
                 or bool(threats)),
        child_seen=child_seen,
    )


def _run(contacts, first: int) -> tuple[ContactRun, set[int]]:
    """The run of `contacts` (a queryset, in any order): how many, the first `first` and the last RUN_TAIL, in one
    query whatever their number; and who recorded those read. Their child_seen is not read (no rule reads it of a
    run)."""
    rows = list(
        contacts.annotate(
            position=Window(RowNumber(), order_by=[F("occurred_at").asc(), F("id").asc()]),
            from_end=Window(RowNumber(), order_by=[F("occurred_at").desc(), F("id").desc()]),
        ).filter(Q(position__lte=first) | Q(from_end__lte=RUN_TAIL))
        .order_by("occurred_at", "id").values_list(*CONTACT_COLUMNS, "position", "from_end")
    )
    if not rows:
        return ContactRun(), set()
    count = rows[0][-2] + rows[0][-1] - 1
    facts = [(_contact_fact(row, False), row[-2], row[-1]) for row in rows]
    return (ContactRun(count=count, head=tuple(c for c, position, _end in facts if position <= first),
                       tail=tuple(c for c, _position, end in facts if end <= RUN_TAIL)),
            {row[6] for row in rows})


def _is_adult(date_of_birth: date | None, today: date) -> bool:
    if date_of_birth is None:
        return False
    try:
        eighteenth = date_of_birth.replace(year=date_of_birth.year + ADULT_AGE_YEARS)
    except ValueError:  # born on 29 February
        eighteenth = date_of_birth.replace(year=date_of_birth.year + ADULT_AGE_YEARS, day=28)
    return eighteenth <= today


def family_facts(*, family: Family, now: datetime, settings: Mapping[str, tuple[bool, dict]] | None = None,
                 nation: str | None = None) -> Gathered:
    """The family's facts for the rules. With the rules' `settings` (rules_settings_all), only what they read of a
    long history (issue 15); without, every contact and every time each child was seen. `nation`: its partnership's
    (issue 21), read here when the caller has not."""
    if nation is None:
        from doorstep.partnerships.selectors import family_nation

        nation = family_nation(family)
    today = timezone.localdate(now)
    bounded = settings is not None

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
    # 3. Evidence of non-compliance (ESC-2).
    finding_rows = list(
        NonComplianceFinding.objects.filter(family=family)
        .values_list("id", "identified_on", "recorded_at", "recorded_by_id", "child_protection_plan")
        .order_by("recorded_at", "id")
    )
    # 4. The family's escalations: the active ones, and when each key last closed (and was last done: ESC-7).
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
    last_closed_on = {key: _local_date(at) for key, at in last_closed.items()}
    last_done_on = {key: _local_date(done) for key, _last, done in closed_rows if done is not None}

    # 5. The contacts (ENG-1, ENG-6), oldest first, without those entered in error: every one, or those within the
    # rules' windows.
    contacts_from = contacts_needed_from(today, settings) if bounded else None
    all_contacts = Contact.objects.filter(family=family, entered_in_error=False)
    listed = all_contacts.filter(occurred_at__gte=_day_start(contacts_from)) if bounded else all_contacts
    contact_rows = list(listed.order_by("occurred_at", "id").values_list(*CONTACT_COLUMNS))
    recorders = {row[6] for row in contact_rows}
    # 6. Which children were seen, and seen alone, at those contacts.
    seen_at = Q(seen=True) | Q(seen_alone=True)
    seen_rows = ContactChild.objects.filter(seen_at, contact__family=family, contact__entered_in_error=False)
    if bounded:
        seen_rows = seen_rows.filter(contact__occurred_at__gte=_day_start(contacts_from))
    child_seen_contacts: set[int] = set()
    seen_by_child: dict[int, list[date]] = {}
    alone_by_child: dict[int, list[date]] = {}
    for contact_id, child_id, alone, occurred_at in (
        seen_rows.order_by("contact__occurred_at", "contact_id")
        .values_list("contact_id", "child_id", "seen_alone", "contact__occurred_at")
    ):
        day = _local_date(occurred_at)
        child_seen_contacts.add(contact_id)
        seen_by_child.setdefault(child_id, []).append(day)
        if alone:
            alone_by_child.setdefault(child_id, []).append(day)
    contacts = tuple(_contact_fact(row, row[0] in child_seen_contacts) for row in contact_rows)
    # Of the children not seen alone since contacts_from, what the rules read of the earlier times: the latest
    # time seen (ESC-8), seen alone (ESC-8, ESC-9), and how many times since ESC-9's count began (its never-alone
    # action for the child last closed).
    times_seen: dict[int, int | None] = {}
    if bounded:
        child_ids = [m["id"] for m in members if m["id"] not in alone_by_child]
        since_of = {pk: last_closed_on.get(f"ESC-9:child:{pk}:never-alone") for pk in child_ids}
        counted = Q()
        for pk, since in since_of.items():
            counted |= Q(child_id=pk, **({"contact__occurred_at__gte": _day_start(since + timedelta(days=1))}
                                        if since else {}))
        earlier_seen = {}
        if child_ids:
            earlier_seen = {pk: (last, alone, times) for pk, last, alone, times in (
                ContactChild.objects.filter(seen_at, child_id__in=child_ids, contact__family=family,
                                            contact__entered_in_error=False,
                                            contact__occurred_at__lt=_day_start(contacts_from))
                .values("child_id").annotate(
                    last=Max("contact__occurred_at"), alone=Max("contact__occurred_at", filter=Q(seen_alone=True)),
                    times=Count("id", filter=counted)).order_by().values_list("child_id", "last", "alone", "times"))}
        for pk, since in since_of.items():
            last, alone, times = earlier_seen.get(pk, (None, None, 0))
            later = seen_by_child.get(pk, [])
            if alone is None:  # never seen alone: ESC-9 counts the times seen since its count began
                times_seen[pk] = times + sum(1 for day in later if since is None or day > since)
            else:
                alone_by_child[pk] = [_local_date(alone)]
            if last is not None:
                seen_by_child[pk] = [_local_date(last), *later]

    # 7. What the rules read of the contacts before contacts_from.
    earlier = {}
    if bounded:
        before = all_contacts.filter(occurred_at__lt=_day_start(contacts_from))
        # ESC-1: the defaulted visits in person since its last action closed.
        since = last_closed_on.get(esc_1_key(family.pk))
        if since is None or since + timedelta(days=1) < contacts_from:
            counted = before.filter(defaulted=True).exclude(kind__in=REMOTE_KINDS)
            if since is not None:
                counted = counted.filter(occurred_at__gte=_day_start(since + timedelta(days=1)))
            earlier["earlier_defaulted"], read = _run(counted, settings["ESC-1"][1]["threshold"])
            recorders |= read
        # ESC-7: when every contact since contacts_from (after its start) failed, the failed ones in a row before.
        start = esc_7_start(family.pk, last_done_on, last_closed_on)
        if start is not None and start + timedelta(days=1) < contacts_from and all(
                c.defaulted for c in contacts if c.occurred_on > start):
            after = before.filter(occurred_at__gte=_day_start(start + timedelta(days=1)))
            stop = after.filter(defaulted=False).order_by("-occurred_at", "-id").values_list("occurred_at", "id")
            stop = stop.first()
            if stop is not None:
                after = after.filter(Q(occurred_at__gt=stop[0]) | Q(occurred_at=stop[0], id__gt=stop[1]))
            earlier["earlier_failed"], read = _run(after, settings["ESC-7"][1]["failed_contacts"])
            recorders |= read
        # ESC-10: when no contact since contacts_from achieved anything, the last that did.
        if not any(c.achieved for c in contacts):
            last = before.filter(outcome__in=ACHIEVED_OUTCOMES).aggregate(last=Max("occurred_at"))["last"]
            earlier["earlier_achieved_on"] = _local_date(last) if last else None

    # 8. The managers: of each involved agency, for agencies whose lead has no line manager; and the line manager
    # of everyone the rules may name (ORG-3). One query.
    people = {family.overall_lead_id, *(i["lead_professional_id"] for i in involvements), *recorders,
              *(r[3] for r in finding_rows)}
    people.discard(None)
    agency_manager: dict[int, int] = {}
    line_managers: dict[int, int] = {}
    for pk, agency_id, role, active, line_manager in (
        Professional.objects.filter(Q(pk__in=people, line_manager__isnull=False)
                                    | Q(agency_id__in=agency_ids, role=Role.MANAGER, is_active=True))
        .order_by("-is_duty_manager", "id").values_list("id", "agency_id", "role", "is_active", "line_manager_id")
    ):
        if agency_id in agency_ids and role == Role.MANAGER and active:
            agency_manager.setdefault(agency_id, pk)
        if pk in people and line_manager is not None:
            line_managers[pk] = line_manager

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
            times_seen_since=times_seen.get(m["id"]),
        )
        for m in members
        if m["role"] == MemberRole.CHILD and not m["lives_elsewhere"] and not _is_adult(m["date_of_birth"], today)
    )
    facts = FamilyFacts(
        family_id=family.pk, today=today, nation=nation,
        known_to_csc=family.known_to_csc or any(m["known_to_csc"] for m in members),
        overall_lead_id=family.overall_lead_id, children=children, agencies=agencies, contacts=contacts,
        findings=tuple(FindingFact(id=pk, identified_on=identified_on, recorded_at=recorded_at,
                                   recorded_by_id=recorded_by, child_protection_plan=cp)
                       for pk, identified_on, recorded_at, recorded_by, cp in finding_rows),
        line_managers=line_managers, last_closed=last_closed, last_closed_on=last_closed_on,
        last_done_on=last_done_on,
        active={key: ActiveFact(key=key, rule_id=row["rule_id"], trigger_date=row["trigger_date"],
                                parameters=row["parameters"] or {})
                for key, row in active_rows.items()},
        contacts_from=contacts_from, **earlier,
    )
    return Gathered(facts=facts, active_rows=active_rows)
