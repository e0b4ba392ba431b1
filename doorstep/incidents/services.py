"""Writes to incidents (INC-1). Each is one transaction with its audit row, chronology entry, escalations and
notifications, so an incident can never be saved without its manager being alerted (ESC-4, ESC-5)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import ngettext_lazy

from doorstep.agencies.models import AgencyKind, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Text
from doorstep.core.access import family_require_write
from doorstep.engagement.models import Contact, ThreatKind
from doorstep.escalations.evaluate import family_evaluate
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalations_close_by_key
from doorstep.families.models import Family, FamilyAddress, Involvement, Person

from . import rules
from .models import AffectedWorker, Incident, Motivation, Support
from .selectors import agency_managers, managers_of, may_follow_up, may_record_police, may_share_account


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def incident_kinds_text(incident: Incident) -> list:
    """The kinds of threat, as a sentence's parameter (a list, shown joined with "; " in the reader's language)."""
    labels = dict(ThreatKind.choices)
    return [labels.get(t, t) for t in incident.threats]


def _validate_choices(values: Iterable[str], allowed: Iterable[str], field: str, message: str) -> list[str]:
    values = list(dict.fromkeys(values))
    if set(values) - set(allowed):
        raise ValidationError({field: message})
    return values


@transaction.atomic
def incident_record(
    *,
    family: Family,
    by: Professional,
    occurred_at: datetime,
    threats: Iterable[str],
    account: str,
    affected: Iterable[Professional],
    threat_to_kill: bool = False,
    at_home: bool = True,
    location: str = "",
    people: Iterable[Person] = (),
    unknown_people: str = "",
    injury: bool = False,
    injury_details: str = "",
    witnesses: str = "",
    motivations: Iterable[str] = (),
    motivation_detail: str = "",
    police_informed: bool = False,
    police_informed_at: datetime | None = None,
    police_reference: str = "",
    manager_informed_at: datetime | None = None,
    life_for_child: str = "",
    contact: Contact | None = None,
    support_offered: Iterable[str] = (),
    support_taken_up: Iterable[str] = (),
    impact: str = "",
    family_account: str = "",
) -> Incident:
    """Record a threat or act of violence or intimidation towards professionals (INC-1), and apply ESC-4/ESC-5.

    `support_offered`, `support_taken_up` and `impact` are the recorder's own, when they were affected.
    """
    family_require_write(professional=by, family=family, purpose="record an incident")
    now = timezone.now()
    errors = {}
    threats = _validate_choices(threats, ThreatKind.values, "threats", _("Select the kinds of threatening behaviour"))
    # The threat to kill is asked as its own question and kept in the list too, so both ways of asking agree.
    threat_to_kill = bool(threat_to_kill) or ThreatKind.THREAT_TO_KILL in threats
    threats = [t for t in threats if t != ThreatKind.THREAT_TO_KILL] + ([ThreatKind.THREAT_TO_KILL.value]
                                                                         if threat_to_kill else [])
    if not threats:
        errors["threats"] = _("Select at least one kind of threatening behaviour")
    motivations = _validate_choices(motivations, Motivation.values, "motivations", _("Select a motivation from the list"))
    support_offered = _validate_choices(support_offered, Support.values, "support_offered",
                                        _("Select support from the list"))
    support_taken_up = _validate_choices(support_taken_up, Support.values, "support_taken_up",
                                         _("Select support from the list"))
    if occurred_at > now:
        errors["occurred_on"] = _("The date and time it happened must be in the past")
    if not account.strip():
        errors["account"] = _("Enter your account of what happened")
    if len(family_account or "") > 10000:
        errors["family_account"] = _("This must be %(n)s characters or fewer") % {"n": 10000}
    if not at_home and not location.strip():
        errors["location"] = _("Enter where it happened")
    people = list(people)
    if any(p.family_id != family.pk for p in people):
        errors["people"] = _("Select people from this family")
    affected = list(dict.fromkeys(affected))
    if not affected:
        errors["affected"] = _("Select the professionals it was directed at")
    elif any(not p.is_active or not p.works_with_families for p in affected):
        errors["affected"] = _("Select professionals who work for an agency")
    if by not in affected and (impact.strip() or support_offered or support_taken_up):
        errors["impact"] = _("Only record support and impact for yourself, if you were affected")
    if police_informed:
        if police_informed_at and police_informed_at > now:
            errors["police_informed_on"] = _("The time the police were informed must be in the past")
    else:
        police_informed_at, police_reference = None, ""
    if manager_informed_at and manager_informed_at > now:
        errors["manager_informed_on"] = _("The time you told your manager must be in the past")
    if contact is not None and contact.family_id != family.pk:
        errors["contact"] = _("The contact belongs to another family")
    if errors:
        raise ValidationError(errors)

    address = None
    if at_home:
        current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
        address = current.address if current else None
    incident = Incident.objects.create(
        family=family, agency=by.agency, recorded_by=by, contact=contact, occurred_at=occurred_at, at_home=at_home,
        address=address, location=location.strip(), unknown_people=unknown_people.strip(), threats=threats,
        threat_to_kill=threat_to_kill, injury=injury, injury_details=injury_details.strip() if injury else "",
        witnesses=witnesses.strip(), motivations=motivations, motivation_detail=motivation_detail.strip(),
        police_informed=police_informed, police_informed_at=police_informed_at,
        police_reference=police_reference.strip(), manager_informed_at=manager_informed_at,
        life_for_child=life_for_child.strip(), account=account.strip(),
        family_account=(family_account or "").strip(),
    )
    incident.people.set(people)
    for professional in affected:
        own = professional.pk == by.pk
        AffectedWorker.objects.create(
            incident=incident, professional=professional,
            support_offered=support_offered if own else [], support_taken_up=support_taken_up if own else [],
            impact=impact.strip() if own else "", impact_recorded_at=now if own and impact.strip() else None,
        )
    audit_record(actor=by, action=AuditAction.CREATE, obj=incident, family=family,
                 summary=Text(gettext_noop("Recorded an incident towards professionals")))
    # CHR-1 and 001 §5.1.15: the incident is evidence for the child's risk assessment. The chronology carries the
    # fact of the risk only, never the worker's account.
    chronology_record(
        family=family, kind=EntryKind.INCIDENT, occurred_at=occurred_at, by=by, source=incident, significant=True,
        tags=["incident", *threats, *(["police_informed"] if police_informed else [])], people=people,
        summary=incident_fact_summary(incident, professionals=len(affected)),
    )
    family_evaluate(family=family)
    incident_apply_rules(incident=incident)
    return incident


def incident_fact_summary(incident: Incident, *, professionals: int | None = None) -> Text:
    """The fact of the risk in one sentence, shared with every agency (ESC-5): never the worker's account.
    A stored sentence, shown in the reader's language (issue 14)."""
    count = professionals if professionals is not None else incident.affected.count()
    text = Text(ngettext_lazy(
        "Threats or violence towards %(count)d professional, recorded by %(agency)s: %(kinds)s.",
        "Threats or violence towards %(count)d professionals, recorded by %(agency)s: %(kinds)s.",
        "count",
    )) % {"count": count, "agency": incident.agency.name_text, "kinds": incident_kinds_text(incident)}
    if incident.injury:
        text = Text(gettext_noop("%(fact)s Someone was injured.")) % {"fact": text}
    if incident.police_informed:
        text = Text(gettext_noop("%(fact)s The police were informed.")) % {"fact": text}
    return text


