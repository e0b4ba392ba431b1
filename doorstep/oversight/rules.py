"""OVR-1 (004 §4.1) as pure functions (STYLE.md: facts in, outcomes out, no database and no clock): the drift
signals of a family, and the visits recorded that the lone-working record does not bear out.

Thresholds are the settings of rule "OVR-1" on the Rule settings page (ESC-12); the "not seen alone" period is
ESC-8's and the "falling away" test is ESC-10 itself (`escalations.rules.esc_10`, called here with ESC-10's settings),
so a manager sees the same picture as the protocol's rules. No action is raised: signals are for the managers'
oversight list and the case-file audit.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.texts import Text
from doorstep.core.workingdays import add_working_days
from doorstep.escalations.rules import (
    Fact, FamilyFacts, Parameter, Raise, RuleDefinition, RuleResult, esc_10, rule_register,
)

from .models import DiscrepancyKind, Grade, SignalKind

CLAUSE = "004 §4.1"


# --- Facts beyond the escalation rules' FamilyFacts ----------------------------------------------------------------

@dataclass(frozen=True)
class PlanActionFact:
    id: int
    description: str
    due_date: date
    owner_name: str
    done: bool


@dataclass(frozen=True)
class ReviewFact:
    """A meeting whose minutes set a review date (MTG-5), and the first meeting held after it, if any."""

    meeting_id: int
    meeting_label: object
    review_date: date
    later_meeting_held_on: date | None


@dataclass(frozen=True)
class ClosedEscalationFact:
    """An escalation of a rule that asks for a meeting, closed as done."""

    id: int
    rule_id: str
    title: object  # a Text
    closed_on: date
    meeting_held: bool  # a meeting linked to it was held


@dataclass(frozen=True)
class OversightFacts:
    family: FamilyFacts
    plan_actions: tuple[PlanActionFact, ...] = ()
    reviews: tuple[ReviewFact, ...] = ()
    closed_escalations: tuple[ClosedEscalationFact, ...] = ()
    meetings_held_on: tuple[date, ...] = ()  # every meeting of the family held, oldest first


@dataclass(frozen=True)
class Signal:
    kind: str
    reasons: tuple[Text, ...]


# The escalation rules whose action is to convene a meeting (meetings.Meeting.escalation): ESC-1, ESC-2, ESC-3 (known
# to children's social care), ESC-7, ESC-11.
MEETING_RULES = ("ESC-1", "ESC-2", "ESC-3", "ESC-7", "ESC-11")


def drift_signals(facts: OversightFacts, params: dict, *, not_seen_alone_days: int, esc_10_params: dict,
                  esc_10_enabled: bool = True) -> list[Signal]:
    """Every kind of drift the family shows today, with its reasons (issue 19)."""
    f = facts.family
    today = f.today
    signals: list[Signal] = []

    # No achieved contact for N days while involved (P-2: non-engagement never a reason to drift).
    involved_since = f.involved_since
    if involved_since is not None:
        last = max((c.occurred_on for c in f.contacts if c.achieved), default=None)
        basis = max(last, involved_since) if last else involved_since
        if (today - basis).days > params["no_contact_days"]:
            reason = (Text(gettext_noop("No agency has achieved contact with the family since %(date)s (more than "
                                        "%(days)s days)."), {"date": last, "days": params["no_contact_days"]})
                      if last else
                      Text(gettext_noop("No agency has achieved contact with the family since the involvement began "
                                        "on %(date)s (more than %(days)s days)."),
                           {"date": involved_since, "days": params["no_contact_days"]}))
            signals.append(Signal(SignalKind.NO_CONTACT, (reason,)))

    # Plan actions overdue (MTG-3, MTG-5).
    overdue = [a for a in facts.plan_actions if not a.done and a.due_date < today]
    if overdue:
        signals.append(Signal(SignalKind.ACTIONS_OVERDUE, tuple(
            Text(gettext_noop("Plan action overdue since %(date)s (%(owner)s): %(action)s"),
                 {"date": a.due_date, "owner": a.owner_name, "action": a.description[:200]})
            for a in sorted(overdue, key=lambda a: (a.due_date, a.id)))))

    # A review date passed with no review meeting (MTG-5, ESC-8: plan reviews timetabled and monitored).
    missed = [r for r in facts.reviews if r.review_date < today and r.later_meeting_held_on is None]
    if missed:
        signals.append(Signal(SignalKind.REVIEW_OVERDUE, tuple(
            Text(gettext_noop("The %(meeting)s set a review by %(date)s; no meeting has been held since."),
                 {"meeting": r.meeting_label, "date": r.review_date})
            for r in sorted(missed, key=lambda r: r.review_date))))

    # Escalations closed as done without the meeting they asked for.
    window_start = today - timedelta(days=params["lookback_days"])
    closed = [e for e in facts.closed_escalations
              if e.rule_id in MEETING_RULES and not e.meeting_held and e.closed_on >= window_start]
    if closed:
        signals.append(Signal(SignalKind.ESCALATION_WITHOUT_MEETING, tuple(
            Text(gettext_noop("%(rule)s closed as done on %(date)s with no meeting held: %(title)s"),
                 {"rule": e.rule_id, "date": e.closed_on, "title": e.title})
            for e in sorted(closed, key=lambda e: (e.closed_on, e.id)))))

    # Children not seen alone for the configured period (ESC-8's setting, 003 §7.9, 004 §2.3).
    alone = []
    for child in f.children:
        seen_alone = child.last_seen_alone
        basis = seen_alone or child.tracked_since
        if (today - basis).days > not_seen_alone_days:
            alone.append(Text(gettext_noop("%(child)s was last seen alone on %(date)s.") if seen_alone else
                              gettext_noop("%(child)s has not been seen alone since Doorstep started following them "
                                           "on %(date)s."), {"child": child.name, "date": basis}))
    if alone:
        signals.append(Signal(SignalKind.NOT_SEEN_ALONE, tuple(alone)))

    # Every agency's contact falling away (ESC-10, 004 §3.1, 001 §5.1.21) and no meeting held in that time.
    if esc_10_enabled:
        raised = [o for o in esc_10(f, esc_10_params).outcomes if isinstance(o, Raise)]
        since = today - timedelta(days=esc_10_params["window_days"])
        if raised and not any(d >= since for d in facts.meetings_held_on):
            reasons = tuple(fact.text for fact in raised[0].facts if fact.ref is not None)
            signals.append(Signal(SignalKind.BACKING_OFF, reasons + (
                Text(gettext_noop("No multi-agency meeting has been held since %(date)s."), {"date": since}),)))
    return signals


# --- Visits recorded that did not take place -------------------------------------------------------------------

@dataclass(frozen=True)
class ContactCheck:
    """An in-person contact, as recorded."""

    id: int
    family_id: int
    worker_id: int
    kind: str
    kind_label: object
    seen: bool  # the outcome says the family was seen (seen or cut short)
    home_visit: bool
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class SessionCheck:
    """A visit session of the lone-working record (SAF-3): checked in (started) and, when over, checked out."""

    id: int
    family_id: int
    family_name: object
    worker_id: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Discrepancy:
    contact_id: int
    kind: str
    visit_id: int | None
    evidence: tuple[Text, ...]


def _window(s: SessionCheck, margin: timedelta, now: datetime) -> tuple[datetime, datetime]:
    return s.started_at - margin, (s.ended_at or now) + margin


def visit_discrepancies(*, contacts: list[ContactCheck], sessions: list[SessionCheck],
                        first_sessions: dict[int, datetime], params: dict, now: datetime) -> list[Discrepancy]:
    """Compare each in-person contact with the lone-working record of its worker (004 §4.1, SAF-3).

    `sessions` are the workers' sessions around the contacts' times, every family; `first_sessions` when each worker
    first checked in. A worker is compared only from the day of their first visit session on: before they used the
    lone-working record, a missing session says nothing."""
    margin = timedelta(minutes=params["session_margin_minutes"])
    late = timedelta(hours=params["late_record_hours"])
    first_session = first_sessions
    found: list[Discrepancy] = []
    for c in contacts:
        mine = [s for s in sessions if s.worker_id == c.worker_id]
        if c.worker_id not in first_session or localdate(c.occurred_at) < localdate(first_session[c.worker_id]):
            continue
        here = [s for s in mine if s.family_id == c.family_id
                and _window(s, margin, now)[0] <= c.occurred_at <= _window(s, margin, now)[1]]
        elsewhere = [s for s in mine if s.family_id != c.family_id and s.started_at <= c.occurred_at
                     and c.occurred_at <= (s.ended_at or now)]
        if c.home_visit and c.seen and not here:
            found.append(Discrepancy(c.id, DiscrepancyKind.NO_SESSION, None, (
                Text(gettext_noop("A home visit on %(when)s is recorded as seen; the worker has no visit session "
                                  "with this family around that time."), {"when": c.occurred_at}),)))
        for s in elsewhere[:1]:
            found.append(Discrepancy(c.id, DiscrepancyKind.OVERLAP, s.id, (
                Text(gettext_noop("The %(kind)s on %(when)s falls within the worker's visit session with %(family)s "
                                  "(checked in %(start)s, checked out %(end)s)."),
                     {"kind": c.kind_label, "when": c.occurred_at, "family": s.family_name, "start": s.started_at,
                      "end": s.ended_at or Text(gettext_noop("not yet"))}),)))
        for s in here[:1]:
            if s.ended_at is None or c.recorded_at <= s.ended_at + late:
                continue
            prompt = [o for o in contacts if o.id != c.id and o.worker_id == c.worker_id
                      and o.family_id == c.family_id and o.recorded_at <= s.ended_at + late
                      and _window(s, margin, now)[0] <= o.occurred_at <= _window(s, margin, now)[1]]
            if prompt:
                continue
            found.append(Discrepancy(c.id, DiscrepancyKind.LATE_RECORD, s.id, (
                Text(gettext_noop("The visit session ended on %(end)s with no contact recorded; this contact was "
                                  "recorded on %(recorded)s (more than %(hours)s hours later)."),
                     {"end": s.ended_at, "recorded": c.recorded_at, "hours": params["late_record_hours"]}),)))
    return found


rule_register(RuleDefinition(
    "OVR-1", CLAUSE, _("Case-file oversight: drift and visits recorded that did not take place"),
    _("Computed for every family each night: drift (no achieved contact, plan actions overdue, a review missed, an "
      "escalation closed without its meeting, a child not seen alone for ESC-8's period, everyone backing off "
      "without a meeting); and in-person contacts the lone-working record does not bear out."),
    _("Shown to managers of the agencies involved (drift) and to the worker's manager and the worker (visits), "
      "never as an accusation; no action is raised."),
    (Parameter("no_contact_days", _("Days without an achieved contact"), 28, 1, 365),
     Parameter("lookback_days", _("Escalations closed in the last (days)"), 90, 7, 730),
     Parameter("compare_days", _("Contacts compared with the lone-working record, in the last (days)"), 42, 1, 365),
     Parameter("session_margin_minutes", _("Minutes either side of a visit session that still match it"), 60, 0,
               480),
     Parameter("late_record_hours", _("Hours after a visit session that count as recorded long after"),
               48, 1, 720)),
    subject="oversight", module=__name__, deadline=_("None: a prompt for oversight and audit."),
))


# --- OVR-1A: a case-file audit's finding becomes a tracked action (issue 19) ---------------------------------------

@dataclass(frozen=True)
class FindingFacts:
    """One answer of a case-file audit graded "requires improvement" or "inadequate"."""

    answer_id: int
    family_id: int
    round_title: str  # the auditor's own words
    question: object  # the question's wording (a Text, or Names for one a manager wrote)
    grade: str  # a Grade value
    note: str  # the auditor's own words
    lead_id: int  # the family's lead professional, who owns the action
    manager_id: int | None  # the lead's line manager, told (ORG-3)
    auditor_id: int
    today: date
    nation: str


def finding_key(answer_id: int) -> str:
    return f"OVR-1A:answer:{answer_id}"


def ovr_1a(facts: FindingFacts, params: dict) -> RuleResult:
    """An inadequate answer is due sooner than one that requires improvement; the deadline counts working days in
    the partnership's nation from the day the auditor graded it."""
    days = params["inadequate_working_days" if facts.grade == Grade.INADEQUATE else "improvement_working_days"]
    lines = [Fact(Text(gettext_noop("Case-file audit “%(round)s”: %(question)s – %(grade)s"),
                       {"round": facts.round_title, "question": facts.question, "grade": Grade(facts.grade).label}),
                  ("family", facts.family_id))]
    if facts.note:
        lines.append(Fact(Text(gettext_noop("The auditor's note: %(note)s"), {"note": facts.note})))
    return RuleResult(outcomes=[Raise(
        rule_id="OVR-1A", clause=CLAUSE, key=finding_key(facts.answer_id),
        title=Text(gettext_noop("Act on a case-file audit finding: %(question)s"), {"question": facts.question}),
        owner_id=facts.lead_id, trigger_date=facts.today, deadline=add_working_days(facts.today, days, facts.nation),
        facts=tuple(lines), parameters=dict(params), source=("oversight.AuditAnswer", facts.answer_id),
        notify_ids=tuple(dict.fromkeys(i for i in (facts.manager_id, facts.auditor_id) if i and i != facts.lead_id)),
    )])


rule_register(RuleDefinition(
    "OVR-1A", CLAUSE, _("Case-file audit findings acted on"),
    _("An auditor grades a question of a family's case-file audit as requiring improvement or inadequate."),
    _("The family's lead professional: act on the finding; their line manager and the auditor are told."),
    (Parameter("inadequate_working_days", _("Working days to act on an inadequate finding"), 10, 1, 60),
     Parameter("improvement_working_days", _("Working days to act on a finding that requires improvement"), 20, 1,
               120)),
    ovr_1a, subject="audit finding",
    deadline=_("The end of the set number of working days after the answer is graded."),
))
