"""Writes of the subject access request (RIG-1, issue 20): each keyword-only, one transaction, with its audit row
(and a chronology entry where the family's record changes: a request received, extended, answered). The deadlines
are the rules engine's (rules.py): raised, moved and closed here through `engine.rule_apply` and
`escalations_close_by_key`, never by hand.

Who does what: the disclosure officer of an agency involved with the family records, gathers, reviews and
releases; a manager of the officer's agency (not the officer) approves; each consulted agency's disclosure officer
(else its manager) answers its consultation.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Agency, Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.access import family_require_write
from doorstep.core.texts import Text, text_render, value_from_json, value_to_json
from doorstep.core.workingdays import add_calendar_months
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalations_close_by_key
from doorstep.families.models import Family, Person
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import redaction as rd
from .gathering import GATHERERS, third_party_names
from .models import (
    ANSWER_MONTHS,
    MAX_MONTHS,
    Consultation,
    ConsultationState,
    DisclosureItem,
    Redaction,
    RedactionGround,
    RedactionState,
    RequesterKind,
    RequestState,
    SubjectAccessRequest,
)
from .rules import ANSWER, CONSULT, RequestFacts, answer_key, consult_key

NOT_AN_OFFICER = _("Only a disclosure officer of an agency involved with the family can do this.")


def is_officer_for(professional, agency_id: int | None) -> bool:
    return bool(getattr(professional, "is_authenticated", False) and professional.works_with_families
                and professional.role != Role.SYSTEM and professional.is_disclosure_officer
                and professional.agency_id == agency_id)


def may_approve(professional, request: SubjectAccessRequest) -> bool:
    """A manager of the officer's agency, never the officer: a second person approves (RIG-1)."""
    return bool(getattr(professional, "is_authenticated", False) and professional.role == Role.MANAGER
                and professional.agency_id == request.agency_id and professional.pk != request.officer_id)


def _require_officer(request: SubjectAccessRequest, by) -> None:
    if not is_officer_for(by, request.agency_id):
        raise PermissionDenied(NOT_AN_OFFICER)
    family_require_write(professional=by, family=request.family, purpose="answer a subject access request")


def _manager_of(officer: Professional) -> Professional | None:
    if officer.line_manager_id and officer.line_manager.is_active:
        return officer.line_manager
    return (Professional.objects.filter(agency_id=officer.agency_id, role=Role.MANAGER, is_active=True)
            .exclude(pk=officer.pk).order_by("id").first())


def _answer_facts(request: SubjectAccessRequest) -> RequestFacts:
    manager = _manager_of(request.officer)
    return RequestFacts(request_id=request.pk, stage=ANSWER, reference=request.reference,
                        received_on=request.received_on, due_on=request.due_on, today=timezone.localdate(),
                        owner_id=request.officer_id, notify_ids=(manager.pk,) if manager else (),
                        nation=settings.DOORSTEP_NATION)


@transaction.atomic
def request_record(
    *,
    family: Family,
    by: Professional,
    subject: Person | None,
    requester_kind: str,
    requester_name: str = "",
    identity_check: str,
    identity_checked_on: date | None,
    received_on: date | None,
    language: str,
) -> SubjectAccessRequest:
    """RIG-1: record a request about one person of the family; its answer is due one calendar month from receipt."""
    if not is_officer_for(by, by.agency_id if by.is_authenticated else None):
        raise PermissionDenied(NOT_AN_OFFICER)
    family_require_write(professional=by, family=family, purpose="record a subject access request")
    today = timezone.localdate()
    errors = {}
    if subject is None or subject.family_id != family.pk:
        errors["subject"] = _("Choose the person the request is about")
    if received_on is None:
        errors["received_on"] = _("Enter the date the request was received")
    elif received_on > today:
        errors["received_on"] = _("The date the request was received must be today or in the past")
    if identity_checked_on is None:
        errors["identity_checked_on"] = _("Enter the date identity was checked")
    elif identity_checked_on > today:
        errors["identity_checked_on"] = _("The date identity was checked must be today or in the past")
    requester_name = (requester_name or "").strip()
    if requester_kind != RequesterKind.SUBJECT and not requester_name:
        errors["requester_name"] = _("Enter the name of the person asking")
    if requester_kind == RequesterKind.PARENT and subject is not None and not subject.is_child:
        errors["requester_kind"] = _("A parent asks for a child: this person is not a child of the family")
    if errors:
        raise ValidationError(errors)
    request = SubjectAccessRequest.objects.create(
        agency_id=by.agency_id, family=family, subject=subject, requester_kind=requester_kind,
        requester_name=requester_name if requester_kind != RequesterKind.SUBJECT else "",
        identity_check=identity_check, identity_checked_on=identity_checked_on, received_on=received_on,
        language=language, officer=by,
        due_on=add_calendar_months(received_on, ANSWER_MONTHS, settings.DOORSTEP_NATION),
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=request, family=family,
                 summary=Text(gettext_noop("Recorded subject access request %(reference)s (RIG-1)"),
                              {"reference": request.reference}))
    # The family's workers see that a request exists, and nothing more (RIG-1).
    chronology_record(family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by, source=request,
                      summary=Text(gettext_noop("Subject access request %(reference)s received"),
                                   {"reference": request.reference}))
    rule_apply(rule_id="RIG-1", family=family, facts=_answer_facts(request))
    return request


