"""Reads of warning markers with the access rules inside (P-4, FLG-1).

- Markers shown on a family: on its people, and on its current address whoever raised them; a marker raised from
  another household is worded for those who may not see that household as its category and advice only.
- A marker that waits for authorisation is shown at once if urgent; otherwise only the raising agency sees it.
- The address check answers any professional "yes, with this advice" or "no", and nothing else; it is audited.
"""

import re

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to, family_get_for
from doorstep.families.models import Address, FamilyAddress, Involvement, Person

from .models import SHOWN, MarkerStatus, WarningMarker


def _with_people(qs: QuerySet[WarningMarker]) -> QuerySet[WarningMarker]:
    return qs.select_related("person", "address", "raised_agency", "raised_by", "authorised_by", "closed_by")


def _raising_agency_only(marker: WarningMarker, professional) -> bool:
    """Markers not (yet) authorised and not urgent stay with the raising agency."""
    return not marker.is_shown and marker.status in (MarkerStatus.AWAITING, MarkerStatus.DECLINED) and (
        professional.agency_id != marker.raised_agency_id)


def marker_get_for(*, professional, marker_id: int, purpose: str = "warning marker",
                   write: bool = False) -> WarningMarker:
    """The marker if the professional may read the household it was raised from (audited), otherwise a 404. With
    `write`, a page or endpoint that changes the marker: emergency access alone is refused (403, issue 13)."""
    family_id = WarningMarker.objects.filter(pk=marker_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No marker found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    marker = _with_people(WarningMarker.objects.filter(pk=marker_id)).select_related("family", "incident").get()
    if _raising_agency_only(marker, professional):
        raise Http404("No marker found")
    return marker


def _annotate_households(markers: list[WarningMarker], *, family, professional) -> list[WarningMarker]:
    foreign = {m.family_id for m in markers if m.family_id != family.pk}
    visible = set()
    if foreign and professional is not None:
        visible = set(families_visible_to(professional=professional).filter(pk__in=foreign)
                      .values_list("pk", flat=True))
    for m in markers:
        m.other_household = m.family_id != family.pk
        # Worded without naming the previous occupants to those who may not see them.
        m.redacted = m.other_household and m.family_id not in visible
    return markers


def current_address_of(*, family) -> Address | None:
    if hasattr(family, "case_file_current_address"):  # read by the case file already (issue 15)
        return family.case_file_current_address
    current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
    return current.address if current else None


def markers_shown_for_family(*, family, professional=None, address: Address | None = None) -> list[WarningMarker]:
    """FLG-1: the markers a visitor to this family must see, in a fixed number of queries (three at most)."""
    address = address if address is not None else current_address_of(family=family)
    members = getattr(family, "case_file_members", None)
    if members is not None:
        # Issue 15: the page has read the family's people already: their ids and the address, two indexed lookups
        # ORed on the markers alone (a bitmap OR). The UNION below took 4-5 ms to plan on every page of a family.
        where = Q(person_id__in=[p.pk for p in members])
        if address is not None:
            where |= Q(address=address)
    else:
        # Issue 15: a UNION of the two indexed lookups; `person__family = f OR address = a` joined every person.
        ids = WarningMarker.objects.filter(person__in=Person.objects.filter(family=family)).values("pk").order_by()
        if address is not None:
            ids = ids.union(WarningMarker.objects.filter(address=address).values("pk").order_by())
        where = Q(pk__in=ids)
    # A marker shown is active or awaiting authorisation: nobody has closed it (no join of who closed it to plan).
    markers = list(WarningMarker.objects.filter(SHOWN).filter(where)
                   .select_related("person", "address", "raised_agency", "raised_by", "authorised_by")
                   .order_by("-urgent", "category", "-raised_at", "-id"))
    return _annotate_households(markers, family=family, professional=professional)


def markers_for_family_page(*, family, professional) -> dict:
    """Everything on the family's markers page: shown now, awaiting authorisation, former addresses, history."""
    address = current_address_of(family=family)
    shown = markers_shown_for_family(family=family, professional=professional, address=address)
    shown_ids = {m.pk for m in shown}
    own = [m for m in _with_people(WarningMarker.objects.filter(family=family)).order_by("-raised_at", "-id")
           if m.pk not in shown_ids and not _raising_agency_only(m, professional)]
    return {
        "shown": shown,
        "awaiting": [m for m in own if m.status == MarkerStatus.AWAITING],
        # Address markers raised from this household on an address it has left: they stay with the address.
        "former_addresses": [m for m in own if m.is_shown],
        "history": [m for m in own if m.status in (MarkerStatus.ENDED, MarkerStatus.DECLINED)],
        "current_address": address,
    }


def markers_from_incident(*, incident, professional) -> list[WarningMarker]:
    return [m for m in _with_people(WarningMarker.objects.filter(incident=incident)).order_by("-raised_at")
            if not _raising_agency_only(m, professional)]


def markers_awaiting_for(*, manager) -> QuerySet[WarningMarker]:
    """Markers raised by the manager's agency that wait for a manager's authorisation (FLG-2)."""
    if not (manager.works_with_families and manager.is_manager):
        return WarningMarker.objects.none()
    return (_with_people(WarningMarker.objects.filter(status=MarkerStatus.AWAITING, raised_agency_id=manager.agency_id))
            .select_related("family").order_by("-urgent", "raised_at", "id"))


def may_authorise(*, marker: WarningMarker, professional) -> bool:
    return (marker.status == MarkerStatus.AWAITING and professional.is_manager
            and professional.agency_id == marker.raised_agency_id)


def _manager_for(marker: WarningMarker, professional) -> bool:
    if not (professional.works_with_families and professional.is_manager):
        return False
    if professional.agency_id == marker.raised_agency_id:
        return True
    # Never orphaned: once the raising agency has left the family, a manager of an agency still involved may act.
    involved = Involvement.objects.filter(family_id=marker.family_id, ended_on__isnull=True)
    return (not involved.filter(agency_id=marker.raised_agency_id).exists()
            and involved.filter(agency_id=professional.agency_id).exists())


def may_review(*, marker: WarningMarker, professional) -> bool:
    if marker.status != MarkerStatus.ACTIVE:
        return False
    return professional.pk == marker.raised_by_id or _manager_for(marker, professional)


def may_end(*, marker: WarningMarker, professional) -> bool:
    return marker.status in (MarkerStatus.ACTIVE, MarkerStatus.AWAITING) and _manager_for(marker, professional)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def _line_matches(stored: str, typed: str) -> bool:
    """"12 Heol y Felin", "12, heol y felin" and "12" all find "12 Heol y Felin" (not "120 Heol y Felin")."""
    stored_words, typed_words = _words(stored), _words(typed)
    return bool(typed_words) and stored_words[: len(typed_words)] == typed_words


def address_check(*, professional, postcode: str, line1: str) -> list[dict]:
    """SAF-1, FLG-1: before a visit, any professional may ask whether an address carries a warning.

    The answer is, per matching address with a warning, the advice for visitors; nothing about who lives there,
    who raised it or why. No answer distinguishes an address Doorstep does not know from one without a marker.
    Counts address markers and the markers on people of the households living there now. Audited.
    """
    key = Address.key_for(postcode)
    addresses = [a for a in Address.objects.filter(postcode_key=key) if _line_matches(a.line1, line1)][:20]
    ids = [a.pk for a in addresses]
    found: set[tuple[int, str]] = set()
    if ids:
        # Issue 15: a UNION of the two indexed lookups (markers on the addresses; markers on the people living there
        # now), each row (address id, advice); an OR across the join scanned every person.
        on_addresses = WarningMarker.objects.filter(SHOWN, address_id__in=ids).values_list("address_id", "advice")
        on_people = WarningMarker.objects.filter(
            SHOWN, person__family__addresses__address_id__in=ids, person__family__addresses__moved_out__isnull=True,
            person__lives_elsewhere=False,
        ).values_list("person__family__addresses__address_id", "advice")
        found = set(on_addresses.order_by().union(on_people.order_by()))
    results = []
    for a in addresses:
        advice = sorted({text for address_id, text in found if address_id == a.pk})
        if advice:
            results.append({"address": str(a), "advice": advice})
    audit_record(
        actor=professional, action=AuditAction.ADDRESS_CHECK, object_type="families.Address",
        object_id=",".join(str(r_id) for r_id in ids)[:64],
        summary=(Text(gettext_noop("Address check: %(line1)s, %(postcode)s: warning")) if results
                 else Text(gettext_noop("Address check: %(line1)s, %(postcode)s: no warning"))) % {
            "line1": line1.strip()[:80], "postcode": postcode.strip().upper()[:10]},
    )
    return results


def search_prefetches() -> list[Prefetch]:
    """For family search results (FLG-1): each person's and each current address's shown markers, in two
    queries whatever the number of families (registered in families.selectors.SEARCH_PREFETCHES)."""
    shown = WarningMarker.objects.filter(SHOWN).order_by("-urgent", "category", "id")
    return [
        Prefetch("members__warning_markers", queryset=shown, to_attr="shown_markers"),
        Prefetch("current_addresses__address__warning_markers", queryset=shown, to_attr="shown_markers"),
    ]
