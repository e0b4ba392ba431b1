"""Gathering what OVR-1's pure functions (rules.py) need for one family, in a fixed number of queries however long
its history (the escalation rules' own `family_facts`, reused, and one query per list below)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from doorstep.core.texts import Names
from doorstep.engagement.models import ACHIEVED_OUTCOMES, REMOTE_KINDS, Contact, ContactKind
from doorstep.escalations.facts import family_facts
from doorstep.escalations.models import CLOSED_STATES, Escalation, EscalationState
from doorstep.families.models import Family
from doorstep.meetings.models import MeetingKind, Meeting, Minutes, PlanAction, PlanActionUpdate
from doorstep.visits.models import Visit

from .rules import (
    MEETING_RULES,
    ClosedEscalationFact,
    ContactCheck,
    OversightFacts,
    PlanActionFact,
    ReviewFact,
    SessionCheck,
)

KIND_LABELS = dict(ContactKind.choices)
MEETING_LABELS = dict(MeetingKind.choices)
# Bounded work per family: at most this many of the most recent in-person contacts are compared.
MAX_CONTACTS = 500


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def oversight_facts(*, family: Family, now: datetime, params: dict) -> OversightFacts:
    today = timezone.localdate(now)
    base = family_facts(family=family, now=now).facts

    completed = PlanActionUpdate.objects.filter(action_id=OuterRef("pk"), completed=True)
    actions = tuple(
        PlanActionFact(id=a["id"], description=a["description"], due_date=a["due_date"],
                       owner_name=_name(a["owner__first_name"], a["owner__last_name"]),
                       done=bool(a["completed"]) or a["escalation__state"] in CLOSED_STATES)
        for a in PlanAction.objects.filter(family=family, due_date__lt=today).annotate(completed=Exists(completed))
        .values("id", "description", "due_date", "owner__first_name", "owner__last_name", "escalation__state",
                "completed"))

    held = list(Meeting.objects.filter(family=family, held_on__isnull=False).order_by("held_on", "id")
                .values("id", "held_on", "escalation_id"))
    reviews = []
    for m in Minutes.objects.filter(meeting__family=family, review_date__isnull=False).values(
            "meeting_id", "meeting__kind", "meeting__held_on", "review_date"):
        after = m["meeting__held_on"]
        later = next((h["held_on"] for h in held if h["id"] != m["meeting_id"] and after is not None
                      and h["held_on"] >= after), None)
        reviews.append(ReviewFact(meeting_id=m["meeting_id"], meeting_label=MEETING_LABELS.get(m["meeting__kind"], ""),
                                  review_date=m["review_date"], later_meeting_held_on=later))

    met = {h["escalation_id"] for h in held if h["escalation_id"]}
    since = now - timedelta(days=params["lookback_days"] + 1)
    closed = tuple(
        ClosedEscalationFact(
            id=e["id"], rule_id=e["rule_id"],
            title=Names({settings.LANGUAGE_CODE: e["title"],
                         **{lang: t["title"] for lang, t in (e["translations"] or {}).items() if t.get("title")}}),
            closed_on=timezone.localdate(e["closed_at"]), meeting_held=e["id"] in met)
        for e in Escalation.objects.filter(family=family, rule_id__in=MEETING_RULES, state=EscalationState.DONE,
                                           closed_at__gte=since)
        .values("id", "rule_id", "title", "translations", "closed_at"))
    return OversightFacts(family=base, plan_actions=actions, reviews=tuple(reviews), closed_escalations=closed,
                          meetings_held_on=tuple(h["held_on"] for h in held))


def lone_working_facts(*, family: Family, now: datetime, params: dict):
    """The family's in-person contacts of the last `compare_days`, their workers' visit sessions around them (every
    family), and when each worker first checked in. Three queries."""
    start = now - timedelta(days=params["compare_days"])
    rows = list(Contact.objects.filter(family=family, entered_in_error=False, occurred_at__gte=start,
                                       occurred_at__lte=now)
                .exclude(kind__in=list(REMOTE_KINDS)).order_by("-occurred_at", "-id")
                .values("id", "recorded_by_id", "kind", "outcome", "occurred_at", "recorded_at")[:MAX_CONTACTS])
    contacts = [ContactCheck(id=r["id"], family_id=family.pk, worker_id=r["recorded_by_id"], kind=r["kind"],
                             kind_label=KIND_LABELS.get(r["kind"], r["kind"]), seen=r["outcome"] in ACHIEVED_OUTCOMES,
                             home_visit=r["kind"] == ContactKind.HOME_VISIT, occurred_at=r["occurred_at"],
                             recorded_at=r["recorded_at"]) for r in rows]
    workers = {c.worker_id for c in contacts}
    if not contacts:
        return [], [], {}
    earliest = min(c.occurred_at for c in contacts) - timedelta(days=1)
    sessions = [
        SessionCheck(id=v["id"], family_id=v["family_id"], family_name=Family(name=v["family__name"]).name_text,
                     worker_id=v["worker_id"], started_at=v["started_at"], ended_at=v["ended_at"])
        for v in Visit.objects.filter(worker_id__in=workers, started_at__isnull=False, started_at__gte=earliest,
                                      started_at__lte=now)
        .values("id", "family_id", "family__name", "worker_id", "started_at", "ended_at")]
    first = dict(Visit.objects.filter(worker_id__in=workers, started_at__isnull=False).values("worker_id")
                 .annotate(first=Min("started_at")).values_list("worker_id", "first"))
    return contacts, sessions, first



