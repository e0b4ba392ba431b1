"""Demo history for the Board's report (OVR-2, issue 19): six months of the partnership's multi-agency meetings,
escalations, incidents, warning markers and supervision, so that the report has figures for the current quarter
and the one before it (the other loaders give the demo families their recent weeks; the Board looks back further).

Recorded as history, with the times they happened (like the other loaders' histories), deterministic (seeded), and
spread over the demo families and staff. Every record is closed (meetings held and minuted, escalations done or
cancelled), so nothing here becomes work for anyone today.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone, translation

from .board import quarter_of

SEED = 19


def load(region) -> None:
    from doorstep.agencies.models import Role
    from doorstep.escalations.models import Escalation, EscalationState
    from doorstep.families.models import CHILD_ROLES, Person
    from doorstep.incidents.models import Incident
    from doorstep.markers.models import MarkerCategory, MarkerEvent, MarkerStatus, WarningMarker
    from doorstep.meetings.models import Meeting, MeetingKind, MeetingState, Minutes, MinutesState, Outcome, \
        ParentsAttendance, Urgency
    from doorstep.supervision.models import CancelledBy, SessionState, SupervisionSession

    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate()
    first = quarter_of(quarter_of(today).start - timedelta(days=1)).start
    days = (today - first).days
    families = list(region.families.values())
    practitioners = [p for p in region.staff.values() if p.role == Role.PRACTITIONER and p.agency_id]
    managers = [p for p in region.staff.values() if p.role == Role.MANAGER and p.agency_id]
    tz = timezone.get_current_timezone()

    def moment(*, before: int = 1) -> datetime:
        day = first + timedelta(days=rng.randrange(max(days - before, 1)))
        return datetime.combine(day, time(9 + rng.randrange(8), rng.choice((0, 15, 30, 45))), tzinfo=tz)

    # MTG-1..MTG-9: meetings called, held (mostly in time), minuted (mostly within seven days), with outcomes.
    kinds = [MeetingKind.MARP] * 5 + [MeetingKind.PROFESSIONALS, MeetingKind.HARD_TO_ENGAGE, MeetingKind.CORE_GROUP,
                                      MeetingKind.STRATEGY, MeetingKind.REVIEW_CONFERENCE]
    # On families whose stories have no meeting of their own (the meetings demo tells MTG-1..MTG-9 on others).
    quiet = [f for f in families if not f.meetings.exists()] or families
    for __ in range(64):
        chair = rng.choice(managers)
        called = moment(before=12)
        held_at = called + timedelta(days=rng.choice((1, 2, 3, 4, 5, 6, 9)))
        staff = [p for p in practitioners if p.agency_id == chair.agency_id] or practitioners
        meeting = Meeting.objects.create(
            family=rng.choice(quiet), kind=rng.choice(kinds), called_by=chair, calling_agency=chair.agency,
            chair=chair, minute_taker=rng.choice(staff), reason="Concerns reviewed by the partnership (history).",
            urgency=Urgency.WORKING_DAYS, within_working_days=5, hold_by=called + timedelta(days=7),
            starts_at=held_at, location="Partnership offices", parents=ParentsAttendance.INVITED,
            state=MeetingState.CLOSED, called_at=called, held_on=timezone.localtime(held_at).date(),
            held_recorded_by=chair)
        circulated = min(held_at + timedelta(days=rng.choice((2, 3, 4, 5, 6, 6, 9, 12))), now - timedelta(hours=1))
        Minutes.objects.create(
            meeting=meeting, state=MinutesState.CIRCULATED, plan_agreed=True, no_dissent=True,
            outcome=rng.choice([Outcome.CONTINUE] * 3 + [Outcome.CLOSE, Outcome.CHILD_PROTECTION, Outcome.LEGAL]),
            drafted_by=meeting.minute_taker, drafted_at=held_at + timedelta(hours=4), approved_by=chair,
            approved_at=circulated - timedelta(hours=2), circulated_by=chair, circulated_at=circulated,
            circulate_by=held_at + timedelta(days=7))

    # The protocol's tracked actions: done by their deadline, done late, or cancelled.
    rules = ["ESC-1", "ESC-1", "ESC-2", "ESC-3", "ESC-3", "ESC-4", "ESC-9", "ESC-10", "SUP-4"]
    for i in range(150):
        rule = rng.choice(rules)
        raised = moment(before=16)
        deadline = raised + timedelta(days=rng.choice((3, 5, 7, 10)))
        closed = raised + timedelta(days=rng.choice((1, 2, 3, 4, 6, 8, 12)))
        escalation = Escalation.objects.create(
            rule_id=rule, clause="", key=f"{rule}:history:{i}", **_rule_title(rule),
            family=rng.choice(families), owner=rng.choice(practitioners), deadline=deadline,
            trigger_date=timezone.localtime(raised).date(),
            state=EscalationState.CANCELLED if rng.random() < 0.08 else EscalationState.DONE, closed_at=closed)
        Escalation.objects.filter(pk=escalation.pk).update(created_at=raised, updated_at=closed)

    # ENG-3, INC-1: incidents against staff.
    threat_kinds = ["shouting", "swearing", "intimidating_language", "body_language", "physical_violence",
                    "animals", "written_threats", "threat_to_kill"]
    for __ in range(48):
        by = rng.choice(practitioners)
        threats = sorted(set(rng.sample(threat_kinds, rng.choice((1, 1, 2, 3)))))
        Incident.objects.create(
            family=rng.choice(families), agency=by.agency, recorded_by=by, occurred_at=moment(),
            threats=threats, threat_to_kill="threat_to_kill" in threats, injury="physical_violence" in threats,
            police_informed=bool({"threat_to_kill", "physical_violence"} & set(threats)) or rng.random() < 0.3,
            account="Recorded at the time (history).")

    # FLG-2: markers raised, reviewed (on time or late) and ended.
    categories = [MarkerCategory.VIOLENCE, MarkerCategory.VIOLENCE, MarkerCategory.THREATS, MarkerCategory.ANIMALS,
                  MarkerCategory.HARASSMENT, MarkerCategory.WEAPONS]
    adults = {}
    for person in Person.objects.filter(family__in=families).exclude(role__in=CHILD_ROLES).order_by("pk"):
        adults.setdefault(person.family_id, person)
    marked = [f for f in families if f.pk in adults]
    for i in range(40):
        by = rng.choice(practitioners)
        raised = moment(before=20)
        ended = rng.random() < 0.3
        family = rng.choice(marked)
        marker = WarningMarker.objects.create(
            family=family, person=adults[family.pk], category=rng.choice(categories), nature="Risk to visitors (history).",
            advice="Two workers.", source="Incident record", status=MarkerStatus.ENDED if ended else
            MarkerStatus.ACTIVE, raised_by=by, raised_agency=by.agency, raised_at=raised,
            authorised_at=raised + timedelta(hours=5), review_date=today + timedelta(days=90 + i),
            closed_at=raised + timedelta(days=14) if ended else None)
        if ended:
            MarkerEvent.objects.create(marker=marker, at=raised + timedelta(days=14), by=by,
                                       action=MarkerEvent.Action.ENDED)
        due = raised + timedelta(days=10)
        if due < now:
            review = Escalation.objects.create(
                rule_id="FLG-2", clause="", key=f"FLG-2:marker:{marker.pk}:review:history", family=None,
                **_rule_title("FLG-2"), owner=by, deadline=due,
                trigger_date=timezone.localtime(raised).date(), state=EscalationState.DONE,
                closed_at=due - timedelta(days=1) if rng.random() < 0.75 else due + timedelta(days=3))
            Escalation.objects.filter(pk=review.pk).update(created_at=raised)

    # SUP-4: supervision about monthly, some cancelled.
    # The supervision demo's own workers keep the story it tells (an overdue health visitor): no history for them.
    storied = set(SupervisionSession.objects.values_list("supervisee_id", flat=True))
    for worker in practitioners:
        if not worker.line_manager_id or worker.pk in storied:
            continue
        day = first + timedelta(days=rng.randrange(10))
        while day < today - timedelta(days=1):
            if rng.random() < 0.15:
                SupervisionSession.objects.create(
                    supervisee=worker, supervisor_id=worker.line_manager_id, recorded_by_id=worker.line_manager_id,
                    state=SessionState.CANCELLED,
                    planned_for=day, cancelled_on=day, cancelled_by_whom=rng.choice(CancelledBy.values),
                    cancel_reason="Rearranged (history).")
            else:
                SupervisionSession.objects.create(
                    supervisee=worker, supervisor_id=worker.line_manager_id, recorded_by_id=worker.line_manager_id,
                    state=SessionState.HELD, planned_for=day, held_on=day,
                    health_and_safety_discussed=rng.random() < 0.8,
                    worker_read_at=datetime.combine(day, time(17), tzinfo=tz))
            day += timedelta(days=rng.choice((21, 28, 28, 35)))


def _rule_title(rule_id: str) -> dict:
    """A history action's title: its rule's own title, in English and Welsh like a raised one (issue 14: nothing
    Doorstep stores stays English for a Welsh reader)."""
    from doorstep.escalations.rules import RULES

    with translation.override("en"):
        title = str(RULES[rule_id].title)
    with translation.override("cy"):
        welsh = str(RULES[rule_id].title)
    return {"title": title, "translations": {"cy": {"title": welsh}}}