def incident_apply_rules(*, incident: Incident) -> rules.Outcomes:
    """Gather the facts, run the pure ESC-4/ESC-5 rules and apply their outcomes. Idempotent: escalations are
    keyed and notifications deduplicated, so running it twice changes nothing."""
    family = incident.family
    recorder = incident.recorded_by
    affected = [a.professional for a in AffectedWorker.objects.filter(incident=incident)
                .select_related("professional", "professional__line_manager")]
    other_agencies = []
    involvements = (Involvement.objects.filter(family=family, ended_on__isnull=True)
                    .exclude(agency_id=incident.agency_id)
                    .select_related("agency", "lead_professional", "lead_professional__line_manager")
                    .order_by("agency__name"))
    for involvement in involvements:
        lead = involvement.lead_professional
        if lead is not None and lead.is_active:
            recipients = [lead, *managers_of(lead)]
        else:
            recipients = agency_managers(agency_id=involvement.agency_id)
        other_agencies.append(rules.OtherAgency(involvement.agency_id, tuple(p.pk for p in recipients)))
    facts = rules.IncidentFacts(
        incident_id=incident.pk,
        recorder=rules.Worker(recorder.pk, tuple(m.pk for m in managers_of(recorder))),
        affected=tuple(rules.Worker(p.pk, tuple(m.pk for m in managers_of(p))) for p in affected),
        threats=frozenset(incident.threats), threat_to_kill=incident.threat_to_kill,
        police_informed=incident.police_informed,
        recorded_by_police=incident.agency.kind == AgencyKind.POLICE,
        other_agencies=tuple(other_agencies),
        family_id=family.pk, family_name=family.name_text, occurred_at=incident.occurred_at,
        recorded_on=timezone.localtime(incident.recorded_at).date(), agency_name=incident.agency.name_text,
        recorder_name=str(recorder), threat_labels=tuple(ThreatKind(t).label for t in incident.threats),
        worker_names=tuple((p.pk, str(p), AffectedWorker.objects.get(incident=incident, professional=p).pk)
                           for p in affected),
    )
    rule_apply(rule_id="ESC-4", facts=facts, family=family)
    rule_apply(rule_id="ESC-5", facts=facts, family=family)
    return rules.incident_rules(facts)


