"""Reads of family data. The access rule (P-4) lives here, so that no view can forget it:

a professional sees a family only while their agency has an active involvement with it, or while
they hold unexpired emergency (break-glass) access. The Board chair and administrators see no family.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record

from .models import Address, BreakGlassAccess, Family, FamilyAddress, Involvement, Person


# Further ways a professional may see a family, added by other capabilities (e.g. a specialist invited to a
# meeting who has accepted its confidentiality terms, MTG-6): fn(professional) -> Q over Family, or None.
EXTRA_ACCESS: list = []
# Further prefetches for family search results, added by other capabilities (FLG-1: warning markers), so that
# what each result shows costs a fixed number of queries: a list of Prefetch objects.
SEARCH_PREFETCHES: list = []


def _access_condition(professional) -> Q:
    now = timezone.now()
    involved = Involvement.objects.filter(family=OuterRef("pk"), agency_id=professional.agency_id, ended_on__isnull=True)
    glass = BreakGlassAccess.objects.filter(family=OuterRef("pk"), professional=professional, expires_at__gt=now)
    condition = Q(Exists(involved)) | Q(Exists(glass))
    for extra in EXTRA_ACCESS:
        more = extra(professional)
        if more is not None:
            condition |= more
    return condition


def families_visible_to(*, professional) -> QuerySet[Family]:
    if not getattr(professional, "is_authenticated", False) or not professional.works_with_families:
        return Family.objects.none()
    return Family.objects.filter(_access_condition(professional))


def family_is_visible_to(*, professional, family_id: int) -> bool:
    return families_visible_to(professional=professional).filter(pk=family_id).exists()


def family_get_for(*, professional, family_id: int, purpose: str = "case file") -> Family:
    """The family if the professional may see it, audited as a read; otherwise a 404 (audited as refused),
    so that the refusal does not confirm the family exists."""
    family = (
        families_visible_to(professional=professional)
        .select_related("overall_lead", "overall_lead__agency")
        .filter(pk=family_id)
        .first()
    )
    if family is None:
        if getattr(professional, "is_authenticated", False):
            audit_record(
                actor=professional,
                action=AuditAction.DENIED,
                object_type="families.Family",
                object_id=str(family_id),
                summary=f"Refused: {purpose}",
            )
        raise Http404("No family found")
    glass = active_break_glass(professional=professional, family=family)
    audit_record(
        actor=professional,
        action=AuditAction.VIEW,
        obj=family,
        family=family,
        summary=purpose,
        reason=glass.reason if glass else "",
    )
    return family


def active_break_glass(*, professional, family) -> BreakGlassAccess | None:
    if Involvement.objects.filter(family=family, agency_id=professional.agency_id, ended_on__isnull=True).exists():
        return None
    return (
        BreakGlassAccess.objects.filter(professional=professional, family=family, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def family_case_file(*, family: Family) -> dict:
    """Everything the case file frame shows, in a fixed number of queries however large the family."""
    members = list(Person.objects.filter(family=family).order_by("role", "date_of_birth", "id"))
    involvements = list(
        Involvement.objects.filter(family=family)
        .select_related("agency", "lead_professional", "lead_professional__agency")
        .order_by("ended_on", "agency__name")
    )
    current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
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


def family_addresses(*, family: Family) -> list[FamilyAddress]:
    return list(FamilyAddress.objects.filter(family=family).select_related("address"))


def family_search(*, professional, name: str = "", date_of_birth=None, address: str = "") -> QuerySet[Family]:
    """Find families the professional may see by a member's name, date of birth or address (partial matches)."""
    qs = families_visible_to(professional=professional)
    if name:
        for word in name.split():
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(members__given_name__icontains=word)
                | Q(members__family_name__icontains=word)
                | Q(members__other_names__icontains=word)
                | Q(reference__iexact=word)
            )
    if date_of_birth:
        qs = qs.filter(members__date_of_birth=date_of_birth)
    if address:
        key = Address.key_for(address)
        qs = qs.filter(
            Q(addresses__moved_out__isnull=True)
            & (
                Q(addresses__address__postcode_key__startswith=key)
                | Q(addresses__address__line1__icontains=address)
                | Q(addresses__address__town__icontains=address)
            )
        )
    return (
        qs.distinct()
        .order_by("name", "id")
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("role", "date_of_birth")),
            Prefetch(
                "addresses",
                queryset=FamilyAddress.objects.filter(moved_out__isnull=True).select_related("address"),
                to_attr="current_addresses",
            ),
            *SEARCH_PREFETCHES,
        )
    )


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


def break_glass_for_review(*, manager) -> QuerySet[BreakGlassAccess]:
    """Emergency access used by the manager's agency staff, newest first, for review (P-4)."""
    return BreakGlassAccess.objects.filter(professional__agency_id=manager.agency_id).select_related(
        "professional", "family", "reviewed_by"
    )


def involvement_get_for(*, professional, involvement_id: int) -> Involvement:
    involvement = Involvement.objects.select_related("family", "agency").filter(pk=involvement_id).first()
    if involvement is None:
        raise Http404("No involvement found")
    family_get_for(professional=professional, family_id=involvement.family_id, purpose="involvement")
    return involvement


def person_get_for(*, professional, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).only("id", "family_id").first()
    if person is None:
        raise Http404("No person found")
    family_get_for(professional=professional, family_id=person.family_id, purpose="person record")
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
