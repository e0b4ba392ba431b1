"""SAF-2: the arrangement rules are pure: plain facts in, a proposal out, each citing its clause."""

import pytest

from doorstep.visits import rules
from doorstep.visits.models import Arrangement, Question, RiskFactor

SAFE = {Question.DAYLIGHT: True, Question.CAR_TARGETED: False, Question.PHONE: True, Question.NEUTRAL_VENUE: False,
        Question.CAN_CONTINUE: True}


def _by_arrangement(proposal) -> dict:
    return {p.arrangement: (p.strength, p.clause) for p in proposal.proposed}


def test_no_risk_factor_proposes_a_sole_visit_without_the_managers_agreement():
    proposal = rules.propose(factors=[], answers=SAFE)
    assert proposal.sole_allowed and not proposal.agreement_required
    assert _by_arrangement(proposal) == {Arrangement.SOLE: (rules.PROPOSED, "003 §5.4")}


@pytest.mark.parametrize("factor", RiskFactor.values)
def test_any_risk_factor_means_no_sole_visit_and_the_line_managers_agreement(factor):
    # SAF-2 (003 §5.3): "Where there are any identified actual or potential risk factors, the visit should not be
    # made by a sole worker"; "this must be made in conjunction with the line manager".
    proposal = rules.propose(factors=[factor], answers=SAFE)
    assert not proposal.sole_allowed
    assert Arrangement.SOLE not in _by_arrangement(proposal)
    assert _by_arrangement(proposal)[Arrangement.TWO_WORKERS] == (rules.PROPOSED, "003 §5.3")
    assert _by_arrangement(proposal)[Arrangement.JOINT_AGENCY] == (rules.CONSIDER, "003 §5.3")
    assert _by_arrangement(proposal)[Arrangement.DAYLIGHT_ONLY] == (rules.PROPOSED, "004 §6.1")
    assert proposal.agreement == ("risk",)
    assert proposal.agreement_reasons()[0][0] == "003 §5.3, 002 §9.5"


def test_a_dog_proposes_a_joint_visit_and_advises_phoning_ahead():
    proposal = rules.propose(factors=[RiskFactor.ANIMALS, RiskFactor.WARNING_MARKERS], answers=SAFE)
    assert proposal.ticked == [Arrangement.TWO_WORKERS, Arrangement.DAYLIGHT_ONLY]
    assert "animals" in proposal.warnings
    assert any("shut away" in text for _clause, text in proposal.warning_texts())


def test_violence_asks_to_consider_the_police_and_mental_illness_a_joint_visit_with_mental_health():
    proposal = rules.propose(factors=[RiskFactor.VIOLENCE, RiskFactor.MENTAL_ILLNESS], answers=SAFE)
    assert _by_arrangement(proposal)[Arrangement.POLICE] == (rules.CONSIDER, "003 §5.3")
    assert _by_arrangement(proposal)[Arrangement.JOINT_MENTAL_HEALTH] == (rules.CONSIDER, "003 §5.3")
    assert Arrangement.POLICE not in proposal.ticked  # "considered", not imposed


def test_the_questions_of_004_6_1_shape_the_proposal():
    proposal = rules.propose(factors=[RiskFactor.VIOLENCE], answers={
        **SAFE, Question.CAR_TARGETED: True, Question.NEUTRAL_VENUE: True, Question.DAYLIGHT: False})
    assert _by_arrangement(proposal)[Arrangement.TAXI_WAITING] == (rules.PROPOSED, "004 §6.1")
    assert _by_arrangement(proposal)[Arrangement.NEUTRAL_VENUE] == (rules.PROPOSED, "004 §6.1")
    assert "dark" in proposal.warnings
    # Without a risk factor, a neutral venue is not pushed.
    assert Arrangement.NEUTRAL_VENUE not in _by_arrangement(rules.propose(factors=[], answers={
        **SAFE, Question.NEUTRAL_VENUE: True}))


def test_no_phone_or_doubts_about_continuing_need_the_managers_agreement_even_without_risk_factors():
    assert rules.propose(factors=[], answers={**SAFE, Question.PHONE: False}).agreement == ("no-phone",)
    assert rules.propose(factors=[], answers={**SAFE, Question.CAN_CONTINUE: False}).agreement == ("cannot-continue",)


