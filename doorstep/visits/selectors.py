"""Reads of visits, with the access rules inside (P-4):

- a visit plan is the worker's and their agency's safety record: the worker and the managers of their agency read it;
  so do the people its alarm has alerted;
- the emergency card (with the contact number and vehicle) only for the people on the chain, and only while an
  escalation is running; every opening is audited, and so is every refusal;
- what the record knows for the risk assessment (SAF-1) comes from readers the planner was already allowed
  (`family_get_for`).
"""

import re
from collections import defaultdict
from datetime import timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import AgencyKind
from doorstep.audit.models import AuditAction
from doorstep.audit.purposes import purpose_text
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to
from doorstep.engagement.models import Behaviour, Contact, ThreatKind
from doorstep.families.models import Involvement, Person
from doorstep.incidents.models import AffectedWorker, Incident
from doorstep.markers.models import MarkerCategory
from doorstep.markers.selectors import markers_shown_for_family

from .models import OPEN_STATUSES, ChainStep, RiskFactor, Visit, VisitAlert, VisitEvent, VisitStatus

VIOLENT_MARKERS = {MarkerCategory.VIOLENCE, MarkerCategory.THREATS, MarkerCategory.WEAPONS, MarkerCategory.HARASSMENT}
# What in the record's own words suggests drink or drugs, or mental illness (English and Welsh).
DRINK_OR_DRUGS_WORDS = re.compile(
    r"\b(alcohol\w*|drunk|drink(?:ing|s)?|drugs?|substance|cannabis|heroin|cocaine|diod|meddw|cyffur\w*)\b", re.I)
MENTAL_ILLNESS_WORDS = re.compile(
    r"\b(mental (?:health|illness)|psychosis|psychotic|schizophreni\w*|bipolar|personality disorder|"
    r"iechyd meddwl|salwch meddwl)\b", re.I)
CONTACT_LOOKBACK_DAYS = 730


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y")


def risk_suggestions(*, family, professional) -> dict:
    """SAF-1: what Doorstep already knows, as suggested risk factors with the reason for each, and the agencies the
    family is known to (003 §5.4). A fixed number of queries, whatever the family's size."""
    found: dict[str, list[str]] = defaultdict(list)
    for m in markers_shown_for_family(family=family, professional=professional):
        subject = str(m.person) if m.person_id else _("the address")
        text = _("Warning marker: %(category)s (%(subject)s). Advice for visitors: %(advice)s") % {
            "category": m.get_category_display(), "subject": subject, "advice": m.advice}
        found[RiskFactor.WARNING_MARKERS].append(text)
        if m.category == MarkerCategory.ANIMALS:
            found[RiskFactor.ANIMALS].append(text)
        if m.category in VIOLENT_MARKERS:
            found[RiskFactor.VIOLENCE].append(text)
        if m.category == MarkerCategory.SEXUAL_RISK:
            found[RiskFactor.GENDER].append(text)
        if not m.redacted and DRINK_OR_DRUGS_WORDS.search(m.nature):
            found[RiskFactor.DRINK_OR_DRUGS].append(text)
    incidents = list(Incident.objects.filter(family=family).order_by("-occurred_at")
                     .values("pk", "occurred_at", "threats", "agency__name")[:20])
    labels = dict(ThreatKind.choices)
    for i in incidents:
        text = _("Incident on %(date)s recorded by %(agency)s: %(kinds)s") % {
            "date": _when(i["occurred_at"]), "agency": i["agency__name"],
            "kinds": "; ".join(str(labels.get(t, t)) for t in i["threats"])}
        found[RiskFactor.VIOLENCE].append(text)
        if ThreatKind.ANIMALS in i["threats"]:
            found[RiskFactor.ANIMALS].append(text)
        if ThreatKind.SEXUAL in i["threats"]:
            found[RiskFactor.GENDER].append(text)
    mine = list(AffectedWorker.objects.filter(professional=professional, incident__family=family)
                .values_list("incident__occurred_at", flat=True)[:5])
    for at in mine:
        found[RiskFactor.WORKER_ANXIOUS].append(_("You were affected by an incident with this family on %(date)s")
                                                % {"date": _when(at)})
    since = timezone.now() - timedelta(days=CONTACT_LOOKBACK_DAYS)
    contacts = Contact.objects.filter(family=family, entered_in_error=False, occurred_at__gte=since).order_by(
        "-occurred_at").values("occurred_at", "threats", "behaviours", "agency__name")[:200]
    for c in contacts:
        if c["threats"] or Behaviour.VIOLENCE in c["behaviours"]:
            found[RiskFactor.VIOLENCE].append(_("Threatening behaviour recorded at a contact on %(date)s by "
                                                "%(agency)s") % {"date": _when(c["occurred_at"]),
                                                                 "agency": c["agency__name"]})
            if ThreatKind.ANIMALS in c["threats"]:
                found[RiskFactor.ANIMALS].append(_("Dogs or other animals used as a threat at a contact on %(date)s")
                                                 % {"date": _when(c["occurred_at"])})
    involvements = list(Involvement.objects.filter(family=family, ended_on__isnull=True).select_related("agency")
                        .order_by("agency__name"))
    for inv in involvements:
        if inv.agency.kind == AgencyKind.MENTAL_HEALTH:
            found[RiskFactor.MENTAL_ILLNESS].append(_("A mental health service is involved: %(agency)s")
                                                    % {"agency": inv.agency.name})
    texts = [(_("the family's summary"), family.summary)]
    texts += [(_("%(person)s's needs") % {"person": p}, p.disability)
              for p in Person.objects.filter(family=family).exclude(disability="").only("given_name", "family_name",
                                                                                          "disability")]
    for source, text in texts:
        if text and DRINK_OR_DRUGS_WORDS.search(text):
            found[RiskFactor.DRINK_OR_DRUGS].append(_("Drink or drugs are mentioned in %(source)s") % {"source": source})
        if text and MENTAL_ILLNESS_WORDS.search(text):
            found[RiskFactor.MENTAL_ILLNESS].append(_("Mental health is mentioned in %(source)s") % {"source": source})
    # Each reason once, in a stable order.
    suggestions = {f: list(dict.fromkeys(found[f])) for f in RiskFactor.values if found.get(f)}
    return {"factors": suggestions, "known_to": [inv.agency.name for inv in involvements]}


