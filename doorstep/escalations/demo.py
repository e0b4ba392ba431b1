"""Demo escalations: the engine run over the demo families once their histories exist, and a few raised directly
(evidence of non-compliance with and without a child protection plan), some overdue and escalated to a manager."""

from datetime import timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion
from doorstep.engagement.models import Contact, ContactChild, ContactKind, Outcome
from doorstep.families.models import Involvement, Person

from .evaluate import evaluation_defer, evaluation_resume, family_evaluate
from .models import ClosureStepKind, Escalation, EscalationState
from .scheduled import escalations_overdue_run
from .services import closure_step_record, escalation_acknowledge, escalation_complete, non_compliance_record


def load(region: DemoRegion) -> None:
    """Runs after agencies and families; the engine's own part (`load_after_histories`) runs after every other
    capability has given the families their histories (contacts, incidents, meetings): it is the last of the
    loaders (core/extensions.py). Until then the histories are recorded without evaluating the rules after each
    record (they are evaluated once, at the end, as of today)."""
    evaluation_defer()


def _contact(family, by, *, days_ago: int, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
             behaviours=(), seen=(), seen_alone=()):
    from doorstep.chronology.models import EntryKind
    from doorstep.chronology.services import chronology_record

    occurred = timezone.now() - timedelta(days=days_ago, hours=3)
    contact = Contact.objects.create(
        family=family, agency_id=by.agency_id, recorded_by=by, kind=kind, occurred_at=occurred, outcome=outcome,
        behaviours=list(behaviours), defaulted=outcome in (Outcome.NO_ANSWER, Outcome.REFUSED_ENTRY,
                                                           Outcome.DID_NOT_ATTEND, Outcome.CANCELLED_BY_FAMILY,
                                                           Outcome.CHILD_NOT_AVAILABLE),
    )
    for child in seen:
        ContactChild.objects.create(contact=contact, child=child, seen=True, seen_alone=child in seen_alone)
    chronology_record(family=family, kind=EntryKind.CONTACT, occurred_at=occurred, by=by, source=contact,
                      summary=f"{contact.get_kind_display()}: {contact.get_outcome_display()}")
    return contact


def _histories_for_the_engine(region: DemoRegion) -> None:
    """Only when no capability has recorded contacts (the engagement record not yet installed): a few histories that
    exercise the rules, so the demo still shows the engine at work."""
    evans = region.families["evans"]
    for days in (40, 30, 19, 9):  # ESC-1 (the 4th defaulted visit) and ESC-3 (poor access, known to CSC)
        _contact(evans, region.practitioner("health"), days_ago=days)
    llewellyn = region.families["llewellyn"]
    children = list(Person.objects.filter(family=llewellyn, role="child"))
    for days in (50, 20, 6):  # ESC-11: engages with the school, refuses the health visitor
        _contact(llewellyn, region.practitioner("school", 3), days_ago=days, kind=ContactKind.SCHOOL,
                 outcome=Outcome.SEEN, seen=children, seen_alone=children)
    for days in (35, 12):
        _contact(llewellyn, region.practitioner("health", 3), days_ago=days, outcome=Outcome.REFUSED_ENTRY,
                 behaviours=["refusal", "confrontation"])
    morgan = region.families["morgan"]
    kids = list(Person.objects.filter(family=morgan, role="child"))
    _contact(morgan, region.practitioner("csc", 1), days_ago=45, outcome=Outcome.SEEN, seen=kids)  # ESC-8 later
    for days, kind in ((25, ContactKind.PHONE), (16, ContactKind.TEXT), (8, ContactKind.PHONE)):  # ESC-9
        _contact(morgan, region.practitioner("csc", 1), days_ago=days, kind=kind, outcome=Outcome.SEEN)


def load_after_histories(region: DemoRegion) -> None:
    evaluation_resume()
    if not Contact.objects.exists():
        _histories_for_the_engine(region)
    today = timezone.localdate()
    # ESC-2 directly: a child on a child protection plan (Morgan: core group within 3 working days, now overdue) and
    # none (Pritchard: a multi-agency meeting within 7 working days).
    morgan, pritchard = region.families["morgan"], region.families["pritchard"]
    non_compliance_record(
        family=morgan, by=morgan.overall_lead, identified_on=today - timedelta(days=10),
        evidence="Mother agreed to attend the parenting assessment and to let the health visitor see the baby's "
                 "sleeping arrangements; neither has happened, and the last three appointments were cancelled.",
        concerns="Neglect of the younger children's basic care; the home conditions seen in the summer.",
    )
    non_compliance_record(
        family=pritchard, by=pritchard.overall_lead, identified_on=today - timedelta(days=1),
        evidence="The family agreed a plan of school attendance and GP appointments and has kept none of it.",
        concerns="The children's attendance and unmet health needs.",
    )
    for family in region.families.values():
        family_evaluate(family=family)
    # ESC-6: the police have begun consulting the other agencies before ending their involvement with the Evans
    # household, where access is difficult.
    police = Involvement.objects.filter(family=region.families["evans"], agency=region.agencies["police"],
                                        ended_on__isnull=True).first()
    if police is not None:
        closure_step_record(involvement=police, by=police.lead_professional or region.practitioner("police"),
                            kind=ClosureStepKind.CONSULTATION, agency=region.agencies["csc"], held_on=today,
                            person=str(region.practitioner("csc")),
                            note="Discussed ending our involvement; children's services asked us to stay involved "
                                 "until the core group has met.")
    # Overdue actions escalate to the owner's line manager (ORG-3).
    escalations_overdue_run(now=timezone.now())
    # A little history: the Evans meeting acknowledged by its owner; a reflective prompt talked through and done.
    active = Escalation.objects.filter(state=EscalationState.OPEN).select_related("owner").order_by("id")
    first = active.filter(rule_id="ESC-1").first() or active.exclude(rule_id="ESC-2").first()
    if first is not None:
        escalation_acknowledge(escalation=first, by=first.owner)
    done = active.filter(rule_id="ESC-9").first() or active.exclude(rule_id__in=["ESC-1", "ESC-2"]).first()
    if done is not None:
        escalation_complete(escalation=done, by=done.owner,
                            outcome="Talked through in supervision; a joint visit with the school nurse is booked so "
                                    "that the children are seen at home.")
