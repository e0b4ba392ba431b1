"""MTG-1, MTG-2: each kind of meeting's rules, as pure functions of plain facts."""

import pytest

from doorstep.agencies.models import AgencyKind
from doorstep.escalations.rules import RULES, settings_merge
from doorstep.meetings import rules
from doorstep.meetings.models import MeetingKind, ParentsAttendance


def caller(**overrides) -> rules.Caller:
    facts = dict(works_with_families=True, agency_kind=AgencyKind.HOUSING, is_designated_postholder=True,
                 is_manager=False, agency_involved=True)
    facts.update(overrides)
    return rules.Caller(**facts)


@pytest.mark.parametrize("kind", [AgencyKind.HEALTH, AgencyKind.EDUCATION, AgencyKind.CHILDRENS_SOCIAL_CARE,
                                  AgencyKind.HOUSING, AgencyKind.POLICE])
def test_a_designated_postholder_of_the_five_agencies_calls_a_marp(kind):
    assert rules.refusal(MeetingKind.MARP, caller(agency_kind=kind)) is None


def test_a_practitioner_who_is_not_the_postholder_is_refused_a_marp_with_the_reason():
    reason = rules.refusal(MeetingKind.MARP, caller(is_designated_postholder=False))
    assert "designated postholder" in reason and "Each agency will designate" in reason


@pytest.mark.parametrize("kind", [AgencyKind.PROBATION, AgencyKind.MENTAL_HEALTH, AgencyKind.VOLUNTARY,
                                  AgencyKind.LEGAL])
def test_other_agencies_cannot_call_a_marp_even_with_a_postholder(kind):
    reason = rules.refusal(MeetingKind.MARP, caller(agency_kind=kind))
    assert "health, education, children's social care, housing or police" in reason


def test_an_agency_not_involved_calls_nothing():
    facts = caller(agency_involved=False)
    assert rules.callable_kinds(facts) == []
    assert "must be involved" in rules.refusal(MeetingKind.PROFESSIONALS, facts)


def test_the_board_chair_calls_nothing():
    assert rules.callable_kinds(caller(works_with_families=False, agency_kind=None)) == []


def test_statutory_meetings_are_called_by_childrens_social_care():
    housing = caller(is_designated_postholder=False)
    assert set(rules.callable_kinds(housing)) == {MeetingKind.HARD_TO_ENGAGE, MeetingKind.PROFESSIONALS,
                                                  MeetingKind.FAMILY_SUPPORT}
    csc = caller(agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_designated_postholder=False)
    assert MeetingKind.CORE_GROUP in rules.callable_kinds(csc)
    assert MeetingKind.MARP not in rules.callable_kinds(csc)


def test_timescales_and_parents_per_kind():
    defaults = RULES["MTG-2"].defaults()
    assert rules.timescale(MeetingKind.CORE_GROUP, defaults) == 3  # ESC-2 (003 §7.9)
    assert rules.timescale(MeetingKind.PROFESSIONALS, defaults) == 7
    assert rules.timescale(MeetingKind.MARP, defaults) == 5
    assert rules.default_parents(MeetingKind.PROFESSIONALS) == ParentsAttendance.EXCLUDED  # 003 §7.4
    assert rules.default_parents(MeetingKind.CORE_GROUP) == ParentsAttendance.INVITED


def test_each_kinds_timescale_is_a_setting_of_mtg_2_with_the_protocols_default():
    """MTG-1's kinds, MTG-2's "urgency setting how quickly" (000), ESC-12: every kind has a bounded setting."""
    definition = RULES["MTG-2"]
    by_name = {p.name: p for p in definition.parameters}
    assert set(by_name) == {f"{kind}_working_days" for kind in MeetingKind.values}
    for kind in MeetingKind.values:
        parameter = by_name[rules.timescale_parameter(kind)]
        assert parameter.default == rules.rule_for(kind).working_days
        assert (parameter.minimum, parameter.maximum) == (1, 60)
    params = settings_merge(definition, {"marp_working_days": 2, "core_group_working_days": 0})
    assert rules.timescale(MeetingKind.MARP, params) == 2
    assert rules.timescale(MeetingKind.CORE_GROUP, params) == 3  # out of bounds: the default stands


@pytest.mark.parametrize("rule_id, on_plan, kind", [
    ("ESC-1", False, MeetingKind.MARP),
    ("ESC-2", True, MeetingKind.CORE_GROUP),
    ("ESC-2", False, MeetingKind.PROFESSIONALS),
    ("ESC-3", False, MeetingKind.PROFESSIONALS),
    ("ESC-7", False, MeetingKind.HARD_TO_ENGAGE),
    ("ESC-11", False, MeetingKind.PROFESSIONALS),
])
def test_the_kind_each_escalation_asks_for(rule_id, on_plan, kind):
    assert rules.kind_for_escalation(rule_id, child_on_plan=on_plan) == kind


def test_plan_and_meeting_actions_name_the_family_in_plain_words_not_its_reference():
    """Issue 18: "Plan action for family DS-000004" was jargon; MTG-2..5's titles name the household, in Welsh too."""
    from datetime import date

    from doorstep.core.texts import Text, text_render

    facts = rules.MeetingFacts(
        meeting_id=1, family_reference="DS-000004", short_name="MARP", chair_id=2, held_on=date(2027, 1, 4),
        review_date=date(2027, 3, 1), family_name=Text("%(surname)s household", {"surname": "Evans"}),
        actions=(rules.PlanActionFact(id=3, owner_id=2, agency_name="Health", description="See the baby weekly",
                                      due_date=date(2027, 2, 1)),))
    params = settings_merge(RULES["MTG-3"], None)
    titles = [o.title for o in rules.mtg_3(facts, params).outcomes + rules.mtg_5(facts, params).outcomes]
    english = [text_render(t, "en") for t in titles]
    assert english[0] == "Plan action for the Evans household: See the baby weekly"
    assert english[1].startswith("Hold the meeting to review the plan for the Evans household by")
    assert all("DS-000004" not in t for t in english)
    assert "Aelwyd Evans" in text_render(titles[0], "cy")