def recent_incidents(*, family, limit: int = 5) -> list[Incident]:
    return list(Incident.objects.filter(family=family).select_related("agency").order_by("-occurred_at", "-id")[:limit])


# Who may read what.

def may_manage(*, visit: Visit, professional) -> bool:
    """A manager of the worker's agency: agrees plans, reads them, sees the board."""
    return bool(getattr(professional, "is_authenticated", False) and professional.works_with_families
                and professional.is_manager and professional.agency_id == visit.agency_id)


def may_decide(*, visit: Visit, professional) -> bool:
    return (visit.status == VisitStatus.AWAITING_AGREEMENT and may_manage(visit=visit, professional=professional)
            and professional.pk != visit.worker_id)


def on_chain(*, visit: Visit, professional, current_round: bool = True) -> bool:
    """Someone an alert of this visit has gone to (not the worker's own reminder)."""
    if not getattr(professional, "is_authenticated", False):
        return False
    alerts = VisitAlert.objects.filter(visit=visit, recipients=professional).exclude(step=ChainStep.REMINDER)
    if current_round:
        alerts = alerts.filter(round=visit.alarm_round)
    return alerts.exists()


def may_read(*, visit: Visit, professional) -> bool:
    if not getattr(professional, "is_authenticated", False):
        return False
    return (professional.pk == visit.worker_id or may_manage(visit=visit, professional=professional)
            or on_chain(visit=visit, professional=professional, current_round=False))


def _queryset() -> QuerySet[Visit]:
    return Visit.objects.select_related("family", "worker", "worker__agency", "worker__team", "agency", "address",
                                        "decided_by", "ended_by", "acknowledged_by")


def _refuse(professional, visit_id, purpose: str):
    if getattr(professional, "is_authenticated", False):
        audit_record(actor=professional, action=AuditAction.DENIED, object_type="visits.Visit",
                     object_id=str(visit_id),
                     summary=Text(gettext_noop("Refused: %(purpose)s")) % {"purpose": purpose_text(purpose)})
    raise Http404("No visit found")


def visit_get_for(*, professional, visit_id: int, purpose: str = "visit plan") -> Visit:
    """The visit if the professional may read it (audited, with its family), otherwise a 404 (audited refusal)."""
    visit = _queryset().filter(pk=visit_id).first()
    if visit is None or not may_read(visit=visit, professional=professional):
        _refuse(professional, visit_id, purpose)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=visit, family=visit.family, summary=purpose_text(purpose))
    return visit


