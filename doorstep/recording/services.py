"""Writes of the recording capability: the partnership's list for the recording check (RIG-2), and requests to
correct a record (UK GDPR Article 16). Each is one transaction with its audit row and, for a family's record, its
chronology entry; a request's decision is a tracked action of the one rules engine (rule RIG-2)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.access import family_require_write
from doorstep.core.texts import Text, text_render
from doorstep.engagement.models import Contact
from doorstep.engagement.services import contact_correct
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalations_close_by_key
from doorstep.families.models import Person
from doorstep.incidents.models import Incident

from . import rules
from .defaults import DEFAULT_TERMS
from .models import CorrectionRequest, CorrectionState, RecordingTerm, RecordKind, TermLanguage
from .selectors import RECORD_FIELDS, correction_record, may_decide, record_agency, record_author_id

TEXT_LIMIT = 5000
TERM_MIN_LENGTH = 3


# --- The recording check's list (RIG-2) -------------------------------------------------------------------------

def _require_administrator(by: Professional, partnership=None):
    """An administrator of the partnership (their own when None; issue 21: never another's): the partnership."""
    from doorstep.partnerships.selectors import list_partnership_for

    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators change the recording check's list."))
    return list_partnership_for(professional=by, partnership_id=getattr(partnership, "pk", partnership))


def recording_terms_seed(*, partnership, by: Professional | None = None) -> None:
    """Doorstep's defaults copied into the partnership's own list: when a partnership is created (issue 21), or at
    an older partnership's first change (nothing is lost). Idempotent."""
    if not RecordingTerm.objects.filter(partnership=partnership).exists():
        RecordingTerm.objects.bulk_create([RecordingTerm(partnership=partnership, term=t.term, suggestion=t.suggestion,
                                                         language=t.language, updated_by=by) for t in DEFAULT_TERMS])


def _clean_term(*, partnership, term: str, suggestion: str, language: str,
                exclude_id: int | None = None) -> tuple[str, str]:
    term, suggestion = " ".join((term or "").split()).lower(), (suggestion or "").strip()
    errors = {}
    if not term:
        errors["term"] = _("Enter the word or phrase")
    elif len(term) < TERM_MIN_LENGTH:
        errors["term"] = _("The word or phrase must be at least %(n)s letters") % {"n": TERM_MIN_LENGTH}
    elif len(term) > 100:
        errors["term"] = _("The word or phrase must be 100 characters or fewer")
    elif not any(c.isalpha() for c in term):
        errors["term"] = _("The word or phrase must contain letters")
    elif RecordingTerm.objects.filter(partnership=partnership, language=language, term=term).exclude(
            pk=exclude_id).exists():
        errors["term"] = _("That word or phrase is already on the list")
    if language not in TermLanguage.values:
        errors["language"] = _("Select English or Welsh")
    if not suggestion:
        errors["suggestion"] = _("Enter the suggested factual alternative or prompt")
    elif len(suggestion) > 300:
        errors["suggestion"] = _("The suggestion must be 300 characters or fewer")
    if errors:
        raise ValidationError(errors)
    return term, suggestion


@transaction.atomic
def recording_term_add(*, by: Professional, term: str, suggestion: str, language: str,
                       partnership=None) -> RecordingTerm:
    """An administrator adds a term to their partnership's list (RIG-2; issue 21: never another's). Audited."""
    partnership = _require_administrator(by, partnership)
    recording_terms_seed(partnership=partnership, by=by)
    term, suggestion = _clean_term(partnership=partnership, term=term, suggestion=suggestion, language=language)
    row = RecordingTerm.objects.create(partnership=partnership, term=term, suggestion=suggestion, language=language,
                                       updated_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=row,
                 summary=Text(gettext_noop("Added '%(term)s' to the recording check's list")) % {"term": term})
    return row


@transaction.atomic
def recording_term_update(*, by: Professional, term_id: int, term: str, suggestion: str, language: str,
                          active: bool) -> RecordingTerm:
    """An administrator of the term's partnership changes it, or stops using it (it is kept, not used). Audited."""
    row = RecordingTerm.objects.select_for_update().get(pk=term_id)
    _require_administrator(by, row.partnership_id)
    term, suggestion = _clean_term(partnership=row.partnership_id, term=term, suggestion=suggestion, language=language,
                                   exclude_id=row.pk)
    before = (row.term, row.suggestion, row.language, row.active)
    if before == (term, suggestion, language, bool(active)):
        return row
    row.term, row.suggestion, row.language, row.active, row.updated_by = term, suggestion, language, bool(active), by
    row.save()
    changes = f"{before[0]} -> {term}; {before[1]} -> {suggestion}; {before[2]} -> {language}; {before[3]} -> {active}"
    audit_record(actor=by, action=AuditAction.UPDATE, obj=row, reason=changes[:2000],
                 summary=Text(gettext_noop("Changed '%(term)s' on the recording check's list")) % {"term": term})
    return row


# --- Requests to correct a record (UK GDPR Article 16) -------------------------------------------------------------

def _kind_of(record) -> str:
    return {Contact: RecordKind.CONTACT, Incident: RecordKind.INCIDENT, ChronologyEntry: RecordKind.ENTRY,
            Person: RecordKind.PERSON}[type(record)]


def _record_behind(record):
    """A chronology entry written from a contact or an incident: the request is about that record, which its
    agency corrects at its source."""
    if isinstance(record, ChronologyEntry) and record.source_id.isdigit():
        if record.source_type == "engagement.Contact":
            return Contact.objects.select_related("agency", "family").get(pk=int(record.source_id))
        if record.source_type == "incidents.Incident":
            return Incident.objects.select_related("agency", "family").get(pk=int(record.source_id))
    return record


def _owner(record, agency_id: int) -> Professional:
    """Who owns the decision: whoever recorded it while they still work for its agency, else a manager of it."""
    author = Professional.objects.filter(pk=record_author_id(record), agency_id=agency_id, is_active=True).first()
    if author is not None:
        return author
    manager = (Professional.objects.filter(agency_id=agency_id, role=Role.MANAGER, is_active=True)
               .order_by("-is_duty_manager", "id").first())
    if manager is None:
        raise ValidationError(_("Nobody in the record's agency can decide this request: ask its administrator"))
    return manager


def record_text(record) -> str:
    """The words a correction changes: a contact's note, an incident's worker account, an entry's summary; a
    person's details as the case file shows them (changed on their own page, which keeps their history)."""
    if isinstance(record, Person):
        details = [str(record), record.role]
        if record.other_names:
            details.append(record.other_names)
        if record.date_of_birth:
            details.append(record.date_of_birth.isoformat())
        for value in (record.first_language, record.cultural_dates, record.disability):
            if value:
                details.append(value)
        return "; ".join(details)
    if isinstance(record, Contact):
        return record.note
    if isinstance(record, Incident):
        return record.account
    return record.summary_shown


@transaction.atomic
def correction_request_log(*, record, by: Professional, person: Person, received_on: date, request_text: str,
                           requested_through: str = "") -> CorrectionRequest:
    """Log a person's request to correct a record about them (a contact, an incident, a chronology entry or a
    person's details). Any worker of an involved agency logs it; the record's agency decides within one calendar
    month (rule RIG-2)."""
    record = _record_behind(record)
    family = record.family
    family_require_write(professional=by, family=family, purpose="log a request to correct a record")
    request_text, requested_through = (request_text or "").strip(), (requested_through or "").strip()
    errors = {}
    if person is None or person.family_id != family.pk:
        errors["person"] = _("Select who asked, from this family")
    if received_on is None:
        errors["received_on"] = _("Enter the date the request was received")
    elif received_on > timezone.localdate():
        errors["received_on"] = _("The date the request was received must be today or in the past")
    if not request_text:
        errors["request_text"] = _("Enter what they say is wrong, in their words")
    elif len(request_text) > TEXT_LIMIT:
        errors["request_text"] = _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT}
    if len(requested_through) > 200:
        errors["requested_through"] = _("This must be 200 characters or fewer")
    agency = record_agency(record)
    if isinstance(record, Person) and agency is None:
        errors["request_text"] = _("The family has no overall lead, whose agency decides: name one first")
    elif agency is None:
        errors["request_text"] = _("Doorstep wrote this entry from another record: ask to correct that record")
    if errors:
        raise ValidationError(errors)
    kind = _kind_of(record)
    owner = _owner(record, agency.pk)
    nation = settings.DOORSTEP_NATION
    request = CorrectionRequest.objects.create(
        family=family, record_kind=kind, agency=agency, person=person,
        requested_through=requested_through, received_on=received_on, request_text=request_text, logged_by=by,
        due_on=rules.correction_due(received_on, nation), **{RECORD_FIELDS[kind]: record},
        before_text=record_text(record) if isinstance(record, Person) else "",
    )
    label = RecordKind(kind).label
    audit_record(actor=by, action=AuditAction.CREATE, obj=request, family=family,
                 summary=Text(gettext_noop("Logged a request to correct a record (%(record)s)")) % {"record": label})
    chronology_record(
        family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by, source=request, people=[person],
        tags=["correction_requested"],
        summary=Text(gettext_noop("%(name)s asked for a record to be corrected (%(record)s, received %(date)s); "
                                  "%(agency)s decides by %(due)s")) % {
            "name": person, "record": label, "date": received_on, "agency": agency.name_text,
            "due": request.due_on},
    )
    rule_apply(rule_id="RIG-2", family=family, facts=rules.CorrectionFacts(
        request_id=request.pk, family_name=family.name_text, person_name=str(person), record=label,
        owner_id=owner.pk, received_on=received_on, nation=nation))
    return request