def test_a_neutral_venue_visit_always_keeps_the_neutral_venue():
    proposal = rules.propose(factors=[], answers=SAFE, at_home=False)
    assert _by_arrangement(proposal)[Arrangement.NEUTRAL_VENUE] == (rules.REQUIRED, "004 §6.1")
    assert rules.arrangement_errors(factors=[], arrangements=[Arrangement.SOLE], at_home=False)
    assert not rules.arrangement_errors(factors=[], arrangements=[Arrangement.SOLE, Arrangement.NEUTRAL_VENUE],
                                        at_home=False)


@pytest.mark.parametrize("factors, arrangements, ok", [
    ([], [Arrangement.SOLE], True),
    ([], [Arrangement.TWO_WORKERS], True),
    ([], [], False),
    ([], [Arrangement.DAYLIGHT_ONLY], False),
    (["animals"], [Arrangement.SOLE], False),
    (["animals"], [Arrangement.SOLE, Arrangement.TWO_WORKERS], False),
    (["animals"], [Arrangement.DAYLIGHT_ONLY], False),
    (["animals"], [Arrangement.JOINT_AGENCY], True),
    (["violence"], [Arrangement.POLICE, Arrangement.DAYLIGHT_ONLY], True),
    (["mental_illness"], [Arrangement.JOINT_MENTAL_HEALTH], True),
    ([], ["helicopter"], False),
])
def test_arrangement_errors(factors, arrangements, ok):
    assert (rules.arrangement_errors(factors=factors, arrangements=arrangements) == []) is ok


# Issue 18 (SAF-2): an arrival outside the agreed plan.
from datetime import UTC, date, datetime, timedelta  # noqa: E402

from doorstep.visits.models import OffPlan  # noqa: E402

SUNDAY_10 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # GMT in December: UTC is local time


def test_daylight_in_mid_wales_in_winter_and_summer():
    sunrise, sunset = rules.daylight(date(2026, 12, 6))
    assert (sunrise.hour, sunset.hour) == (8, 16) and 5 <= sunrise.minute <= 20 and sunset.minute <= 10
    sunrise, sunset = rules.daylight(date(2027, 6, 21))  # 04:58 and 21:43 BST
    assert (sunrise.strftime("%H"), sunset.strftime("%H")) == ("03", "20")


def _off(**kwargs):
    facts = {"planned_start": SUNDAY_10, "arrangements": [Arrangement.SOLE], "arrived": SUNDAY_10,
             "expected_back": SUNDAY_10 + timedelta(hours=1), "accompanied": True, "elsewhere": ""}
    facts.update(kwargs)
    return rules.off_plan(**facts)


def test_an_arrival_as_planned_is_on_plan():
    assert _off() == []
    assert _off(arrived=SUNDAY_10 + timedelta(minutes=59)) == []  # within the hour's window


def test_the_issues_saturday_evening_check_in_for_a_sunday_daylight_plan_is_off_plan_twice():
    # "A check-in at 20:30 on Saturday was accepted for a plan agreed as 'Sunday 10:00, daylight only'."
    arrived = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    assert _off(arrangements=[Arrangement.SOLE, Arrangement.DAYLIGHT_ONLY], arrived=arrived,
                expected_back=arrived + timedelta(hours=1)) == [OffPlan.TIME, OffPlan.DARK]


def test_daylight_only_counts_the_expected_end_too():
    start = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)
    assert _off(planned_start=start, arrived=start, arrangements=[Arrangement.DAYLIGHT_ONLY],
                expected_back=start + timedelta(hours=1)) == [OffPlan.DARK]  # sunset is about 16:04
    assert _off(planned_start=start, arrived=start, arrangements=[Arrangement.DAYLIGHT_ONLY],
                expected_back=start + timedelta(minutes=30)) == []


def test_alone_where_the_plan_says_two_and_another_place():
    assert _off(arrangements=[Arrangement.TWO_WORKERS], accompanied=False) == [OffPlan.ALONE]
    assert _off(arrangements=[Arrangement.TWO_WORKERS], accompanied=True) == []
    assert _off(accompanied=False) == []  # a sole visit is alone by plan
    assert _off(elsewhere="The park on Heol y Bont") == [OffPlan.ELSEWHERE]