def emergency_card_get_for(*, professional, visit_id: int) -> tuple[Visit, bool]:
    """SAF-3: the emergency card, for the people on the chain only. Returns (visit, live): `live` is whether the
    escalation is running now, the only time its contact number and vehicle are shown. Audited either way."""
    visit = _queryset().filter(pk=visit_id).first()
    if visit is None or not on_chain(visit=visit, professional=professional, current_round=False):
        _refuse(professional, visit_id, "emergency card")
    live = visit.escalation_started and on_chain(visit=visit, professional=professional)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=visit, family=visit.family,
                 summary=Text(gettext_noop("Emergency card")) if live
                 else Text(gettext_noop("Emergency card (alarm over)")))
    return visit, live


def visit_record(*, visit: Visit) -> dict:
    """The visit's events and alerts, for the record and the card: three queries."""
    events = list(VisitEvent.objects.filter(visit=visit).select_related("by"))
    alerts = list(VisitAlert.objects.filter(visit=visit).select_related("acknowledged_by")
                  .prefetch_related("recipients").order_by("fired_at", "id"))
    return {"events": events, "alerts": alerts}


def emergency_card(*, visit: Visit, professional) -> dict:
    """What the emergency card shows besides the visit: the family's markers (FLG-1) and every check-in."""
    return {"markers": markers_shown_for_family(family=visit.family, professional=professional), **visit_record(
        visit=visit)}


def visits_for_worker(*, professional, days: int = 7) -> list[Visit]:
    """The worker's own visits: open ones, and those ended or refused recently."""
    since = timezone.now() - timedelta(days=days)
    return list(_queryset().filter(worker=professional).filter(
        Q(status__in=OPEN_STATUSES) | Q(ended_at__gte=since) | Q(status=VisitStatus.REFUSED, decided_at__gte=since)
        | Q(status=VisitStatus.CANCELLED, ended_at__gte=since)
    ).annotate(live_first=Case(When(status=VisitStatus.IN_PROGRESS, then=Value(0)), default=Value(1),
                               output_field=IntegerField())).order_by("live_first", "planned_start", "id"))


def visit_live_for_worker(*, professional) -> Visit | None:
    return _queryset().filter(worker=professional, status=VisitStatus.IN_PROGRESS).first()


def visits_for_family(*, family, professional, limit: int = 5) -> list[Visit]:
    """The case file's visits panel: the reader's own visits to this family, and for a manager their agency's
    (P-4: a plan is its agency's safety record)."""
    if not professional.works_with_families:
        return []
    visits = _queryset().filter(family=family, agency_id=professional.agency_id)
    if not professional.is_manager:
        visits = visits.filter(worker=professional)
    return list(visits.order_by("-planned_start", "-id")[:limit])


def visits_awaiting_agreement(*, manager) -> QuerySet[Visit]:
    """The manager's queue (003 §5.3, 002 §9.5): plans of their agency's staff that need a manager's agreement, their
    own staff's first."""
    if not (manager.works_with_families and manager.is_manager):
        return Visit.objects.none()
    return (_queryset().filter(status=VisitStatus.AWAITING_AGREEMENT, agency_id=manager.agency_id)
            .exclude(worker=manager)
            .annotate(mine=Case(When(worker__line_manager=manager, then=Value(0)), default=Value(1),
                                output_field=IntegerField()))
            .order_by("mine", "planned_start", "id"))


def visits_board(*, manager, now=None) -> list[Visit]:
    """"Out on visits now" (SAF-3, 004 §6.2): the agency's live visits, alarms first, then the visits planned for
    today. Family names only where the manager may read the family."""
    if not (manager.works_with_families and manager.is_manager):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    visits = list(_queryset().filter(agency_id=manager.agency_id).filter(
        Q(status=VisitStatus.IN_PROGRESS) | Q(status=VisitStatus.READY, planned_start__date=today)))
    visible = set(families_visible_to(professional=manager).filter(pk__in={v.family_id for v in visits})
                  .values_list("pk", flat=True))
    for v in visits:
        v.family_visible = v.family_id in visible
        v.state = visit_state(v, now=now)
    return sorted(visits, key=lambda v: (-v.state["urgency"], v.expected_back or v.planned_start, v.pk))


def visits_out_now_count(*, manager) -> int:
    """How many of the manager's agency's staff are out on a visit now (SAF-3; the home page's counter, issue 18)."""
    if not (manager.works_with_families and manager.is_manager):
        return 0
    return Visit.objects.filter(agency_id=manager.agency_id, status=VisitStatus.IN_PROGRESS).count()