@transaction.atomic
def incident_record_police(*, incident: Incident, by: Professional, informed_at: datetime | None = None,
                           reference: str = "") -> Incident:
    """Record that the police have been informed; closes the ESC-4 police-report action."""
    family_require_write(professional=by, family=incident.family, purpose="record the police report")
    if not may_record_police(incident=incident, professional=by):
        raise PermissionDenied(_("Only the recording agency or the police can record this."))
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    informed_at = informed_at or timezone.now()
    if informed_at > timezone.now():
        raise ValidationError({"informed_on": _("The time the police were informed must be in the past")})
    if informed_at < incident.occurred_at:
        raise ValidationError({"informed_on": _("The police cannot have been informed before the incident")})
    incident.police_informed = True
    incident.police_informed_at = informed_at
    incident.police_reference = reference.strip()
    incident.save(update_fields=["police_informed", "police_informed_at", "police_reference"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=incident, family=incident.family,
                 summary=Text(gettext_noop("Recorded that the police were informed")))
    summary = Text(gettext_noop("The police were informed of the incident of %(when)s")) % {
        "when": incident.occurred_at}
    if incident.police_reference:
        summary = Text(gettext_noop("%(fact)s (reference %(ref)s)")) % {"fact": summary, "ref": incident.police_reference}
    chronology_record(family=incident.family, kind=EntryKind.INCIDENT, occurred_at=informed_at, by=by,
                      source=incident, summary=summary)
    escalations_close_by_key(key=rules.police_key(incident.pk), by=by, outcome=summary)
    return incident


@transaction.atomic
def incident_share_account(*, incident: Incident, by: Professional, reason: str) -> Incident:
    """The manager's decision to share the worker's own account beyond the recording agency."""
    family_require_write(professional=by, family=incident.family, purpose="share a worker's account")
    if not may_share_account(incident=incident, professional=by):
        raise PermissionDenied(_("Only a manager of the recording agency can decide to share the worker's account."))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the account is being shared")})
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.account_shared_at is not None:
        raise ValidationError({"reason": _("The account has already been shared")})
    incident.account_shared_at = timezone.now()
    incident.account_shared_by = by
    incident.account_share_reason = reason.strip()
    incident.save(update_fields=["account_shared_at", "account_shared_by", "account_share_reason"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=incident, family=incident.family,
                 summary=Text(gettext_noop("Shared the worker's account with the involved agencies")), reason=reason.strip())
    chronology_record(
        family=incident.family, kind=EntryKind.DECISION, occurred_at=incident.account_shared_at, by=by,
        source=incident, summary=Text(gettext_noop("%(name)s decided to share the worker's account of the incident of %(when)s with "
                                   "the involved agencies")) % {"name": by, "when": incident.occurred_at},
    )
    return incident


@transaction.atomic
def affected_worker_update_own(*, affected: AffectedWorker, by: Professional, support_taken_up: Iterable[str],
                               impact: str) -> AffectedWorker:
    """The worker's own record of the support they took up and the impact on them (004 §5.3)."""
    if affected.professional_id != by.pk:
        raise PermissionDenied(_("Only the worker can record the impact on them."))
    affected = AffectedWorker.objects.select_for_update().get(pk=affected.pk)
    affected.support_taken_up = _validate_choices(support_taken_up, Support.values, "support_taken_up",
                                                  _("Select support from the list"))
    affected.impact = impact.strip()
    affected.impact_recorded_at = timezone.now() if affected.impact else None
    affected.save(update_fields=["support_taken_up", "impact", "impact_recorded_at"])
    # The audit row says that it changed, never what it says.
    audit_record(actor=by, action=AuditAction.UPDATE, obj=affected, family=affected.incident.family,
                 summary=Text(gettext_noop("Recorded support taken up and impact after an incident")))
    return affected


@transaction.atomic
def affected_worker_follow_up(*, affected: AffectedWorker, by: Professional, support_offered: Iterable[str],
                              note: str) -> AffectedWorker:
    """The manager's violence-at-work follow-up (ESC-4, SAF-4): support offered, and the ESC-4 action closed."""
    if not may_follow_up(affected=affected, professional=by):
        raise PermissionDenied(_("Only the worker's manager records the follow-up."))
    if not note.strip():
        raise ValidationError({"note": _("Enter what was discussed and agreed")})
    affected = AffectedWorker.objects.select_for_update(of=("self",)).select_related("incident__family").get(
        pk=affected.pk)
    affected.support_offered = _validate_choices(support_offered, Support.values, "support_offered",
                                                 _("Select support from the list"))
    affected.follow_up_by = by
    affected.follow_up_at = timezone.now()
    affected.follow_up_note = note.strip()
    affected.save(update_fields=["support_offered", "follow_up_by", "follow_up_at", "follow_up_note"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=affected, family=affected.incident.family,
                 summary=Text(gettext_noop("Recorded the violence-at-work follow-up")))
    # The escalation's outcome reaches the family's chronology: a fixed sentence, never the manager's note.
    escalations_close_by_key(key=rules.follow_up_key(affected.incident_id, affected.professional_id), by=by,
                             outcome=Text(gettext_noop("Violence-at-work follow-up completed by the manager")))
    return affected
