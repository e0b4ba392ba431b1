"""Reads of the recording capability (RIG-2, UK GDPR Article 16), with the access rule inside: a request to correct a
record is read by whoever may read the family (P-4, audited through `family_get_for`), and decided only by the
record's own agency: whoever recorded it, or a manager of that agency."""

from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from doorstep.chronology.models import ChronologyEntry
from doorstep.core.access import family_get_for
from doorstep.engagement.models import Contact
from doorstep.families.models import Person
from doorstep.incidents.models import Incident
from doorstep.incidents.selectors import account_visible_to

from .check import Term
from .defaults import DEFAULT_TERMS
from .models import CorrectionRequest, RecordingTerm, RecordKind

# The models a request may be about, by the kind in the address (`/recording/corrections/new/<kind>/<id>/`).
RECORD_MODELS = {RecordKind.CONTACT: Contact, RecordKind.INCIDENT: Incident, RecordKind.ENTRY: ChronologyEntry,
                 RecordKind.PERSON: Person}
# The request's field that holds each kind of record (`person` is who asked).
RECORD_FIELDS = {RecordKind.CONTACT: "contact", RecordKind.INCIDENT: "incident", RecordKind.ENTRY: "entry",
                 RecordKind.PERSON: "person_details"}


def terms_in_force(partnership=None) -> list[Term]:
    """The partnership's list in use (one query; issue 21: the family's partnership, the deployment's default when
    none is named), or Doorstep's defaults until an administrator first changes it."""
    rows = RecordingTerm.objects.all()
    if partnership is None:
        rows = rows.filter(partnership__is_default=True)
    else:
        rows = rows.filter(partnership_id=getattr(partnership, "pk", partnership))
    rows = list(rows.values_list("term", "suggestion", "language", "active"))
    if not rows:
        return list(DEFAULT_TERMS)
    return [Term(term, suggestion, language) for term, suggestion, language, active in rows if active]


def terms_for_administrator(*, partnership) -> tuple[list[RecordingTerm], bool]:
    """The partnership's list as its administrator maintains it, and whether it is still Doorstep's defaults (no row
    yet)."""
    rows = list(RecordingTerm.objects.filter(partnership=partnership).select_related("updated_by")
                .order_by("language", "term", "id"))
    if rows:
        return rows, False
    return [RecordingTerm(term=t.term, suggestion=t.suggestion, language=t.language) for t in DEFAULT_TERMS], True


def term_get_for(*, professional, term_id: int) -> RecordingTerm:
    """A term of a partnership whose list the administrator keeps (issue 21: another's is refused)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from doorstep.partnerships.selectors import list_partnerships_for

    if not professional.is_administrator:
        raise PermissionDenied(_("Only administrators change the recording check's list."))
    row = RecordingTerm.objects.filter(pk=term_id).select_related("partnership").first()
    if row is None:
        raise Http404("No such term")
    if row.partnership_id not in {p.pk for p in list_partnerships_for(professional=professional)}:
        raise PermissionDenied(_("You keep the lists of your own partnership only."))
    return row


def record_get_for(*, professional, kind: str, record_id: int, write: bool = False):
    """The record a request is about, if the professional may read its family (audited), else a 404."""
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404("No such kind of record")
    family_id = model.objects.filter(pk=record_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No record found")
    family = family_get_for(professional=professional, family_id=family_id, purpose="ask to correct a record",
                            write=write)
    record = model.objects.get(pk=record_id) if model is Person else (
        model.objects.select_related("agency").get(pk=record_id))
    record.family = family
    return record


def record_agency(record):
    """The agency that decides a request about the record: the record's own; for a person's details, which every
    involved agency keeps, the agency of the family's overall lead (None without one)."""
    if isinstance(record, Person):
        lead = record.family.overall_lead
        return lead.agency if lead is not None else None
    return record.agency


def record_author_id(record) -> int | None:
    """Who wrote the record: a contact's or incident's recorder, a chronology entry's author; for a person's
    details, the family's overall lead."""
    if isinstance(record, Person):
        return record.family.overall_lead_id
    return getattr(record, "recorded_by_id", None) or getattr(record, "author_id", None)


def may_decide(*, request: CorrectionRequest, professional) -> bool:
    """The record's own agency decides (Article 16): whoever recorded it, or a manager of that agency."""
    if not getattr(professional, "works_with_families", False) or professional.agency_id != request.agency_id:
        return False
    return professional.is_manager or professional.pk == record_author_id(correction_record(request))


def correction_record(request: CorrectionRequest):
    return request.contact or request.incident or request.entry or request.person_details


def correction_get_for(*, professional, request_id: int, purpose: str = "request to correct a record",
                       write: bool = False) -> CorrectionRequest:
    family_id = CorrectionRequest.objects.filter(pk=request_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No request found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    return CorrectionRequest.objects.select_related(
        "family", "agency", "person", "logged_by", "decided_by", "contact", "incident", "incident__agency", "entry",
        "person_details", "person_details__family",
    ).get(pk=request_id)


def correction_text_visible(*, request: CorrectionRequest, professional) -> bool:
    """The record's words before and after a correction are shown to whoever may read the record's words: an
    incident's worker account stays within its agency unless shared (INC-1)."""
    return request.incident_id is None or record_text_visible(record=request.incident, professional=professional)


def record_text_visible(*, record, professional) -> bool:
    """Whether the professional may read the record's words (an incident's worker account: INC-1)."""
    if isinstance(record, Incident):
        return account_visible_to(incident=record, professional=professional)
    return True


def record_url(request: CorrectionRequest) -> str:
    """The record's own page (a chronology entry's is its place in the chronology)."""
    if request.contact_id:
        return reverse("engagement:detail", args=[request.contact_id])
    if request.incident_id:
        return reverse("incidents:detail", args=[request.incident_id])
    if request.person_details_id:
        return reverse("families:person_edit", args=[request.person_details_id])
    return reverse("chronology:family", args=[request.family_id]) + f"#entry-{request.entry_id}"


def corrections_for_record(*, record) -> list[CorrectionRequest]:
    """Every request about one contact or incident, newest first (one query), for the record's own page."""
    field = {Contact: "contact", Incident: "incident", ChronologyEntry: "entry", Person: "person_details"}[type(record)]
    return list(CorrectionRequest.objects.filter(**{field: record}).select_related("person", "decided_by", "agency")
                .order_by("-received_on", "-id"))


def corrections_for_entries(*, entries) -> list[CorrectionRequest]:
    """The requests about the records behind a page of chronology entries, in one query whatever their number."""
    contacts, incidents, ids = set(), set(), set()
    for e in entries:
        ids.add(e.pk)
        if e.source_type == "engagement.Contact" and e.source_id.isdigit():
            contacts.add(int(e.source_id))
        elif e.source_type == "incidents.Incident" and e.source_id.isdigit():
            incidents.add(int(e.source_id))
    if not ids:
        return []
    return list(CorrectionRequest.objects.filter(Q(contact_id__in=contacts) | Q(incident_id__in=incidents)
                                                 | Q(entry_id__in=ids))
                .select_related("person").order_by("received_on", "id"))
