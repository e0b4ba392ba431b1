"""Reads of meetings, minutes and plans, with the access rule inside (P-4).

- A meeting is read by whoever may read its family (`family_get_for`): the involved agencies' staff, emergency
  access, and invited specialists who have accepted its confidentiality terms while the meeting is open (MTG-6,
  through `specialist_family_access` registered in `EXTRA_ACCESS`). A specialist who has not yet accepted is
  asked to, and sees nothing else.
- Draft minutes are read only by the meeting's chair, minute-taker and caller; circulated minutes by whoever may
  read the family and by everyone they were circulated to (MTG-4): the attendees, including specialists whose
  access to the family has ended, and the Board chair, for whom they are the only identifiable data.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.purposes import purpose_text
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, choice_label
from doorstep.core.access import families_visible_to, family_get_for, family_is_visible_to, family_require_write
from doorstep.escalations.models import ACTIVE_STATES, Escalation, EscalationState
from doorstep.escalations.services import rule_settings
from doorstep.families.models import ChildStatus, Family, Involvement, Person

from .models import (
    OPEN_STATES,
    AgencyRole,
    Invitation,
    InvitationEmail,
    Meeting,
    MeetingKind,
    MeetingState,
    Minutes,
    MinutesRecipient,
    MinutesState,
    Outcome,
    PlanAction,
    RecipientKind,
    Response,
)
from .rules import MEETING_ESCALATION_RULES, Caller, timescale


class ConfidentialityRequired(Exception):
    """An invited specialist must accept the confidentiality terms before seeing anything (MTG-6)."""

    def __init__(self, invitation: Invitation):
        super().__init__("Confidentiality terms not yet accepted")
        self.invitation = invitation


def specialist_family_access(professional) -> Q | None:
    """EXTRA_ACCESS (P-4, MTG-6): a specialist from an agency not involved with the family sees it while they hold
    an invitation, with the confidentiality terms accepted and not declined, to a meeting of the family that is
    still open. When the minutes are circulated or the meeting is cancelled, the access ends."""
    if not getattr(professional, "pk", None):
        return None
    invited = Invitation.objects.filter(
        meeting__family=OuterRef("pk"), invitee_id=professional.pk, is_specialist=True,
        confidentiality_accepted_at__isnull=False, meeting__state__in=OPEN_STATES,
    ).exclude(response=Response.DECLINED)
    return Q(Exists(invited))


def meeting_timescales(*, family) -> dict[str, int]:
    """MTG-2: each kind's usual timescale in working days, as the administrator of the family's partnership set it
    (ESC-12, issue 21)."""
    params = rule_settings("MTG-2", family.partnership_id)[1]
    return {kind: timescale(kind, params) for kind in MeetingKind.values}


def caller_facts(*, professional, family) -> Caller:
    involved = bool(professional.agency_id) and Involvement.objects.filter(
        family=family, agency_id=professional.agency_id, ended_on__isnull=True).exists()
    return Caller(
        works_with_families=professional.works_with_families,
        agency_kind=professional.agency.kind if professional.agency_id else None,
        is_designated_postholder=professional.is_designated_postholder,
        is_manager=professional.is_manager,
        agency_involved=involved,
    )


def may_manage(professional, meeting: Meeting) -> bool:
    """The calling agency chairs and minutes the meeting (MTG-2): its chair, minute-taker and caller run it."""
    return professional.pk in (meeting.chair_id, meeting.minute_taker_id, meeting.called_by_id)


def _denied(professional, object_type: str, object_id, purpose: str):
    if getattr(professional, "is_authenticated", False):
        audit_record(actor=professional, action=AuditAction.DENIED, object_type=object_type,
                     object_id=str(object_id),
                     summary=Text(gettext_noop("Refused: %(purpose)s")) % {"purpose": purpose_text(purpose)})
    raise Http404("Not found")


def _meeting_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related(
        "family", "calling_agency", "chair", "chair__agency", "minute_taker", "called_by", "escalation",
        "review_of",
    )


def meeting_get_for(*, professional, meeting_id: int, purpose: str = "meeting") -> Meeting:
    """The meeting if the professional may read it (audited); raises ConfidentialityRequired for an invited
    specialist who has not accepted the terms, and Http404 (audited) otherwise."""
    meeting = _meeting_queryset().filter(pk=meeting_id).first()
    if meeting is None or not getattr(professional, "works_with_families", False):
        _denied(professional, "meetings.Meeting", meeting_id, purpose)
    if family_is_visible_to(professional=professional, family_id=meeting.family_id):
        family_get_for(professional=professional, family_id=meeting.family_id, purpose=purpose)
        return meeting
    invitation = Invitation.objects.filter(meeting=meeting, invitee=professional).first()
    if invitation is not None and invitation.needs_confidentiality and meeting.is_open \
            and invitation.response != Response.DECLINED:
        raise ConfidentialityRequired(invitation)
    _denied(professional, "meetings.Meeting", meeting_id, purpose)


def meeting_manage_for(*, professional, meeting_id: int, purpose: str) -> Meeting:
    """The meeting for its chair, minute-taker or caller; PermissionDenied for other readers, and for anyone whose
    only access to the family is emergency access, which is read-only (issue 13)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    meeting = meeting_get_for(professional=professional, meeting_id=meeting_id, purpose=purpose)
    if not may_manage(professional, meeting):
        raise PermissionDenied(_("Only the meeting's chair and minute-taker can do this (MTG-2: the calling agency "
                                 "chairs and minutes the meeting)."))
    family_require_write(professional=professional, family=meeting.family, purpose=purpose)
    return meeting