def extension_letter(request: SubjectAccessRequest, reason: str) -> list:
    """The letter telling the requester of the extension (UK GDPR Article 12(3): told why, within the first month),
    as message ids and parameters, read in the requester's language."""
    return [
        Text(gettext_noop("Your request for your records (reference %(reference)s)"),
             {"reference": request.reference}),
        Text(gettext_noop("We received your request on %(received)s. Your request needs more time to answer "
                          "properly, as the law allows. We will answer it by %(date)s."),
             {"received": request.received_on, "date": request.due_on}),
        Text(gettext_noop("Why we need more time: %(reason)s"), {"reason": reason}),
        Text(gettext_noop("If you are unhappy with how we are dealing with your request, please tell us first. You "
                          "can also complain to the Information Commissioner's Office: ico.org.uk/make-a-complaint, "
                          "0303 123 1113.")),
    ]


@transaction.atomic
def request_extend(*, request: SubjectAccessRequest, by: Professional, months: int, reason: str) -> SubjectAccessRequest:
    """RIG-1 (Article 12(3)): extend the deadline by up to two further months, with a reason and a letter to the
    requester; never beyond three months from receipt."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    _require_officer(request, by)
    reason = (reason or "").strip()
    errors = {}
    if not request.is_open:
        raise ValidationError(_("This request has been answered"))
    if not reason:
        errors["reason"] = _("Enter why more time is needed")
    total = request.extended_months + (months or 0)
    if not months or months < 1:
        errors["months"] = _("Choose how many months to extend by")
    elif ANSWER_MONTHS + total > MAX_MONTHS:
        errors["months"] = _("A request cannot be extended beyond three months from receipt (%(date)s)") % {
            "date": text_render(add_calendar_months(request.received_on, MAX_MONTHS, settings.DOORSTEP_NATION))}
    if errors:
        raise ValidationError(errors)
    request.extended_months = total
    request.due_on = add_calendar_months(request.received_on, ANSWER_MONTHS + total, settings.DOORSTEP_NATION)
    request.extension_reason = reason
    request.extended_at = timezone.now()
    request.extension_letter = [value_to_json(p) for p in extension_letter(request, reason)]
    request.save(update_fields=["extended_months", "due_on", "extension_reason", "extended_at", "extension_letter"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=request.family, reason=reason,
                 summary=Text(gettext_noop("Extended subject access request %(reference)s to %(date)s"),
                              {"reference": request.reference, "date": request.due_on}))
    chronology_record(family=request.family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by,
                      source=request,
                      summary=Text(gettext_noop("Subject access request %(reference)s extended to %(date)s"),
                                   {"reference": request.reference, "date": request.due_on}))
    # The action keeps the deadline it was raised with: the extended one is a new action (ESC-12's rule).
    escalations_close_by_key(key=answer_key(request.pk), by=by,
                             outcome=Text(gettext_noop("Extended to %(date)s")) % {"date": request.due_on})
    rule_apply(rule_id="RIG-1", family=request.family, facts=_answer_facts(request))
    return request


def _consultee(agency_id: int, fallback: Professional) -> Professional:
    """The agency's disclosure officer, else its manager, else the officer who consults them by other means."""
    staff = list(Professional.objects.filter(agency_id=agency_id, is_active=True,
                                             role__in=[Role.PRACTITIONER, Role.MANAGER])
                 .filter(is_disclosure_officer=True).order_by("id")[:1]
                 or Professional.objects.filter(agency_id=agency_id, is_active=True, role=Role.MANAGER)
                 .order_by("id")[:1])
    return staff[0] if staff else fallback


