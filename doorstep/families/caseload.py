"""A practitioner's caseload, ranked by what needs them (issue 18): the home page says what to do next.

The caseload is the families the professional leads (overall lead, or their agency's lead professional) or visits
(a visit plan, or a contact they recorded, in the last RECENT_DAYS days, or one of their actions open on it), and
only while their agency may see the family (P-4). Ranked: overdue actions first (the most first), then a child not
seen, or not seen alone, for longer than ESC-8's periods (the longest first: P-1, 001 §5.1.8), then a visit planned
for today (the soonest first), then the rest by name. Three queries, whatever the caseload's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, Max, OuterRef, Q, Subquery
from django.utils import timezone

from doorstep.core.access import families_visible_to
from doorstep.engagement.models import Contact
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.services import rule_settings_by_partnership
from doorstep.visits.models import OPEN_STATUSES, Visit

from .models import Family, Involvement, MemberRole, Person

RECENT_DAYS = 90


@dataclass
class ChildNotSeen:
    """The child who has gone longest without being seen (or seen alone) beyond ESC-8's periods."""

    child: Person
    alone: bool  # True: not seen alone; False: not seen at all
    days: int | None  # None: never (as far as Doorstep knows)


@dataclass
class CaseloadEntry:
    family: Family
    overdue: int
    child_not_seen: ChildNotSeen | None
    visit_today: datetime | None
    leads: bool

    @property
    def tier(self) -> int:
        if self.overdue:
            return 0
        if self.child_not_seen:
            return 1
        if self.visit_today:
            return 2
        return 3

    @property
    def needs_attention(self) -> bool:
        return self.tier < 3

    def rank(self) -> tuple:
        longest = self.child_not_seen.days if self.child_not_seen and self.child_not_seen.days is not None else 10**6
        by_tier = {0: (-self.overdue,), 1: (-longest,), 2: (self.visit_today,), 3: ()}[self.tier]
        return (self.tier, *by_tier, self.family.name.lower(), self.family.pk)


def caseload_for(*, professional, now: datetime | None = None) -> list[CaseloadEntry]:
    """The professional's caseload, most urgent first. Three queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=RECENT_DAYS)
    day_start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    day_end = day_start + timedelta(days=1)
    family = OuterRef("pk")
    # Issue 15 style: `id IN (the worker's own small sets)`, each read once through its index, not an EXISTS per
    # family of the agency.
    led = Involvement.objects.filter(lead_professional=professional, ended_on__isnull=True).values("family_id")
    mine = (Q(overall_lead=professional) | Q(pk__in=led)
            | Q(pk__in=Visit.objects.filter(worker=professional).filter(
                Q(status__in=OPEN_STATUSES) | Q(planned_start__gte=since)).values("family_id"))
            | Q(pk__in=Contact.objects.filter(recorded_by=professional, occurred_at__gte=since,
                                              entered_in_error=False).values("family_id"))
            | Q(pk__in=Escalation.objects.filter(owner=professional, state__in=ACTIVE_STATES,
                                                 family__isnull=False).values("family_id")))
    leads = Q(overall_lead=professional) | Q(pk__in=led)
    overdue = (Escalation.objects.filter(family=family, state__in=ACTIVE_STATES, deadline__lt=now)
               .filter(Q(owner=professional) | Q(overdue_escalated_to=professional))
               .order_by().values("family").annotate(n=Count("pk")).values("n"))
    visit_today = (Visit.objects.filter(family=family, worker=professional, status__in=OPEN_STATUSES,
                                        planned_start__gte=day_start, planned_start__lt=day_end)
                   .order_by("planned_start").values("planned_start")[:1])
    families = list(
        families_visible_to(professional=professional).filter(mine)
        .annotate(overdue=Subquery(overdue, output_field=IntegerField()), visit_today=Subquery(visit_today),
                  leads=ExpressionWrapper(leads, output_field=BooleanField()))
        .only("id", "name", "reference", "overall_lead_id", "partnership_id")
    )
    # ESC-8 as each family's own partnership set it (issue 21): every partnership's settings in one query.
    esc_8 = rule_settings_by_partnership({f.partnership_id for f in families}, rule_ids=["ESC-8"])
    partnership_of = {f.pk: f.partnership_id for f in families}
    seen = Q(contact_records__seen=True, contact_records__contact__entered_in_error=False)
    children = (Person.objects.filter(family_id__in=[f.pk for f in families], role=MemberRole.CHILD)
                .annotate(last_seen=Max("contact_records__contact__occurred_at", filter=seen),
                          last_alone=Max("contact_records__contact__occurred_at",
                                         filter=seen & Q(contact_records__seen_alone=True)))
                .only("id", "family_id", "given_name", "family_name", "date_of_birth", "role"))
    worst: dict[int, ChildNotSeen] = {}
    for child in children:
        limits = esc_8[partnership_of[child.family_id]]["ESC-8"][1]
        for alone, last, limit in ((False, child.last_seen, limits["not_seen_days"]),
                                   (True, child.last_alone, limits["not_seen_alone_days"])):
            days = (today - timezone.localdate(last)).days if last else None
            if days is not None and days <= limit:
                continue
            candidate = ChildNotSeen(child=child, alone=alone, days=days)
            current = worst.get(child.family_id)
            if current is None or _longer(candidate, current):
                worst[child.family_id] = candidate
    entries = [CaseloadEntry(family=f, overdue=f.overdue or 0, child_not_seen=worst.get(f.pk),
                             visit_today=f.visit_today, leads=f.leads) for f in families]
    return sorted(entries, key=CaseloadEntry.rank)


def _longer(candidate: ChildNotSeen, current: ChildNotSeen) -> bool:
    """Never seen beats any number of days; not seen at all beats not seen alone for as long."""
    def key(c: ChildNotSeen):
        return (c.days is None, c.days or 0, not c.alone)
    return key(candidate) > key(current)
