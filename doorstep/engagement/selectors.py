"""Reads of the engagement record. Access to a contact is access to its family (P-4): every selector that starts
from a contact or letter id goes through `family_get_for`, which audits the read or the refusal.

The case-file panels (child panel P-1, defaulted contacts ENG-6, engagement grid CHR-2) each run a fixed number
of queries whatever the number of contacts."""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from doorstep.agencies.models import Agency
from doorstep.core.access import family_get_for
from doorstep.families.models import CHILD_ROLES, Family, Involvement, MemberRole, Person
from doorstep.families.selectors import family_members

from .models import (
    ACHIEVED_OUTCOMES,
    AssessmentArea,
    Behaviour,
    Contact,
    ContactChild,
    ContactFollowUp,
    ContactKind,
    NonCooperationReason,
    Outcome,
    ParentLetter,
    ReasonBasis,
    ThreatKind,
)


def contact_may_amend(*, contact: Contact, professional) -> bool:
    """Corrections and "entered in error" are for the person who recorded the contact, or a manager of their
    agency: another agency never rewrites someone else's record."""
    if not getattr(professional, "works_with_families", False):
        return False
    return professional.pk == contact.recorded_by_id or (
        professional.is_manager and professional.agency_id == contact.agency_id)


def contact_get_for(*, professional, contact_id: int, purpose: str = "contact", write: bool = False) -> Contact:
    """The contact if the professional may see its family (audited), else a 404; with `write`, emergency access
    is refused (read-only, issue 13)."""
    family_id = Contact.objects.filter(pk=contact_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No contact found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    return Contact.objects.select_related("family", "agency", "recorded_by", "entered_in_error_by").get(pk=contact_id)


def contact_detail(*, contact: Contact) -> dict:
    """What the contact page shows besides the contact itself, in a fixed number of queries."""
    return {
        "children": list(contact.children.select_related("child").order_by("child__date_of_birth", "child_id")),
        "adults": list(contact.adults_present.order_by("role", "id")),
        "revisions": [
            {"revision": r, "rows": revision_rows(r.data)}
            for r in contact.revisions.select_related("replaced_by", "replaced_by__agency").order_by("-version")
        ],
        "follow_ups": list(contact.follow_ups.select_related("by", "by__agency")),
        "letters": list(contact.letters.select_related("addressee", "created_by")),
    }


def _labels(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


def revision_rows(data: dict) -> list[tuple[str, str]]:
    """An earlier version of a contact as (label, value) rows, for reading beside the current one."""
    yes, no = _("Yes"), _("No")
    occurred = data.get("occurred_at")
    when = date_format(timezone.localtime(datetime.fromisoformat(occurred)), "DATETIME_FORMAT") if occurred else ""
    children = []
    for c in data.get("children", []):
        seen = [str(label) for key, label in (
            ("seen", _("seen")), ("seen_alone", _("seen alone")), ("sleeping_place_seen", _("where they sleep")),
            ("home_conditions_seen", _("home conditions")), ("food_seen", _("food"))) if c.get(key)]
        children.append(f"{c.get('name')}: {', '.join(seen) if seen else _('not seen')}")
    rows = [
        (_("Kind of contact"), _labels([data.get("kind")], ContactKind.choices)),
        (_("Planned"), yes if data.get("planned") else no),
        (_("When it happened"), when),
        (_("Outcome"), _labels([data.get("outcome")], Outcome.choices)),
        (_("Purpose"), data.get("purpose", "")),
        (_("Children"), "; ".join(children)),
        (_("Adults present"), ", ".join(a["name"] for a in data.get("adults_present", []))),
        (_("Unknown adults present"), str(data.get("unknown_adults_present") or 0)),
        (_("Who else was present"), data.get("others_present", "")),
        (_("Behaviours observed"), _labels(data.get("behaviours"), Behaviour.choices)),
        (_("Threatening behaviour"), _labels(data.get("threats"), ThreatKind.choices)),
        (_("What life is like for the child"), data.get("child_impact", "")),
        (_("Reasons for non-cooperation"), _labels(data.get("non_cooperation_codes"), NonCooperationReason.choices)),
        (_("Given or assessed"), _labels([data.get("non_cooperation_basis")], ReasonBasis.choices)
         if data.get("non_cooperation_basis") else ""),
        (_("Details of the reasons"), data.get("non_cooperation_reasons", "")),
        (_("Areas of assessment not achieved"), _labels(data.get("assessment_areas_missed"), AssessmentArea.choices)),
        (_("Why they could not be achieved"), data.get("areas_not_achieved", "")),
        (_("Note"), data.get("note", "")),
        (_("The family's account"), data.get("family_account", "")),
        (_("Significant event"), yes if data.get("significant") else no),
    ]
    return [(label, value) for label, value in rows if value not in ("", None)]


def letter_get_for(*, professional, letter_id: int, purpose: str = "letter to a parent") -> ParentLetter:
    family_id = ParentLetter.objects.filter(pk=letter_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No letter found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose)
    return ParentLetter.objects.select_related(
        "contact", "contact__agency", "family", "addressee", "created_by", "created_by__agency").get(pk=letter_id)


def _days_since(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return (timezone.localdate() - timezone.localtime(moment).date()).days


def child_panel(*, family: Family, esc_8: dict | None = None) -> list[dict]:
    """P-1: for every child, last seen and last seen alone (when, by whom, which agency), days since each, and
    whether the child stands out for not being seen (alone) for longer than ESC-8's periods (the rule's settings,
    passed as `esc_8`, or read: one more query). Three queries."""
    if esc_8 is None:
        from doorstep.escalations.services import rule_settings

        esc_8 = rule_settings("ESC-8", family.partnership_id)[1]  # the family's partnership's (issue 21)
    seen = (ContactChild.objects.filter(child=OuterRef("pk"), seen=True, contact__entered_in_error=False)
            .order_by("-contact__occurred_at", "-contact_id"))
    children = list(
        Person.objects.filter(family=family, role=MemberRole.CHILD)
        .annotate(last_seen_id=Subquery(seen.values("contact_id")[:1]),
                  last_alone_id=Subquery(seen.filter(seen_alone=True).values("contact_id")[:1]))
        .order_by("date_of_birth", "id")
    )
    ids = {c.last_seen_id for c in children} | {c.last_alone_id for c in children}
    contacts = Contact.objects.select_related("recorded_by", "agency").in_bulk([i for i in ids if i])
    rows = []
    for child in children:
        last_seen, last_alone = contacts.get(child.last_seen_id), contacts.get(child.last_alone_id)
        days_seen = _days_since(last_seen.occurred_at) if last_seen else None
        days_alone = _days_since(last_alone.occurred_at) if last_alone else None
        rows.append({
            "child": child,
            "last_seen": last_seen,
            "days_since_seen": days_seen,
            "last_seen_alone": last_alone,
            "days_since_seen_alone": days_alone,
            "not_seen": days_seen is None or days_seen > esc_8["not_seen_days"],
            "not_seen_alone": days_alone is None or days_alone > esc_8["not_seen_alone_days"],
        })
    return rows


def _children(family: Family) -> list[Person]:
    """The family's children by date of birth (unknown last) and id, from its people as the case file read them."""
    return sorted((p for p in family_members(family=family) if p.role == MemberRole.CHILD),
                  key=lambda p: (p.date_of_birth is None, p.date_of_birth or date.min, p.pk))


def defaulted_summary(*, family: Family, recent: int = 5) -> dict:
    """ENG-6 (003 §7.9): defaulted visits and appointments per family and per child, since when, and the most
    recent ones with their follow-up. Five queries."""
    live = Contact.objects.filter(family=family, entered_in_error=False)
    totals = live.aggregate(
        total=Count("id", filter=Q(defaulted=True)),
        first=Min("occurred_at", filter=Q(defaulted=True)),
        last_achieved=Max("occurred_at", filter=Q(outcome__in=ACHIEVED_OUTCOMES)),
    )
    since_achieved = live.filter(defaulted=True)
    if totals["last_achieved"]:
        since_achieved = since_achieved.filter(occurred_at__gt=totals["last_achieved"])
    in_a_row = since_achieved.aggregate(n=Count("id"), first=Min("occurred_at"))
    per_child = {
        row["child_id"]: row for row in ContactChild.objects.filter(
            contact__family=family, contact__defaulted=True, contact__entered_in_error=False)
        .values("child_id").annotate(n=Count("id"), first=Min("contact__occurred_at"))
    }
    children = [
        {"child": c, "count": per_child.get(c.pk, {}).get("n", 0), "since": per_child.get(c.pk, {}).get("first")}
        for c in _children(family)
    ]
    recent_contacts = list(
        live.filter(defaulted=True).select_related("agency", "recorded_by")
        .prefetch_related(Prefetch("follow_ups", queryset=ContactFollowUp.objects.select_related("by")))
        .order_by("-occurred_at", "-id")[:recent]
    )
    return {
        "total": totals["total"],
        "since": totals["first"],
        "last_achieved": totals["last_achieved"],
        "in_a_row": in_a_row["n"],
        "in_a_row_since": in_a_row["first"],
        "children": children,
        "recent": recent_contacts,
    }


def defaulted_contacts(*, family: Family):
    """Every defaulted contact of the family with its follow-ups, newest first (paginated by the page)."""
    return (Contact.objects.filter(family=family, defaulted=True, entered_in_error=False)
            .select_related("agency", "recorded_by")
            .prefetch_related(Prefetch("follow_ups", queryset=ContactFollowUp.objects.select_related("by")))
            .order_by("-occurred_at", "-id"))


# The engagement picture (CHR-2, FAM-3, ESC-10, ESC-11) ------------------------------------------------------


@dataclass
class Cell:
    """Contacts attempted, achieved (seen or cut short) and refused or missed (defaulted) in one cell."""

    attempted: int = 0
    achieved: int = 0
    refused: int = 0

    def add(self, other: "Cell") -> None:
        self.attempted += other.attempted
        self.achieved += other.achieved
        self.refused += other.refused


@dataclass
class GridRow:
    subject: object  # an Agency or a Person
    cells: list[Cell]
    total: Cell = field(default_factory=Cell)
    by_agency: dict = field(default_factory=dict)  # adults only: agency id -> Cell over the whole period


def month_add(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=1), time.min))


def grid_months(*, end_month: date | None = None, months: int = 12) -> list[date]:
    end = (end_month or timezone.localdate()).replace(day=1)
    return [month_add(end, -i) for i in range(months - 1, -1, -1)]


def _month_of(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return date(value.year, value.month, 1)
    return date(value.year, value.month, 1)


def engagement_grid(*, family: Family, end_month: date | None = None, months: int = 12) -> dict:
    """For each agency and each adult, contacts attempted, achieved and refused or missed, by month (local time),
    over `months` months ending with `end_month`. Contacts entered in error do not count. Four queries.

    Attempted: every contact or attempt. Achieved: the family was seen (ACHIEVED_OUTCOMES). Refused or missed:
    the contact counted as defaulted (ENG-6). For an adult: the contacts they were recorded as present at."""
    month_list = grid_months(end_month=end_month, months=months)
    index = {m: i for i, m in enumerate(month_list)}
    start, end = month_start(month_list[0]), month_start(month_add(month_list[-1], 1))
    live = Contact.objects.filter(family=family, entered_in_error=False, occurred_at__gte=start, occurred_at__lt=end)
    counts = dict(
        attempted=Count("id"),
        achieved=Count("id", filter=Q(outcome__in=ACHIEVED_OUTCOMES)),
        refused=Count("id", filter=Q(defaulted=True)),
    )
    agency_counts = list(live.annotate(month=TruncMonth("occurred_at")).values("agency_id", "month")
                         .annotate(**counts).order_by())
    through = Contact.adults_present.through
    adult_counts = list(
        through.objects.filter(contact__in=live)
        .annotate(month=TruncMonth("contact__occurred_at"))
        .values("person_id", "contact__agency_id", "month")
        .annotate(attempted=Count("contact_id"),
                  achieved=Count("contact_id", filter=Q(contact__outcome__in=ACHIEVED_OUTCOMES)),
                  refused=Count("contact_id", filter=Q(contact__defaulted=True)))
        .order_by()
    )
    seen_agencies = {r["agency_id"] for r in agency_counts}
    active = Involvement.objects.filter(family=family, agency=OuterRef("pk"), ended_on__isnull=True)
    # Issue 15: `id IN (subquery) OR id IN (...)`, not a join over every involvement followed by DISTINCT.
    agencies = list(Agency.objects.filter(Q(pk__in=Involvement.objects.filter(family=family).values("agency_id"))
                                          | Q(pk__in=seen_agencies))
                    .annotate(involved=Exists(active)).order_by("name"))
    agency_rows = {a.pk: GridRow(subject=a, cells=[Cell() for _ in month_list]) for a in agencies}
    for r in agency_counts:
        cell = Cell(r["attempted"], r["achieved"], r["refused"])
        row = agency_rows[r["agency_id"]]
        row.cells[index[_month_of(r["month"])]].add(cell)
        row.total.add(cell)
    adults = sorted((p for p in family_members(family=family) if p.role not in CHILD_ROLES), key=lambda p: (p.role, p.pk))
    adult_rows = {p.pk: GridRow(subject=p, cells=[Cell() for _ in month_list],
                                by_agency={a.pk: Cell() for a in agencies}) for p in adults}
    for r in adult_counts:
        row = adult_rows.get(r["person_id"])
        if row is None:
            continue
        cell = Cell(r["attempted"], r["achieved"], r["refused"])
        row.cells[index[_month_of(r["month"])]].add(cell)
        row.total.add(cell)
        row.by_agency[r["contact__agency_id"]].add(cell)
    for row in adult_rows.values():
        row.agency_cells = [row.by_agency[a.pk] for a in agencies]
    rows = list(agency_rows.values())
    recent = min(2, len(month_list))
    return {
        "months": month_list,
        # CHR-2 patterns in words: who achieves contact, who is refused every time, and involved agencies with no
        # contact at all in the last two months (everyone backing off, ESC-10; splitting, ESC-11).
        "engaged_with": [r.subject for r in rows if r.total.achieved],
        "refused_only": [r.subject for r in rows if r.total.attempted and not r.total.achieved],
        "no_recent_contact": [r.subject for r in rows if r.subject.involved
                              and not any(c.attempted for c in r.cells[-recent:])],
        "start": start,
        "end": end,
        "agencies": agencies,
        "agency_rows": rows,
        "adult_rows": list(adult_rows.values()),
    }


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return month_start(month), month_start(month_add(month, 1))


def last_day(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])