def invitation_for_invitee(*, professional, invitation_id: int, purpose: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("meeting", "meeting__family", "meeting__calling_agency", "meeting__chair",
                                          "agency")
        .filter(pk=invitation_id, invitee_id=getattr(professional, "pk", None)).first()
    )
    if invitation is None:
        _denied(professional, "meetings.Invitation", invitation_id, purpose)
    audit_record(actor=professional, action=AuditAction.VIEW, obj=invitation, summary=purpose_text(purpose))
    return invitation


@dataclass
class MinutesAccess:
    minutes: Minutes
    meeting: Meeting
    reason: str  # why this person may read them: "family", "recipient", "manager"


def minutes_get_for(*, professional, meeting_id: int, purpose: str = "minutes") -> MinutesAccess:
    meeting = _meeting_queryset().filter(pk=meeting_id).first()
    minutes = Minutes.objects.filter(meeting_id=meeting_id).first() if meeting else None
    if minutes is None or not getattr(professional, "is_authenticated", False):
        _denied(professional, "meetings.Minutes", meeting_id, purpose)
    minutes.meeting = meeting
    if minutes.state == MinutesState.CIRCULATED:
        if professional.works_with_families and family_is_visible_to(professional=professional,
                                                                     family_id=meeting.family_id):
            family_get_for(professional=professional, family_id=meeting.family_id, purpose=purpose)
            return MinutesAccess(minutes, meeting, "family")
        sent = MinutesRecipient.objects.filter(minutes=minutes, recipient=professional).first()
        if sent is not None and sent.kind == RecipientKind.BOARD_CHAIR and not \
                professional.chaired_partnerships.filter(pk=meeting.family.partnership_id).exists():
            # Issue 21: a Board chair reads the minutes of their own partnership's families only (one they no longer
            # chair is refused, though a copy was sent to them then).
            sent = None
        if sent is not None:
            # MTG-4: a copy was sent to them (an attendee, or the Board chair): they read it, and only it.
            audit_record(actor=professional, action=AuditAction.VIEW, obj=minutes, family=meeting.family,
                         summary=purpose_text(purpose),
                         reason=Text(gettext_noop("Circulated to them (%(kind)s), MTG-4"),
                                     {"kind": choice_label(sent, "kind")}))
            return MinutesAccess(minutes, meeting, "recipient")
    elif professional.works_with_families and may_manage(professional, meeting) and family_is_visible_to(
            professional=professional, family_id=meeting.family_id):
        family_get_for(professional=professional, family_id=meeting.family_id, purpose=purpose)
        return MinutesAccess(minutes, meeting, "manager")
    _denied(professional, "meetings.Minutes", meeting_id, purpose)


