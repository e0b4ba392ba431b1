"""What erasure clears (issue 20), record by record: the family's personal data goes, the rows stay.

Every record Doorstep keeps about a family is listed in `PLAN`: how it is reached from the family and what is
cleared or removed. The rows themselves stay (a contact is still a contact of that agency on that day, with its kind
and outcome; an escalation still has its rule, deadline and state; an incident its kinds of threat), so every
aggregate figure the Board's report counts is unchanged; what identifies anyone (names, dates of birth, addresses,
every worker's and family's own words) is removed. `KEPT` says, for each text field left alone, why it identifies
no one. A test (retention/tests/test_erasure.py) fails on any model that refers to a family or person and is
missing here, and on any text field of a planned model that is neither cleared nor kept with a reason, so a new
capability cannot be forgotten.

The history of the family's own records (django-simple-history: the family, its people and its involvements) is
purged. Left as it is, on purpose: the audit log (`audit.AuditEvent`), append-only and hash-chained by design
(issue 13): its rows about the family stay, and some name a person or quote a worker's reason. The erasure itself
is written there as a tombstone without personal data. How long the audit log is kept is the partnership's to
confirm (docs/retention.md).
"""

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext_noop

from doorstep.agreements.models import (
    AgreementBreach, AgreementReview, AgreementTerm, AgreementVersion, SignedCopy, WrittenAgreement,
)
from doorstep.chronology.models import ChronologyComment, ChronologyEntry, ChronologyExport
from doorstep.core.texts import Text, text_to_json
from doorstep.engagement.models import Contact, ContactChild, ContactFollowUp, ContactRevision, ParentLetter
from doorstep.escalations.models import ClosureStep, Escalation, EscalationEvent, FamilyCheck, NonComplianceFinding
from doorstep.families.models import Address, BreakGlassAccess, Family, FamilyAddress, Involvement, Person
from doorstep.incidents.models import AffectedWorker, Incident
from doorstep.markers.models import MarkerEvent, WarningMarker
from doorstep.meetings.models import (
    AgencyRole, Invitation, InvitationEmail, Meeting, Minutes, MinutesRecipient, PlanAction, PlanActionUpdate,
)
from doorstep.notifications.models import Notification
from doorstep.oversight.models import AuditAnswer, AuditedFamily, DriftSignal, OversightCheck, VisitDiscrepancy
from doorstep.partnerships.models import FamilyTransfer
from doorstep.recording.models import CorrectionRequest
from doorstep.subjectaccess.models import Consultation, DisclosureItem, Redaction, SubjectAccessRequest
from doorstep.supervision.models import CaseDiscussion, SupervisionActionPlan, SupervisionDecision
from doorstep.visits.models import Visit, VisitAlert, VisitEvent

from .models import ErasureRequest, LegalHold, RetentionReview

# What an erased sentence reads as, in the reader's language.
ERASED = Text(gettext_noop("Erased under the retention schedule"))


@dataclass(frozen=True)
class Scrub:
    """One model: the rows reached from the family by `path` (a lookup to the family's id), and what becomes of
    their fields (`values`, set with one UPDATE); `delete` removes the rows instead."""

    model: type[Model]
    path: str
    values: dict = field(default_factory=dict)
    delete: bool = False
    why: str = ""


def _erased() -> dict:
    return text_to_json(ERASED)


