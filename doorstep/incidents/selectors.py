"""Reads of incidents, with the access rules inside (P-4):

- an incident is read by whoever may read its family (`family_get_for`, audited);
- the worker's own account only by the recording agency and the affected professionals, until a manager of the
  recording agency shares it (`account_visible_to`);
- an affected professional's support and impact only by them and their manager (`affected_worker_get_for`).
"""

from datetime import timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from doorstep.agencies.models import AgencyKind, Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to, family_get_for
from doorstep.families.models import Involvement

from .models import AffectedWorker, Incident

# How long an incident keeps the case file's warning banner on by itself (a warning marker keeps it longer).
RECENT_INCIDENT_DAYS = 365


def managers_of(professional) -> list[Professional]:
    """ORG-3: "the manager" is the line manager; when there is none (or they have left), the agency's duty
    managers, then any of its managers, so that an incident is never reported to nobody."""
    manager = professional.line_manager
    if manager is not None and manager.is_active and manager.pk != professional.pk:
        return [manager]
    if professional.agency_id is None:
        return []
    return agency_managers(agency_id=professional.agency_id, exclude=professional.pk)


def agency_managers(*, agency_id: int, exclude: int | None = None) -> list[Professional]:
    """The agency's duty managers, or all its managers when none is on duty."""
    managers = list(Professional.objects.filter(agency_id=agency_id, role=Role.MANAGER, is_active=True)
                    .exclude(pk=exclude).order_by("last_name", "id"))
    duty = [m for m in managers if m.is_duty_manager]
    return duty or managers


def _incident_queryset() -> QuerySet[Incident]:
    return Incident.objects.select_related(
        "family", "agency", "recorded_by", "recorded_by__agency", "address", "contact", "account_shared_by",
    ).prefetch_related(
        "people",
        Prefetch("affected", queryset=AffectedWorker.objects.select_related("professional", "professional__agency")),
    )


def incident_get_for(*, professional, incident_id: int, purpose: str = "incident", write: bool = False) -> Incident:
    """The incident if the professional may read its family (audited), otherwise a 404. With `write`, a page or
    endpoint that changes it: emergency access alone is refused (403, issue 13)."""
    family_id = Incident.objects.filter(pk=incident_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No incident found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    return _incident_queryset().get(pk=incident_id)


def incidents_for_family(*, family) -> QuerySet[Incident]:
    """Every incident of a family the caller has already been allowed to read (through family_get_for)."""
    return _incident_queryset().filter(family=family)


def incidents_visible_to(*, professional) -> QuerySet[Incident]:
    return _incident_queryset().filter(family__in=families_visible_to(professional=professional))


def account_visible_to(*, incident: Incident, professional) -> bool:
    """The worker's own account stays within the recording agency (and the professionals affected) until a
    manager of that agency decides to share it; the fact of the risk is always shared (ESC-5)."""
    if incident.account_shared_at is not None or professional.agency_id == incident.agency_id:
        return True
    return any(a.professional_id == professional.pk for a in incident.affected.all())


def may_share_account(*, incident: Incident, professional) -> bool:
    return professional.is_manager and professional.agency_id == incident.agency_id


def may_record_police(*, incident: Incident, professional) -> bool:
    """The recording agency's staff, or staff of a police force involved with the family."""
    if not professional.works_with_families:
        return False
    if professional.agency_id == incident.agency_id:
        return True
    return professional.agency.kind == AgencyKind.POLICE and Involvement.objects.filter(
        family_id=incident.family_id, agency_id=professional.agency_id, ended_on__isnull=True).exists()


def may_follow_up(*, affected: AffectedWorker, professional) -> bool:
    return any(m.pk == professional.pk for m in managers_of(affected.professional))


def affected_worker_get_for(*, professional, affected_id: int) -> AffectedWorker:
    """An affected professional's own record (support, impact): only they and their manager, and nobody else
    whatever their access to the family (004 §5.3). Others get a 404, audited as refused."""
    affected = (AffectedWorker.objects.select_related("professional", "professional__line_manager",
                                                      "incident", "incident__agency", "incident__family")
                .filter(pk=affected_id).first())
    allowed = (
        affected is not None and getattr(professional, "is_authenticated", False)
        and (affected.professional_id == professional.pk or may_follow_up(affected=affected, professional=professional))
    )
    if not allowed:
        if getattr(professional, "is_authenticated", False):
            audit_record(actor=professional, action=AuditAction.DENIED, object_type="incidents.AffectedWorker",
                         object_id=str(affected_id), summary=Text(gettext_noop("Refused: impact on a worker")))
        raise Http404("No record found")
    audit_record(actor=professional, action=AuditAction.VIEW, obj=affected, family=affected.incident.family,
                 summary=Text(gettext_noop("Support and impact after an incident")))
    return affected


def affected_for_professional(*, professional, incident: Incident) -> AffectedWorker | None:
    return next((a for a in incident.affected.all() if a.professional_id == professional.pk), None)


def incidents_recent_summary(*, family, now=None) -> dict:
    """For the case file banner: the incidents of the last RECENT_INCIDENT_DAYS, in one query."""
    now = now or timezone.now()
    rows = list(Incident.objects.filter(family=family, occurred_at__gte=now - timedelta(days=RECENT_INCIDENT_DAYS))
                .order_by("-occurred_at").values("pk", "occurred_at", "threat_to_kill", "threats"))
    return {
        "count": len(rows),
        "latest": rows[0]["occurred_at"] if rows else None,
        "threat_to_kill": any(r["threat_to_kill"] for r in rows),
        "physical_violence": any("physical_violence" in r["threats"] for r in rows),
    }


def incidents_affecting(*, professional, limit: int = 10) -> list[AffectedWorker]:
    """The professional's own recent incidents, for their home page."""
    return list(AffectedWorker.objects.filter(professional=professional)
                .select_related("incident", "incident__agency").order_by("-incident__occurred_at")[:limit])


def incidents_to_follow_up(*, manager, limit: int = 20) -> list[AffectedWorker]:
    """Incidents affecting the manager's staff that still need the violence-at-work follow-up (ESC-4)."""
    if not manager.is_manager:
        return []
    return list(AffectedWorker.objects.filter(professional__line_manager=manager, follow_up_at__isnull=True)
                .select_related("professional", "incident", "incident__agency").order_by("-incident__occurred_at")[:limit])


def contact_get_for(*, professional, contact_id: int):
    """The contact an incident is started from, if the professional may read its family (audited)."""
    from doorstep.engagement.models import Contact

    family_id = Contact.objects.filter(pk=contact_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No contact found")
    family_get_for(professional=professional, family_id=family_id, purpose="record an incident from a contact",
                   write=True)
    return Contact.objects.select_related("family").prefetch_related("adults_present").get(pk=contact_id)