def minutes_detail(*, minutes: Minutes) -> dict:
    """Everything the minutes page and PDF show, in a fixed number of queries."""
    meeting = minutes.meeting
    invitations = list(meeting.invitations.select_related("invitee", "agency").order_by("agency__name", "id"))
    roles = list(AgencyRole.objects.filter(minutes=minutes).select_related("agency"))
    actions = list(PlanAction.objects.filter(minutes=minutes).select_related("agency", "owner", "escalation"))
    attended = [i for i in invitations if i.attended]
    recipients = list(MinutesRecipient.objects.filter(minutes=minutes).select_related("recipient", "agency"))
    return {
        "recipients": recipients,
        "minutes": minutes,
        "meeting": meeting,
        "invitations": invitations,
        "attended": attended,
        "apologies": [i for i in invitations if i.attended is False],
        "roles": roles,
        "actions": actions,
    }


def attending_agencies(*, meeting: Meeting) -> list:
    seen, agencies = set(), []
    for inv in meeting.invitations.filter(attended=True).select_related("agency").order_by("agency__name"):
        if inv.agency_id not in seen:
            seen.add(inv.agency_id)
            agencies.append(inv.agency)
    return agencies


def meeting_page(*, meeting: Meeting) -> dict:
    invitations = list(
        meeting.invitations.select_related("invitee", "agency").prefetch_related(
            Prefetch("emails", queryset=InvitationEmail.objects.select_related("notification")
                     .order_by("-created_at", "-id"), to_attr="email_rows"))
        .order_by("agency__name", "invitee__last_name", "id")
    )
    minutes = Minutes.objects.filter(meeting=meeting).first()
    return {
        "meeting": meeting,
        "invitations": invitations,
        "minutes": minutes,
        "reviews": list(meeting.reviews.order_by("-starts_at")),
    }


def meetings_for_family(*, family: Family) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(family=family)
        .select_related("calling_agency", "chair", "minutes")
        .order_by("-starts_at", "-id")
    )


def plan_action_get_for(*, professional, action_id: int, purpose: str = "plan action") -> PlanAction:
    """The owner always reads their own action; others read it while they may read the family, once circulated."""
    action = (
        PlanAction.objects.select_related("minutes", "minutes__meeting", "minutes__meeting__chair", "family",
                                          "agency", "owner", "owner__line_manager", "escalation")
        .filter(pk=action_id).first()
    )
    if action is None or not getattr(professional, "works_with_families", False):
        _denied(professional, "meetings.PlanAction", action_id, purpose)
    if action.owner_id == professional.pk and action.minutes.state == MinutesState.CIRCULATED:
        audit_record(actor=professional, action=AuditAction.VIEW, obj=action, family=action.family, summary=purpose_text(purpose),
                     reason=Text(gettext_noop("Their own plan action (MTG-3)")))
        return action
    if action.minutes.state == MinutesState.CIRCULATED and family_is_visible_to(professional=professional,
                                                                                 family_id=action.family_id):
        family_get_for(professional=professional, family_id=action.family_id, purpose=purpose)
        return action
    _denied(professional, "meetings.PlanAction", action_id, purpose)


def may_update_action(professional, action: PlanAction) -> bool:
    """The owner, the owner's line manager (ORG-3) and the meeting's chair update a plan action."""
    return professional.pk in (action.owner_id, action.owner.line_manager_id, action.minutes.meeting.chair_id)


