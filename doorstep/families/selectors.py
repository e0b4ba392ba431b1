"""Reads of family data. The access rule (P-4) lives here, so that no view can forget it:

a professional sees a family only while their agency has an active involvement with it, or while
they hold unexpired emergency (break-glass) access. The Board chair and administrators see no family.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

# The access rule itself lives in the one access guard (issue 14); its reads are used here and by every app.
from doorstep.core.access import (  # noqa: F401 (imported for callers of this module)
    NOT_FOUND, active_break_glass, families_visible_to, family_get_for, family_is_visible_to, family_may_write,
    family_require_write,
)

# Further prefetches for family search results (FLG-1: warning markers), so that what each result shows costs a
# fixed number of queries: each entry gives a list of Prefetch objects.
from doorstep.core.extensions import SEARCH_PREFETCHES

from .models import Address, BreakGlassAccess, Family, FamilyAddress, Involvement, Person


def family_case_file(*, family: Family) -> dict:
    """Everything the case file frame shows, in a fixed number of queries however large the family."""
    members = list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))
    involvements = list(
        Involvement.objects.filter(family=family)
        .select_related("agency", "lead_professional", "lead_professional__agency")
        .order_by("ended_on", "agency__name")
    )
    current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
    # Issue 15: the case file's panels read these from the family (family_members, current_address_of) instead of
    # asking again; the family instance is the one family_get_for read for this request.
    family.case_file_members = members
    family.case_file_involvements = involvements
    family.case_file_current_address = current.address if current else None
    family.case_file_facts = {}
    children = [p for p in members if p.is_child]
    adults = [p for p in members if not p.is_child]
    return {
        "members": members,
        "children": children,
        "adults": adults,
        "involvements": involvements,
        "active_involvements": [i for i in involvements if i.is_active],
        "ended_involvements": [i for i in involvements if not i.is_active],
        "current_address": current.address if current else None,
    }


def case_file_fact(family: Family, key: str, read):
    """Issue 15: a fact that the banners and the panels of one case-file page share (the family's open actions),
    read once for the page: `read()` the first time, what it returned after. Outside the case file (no facts
    started by family_case_file), read every time."""
    facts = getattr(family, "case_file_facts", None)
    if facts is None:
        return read()
    if key not in facts:
        facts[key] = read()
    return facts[key]


def family_members(*, family: Family) -> list[Person]:
    """The family's people by role, date of birth and id: those the case file has read already, if it has."""
    known = getattr(family, "case_file_members", None)
    if known is not None:
        return known
    return list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))


def family_page_members(*, family: Family) -> list[Person]:
    """Issue 15: the family's people read once for a page about the family (the chronology, the engagement picture)
    and kept on the request's family instance, as the case file does, so that the page's banners (the warning
    markers on its people), form and panels share them (`family_members` returns them)."""
    family.case_file_members = family_members(family=family)
    return family.case_file_members


def family_active_involvements(*, family: Family) -> list[Involvement]:
    """The family's active involvements with their agencies, by agency name (those the case file has read, if it
    has)."""
    known = getattr(family, "case_file_involvements", None)
    if known is None:
        return list(Involvement.objects.filter(family=family, ended_on__isnull=True).select_related("agency")
                    .order_by("agency__name"))
    return sorted((i for i in known if i.ended_on is None), key=lambda i: i.agency.name)


def family_addresses(*, family: Family) -> list[FamilyAddress]:
    return list(FamilyAddress.objects.filter(family=family).select_related("address"))


# Issue 15: Find a family shows at most this many matches, and says when there are more (no full count).
SEARCH_LIMIT = 100