def _rendered_lines(lines: list[dict]) -> list[tuple[str, bool]]:
    return [(text_render(value_from_json(line["value"]), settings.LANGUAGE_CODE), bool(line.get("own")))
            for line in lines]


@transaction.atomic
def request_gather(*, request: SubjectAccessRequest, by: Professional) -> SubjectAccessRequest:
    """Gather every record about the subject (gathering.py), propose the third parties' names for redaction, and
    consult each other agency whose records are included."""
    request = SubjectAccessRequest.objects.select_for_update().select_related("subject", "family").get(pk=request.pk)
    _require_officer(request, by)
    if request.state != RequestState.RECEIVED:
        raise ValidationError(_("The records for this request have already been gathered"))
    drafts = [d for gather in GATHERERS for d in gather(request=request)]
    items = DisclosureItem.objects.bulk_create([
        DisclosureItem(request=request, kind=d.kind, agency_id=d.agency_id, source_type=d.source_type,
                       source_id=d.source_id, occurred_at=d.occurred_at, title=value_to_json(d.title), lines=d.lines)
        for d in drafts
    ])
    if _ids_missing(items):
        items = list(DisclosureItem.objects.filter(request=request).order_by("id"))
    candidates = third_party_names(request=request)
    by_key = {(d.source_type, d.source_id): d for d in drafts}
    proposed = []
    for item in items:
        draft = by_key[(item.source_type, item.source_id)]
        for text in rd.proposals(_rendered_lines(item.lines), candidates, draft.third_party_values):
            proposed.append(Redaction(item=item, text=text[:500], ground=RedactionGround.THIRD_PARTY, automatic=True))
    Redaction.objects.bulk_create(proposed, ignore_conflicts=True)
    request.state = RequestState.GATHERED
    request.gathered_at = timezone.now()
    request.save(update_fields=["state", "gathered_at"])
    audit_record(actor=by, action=AuditAction.VIEW, obj=request, family=request.family,
                 summary=Text(gettext_noop("Gathered %(count)s records for subject access request %(reference)s"),
                              {"count": len(items), "reference": request.reference}))
    other_agencies = sorted({i.agency_id for i in items if i.agency_id and i.agency_id != request.agency_id})
    agencies = Agency.objects.in_bulk(other_agencies)
    for agency_id in other_agencies:
        owner = _consultee(agency_id, request.officer)
        consultation = Consultation.objects.create(request=request, agency_id=agency_id, owner=owner,
                                                   due_on=request.due_on)
        applied = rule_apply(rule_id="RIG-1", family=request.family, facts=RequestFacts(
            request_id=request.pk, stage=CONSULT, reference=request.reference, received_on=request.received_on,
            due_on=request.due_on, today=timezone.localdate(), owner_id=owner.pk, agency_id=agency_id,
            agency_name=agencies[agency_id].name_text, nation=settings.DOORSTEP_NATION))
        escalation = applied.escalation(consult_key(request.pk, agency_id))
        if escalation is not None and escalation.deadline is not None:
            consultation.due_on = timezone.localdate(escalation.deadline)
            consultation.save(update_fields=["due_on"])
        audit_record(actor=by, action=AuditAction.CREATE, obj=consultation, family=request.family,
                     summary=Text(gettext_noop("Consulted %(agency)s on subject access request %(reference)s"),
                                  {"agency": agencies[agency_id].name_text, "reference": request.reference}))
    return request


def _ids_missing(items: list[DisclosureItem]) -> bool:
    """bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; read them back where it did not."""
    return any(i.pk is None for i in items)


def _require_reviewing(request: SubjectAccessRequest, by) -> None:
    _require_officer(request, by)
    if request.state != RequestState.GATHERED:
        raise ValidationError(_("Redactions can be changed only before the bundle is sent for approval"))


def _ground_errors(ground: str, other_reason: str) -> dict:
    if ground not in RedactionGround.values:
        return {"ground": _("Choose the ground for withholding it")}
    if ground == RedactionGround.OTHER and not other_reason.strip():
        return {"other_reason": _("Enter the other ground")}
    return {}