def visit_state(visit: Visit, *, now=None, for_worker: bool = False) -> dict:
    """How a visit stands, for the board, the worker's page and the API: a label, a GOV.UK tag colour and an
    urgency (higher is more urgent). `for_worker`: the worker's own pages, where a discreet alarm looks like an
    ordinary check-out (issue 18)."""
    now = now or timezone.now()
    if for_worker and visit.shows_as_checked_out:
        return {"code": VisitStatus.COMPLETED, "label": _("Completed"), "colour": "green", "urgency": 0,
                "acknowledged_by": None}
    labels = {
        VisitStatus.AWAITING_AGREEMENT: (_("Awaiting agreement"), "yellow", 0),
        VisitStatus.REFUSED: (_("Not agreed"), "red", 0),
        VisitStatus.READY: (_("Planned"), "grey", 0),
        VisitStatus.COMPLETED: (_("Completed"), "green", 0),
        VisitStatus.CANCELLED: (_("Cancelled"), "grey", 0),
    }
    if visit.status != VisitStatus.IN_PROGRESS:
        label, colour, urgency = labels[visit.status]
        return {"code": visit.status, "label": label, "colour": colour, "urgency": urgency, "acknowledged_by": None}
    step = visit.alarm_step
    if step == ChainStep.HELP and visit.duress_at:
        state = ("help", _("Discreet alarm"), "red", 6)
    elif step == ChainStep.HELP:
        state = ("help", _("Help requested"), "red", 6)
    elif step == ChainStep.EMERGENCY:
        state = ("emergency", _("Emergency procedure"), "red", 5)
    elif step == ChainStep.DUTY_MANAGER:
        state = ("duty_manager", _("Overdue: duty manager alerted"), "red", 4)
    elif step == ChainStep.LINE_MANAGER:
        state = ("line_manager", _("Overdue: line manager alerted"), "orange", 3)
    elif visit.expected_back and now >= visit.expected_back:
        state = ("overdue", _("Overdue: reminder sent") if step == ChainStep.REMINDER else _("Due back now"),
                 "yellow", 2)
    else:
        state = ("on_visit", _("On the visit"), "green", 1)
    acknowledged = visit.acknowledged_by if (visit.acknowledged_at and visit.escalated_at) else None
    return {"code": state[0], "label": state[1], "colour": state[2], "urgency": state[3],
            "acknowledged_by": acknowledged}


def alarms_for(*, professional) -> list[Visit]:
    """Live alarms this person is on the chain of (for their home page): the current round only."""
    if not getattr(professional, "works_with_families", False):
        return []
    ids = VisitAlert.objects.filter(recipients=professional).exclude(step=ChainStep.REMINDER).values("visit_id")
    visits = [v for v in _queryset().filter(pk__in=ids, status=VisitStatus.IN_PROGRESS, escalated_at__isnull=False)
              if v.worker_id != professional.pk]
    current = set(VisitAlert.objects.filter(recipients=professional, visit__in=visits).exclude(
        step=ChainStep.REMINDER).values_list("visit_id", "round"))
    return [v for v in visits if (v.pk, v.alarm_round) in current]


def own_visit_get(*, professional, visit_id: int, purpose: str = "out on a visit") -> Visit:
    """The worker's own visit (the out-on-a-visit page and its check-ins): nobody else's."""
    visit = _queryset().filter(pk=visit_id).first()
    if visit is None or not getattr(professional, "is_authenticated", False) or visit.worker_id != professional.pk:
        _refuse(professional, visit_id, purpose)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=visit, family=visit.family, summary=purpose_text(purpose))
    return visit


def help_alarm(*, visit: Visit) -> dict:
    """Issue 18 (SAF-3, SAF-4): what the worker sees after "I need help now": who has been alerted and when, who
    has acknowledged, and whom to phone (the line manager). Three queries, whatever the chain's length."""
    alerts = list(VisitAlert.objects.filter(visit=visit, round=visit.alarm_round).exclude(step=ChainStep.REMINDER)
                  .select_related("acknowledged_by").prefetch_related("recipients"))
    return {"alerts": alerts, "call": managers_to_call(visit=visit)}


def managers_to_call(*, visit: Visit) -> list:
    """The worker's line managers with a phone number: whom the visit page offers to call (tel: links) after "I need
    help now", and while a press waits on the phone for signal (issue 18). One query."""
    from doorstep.incidents.selectors import managers_of

    return [m for m in managers_of(visit.worker) if m.phone]