def family_search(*, professional, name: str = "", date_of_birth=None, address: str = "") -> QuerySet[Family]:
    """Find families the professional may see by a member's name, date of birth or address (partial matches).

    Issue 15: each criterion is an `id IN (...)` of indexed lookups (trigram indexes on PostgreSQL, migration
    families 0003), never a join of every family's people followed by DISTINCT."""
    qs = families_visible_to(professional=professional)
    if name:
        for word in name.split():
            by_household = Family.objects.filter(Q(name__icontains=word) | Q(reference__iexact=word))
            by_member = Person.objects.filter(
                Q(given_name__icontains=word) | Q(family_name__icontains=word) | Q(other_names__icontains=word))
            qs = qs.filter(pk__in=by_household.values("pk").order_by().union(by_member.values("family_id").order_by()))
    if date_of_birth:
        qs = qs.filter(pk__in=Person.objects.filter(date_of_birth=date_of_birth).values("family_id"))
    if address:
        key = Address.key_for(address)
        addresses = Address.objects.filter(
            Q(postcode_key__startswith=key) | Q(line1__icontains=address) | Q(town__icontains=address))
        qs = qs.filter(pk__in=FamilyAddress.objects.filter(moved_out__isnull=True, address__in=addresses)
                       .values("family_id"))
    return qs.order_by("name", "id").prefetch_related(*search_result_prefetches())


def search_result_prefetches() -> list:
    """What each result shows (members, current address, FLG-1 markers), in a fixed number of queries."""
    return [
        Prefetch("members", queryset=Person.objects.order_by("role", "date_of_birth")),
        Prefetch(
            "addresses",
            queryset=FamilyAddress.objects.filter(moved_out__isnull=True).select_related("address"),
            to_attr="current_addresses",
        ),
        *(prefetch for source in SEARCH_PREFETCHES for prefetch in source()),
    ]


@dataclass
class SearchResults:
    page: Page
    # More than SEARCH_LIMIT families match: the page asks to narrow the search.
    more: bool


def family_search_page(*, professional, page_number=None, per_page: int = 20, **criteria) -> SearchResults:
    """One page of Find a family: the ids of the first SEARCH_LIMIT + 1 matches (no COUNT of every match), then the
    page's families with what each result shows."""
    ids = list(family_search(professional=professional, **criteria).values_list("pk", flat=True)[:SEARCH_LIMIT + 1])
    more = len(ids) > SEARCH_LIMIT
    page = Paginator(ids[:SEARCH_LIMIT], per_page).get_page(page_number)
    page.object_list = list(Family.objects.filter(pk__in=list(page.object_list)).order_by("name", "id")
                            .prefetch_related(*search_result_prefetches()))
    return SearchResults(page=page, more=more)


def people_possible_duplicates(*, given_name: str, family_name: str, date_of_birth=None, limit: int = 10):
    """People anywhere in Doorstep who may be the person about to be created.

    Only the fact of a possible match is shown (name, year of birth, and whether you can see the family),
    never the family itself when the professional's agency is not involved (P-4).
    """
    qs = Person.objects.filter(family_name__iexact=family_name.strip())
    if date_of_birth:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(given_name__iexact=given_name.strip()))
    else:
        qs = qs.filter(given_name__istartswith=given_name.strip()[:3])
    return qs.select_related("family")[:limit]


def possible_duplicates_for(*, professional, given_name: str, family_name: str, date_of_birth=None) -> dict:
    """What the "may already be known" warning shows (issue 13, finding 11): people in families the professional may
    see, by name; for any other match only whom to contact (the family's overall lead, or a lead professional or
    manager of an involved agency), never the person's name, birth year or family."""
    matches = list(people_possible_duplicates(given_name=given_name, family_name=family_name,
                                              date_of_birth=date_of_birth))
    if not matches:
        return {}
    visible_ids = set(families_visible_to(professional=professional).filter(
        pk__in={p.family_id for p in matches}).values_list("pk", flat=True))
    hidden_ids = {p.family_id for p in matches} - visible_ids
    contacts = {}
    for family_id in sorted(hidden_ids):
        contact = _contact_for(family_id)
        key = contact.pk if contact is not None else None
        contacts.setdefault(key, contact)
    return {
        "visible": [p for p in matches if p.family_id in visible_ids],
        "hidden": bool(hidden_ids),
        "contacts": [c for c in contacts.values() if c is not None],
    }