# The family's own record, its people and everything recorded about them, in every capability.
PLAN: tuple[Scrub, ...] = (
    # families: the name becomes the reference; people lose names, dates of birth and every descriptive field.
    Scrub(Family, "pk", {"summary": ""}, why="name set to the reference by the service"),
    Scrub(Person, "family", {"given_name": "", "family_name": "", "other_names": "", "date_of_birth": None,
                             "expected_date": None, "first_language": "", "cultural_dates": "", "disability": ""}),
    Scrub(Involvement, "family", {"reason": "", "end_reason": ""}),
    Scrub(FamilyAddress, "family", delete=True, why="where they lived; an address no one else refers to goes too"),
    Scrub(BreakGlassAccess, "family", {"reason": "", "review_note": ""}),
    # chronology
    Scrub(ChronologyEntry, "family", {"summary": "", "summary_text": _erased}),
    Scrub(ChronologyComment, "entry__family", {"text": ""}),
    Scrub(ChronologyExport, "family", delete=True, why="a PDF of the chronology"),
    # engagement
    Scrub(Contact, "family", {"others_present": "", "non_cooperation_reasons": "", "areas_not_achieved": "",
                              "note": "", "entered_in_error_reason": "", "purpose": "", "child_impact": "",
                              "family_account": ""}),
    Scrub(ContactChild, "contact__family", why="what was seen of each child: yes or no, kept for the figures"),
    Scrub(ContactRevision, "contact__family", {"data": {}, "reason": ""}),
    Scrub(ContactFollowUp, "contact__family", {"text": ""}),
    Scrub(ParentLetter, "family", {"purpose": "", "what_was_done": "", "requirements": []}),
    # escalations
    Scrub(Escalation, "family", {"title": "", "facts": [], "translations": {}, "outcome": "", "outcome_text": None}),
    Scrub(EscalationEvent, "escalation__family", {"note": "", "note_text": None}),
    Scrub(NonComplianceFinding, "family", {"evidence": "", "concerns": ""}),
    Scrub(ClosureStep, "family", {"person": "", "note": ""}),
    Scrub(FamilyCheck, "family", {"last_error": ""}),
    # Issue 21: the transfer's partnerships, dates and re-timed deadlines stay (the Board's figures); why goes.
    Scrub(FamilyTransfer, "family", {"reason": ""}),
    # incidents and warning markers
    Scrub(Incident, "family", {"location": "", "unknown_people": "", "motivation_detail": "", "police_reference": "",
                               "life_for_child": "", "account": "", "witnesses": "", "injury_details": "",
                               "account_share_reason": "", "family_account": "", "address": None}),
    Scrub(AffectedWorker, "incident__family", {"support_note": "", "impact": "", "follow_up_note": ""}),
    Scrub(WarningMarker, "family", {"nature": "", "advice": "", "source": "", "close_reason": "", "address": None}),
    Scrub(MarkerEvent, "marker__family", {"note": "", "note_text": None}),
    # meetings
    Scrub(Meeting, "family", {"reason": "", "location": "", "parents_excluded_reason": "", "cancelled_reason": ""}),
    Scrub(Invitation, "meeting__family", {"specialist_reason": "", "response_note": ""}),
    Scrub(InvitationEmail, "invitation__meeting__family", why="which calendar e-mail went: no words"),
    Scrub(Minutes, "meeting__family", {"concerns": "", "no_plan_reason": "", "sharing_with_family": "", "dissent": "",
                                       "outcome_detail": ""}),
    Scrub(AgencyRole, "minutes__meeting__family", {"role": ""}),
    Scrub(PlanAction, "family", {"description": ""}),
    Scrub(PlanActionUpdate, "action__family", {"note": ""}),
    Scrub(MinutesRecipient, "minutes__meeting__family", why="who the minutes went to, and when"),
    # written agreements
    Scrub(WrittenAgreement, "family", {"end_reason": ""}),
    Scrub(AgreementVersion, "agreement__family", {"response_note": ""}),
    Scrub(AgreementTerm, "version__agreement__family", {"text": ""}),
    Scrub(AgreementReview, "agreement__family", {"note": ""}),
    Scrub(AgreementBreach, "agreement__family", {"description": ""}),
    Scrub(SignedCopy, "version__agreement__family", delete=True, why="the scanned signed agreement"),
    # supervision (the family's part only: the session itself is about the worker)
    Scrub(CaseDiscussion, "family", {"hostility_detail": "", "impact_on_worker": "", "impact_on_work": "",
                                     "risk_to_child": "", "reflective_answers": {}, "reflections": ""}),
    Scrub(SupervisionDecision, "family", {"decision": "", "reason": ""}),
    Scrub(SupervisionActionPlan, "family", {"plan": "", "withdrawn_reason": ""}),
    # visits (lone working)
    Scrub(Visit, "family", {"venue": "", "purpose": "", "contingency": "", "companions": "", "known_to": "",
                            "assessment_notes": "", "decision_reason": "", "supervision_reference": "",
                            "contact_number": "", "vehicle": "", "end_note": "", "elsewhere": "", "alarm_error": "",
                            "factors_suggested": {}, "proposal": [], "off_plan": [], "location": None,
                            "address": None}),
    Scrub(VisitAlert, "visit__family", why="when each alert fired: no words"),
    Scrub(VisitEvent, "visit__family", {"note": "", "note_text": None}),
    # notifications and oversight
    Scrub(Notification, "family", {"message": "", "message_text": _erased, "email_params": {}}),
    Scrub(DriftSignal, "family", delete=True, why="worked out again each night"),
    Scrub(OversightCheck, "family", why="when the nightly job last ran"),
    Scrub(VisitDiscrepancy, "family", {"evidence": [], "explanation_note": ""}),
    # OVR-1 case-file audits: the grades stay for the round's report; the auditor's notes about the family go.
    Scrub(AuditedFamily, "family", why="which round audited the family, and when: no words"),
    Scrub(AuditAnswer, "audited__family", {"note": ""}),
    # RIG-2 / UK GDPR Article 16: a request to correct keeps its decision (who, when, which way); the words go.
    Scrub(CorrectionRequest, "family", {"requested_through": "", "request_text": "", "decision_reason": "",
                                        "statement": "", "before_text": "", "after_text": ""}),
    # RIG-1 subject access: the request stays (received, answered on time or late: the Board's figures); who asked,
    # why it was extended, the consulted agencies' answers and the gathered copies of the records go.
    Scrub(SubjectAccessRequest, "family", {"requester_name": "", "extension_reason": "", "extension_letter": None}),
    Scrub(Redaction, "item__request__family", delete=True, why="the words withheld from erased copies"),
    Scrub(DisclosureItem, "request__family", delete=True, why="copies of records that are erased"),
    Scrub(Consultation, "request__family", {"response": ""}),
    # retention's own records: the decisions stay (who, when, under which rule); their notes go.
    Scrub(LegalHold, "family", {"note": "", "lift_note": ""}),
    Scrub(ErasureRequest, "family", {"note": "", "decision_note": ""}),
    Scrub(RetentionReview, "family", {"reasons": []}),
)