@transaction.atomic
def redaction_add(*, item: DisclosureItem, by: Professional, text: str, ground: str,
                  other_reason: str = "") -> Redaction:
    """The officer withholds words of an item: the exact words as they appear in it, with a ground."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=item.request_id)
    _require_reviewing(request, by)
    text = (text or "").strip()
    errors = _ground_errors(ground, other_reason or "")
    if not text:
        errors["text"] = _("Enter the words to withhold, exactly as they appear in the record")
    elif not any(rd.found_in(text, value) for value, _own in _rendered_lines(item.lines)):
        errors["text"] = _("These words are not in this record: copy them exactly as they appear")
    elif Redaction.objects.filter(item=item, text__iexact=text).exists():
        errors["text"] = _("These words are already withheld from this record")
    if errors:
        raise ValidationError(errors)
    found = Redaction.objects.create(item=item, text=text[:500], ground=ground, other_reason=other_reason.strip(),
                                     state=RedactionState.CONFIRMED, by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=found, family=request.family,
                 summary=Text(gettext_noop("Withheld words from a record in subject access request %(reference)s "
                                           "(%(ground)s)"), {"reference": request.reference, "ground": ground}))
    return found


@transaction.atomic
def redaction_decide(*, redaction: Redaction, by: Professional, withhold: bool, ground: str = "",
                     other_reason: str = "") -> Redaction:
    """The officer confirms a redaction (with its ground) or removes it (the words are released)."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=redaction.item.request_id)
    _require_reviewing(request, by)
    if withhold:
        ground = ground or redaction.ground
        errors = _ground_errors(ground, other_reason or "")
        if errors:
            raise ValidationError(errors)
        redaction.state, redaction.ground, redaction.other_reason = RedactionState.CONFIRMED, ground, other_reason
    else:
        redaction.state = RedactionState.REMOVED
    redaction.by = by
    redaction.save(update_fields=["state", "ground", "other_reason", "by", "at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=redaction, family=request.family,
                 summary=(Text(gettext_noop("Confirmed a redaction in subject access request %(reference)s"))
                          if withhold else
                          Text(gettext_noop("Removed a redaction in subject access request %(reference)s")))
                 % {"reference": request.reference})
    return redaction


@transaction.atomic
def consultation_answer(*, consultation: Consultation, by: Professional, objection: bool,
                        response: str = "") -> Consultation:
    """The consulted agency answers: no objection, or what should be withheld and why (the officer then adds those
    redactions)."""
    consultation = Consultation.objects.select_for_update().select_related("request", "agency").get(
        pk=consultation.pk)
    if not consultation_may_answer(by, consultation):
        raise PermissionDenied(_("Only the consulted agency's disclosure officer or manager can answer."))
    if not consultation.is_open:
        raise ValidationError(_("This consultation has been answered"))
    response = (response or "").strip()
    if objection and not response:
        raise ValidationError({"response": _("Enter what should be withheld, and why")})
    consultation.state = ConsultationState.OBJECTION if objection else ConsultationState.NO_OBJECTION
    consultation.response = response
    consultation.answered_by = by
    consultation.answered_at = timezone.now()
    consultation.save(update_fields=["state", "response", "answered_by", "answered_at"])
    request = consultation.request
    audit_record(actor=by, action=AuditAction.UPDATE, obj=consultation, family=request.family, reason=response,
                 summary=Text(gettext_noop("Answered the consultation on subject access request %(reference)s"),
                              {"reference": request.reference}))
    escalations_close_by_key(key=consult_key(request.pk, consultation.agency_id), by=by,
                             outcome=Text(gettext_noop("Answered: %(answer)s")) % {
                                 "answer": ConsultationState(consultation.state).label})
    return consultation


def consultation_may_answer(professional, consultation: Consultation) -> bool:
    if not getattr(professional, "is_authenticated", False) or professional.role == Role.SYSTEM:
        return False
    return professional.pk == consultation.owner_id or (
        professional.agency_id == consultation.agency_id
        and (professional.is_disclosure_officer or professional.role == Role.MANAGER))


def _open_consultations(request: SubjectAccessRequest) -> list[Consultation]:
    return list(Consultation.objects.filter(request=request, state=ConsultationState.OPEN).select_related("agency"))


def _consultation_errors(request: SubjectAccessRequest) -> None:
    waiting = _open_consultations(request)
    if waiting:
        raise ValidationError(_("Records of %(agencies)s are in the bundle and they have not yet been consulted: "
                                "wait for their answer") % {
            "agencies": ", ".join(c.agency.display_name for c in waiting)})


@transaction.atomic
def request_submit(*, request: SubjectAccessRequest, by: Professional) -> SubjectAccessRequest:
    """The officer sends the reviewed bundle to their manager for approval."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    _require_reviewing(request, by)
    if Redaction.objects.filter(item__request=request, state=RedactionState.PROPOSED).exists():
        raise ValidationError(_("Confirm or remove every proposed redaction before sending the bundle for approval"))
    request.state = RequestState.SUBMITTED
    request.submitted_at = timezone.now()
    request.save(update_fields=["state", "submitted_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=request.family,
                 summary=Text(gettext_noop("Sent subject access request %(reference)s for approval"),
                              {"reference": request.reference}))
    manager = _manager_of(request.officer)
    if manager is not None:
        notify(recipients=[manager], kind=NotificationKind.ACTION, family=request.family,
               message=Text(gettext_noop("Subject access request %(reference)s is waiting for your approval"),
                            {"reference": request.reference}),
               link=reverse("subjectaccess:detail", args=[request.pk]), dedupe_key=f"sar:{request.pk}:submitted:{request.submitted_at}")
    return request


@transaction.atomic
def request_approve(*, request: SubjectAccessRequest, by: Professional) -> SubjectAccessRequest:
    """RIG-1: a second person, a manager of the officer's agency, approves the bundle before release."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if not may_approve(by, request):
        raise PermissionDenied(_("A manager of the disclosure officer's agency, not the officer, approves the "
                                 "bundle."))
    family_require_write(professional=by, family=request.family, purpose="approve a subject access request")
    if request.state != RequestState.SUBMITTED:
        raise ValidationError(_("Only a bundle sent for approval can be approved"))
    _consultation_errors(request)
    request.state = RequestState.APPROVED
    request.approved_by = by
    request.approved_at = timezone.now()
    request.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=request.family,
                 summary=Text(gettext_noop("Approved subject access request %(reference)s for release"),
                              {"reference": request.reference}))
    return request