def _contact_for(family_id: int):
    """Whom to ask about a family one cannot see: its overall lead, else the lead or a manager of an involved
    agency, while they are active."""
    from doorstep.agencies.models import Professional, Role

    family = Family.objects.select_related("overall_lead", "overall_lead__agency").get(pk=family_id)
    lead = family.overall_lead
    if lead is not None and lead.is_active:
        return lead
    active = Involvement.objects.filter(family_id=family_id, ended_on__isnull=True).order_by("started_on", "id")
    for involvement in active.select_related("lead_professional", "lead_professional__agency"):
        if involvement.lead_professional is not None and involvement.lead_professional.is_active:
            return involvement.lead_professional
    return (Professional.objects.filter(agency__involvements__in=active, role=Role.MANAGER, is_active=True)
            .select_related("agency").order_by("id").first())


def break_glass_for_review(*, manager) -> QuerySet[BreakGlassAccess]:
    """Emergency access used by the manager's agency staff, newest first, for review (P-4)."""
    return BreakGlassAccess.objects.filter(professional__agency_id=manager.agency_id).select_related(
        "professional", "family", "reviewed_by"
    )


def involvement_get_for(*, professional, involvement_id: int, write: bool = False) -> Involvement:
    involvement = Involvement.objects.select_related("family", "agency", "lead_professional").filter(
        pk=involvement_id).first()
    if involvement is None:
        raise Http404(NOT_FOUND)
    family_get_for(professional=professional, family_id=involvement.family_id, purpose="involvement", write=write)
    return involvement


def involvement_may_end(*, involvement: Involvement, professional) -> bool:
    """Issue 13 finding 4: only the agency's own staff end its involvement: its lead professional for the family,
    or a manager of that agency. Anyone else involved may propose it (`involvement_end_propose`)."""
    if not getattr(professional, "is_authenticated", False) or not professional.works_with_families:
        return False
    return professional.agency_id == involvement.agency_id and (
        professional.pk == involvement.lead_professional_id or professional.is_manager)


def involvement_may_add(*, family: Family, professional) -> bool:
    """Issue 13 finding 3: an agency is involved by the family's overall lead, a lead professional of an agency
    already involved, or a manager of an agency already involved; never on emergency access."""
    if not family_may_write(professional=professional, family_id=family.pk):
        return False
    if family.overall_lead_id == professional.pk:
        return True
    active = Involvement.objects.filter(family=family, ended_on__isnull=True)
    return active.filter(lead_professional=professional).exists() or (
        professional.is_manager and active.filter(agency_id=professional.agency_id).exists())


def person_get_for(*, professional, person_id: int, write: bool = False) -> Person:
    person = Person.objects.filter(pk=person_id).only("id", "family_id").first()
    if person is None:
        raise Http404(NOT_FOUND)
    family_get_for(professional=professional, family_id=person.family_id, purpose="person record", write=write)
    return Person.objects.select_related("family").get(pk=person_id)


def _display(field_name: str, value):
    choices = dict(Person._meta.get_field(field_name).flatchoices)
    return choices.get(value, value) if choices else value


def person_history(*, person: Person, limit: int = 50) -> list[dict]:
    """Field-level history of a person's record (P-3): who changed which fields, when, from what to what."""
    records = list(person.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    changes = []
    for newer, older in zip(records, records[1:]):
        delta = newer.diff_against(older)
        changes.append({
            "at": newer.history_date,
            "by": newer.history_user,
            "changes": [{"field": Person._meta.get_field(c.field).verbose_name,
                         "old": _display(c.field, c.old), "new": _display(c.field, c.new)} for c in delta.changes],
        })
    if len(records) <= limit and records:
        changes.append({"at": records[-1].history_date, "by": records[-1].history_user, "changes": [], "created": True})
    return changes
