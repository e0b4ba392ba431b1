"""OVR-1 (004 §4.1): each drift signal and each kind of visit discrepancy, from plain values (the functions are
pure), each with a case that shows it and one that does not. Dates are read from the frozen clock."""

from datetime import timedelta

from django.utils import timezone

from doorstep.escalations.rules import RULES, AgencyFact, ChildFact, ContactFact, FamilyFacts
from doorstep.oversight.models import DiscrepancyKind, SignalKind
from doorstep.oversight.rules import (
    ClosedEscalationFact,
    ContactCheck,
    OversightFacts,
    PlanActionFact,
    ReviewFact,
    SessionCheck,
    drift_signals,
    visit_discrepancies,
)

PARAMS = RULES["OVR-1"].defaults()
ESC_10 = RULES["ESC-10"].defaults()
ALONE_DAYS = RULES["ESC-8"].defaults()["not_seen_alone_days"]


def _today():
    return timezone.localdate()


def _contact(n: int, days_ago: int, *, achieved: bool = True, agency: int = 1) -> ContactFact:
    return ContactFact(id=n, agency_id=agency, agency_name="Health", kind="home_visit", kind_label="Home visit",
                       outcome="seen" if achieved else "no_answer", outcome_label="", occurred_on=_today()
                       - timedelta(days=days_ago), recorded_by_id=7, defaulted=not achieved, achieved=achieved,
                       remote=False, hostile=False, child_seen=achieved)


def _family(*, contacts=(), children=(), involved_days: int = 200) -> FamilyFacts:
    return FamilyFacts(family_id=1, today=_today(), nation="england-wales", known_to_csc=False, overall_lead_id=7,
                       agencies=(AgencyFact(id=1, name="Health", kind="health", started_on=_today()
                                            - timedelta(days=involved_days), lead_id=7, manager_id=8,
                                            involvement_id=1),),
                       contacts=tuple(contacts), children=tuple(children))


def _kinds(facts: OversightFacts) -> dict:
    return {s.kind: s for s in drift_signals(facts, PARAMS, not_seen_alone_days=ALONE_DAYS, esc_10_params=ESC_10)}


def _seen_alone_child(days_ago: int) -> ChildFact:
    return ChildFact(id=3, name="Alfie", status="none", tracked_since=_today() - timedelta(days=300),
                     seen_on=(_today() - timedelta(days=days_ago),), seen_alone_on=(_today() - timedelta(days=days_ago),))


def test_no_achieved_contact_for_more_than_the_set_days():
    days = PARAMS["no_contact_days"]
    drifting = _kinds(OversightFacts(family=_family(contacts=[_contact(1, days + 1), _contact(2, 3, achieved=False)])))
    assert SignalKind.NO_CONTACT in drifting
    assert "since" in str(drifting[SignalKind.NO_CONTACT].reasons[0])
    assert SignalKind.NO_CONTACT not in _kinds(OversightFacts(family=_family(contacts=[_contact(1, days)])))
    # Never any achieved contact: counted from the involvement's start.
    assert SignalKind.NO_CONTACT in _kinds(OversightFacts(family=_family(involved_days=days + 1)))
    assert SignalKind.NO_CONTACT not in _kinds(OversightFacts(family=_family(involved_days=days)))


def test_plan_actions_overdue():
    late = PlanActionFact(id=1, description="Arrange a joint visit", due_date=_today() - timedelta(days=1),
                          owner_name="Sam Oakley", done=False)
    signal = _kinds(OversightFacts(family=_family(contacts=[_contact(1, 1)]), plan_actions=(late,)))
    assert "Arrange a joint visit" in str(signal[SignalKind.ACTIONS_OVERDUE].reasons[0])
    for action in (PlanActionFact(1, "Done", _today() - timedelta(days=5), "Sam", done=True),
                   PlanActionFact(2, "Due today", _today(), "Sam", done=False)):
        assert SignalKind.ACTIONS_OVERDUE not in _kinds(OversightFacts(family=_family(), plan_actions=(action,)))


def test_review_date_passed_with_no_review_meeting():
    missed = ReviewFact(meeting_id=4, meeting_label="MARP", review_date=_today() - timedelta(days=1),
                        later_meeting_held_on=None)
    assert SignalKind.REVIEW_OVERDUE in _kinds(OversightFacts(family=_family(), reviews=(missed,)))
    held = ReviewFact(4, "MARP", _today() - timedelta(days=1), later_meeting_held_on=_today() - timedelta(days=2))
    not_yet = ReviewFact(4, "MARP", _today(), None)
    for review in (held, not_yet):
        assert SignalKind.REVIEW_OVERDUE not in _kinds(OversightFacts(family=_family(), reviews=(review,)))


def test_escalation_closed_as_done_without_the_meeting_it_asked_for():
    closed = ClosedEscalationFact(id=9, rule_id="ESC-1", title="Convene a multi-agency meeting",
                                  closed_on=_today() - timedelta(days=10), meeting_held=False)
    signal = _kinds(OversightFacts(family=_family(), closed_escalations=(closed,)))
    assert "ESC-1" in str(signal[SignalKind.ESCALATION_WITHOUT_MEETING].reasons[0])
    met = ClosedEscalationFact(9, "ESC-1", "Convene", _today() - timedelta(days=10), meeting_held=True)
    no_meeting_asked = ClosedEscalationFact(9, "ESC-8", "See the child", _today() - timedelta(days=10), False)
    long_ago = ClosedEscalationFact(9, "ESC-1", "Convene", _today() - timedelta(days=PARAMS["lookback_days"] + 1),
                                    False)
    for e in (met, no_meeting_asked, long_ago):
        assert SignalKind.ESCALATION_WITHOUT_MEETING not in _kinds(OversightFacts(family=_family(),
                                                                                  closed_escalations=(e,)))