def plan_actions_for_owner(*, professional, open_only: bool = True) -> QuerySet[PlanAction]:
    qs = PlanAction.objects.filter(owner_id=professional.pk, minutes__state=MinutesState.CIRCULATED)
    if open_only:
        qs = qs.filter(escalation__state__in=ACTIVE_STATES)
    return qs.select_related("family", "agency", "escalation", "minutes__meeting").order_by("due_date", "id")


def my_meetings(*, professional) -> dict:
    """The "Meetings" page: invitations, meetings to run, and plan actions owned."""
    invitations = list(
        Invitation.objects.filter(invitee=professional, meeting__state__in=OPEN_STATES)
        .select_related("meeting", "meeting__family", "meeting__calling_agency")
        .order_by("meeting__starts_at")
    )
    running = list(
        Meeting.objects.filter(Q(chair=professional) | Q(minute_taker=professional) | Q(called_by=professional),
                               state__in=OPEN_STATES)
        .select_related("family", "minutes").order_by("starts_at")
    )
    return {
        "invitations": invitations,
        "running": running,
        "actions": list(plan_actions_for_owner(professional=professional)),
        # MTG-4: the minutes circulated to them, including those of meetings whose family they no longer see.
        "received": list(minutes_sent_to(professional=professional)[:10]),
    }


def family_plan_panel(*, family: Family) -> dict:
    """The case file's "Meetings and the plan" panel: four queries, whatever the family's size.

    The current plan is the one in the most recently circulated minutes; its actions show who owns what."""
    current = (
        Minutes.objects.filter(meeting__family=family, state=MinutesState.CIRCULATED)
        .select_related("meeting", "meeting__calling_agency", "meeting__chair")
        .order_by("-meeting__held_on", "-circulated_at").first()
    )
    actions = list(
        PlanAction.objects.filter(minutes=current).select_related("agency", "owner", "escalation")
    ) if current else []
    open_meetings = list(
        Meeting.objects.filter(family=family, state__in=OPEN_STATES)
        .select_related("calling_agency", "minutes").order_by("starts_at")
    )
    asking = list(
        Escalation.objects.filter(family=family, rule_id__in=MEETING_ESCALATION_RULES, state__in=ACTIVE_STATES)
        .annotate(open_meetings=Count("meetings", filter=Q(meetings__state__in=OPEN_STATES)))
        .order_by("deadline")
    )
    return {"current": current, "actions": actions, "open_meetings": open_meetings,
            "asking": [e for e in asking if not e.open_meetings]}


def child_on_plan(*, family: Family) -> bool:
    return Person.objects.filter(family=family, child_status=ChildStatus.CHILD_PROTECTION).exists()


def minutes_sent_to(*, professional) -> QuerySet[MinutesRecipient]:
    """The minutes copied to this person (MTG-4). A Board chair's: of the families of the partnerships they chair only
    (issue 21), whatever was sent before."""
    sent = MinutesRecipient.objects.filter(recipient=professional)
    if getattr(professional, "is_board_chair", False):
        sent = sent.filter(minutes__meeting__family__partnership__in=professional.chaired_partnerships.values("pk"))
    return (
        sent
        .select_related("minutes", "minutes__meeting", "minutes__meeting__family", "minutes__meeting__calling_agency")
        .order_by("-sent_at", "-id")
    )