@transaction.atomic
def correction_decide(*, request: CorrectionRequest, by: Professional, decision: str, reason: str,
                      corrected_text: str = "", statement: str = "") -> CorrectionRequest:
    """The record's agency decides (Article 16): `corrected` (the record's words replaced, the earlier version kept:
    a contact's as a ContactRevision, and on the request) or `not_corrected` (the person's statement attached to the
    record, shown wherever it is shown). Closes the RIG-2 action."""
    # Locks the request only (PostgreSQL refuses FOR UPDATE on the nullable side of the records' outer joins).
    request = CorrectionRequest.objects.select_for_update(of=("self",)).select_related(
        "family", "person", "agency", "contact", "incident", "entry", "person_details", "person_details__family",
    ).get(pk=request.pk)
    family_require_write(professional=by, family=request.family, purpose="decide a request to correct a record")
    if not may_decide(request=request, professional=by):
        raise PermissionDenied(_("Only whoever recorded it, or a manager of the record's agency, decides."))
    if not request.awaiting:
        raise ValidationError({"decision": _("This request has already been decided")})
    reason, corrected_text, statement = (reason or "").strip(), (corrected_text or "").strip(), (statement or "").strip()
    record = correction_record(request)
    errors = {}
    if decision not in (CorrectionState.CORRECTED, CorrectionState.NOT_CORRECTED):
        errors["decision"] = _("Select whether the record is corrected")
    if not reason:
        errors["reason"] = _("Enter the reasons for your decision")
    for field, value in (("reason", reason), ("corrected_text", corrected_text), ("statement", statement)):
        if len(value) > TEXT_LIMIT and field not in errors:
            errors[field] = _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT}
    before = record_text(record)
    if decision == CorrectionState.CORRECTED and isinstance(record, Person):
        # A person's details are changed on their own page (their history keeps every version): this records it.
        if before == request.before_text:
            errors["decision"] = _("Change the person's details first (Change, on their page), then record the "
                                   "decision")
    elif decision == CorrectionState.CORRECTED:
        if not corrected_text:
            errors["corrected_text"] = _("Enter the record's corrected words")
        elif corrected_text == before.strip():
            errors["corrected_text"] = _("The corrected words are the same as the record's: change them, or "
                                         "decide not to correct it")
        if isinstance(record, Contact) and record.entered_in_error:
            errors["decision"] = _("This contact was marked as entered in error and cannot be corrected")
    elif decision == CorrectionState.NOT_CORRECTED and not statement:
        errors["statement"] = _("Enter the person's statement, in their words")
    if errors:
        raise ValidationError(errors)
    # Stored as a message id in the audit rows (read in each reader's language). A contact's revision holds its reason
    # as plain words (a worker's field), so there it is written in the decider's language.
    why = Text(gettext_noop("At %(name)s's request (UK GDPR Article 16): %(reason)s")) % {
        "name": str(request.person), "reason": reason}
    if decision == CorrectionState.CORRECTED and isinstance(record, Person):
        request.after_text = before
        outcome = Text(gettext_noop("Corrected; the earlier version is kept"))
    elif decision == CorrectionState.CORRECTED:
        if isinstance(record, Contact):
            contact_correct(contact=record, by=by, reason=text_render(why), note=corrected_text)
        elif isinstance(record, Incident):
            record.account = corrected_text
            record.save(update_fields=["account"])
            audit_record(actor=by, action=AuditAction.UPDATE, obj=record, family=request.family, reason=why,
                         summary=Text(gettext_noop("Corrected the worker's account of an incident")))
        else:
            record.summary, record.summary_text = corrected_text[:500], None
            record.save(update_fields=["summary", "summary_text"])
            audit_record(actor=by, action=AuditAction.UPDATE, obj=record, family=request.family, reason=why,
                         summary=Text(gettext_noop("Corrected a chronology entry")))
        request.before_text, request.after_text = before, corrected_text
        outcome = Text(gettext_noop("Corrected; the earlier version is kept"))
    else:
        request.statement = statement
        outcome = Text(gettext_noop("Not corrected; %(name)s's statement is attached to the record")) % {
            "name": request.person}
    request.state, request.decided_by, request.decided_at = decision, by, timezone.now()
    request.decision_reason = reason
    request.save()
    label = RecordKind(request.record_kind).label
    audit_record(actor=by, action=AuditAction.UPDATE, obj=request, family=request.family, reason=reason,
                 summary=Text(gettext_noop("Decided a request to correct a record (%(record)s): %(outcome)s")) % {
                     "record": label, "outcome": outcome})
    chronology_record(
        family=request.family, kind=EntryKind.DECISION, occurred_at=request.decided_at, by=by, source=request,
        people=[request.person], tags=["correction_decided"],
        summary=Text(gettext_noop("%(name)s's request to correct a record (%(record)s): %(outcome)s")) % {
            "name": request.person, "record": label, "outcome": outcome},
    )
    escalations_close_by_key(key=rules.correction_key(request.pk), by=by, outcome=outcome)
    return request
