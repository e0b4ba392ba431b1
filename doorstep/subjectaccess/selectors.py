"""Reads of subject access requests (RIG-1), with the access rule inside:

- a request is seen only by the disclosure officers and the managers of the agency that recorded it, while that
  agency may read the family (the family's read is audited, `family_get_for`);
- a consulted agency's disclosure officer (else its manager, or whoever the consultation names) sees the request's
  summary and only its own agency's records in it;
- the family's other workers see only that a request exists (the case file's line, `family_open_requests_count`).
Anything else is the one 404 (audited as refused), so a refusal confirms nothing.
"""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import NOT_FOUND, family_get_for
from doorstep.core.texts import Text

from .models import (
    Consultation,
    ConsultationState,
    DisclosureItem,
    Redaction,
    RedactionState,
    RequestState,
    SubjectAccessRequest,
)


def _sees_requests(professional) -> bool:
    return bool(getattr(professional, "is_authenticated", False) and professional.works_with_families
                and professional.role != Role.SYSTEM
                and (professional.is_disclosure_officer or professional.role == Role.MANAGER))


def sees_requests(professional) -> bool:
    """Disclosure officers and managers of an agency (the navigation's entry)."""
    return _sees_requests(professional)


def requests_for(*, professional) -> QuerySet[SubjectAccessRequest]:
    """The requests of the professional's agency, open first by deadline."""
    if not _sees_requests(professional):
        return SubjectAccessRequest.objects.none()
    return (SubjectAccessRequest.objects.filter(agency_id=professional.agency_id)
            .select_related("family", "subject", "officer")
            .annotate(open_consultations=Count("consultations", filter=Q(consultations__state=ConsultationState.OPEN)))
            .order_by(F("released_at").asc(nulls_first=True), "due_on", "id"))


def consultations_for(*, professional) -> QuerySet[Consultation]:
    """Open consultations the professional may answer for their agency."""
    if not getattr(professional, "is_authenticated", False) or professional.role == Role.SYSTEM:
        return Consultation.objects.none()
    condition = Q(owner=professional)
    if _sees_requests(professional):
        condition |= Q(agency_id=professional.agency_id)
    return (Consultation.objects.filter(condition, state=ConsultationState.OPEN)
            .select_related("request", "request__family", "agency").order_by("due_on", "id"))


def _refuse(professional, request_id: int):
    if getattr(professional, "is_authenticated", False):
        audit_record(actor=professional, action=AuditAction.DENIED, object_type="subjectaccess.SubjectAccessRequest",
                     object_id=str(request_id), summary=Text(gettext_noop("Refused: subject access request")))
    raise Http404(NOT_FOUND)


def request_get_for(*, professional, request_id: int) -> SubjectAccessRequest:
    """The request, for a disclosure officer or manager of its agency who may read the family; audited."""
    request = (SubjectAccessRequest.objects.select_related("family", "subject", "officer", "officer__line_manager",
                                                           "agency", "approved_by", "released_by")
               .filter(pk=request_id).first())
    if request is None or not _sees_requests(professional) or professional.agency_id != request.agency_id:
        _refuse(professional, request_id)
    family_get_for(professional=professional, family_id=request.family_id, purpose="subject access request")
    audit_record(actor=professional, action=AuditAction.VIEW, obj=request, family=request.family,
                 summary=Text(gettext_noop("Viewed subject access request %(reference)s"),
                              {"reference": request.reference}))
    return request


def consultation_get_for(*, professional, request_id: int) -> Consultation:
    """The consultation of the professional's agency on the request: for its disclosure officer or manager, or the
    person it names; audited."""
    from .services import consultation_may_answer

    consultation = (Consultation.objects.select_related("request", "request__family", "request__subject",
                                                        "request__agency", "agency", "owner", "answered_by")
                    # The request by its own key (an id beyond any row finds nothing, issue 13 finding 7).
                    .filter(request__in=SubjectAccessRequest.objects.filter(pk=request_id),
                            agency_id=getattr(professional, "agency_id", None)).first())
    if consultation is None or not consultation_may_answer(professional, consultation):
        _refuse(professional, request_id)
    request = consultation.request
    family_get_for(professional=professional, family_id=request.family_id, purpose="subject access request")
    audit_record(actor=professional, action=AuditAction.VIEW, obj=consultation, family=request.family,
                 summary=Text(gettext_noop("Viewed the consultation on subject access request %(reference)s"),
                              {"reference": request.reference}))
    return consultation


def request_items(*, request: SubjectAccessRequest, agency_id: int | None = None) -> list[DisclosureItem]:
    """The request's items with their redactions and agencies, in two queries; only one agency's with `agency_id`."""
    items = (DisclosureItem.objects.filter(request=request).select_related("agency")
             .prefetch_related(Prefetch("redactions", queryset=Redaction.objects.order_by("id")))
             .order_by("occurred_at", "id"))
    if agency_id is not None:
        items = items.filter(agency_id=agency_id)
    return list(items)


def item_get_for(*, professional, request_id: int, item_id: int) -> DisclosureItem:
    request = request_get_for(professional=professional, request_id=request_id)
    item = (DisclosureItem.objects.filter(request=request, pk=item_id).select_related("agency")
            .prefetch_related(Prefetch("redactions", queryset=Redaction.objects.order_by("id"))).first())
    if item is None:
        raise Http404(NOT_FOUND)
    item.request = request
    return item


def request_progress(*, request: SubjectAccessRequest) -> dict:
    """What the request page's task list shows, in two queries."""
    consultations = list(Consultation.objects.filter(request=request).select_related("agency", "owner",
                                                                                         "answered_by"))
    pending = Redaction.objects.filter(item__request=request, state=RedactionState.PROPOSED).count()
    return {"consultations": consultations, "open_consultations": [c for c in consultations if c.is_open],
            "proposed": pending}


def family_open_requests_count(*, family) -> int:
    """RIG-1: what the family's workers see: how many requests are being answered (never whose or by whom)."""
    return SubjectAccessRequest.objects.filter(family=family).exclude(state=RequestState.RELEASED).count()