def board_figures(*, since: date, until: date, partnerships: QuerySet) -> dict:
    """MARP activity for the Board (OVR-2, MTG-4): meetings called, held, minutes circulated on time or late,
    outcomes, plans and plan actions, by kind of meeting. Counts only: nothing identifiable. Fixed queries. Issue 21:
    of the families of `partnerships` only (the Board chair's, partnerships/selectors.partnerships_reporting_to)."""
    ours = partnerships.values("pk")
    now = timezone.now()
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until, datetime.max.time()))
    called = Meeting.objects.filter(called_at__range=(start, end), family__partnership__in=ours)
    rows = {
        r["kind"]: r for r in called.order_by().values("kind").annotate(
            called=Count("id"),
            held=Count("id", filter=Q(state__in=[MeetingState.HELD, MeetingState.CLOSED])),
            cancelled=Count("id", filter=Q(state=MeetingState.CANCELLED)),
            on_time=Count("id", filter=Q(minutes__state=MinutesState.CIRCULATED,
                                         minutes__circulated_at__lte=F("minutes__circulate_by"))),
            late=Count("id", filter=Q(minutes__state=MinutesState.CIRCULATED,
                                      minutes__circulated_at__gt=F("minutes__circulate_by"))),
            awaiting=Count("id", filter=Q(state=MeetingState.HELD)),
            overdue=Count("id", filter=Q(state=MeetingState.HELD, minutes__circulate_by__lt=now)),
            no_plan=Count("id", filter=Q(minutes__state=MinutesState.CIRCULATED, minutes__plan_agreed=False)),
        )
    }
    by_kind = [dict(rows[k], label=label) for k, label in MeetingKind.choices if k in rows]
    marp = rows.get(MeetingKind.MARP, {})
    outcomes = {
        r["minutes__outcome"]: r["n"]
        for r in called.filter(kind=MeetingKind.MARP, minutes__state=MinutesState.CIRCULATED)
        .values("minutes__outcome").annotate(n=Count("id")).order_by()
    }
    by_agency = list(
        called.filter(kind=MeetingKind.MARP).values("calling_agency__kind").annotate(n=Count("id"))
        .order_by("calling_agency__kind")
    )
    actions = PlanAction.objects.filter(minutes__meeting__kind=MeetingKind.MARP, minutes__meeting__called_at__range=(
        start, end), minutes__state=MinutesState.CIRCULATED, minutes__meeting__family__partnership__in=ours).aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(escalation__state=EscalationState.DONE)),
        overdue=Count("id", filter=Q(escalation__state__in=ACTIVE_STATES, escalation__deadline__lt=now)),
    )
    from doorstep.agencies.models import AgencyKind

    kind_labels = dict(AgencyKind.choices)
    return {
        "since": since,
        "until": until,
        "marp": {k: marp.get(k, 0) for k in ("called", "held", "cancelled", "on_time", "late", "awaiting", "overdue",
                                             "no_plan")},
        "outcomes": [{"label": label, "n": outcomes.get(k, 0)} for k, label in Outcome.choices],
        "by_agency": [{"label": kind_labels.get(r["calling_agency__kind"], r["calling_agency__kind"]), "n": r["n"]}
                      for r in by_agency],
        "by_kind": by_kind,
        "actions": actions,
        "board_copies": MinutesRecipient.objects.filter(
            kind=RecipientKind.BOARD_CHAIR, sent_at__range=(start, end),
            minutes__meeting__family__partnership__in=ours).values("minutes").distinct().count(),
    }


def meetings_visible_to(*, professional) -> QuerySet[Meeting]:
    """For the API list: meetings of the families the professional may read."""
    if not getattr(professional, "works_with_families", False):
        return Meeting.objects.none()
    return _meeting_queryset().filter(family__in=families_visible_to(professional=professional))


def escalation_for_meeting(*, professional, escalation_id: int) -> Escalation:
    """An active escalation that asks for a meeting, about a family the professional may read."""
    escalation = Escalation.objects.select_related("family").filter(
        pk=escalation_id, rule_id__in=MEETING_ESCALATION_RULES, state__in=ACTIVE_STATES, family__isnull=False,
    ).first()
    if escalation is None or not family_is_visible_to(professional=professional, family_id=escalation.family_id):
        _denied(professional, "escalations.Escalation", escalation_id, "call a meeting from an escalation")
    return escalation