@transaction.atomic
def request_return(*, request: SubjectAccessRequest, by: Professional, reason: str) -> SubjectAccessRequest:
    """The manager sends the bundle back to the officer for more review."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if not may_approve(by, request):
        raise PermissionDenied(_("A manager of the disclosure officer's agency, not the officer, approves the "
                                 "bundle."))
    reason = (reason or "").strip()
    if request.state != RequestState.SUBMITTED:
        raise ValidationError(_("Only a bundle sent for approval can be sent back"))
    if not reason:
        raise ValidationError({"reason": _("Enter what needs another look")})
    request.state = RequestState.GATHERED
    request.save(update_fields=["state"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=request.family, reason=reason,
                 summary=Text(gettext_noop("Sent subject access request %(reference)s back for review"),
                              {"reference": request.reference}))
    return request


@transaction.atomic
def request_release(*, request: SubjectAccessRequest, by: Professional) -> SubjectAccessRequest:
    """RIG-1: release the approved bundle; recorded (audited, a chronology entry) and the action closed."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    _require_officer(request, by)
    if request.state == RequestState.RELEASED:
        raise ValidationError(_("This request has been answered"))
    if request.state != RequestState.APPROVED or request.approved_by_id is None:
        raise ValidationError(_("A manager must approve the bundle before it is released"))
    _consultation_errors(request)
    now = timezone.now()
    request.state = RequestState.RELEASED
    request.released_by = by
    request.released_at = now
    request.released_on_time = timezone.localdate(now) <= request.due_on
    request.save(update_fields=["state", "released_by", "released_at", "released_on_time"])
    audit_record(actor=by, action=AuditAction.EXPORT, obj=request, family=request.family,
                 summary=Text(gettext_noop("Released the bundle of subject access request %(reference)s"),
                              {"reference": request.reference}))
    chronology_record(family=request.family, kind=EntryKind.FAMILY, occurred_at=now, by=by, source=request,
                      summary=Text(gettext_noop("Subject access request %(reference)s answered"),
                                   {"reference": request.reference}))
    escalations_close_by_key(key=answer_key(request.pk), by=by,
                             outcome=Text(gettext_noop("Released on %(date)s")) % {"date": timezone.localdate(now)})
    return request


def bundle_download(*, request: SubjectAccessRequest, by: Professional) -> bytes:
    """The bundle as a PDF for the officer or their manager (selectors.request_get_for), audited as an export."""
    from .bundle import bundle_document, bundle_pdf
    from .selectors import request_items

    if request.state == RequestState.RECEIVED:
        raise ValidationError(_("Gather the records first"))
    content = bundle_pdf(bundle_document(request, request_items(request=request)))
    audit_record(actor=by, action=AuditAction.EXPORT, obj=request, family=request.family,
                 summary=Text(gettext_noop("Downloaded the bundle of subject access request %(reference)s"),
                              {"reference": request.reference}))
    return content