# Text fields left as they are on planned models, and why they identify no one.
KEPT: dict[str, str] = {
    "families.Family.reference": "Doorstep's own number (DS-000123): the tombstone names it",
    "families.Family.name": "set to the reference by the service",
    "chronology.ChronologyEntry.source_type": "a model label",
    "partnerships.FamilyTransfer.retimed": "action ids, rule ids and deadlines (issue 21)",
    "chronology.ChronologyEntry.source_id": "a row's id",
    "chronology.ChronologyEntry.tags": "codes (outcomes, behaviours) for the figures",
    "chronology.ChronologyExport.query": "the export rows are deleted",
    "chronology.ChronologyExport.language": "the export rows are deleted",
    "chronology.ChronologyExport.filename": "the export rows are deleted",
    "chronology.ChronologyExport.error": "the export rows are deleted",
    "engagement.Contact.behaviours": "codes (ENG-2) for the figures",
    "engagement.Contact.threats": "codes (ENG-3) for the figures",
    "engagement.Contact.non_cooperation_codes": "codes (FAM-5)",
    "engagement.Contact.assessment_areas_missed": "codes (ENG-4)",
    "escalations.Escalation.rule_id": "the rule (ESC-2)",
    "escalations.Escalation.clause": "the protocol's clause",
    "escalations.Escalation.key": "the rule and row ids",
    "escalations.Escalation.parameters": "the rule's settings",
    "escalations.Escalation.source_type": "a model label",
    "escalations.Escalation.source_id": "a row's id",
    "escalations.EscalationEvent.action": "a code",
    "incidents.Incident.threats": "codes (INC-1) for the Board's figures",
    "incidents.Incident.motivations": "codes",
    "incidents.AffectedWorker.support_offered": "codes",
    "incidents.AffectedWorker.support_taken_up": "codes",
    "agreements.AgreementTerm.code": "a chosen term's code",
    "agreements.SignedCopy.filename": "the rows are deleted",
    "agreements.SignedCopy.content_type": "the rows are deleted",
    "supervision.SupervisionActionPlan.measures": "codes",
    "visits.Visit.factors": "codes",
    "visits.Visit.answers": "yes or no to the checklist",
    "visits.Visit.arrangements": "codes",
    "visits.Visit.chain": "the alarm chain's steps and minutes",
    "visits.VisitEvent.press_key": "a random key",
    "notifications.Notification.link": "a page's address (ids only)",
    "notifications.Notification.dedupe_key": "rule and row ids",
    "notifications.Notification.email_builder": "a function's name",
    "notifications.Notification.email_last_error": "the mail server's answer",
    "oversight.DriftSignal.reasons": "the rows are deleted",
}

# Models that refer to a family or a person and are not in the plan, and why.
NOT_PLANNED: dict[str, str] = {
    "audit.AuditEvent": "append-only and hash-chained (issue 13); the erasure is its tombstone",
}


def family_rows(scrub: Scrub, family_id: int):
    return scrub.model.objects.filter(**{scrub.path: family_id})


def _values(scrub: Scrub) -> dict:
    return {name: value() if callable(value) else value for name, value in scrub.values.items()}


def family_scrub(*, family: Family) -> dict[str, int]:
    """Clear the family's personal data in every record of `PLAN`, purge the history of its own records and the
    addresses no one else refers to. Call inside the erasure's transaction. Returns the rows touched by model."""
    touched = {}
    address_ids = set(FamilyAddress.objects.filter(family=family).values_list("address_id", flat=True))
    for model, path in ((Incident, "family"), (WarningMarker, "family"), (Visit, "family")):
        address_ids |= set(model.objects.filter(**{path: family.pk}, address__isnull=False)
                           .values_list("address_id", flat=True))
    for scrub in PLAN:
        rows = family_rows(scrub, family.pk)
        if scrub.delete:
            touched[scrub.model._meta.label] = rows.delete()[0]
        elif scrub.values:
            touched[scrub.model._meta.label] = rows.update(**_values(scrub))
    Family.objects.filter(pk=family.pk).update(name=family.reference)
    # django-simple-history: the earlier versions of the family, its people and its involvements.
    Family.history.model.objects.filter(id=family.pk).delete()
    Person.history.model.objects.filter(family_id=family.pk).delete()
    Involvement.history.model.objects.filter(family_id=family.pk).delete()
    used = set(FamilyAddress.objects.filter(address_id__in=address_ids).values_list("address_id", flat=True))
    for model in (Incident, WarningMarker, Visit):
        used |= set(model.objects.filter(address_id__in=address_ids).values_list("address_id", flat=True))
    touched["families.Address"] = Address.objects.filter(pk__in=address_ids - used).delete()[0]
    return touched
