"""Issue 21, ESC-12: protocol presets, one per seed document. Done when: switching a partnership between the
Bridgend and Milton Keynes presets changes which escalations a scripted sequence of contacts raises, exactly as
docs/protocols.md says (a test per preset, driven by its table)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep.engagement.models import ContactKind, Outcome
from doorstep.escalations.evaluate import family_evaluate
from doorstep.escalations.models import Escalation
from doorstep.escalations.rules import RULES
from doorstep.escalations.tests.helpers import contact
from doorstep.partnerships.index import OUTPUT, preset_rules_on, protocols_index_text
from doorstep.partnerships.presets import ALL_FIVE, BRIDGEND, CWM_TAF, MILTON_KEYNES, PRESETS, REQUIREMENT_IDS
from doorstep.partnerships.services import partnership_default, partnership_preset_change

december = pytest.mark.clock("2026-12-01 09:00")

# What the script below raises with every rule on ("All five protocols"): ESC-1 (the 4th defaulted visit), ESC-3
# (the health visitor's failed visits in a row), ESC-9 (the police's contact all by phone, no child seen) and
# ESC-11 (the family engages with the police and refuses the health visitor).
SCRIPT_RAISES = {"ESC-1", "ESC-3", "ESC-9", "ESC-11"}
CLAUSES = {
    ALL_FIVE: {("ESC-1", "003 §7.9"), ("ESC-3", "001 §5.1.9.1"), ("ESC-9", "004 §2.3"), ("ESC-11", "002 §4.4")},
    BRIDGEND.key: {("ESC-1", "Bridgend protocol 7.9")},
    MILTON_KEYNES.key: {("ESC-3", "Milton Keynes procedures 5.1.9.1"), ("ESC-9", "Milton Keynes procedures 5.1.9.5")},
    CWM_TAF.key: {("ESC-9", "Cwm Taf protocol 2.3"), ("ESC-11", "Cwm Taf protocol 3.1")},
}


def _script(world) -> set[str]:
    """The scripted sequence of contacts, then the family's evaluation: the rules whose actions it raised."""
    today = timezone.localdate()
    health, police = world.users["involved_practitioner"], world.users["other_involved"]
    for days, outcome in ((21, Outcome.NO_ANSWER), (14, Outcome.NO_ANSWER), (7, Outcome.REFUSED_ENTRY),
                          (1, Outcome.REFUSED_ENTRY)):
        contact(world.family, health, today - timedelta(days=days), outcome=outcome)
    for days in (20, 13, 6):
        contact(world.family, police, today - timedelta(days=days), outcome=Outcome.SEEN, kind=ContactKind.PHONE)
    family_evaluate(family=world.family)
    return set(Escalation.objects.filter(family=world.family).values_list("rule_id", flat=True))


@december
@pytest.mark.parametrize("preset", [ALL_FIVE, BRIDGEND.key, MILTON_KEYNES.key, CWM_TAF.key])
def test_esc_12_a_scripted_sequence_of_contacts_raises_what_docs_protocols_md_says(world, preset):
    partnership = partnership_default()
    if preset != partnership.preset:
        partnership_preset_change(partnership=partnership, by=world.users["administrator"], preset=preset,
                                  reason="The Board adopted this protocol")
    world.family.refresh_from_db()
    expected = SCRIPT_RAISES & preset_rules_on()[str(PRESETS[preset].name)]
    assert _script(world) == expected
    # Each action cites the clause in the partnership's own protocol's numbering and name.
    assert set(Escalation.objects.values_list("rule_id", "clause")) == CLAUSES[preset]


def test_bridgend_and_milton_keynes_raise_different_actions_from_the_same_contacts():
    """The Done-when's premise, from the table: neither preset's actions for the script are the other's."""
    on = preset_rules_on()
    bridgend = SCRIPT_RAISES & on[str(BRIDGEND.name)]
    milton_keynes = SCRIPT_RAISES & on[str(MILTON_KEYNES.name)]
    assert bridgend == {"ESC-1"} and milton_keynes == {"ESC-3", "ESC-9"}


def test_a_preset_says_where_its_protocol_is_silent_rather_than_borrowing():
    state = BRIDGEND.rule_state("ESC-3")
    assert (state.enabled, state.reason) == (False, "not in this protocol")
    assert MILTON_KEYNES.rule_state("ESC-1").enabled is False
    # The rules that keep people safe stay on, saying the protocol is silent on them.
    esc_4 = BRIDGEND.rule_state("ESC-4")
    assert esc_4.enabled and esc_4.reason.startswith("not in this protocol")
    # The protocol's own thresholds and timescales: Bridgend 7.9 "any more than three", "7 working days", "3".
    assert BRIDGEND.rule_state("ESC-1").parameters["threshold"] == 4
    assert BRIDGEND.rule_state("ESC-2").parameters == {"no_plan_working_days": 7, "cp_plan_working_days": 3}
    assert PRESETS["marp"].rule_state("MTG-4").parameters["circulate_within_days"] == 7
    # All five protocols: every rule on, citing the merged set's clauses.
    assert all(PRESETS[ALL_FIVE].rule_state(r).enabled for r in RULES)


def test_every_preset_cites_only_requirements_of_protocol_md():
    for preset in PRESETS.values():
        assert set(preset.includes) <= set(REQUIREMENT_IDS), preset.key


def test_docs_protocols_md_is_current():
    assert OUTPUT.read_text() == protocols_index_text(), \
        "docs/protocols.md is out of date: run python manage.py protocols_index"