def test_children_not_seen_alone_for_the_configured_period():
    assert SignalKind.NOT_SEEN_ALONE in _kinds(OversightFacts(family=_family(children=[_seen_alone_child(
        ALONE_DAYS + 1)])))
    assert SignalKind.NOT_SEEN_ALONE not in _kinds(OversightFacts(family=_family(children=[_seen_alone_child(
        ALONE_DAYS)])))
    never = ChildFact(id=3, name="Alfie", status="none", tracked_since=_today() - timedelta(days=ALONE_DAYS + 1))
    signal = _kinds(OversightFacts(family=_family(children=[never])))[SignalKind.NOT_SEEN_ALONE]
    assert "Alfie" in str(signal.reasons[0])


def test_every_agencys_contact_falling_away_without_a_meeting():
    window = ESC_10["window_days"]
    # Attempts in the previous period, far fewer in the last: ESC-10's "falling away".
    before = [_contact(n, window + 1 + n, achieved=False) for n in range(ESC_10["min_previous"] + 2)]
    facts = _family(contacts=sorted(before, key=lambda c: c.occurred_on))
    signal = _kinds(OversightFacts(family=facts))
    assert SignalKind.BACKING_OFF in signal
    assert any("fell from" in str(r) for r in signal[SignalKind.BACKING_OFF].reasons)
    # A meeting held in that time: no signal.
    assert SignalKind.BACKING_OFF not in _kinds(OversightFacts(family=facts, meetings_held_on=(_today(),)))
    # Contact kept up: no signal.
    steady = before + [_contact(100 + n, n + 1) for n in range(len(before))]
    assert SignalKind.BACKING_OFF not in _kinds(OversightFacts(family=_family(
        contacts=sorted(steady, key=lambda c: c.occurred_on))))


# --- Visits recorded that did not take place ---------------------------------------------------------------------

def _at(hours_ago: float):
    return timezone.now() - timedelta(hours=hours_ago)


def _check(*, hours_ago: float, family: int = 1, seen: bool = True, recorded_hours_ago: float | None = None,
           home: bool = True, n: int = 1) -> ContactCheck:
    return ContactCheck(id=n, family_id=family, worker_id=7, kind="home_visit", kind_label="Home visit", seen=seen,
                        home_visit=home, occurred_at=_at(hours_ago),
                        recorded_at=_at(recorded_hours_ago if recorded_hours_ago is not None else hours_ago - 0.5))


def _session(*, started_hours_ago: float, minutes: int = 45, family: int = 1, ended: bool = True) -> SessionCheck:
    start = _at(started_hours_ago)
    return SessionCheck(id=5, family_id=family, family_name="Other household", worker_id=7, started_at=start,
                        ended_at=start + timedelta(minutes=minutes) if ended else None)


def _found(contacts, sessions, first=None):
    first = first if first is not None else {7: min((s.started_at for s in sessions), default=_at(24 * 30))}
    return {(d.contact_id, d.kind) for d in visit_discrepancies(contacts=contacts, sessions=sessions,
                                                                 first_sessions=first, params=PARAMS,
                                                                 now=timezone.now())}


def test_home_visit_seen_with_no_visit_session():
    assert (1, DiscrepancyKind.NO_SESSION) in _found([_check(hours_ago=48)], [])
    # A session with the family around that time: nothing.
    assert _found([_check(hours_ago=48)], [_session(started_hours_ago=48.2)]) == set()
    # Not seen (no answer), or not a home visit: nothing to compare.
    assert _found([_check(hours_ago=48, seen=False)], []) == set()
    assert _found([_check(hours_ago=48, home=False)], []) == set()
    # Before the worker first used the lone-working record: nothing.
    assert _found([_check(hours_ago=48)], [], first={7: _at(1)}) == set()
    assert _found([_check(hours_ago=48)], [], first={}) == set()


def test_contact_overlapping_a_visit_session_elsewhere():
    elsewhere = _session(started_hours_ago=48.2, minutes=60, family=2)
    assert (1, DiscrepancyKind.OVERLAP) in _found([_check(hours_ago=48, seen=False)], [elsewhere])
    # Still out on that visit (not checked out): overlaps until now.
    live = _session(started_hours_ago=2, family=2, ended=False)
    assert (1, DiscrepancyKind.OVERLAP) in _found([_check(hours_ago=1, seen=False)], [live])
    # Before the session elsewhere began, or after it ended: nothing.
    assert _found([_check(hours_ago=49, seen=False)], [elsewhere]) == set()
    assert _found([_check(hours_ago=46, seen=False)], [elsewhere]) == set()


def test_contact_recorded_long_after_a_session_that_ended_with_no_contact():
    here = _session(started_hours_ago=100)
    late_hours = PARAMS["late_record_hours"]
    ended_hours_ago = 100 - 0.75
    late = _check(hours_ago=99.8, recorded_hours_ago=ended_hours_ago - late_hours - 1)
    assert (1, DiscrepancyKind.LATE_RECORD) in _found([late], [here])
    prompt = _check(hours_ago=99.8, recorded_hours_ago=ended_hours_ago - late_hours + 1)
    assert _found([prompt], [here]) == set()
    # Another contact recorded promptly for the same session: the late one is a second record, not a discrepancy.
    other = _check(hours_ago=99.9, recorded_hours_ago=99, seen=False, n=2)
    assert _found([late, other], [here]) == set()
