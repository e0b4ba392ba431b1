"""Issue 21 in CI: "the generated region (bench) assigns its areas to partnerships with different presets". The same
200 families as test_region.py, cut into six areas of at most 34 families, so six partnerships, one on each protocol
preset; each family in its area's partnership, with its partnership's rules.

A module of its own: test_region.py's query-count comparison posts a contact on the largest and a typical family,
and whether that post tips a rule (an agency's third failed visit in a row) depends on the chance of each history,
which a different cut of the region changes; its region stays one area, as the bench's histories are."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from doorstep.engagement.models import Contact
from doorstep.escalations.models import ACTIVE_STATES, Escalation, RuleSetting
from doorstep.escalations.rules import RULES
from doorstep.families.models import Family, Involvement
from doorstep.partnerships.models import Partnership
from doorstep.partnerships.presets import ALL_FIVE, PRESETS
from doorstep.scale.bench import subjects

FAMILIES_PER_AREA = 34  # the region fixture (conftest.py) reads it: ceil(200 / 34) = 6 areas

pytestmark = pytest.mark.xdist_group("scale_partnerships")


def _generated_partnerships() -> list[Partnership]:
    return list(Partnership.objects.filter(is_default=False).order_by("pk"))


def test_issue_21_each_area_is_a_partnership_on_its_own_preset_with_its_agencies_chair_and_families(region, db):
    from doorstep.agencies.models import Role
    from doorstep.audit.models import AuditEvent
    from doorstep.partnerships.generation import NATION
    from doorstep.partnerships.selectors import is_deployment_administrator
    from doorstep.partnerships.services import PARTNERSHIP_CREATED

    partnerships = _generated_partnerships()
    # 200 families in areas of 34 at most: six areas, six partnerships, one on each preset.
    assert sorted(p.preset for p in partnerships) == sorted(PRESETS)
    nations = {p.preset: p.nation for p in partnerships}
    assert nations == {**NATION, ALL_FIVE: settings.DOORSTEP_NATION}
    assert (nations["marp"], nations["cwm-taf"], nations["bridgend"]) == ("scotland", "england-wales", "england-wales")
    # Each partnership: its area's eight agencies (no agency in two), a Board chair of its own, its families.
    agency_partnership = {}
    for p in partnerships:
        agencies = list(p.agencies.values_list("pk", flat=True))
        assert len(agencies) == 8, p.name
        for agency in agencies:
            assert agency_partnership.setdefault(agency, p.pk) == p.pk
        assert [c.role for c in p.board_chairs.all()] == [Role.BOARD_CHAIR]
        assert 30 <= p.families.count() <= 34, p.name
    assert not Family.objects.exclude(partnership__in=partnerships).exists()
    assert len({c for p in partnerships for c in p.board_chairs.values_list("pk", flat=True)}) == len(partnerships)
    # Each family is in its area's partnership: every agency involved with it, and every contact's, works in it.
    involved = set(Involvement.objects.values_list("family__partnership_id", "agency_id").distinct())
    contacted = set(Contact.objects.values_list("family__partnership_id", "agency_id").distinct())
    assert involved and contacted
    assert {(agency_partnership[agency], agency) for _p, agency in involved | contacted} == involved | contacted
    # The largest family's partnership runs every rule ("All five protocols"), so the bench evaluates them all.
    largest, _typical = subjects()
    assert Family.objects.get(pk=largest.family_id).partnership.preset == ALL_FIVE
    # Created by the deployment's administrator, with the audit row partnership_create writes (P-3).
    rows = AuditEvent.objects.filter(object_type="partnerships.Partnership")
    assert sorted(int(r.object_id) for r in rows) == [p.pk for p in partnerships]
    assert {r.summary_text["msgid"] for r in rows} == {PARTNERSHIP_CREATED.msgid}
    assert all(is_deployment_administrator(r.actor) for r in rows)
    afonwy = Partnership.objects.get(name="Afonwy Safeguarding Partnership")
    assert afonwy.name_cy == "Partneriaeth Ddiogelu Afonwy"


def test_issue_21_esc_12_each_partnerships_rule_settings_are_what_its_preset_applies(region, db):
    """The generator writes the rows preset_apply would: applying the preset again changes nothing."""
    from doorstep.partnerships.services import preset_apply

    def stored(p):
        return {s.rule_id: (s.enabled, s.parameters, s.updated_by_id) for s in RuleSetting.objects.filter(partnership=p)}

    seen = set()
    for p in _generated_partnerships():
        preset = PRESETS[p.preset]
        before = stored(p)
        assert {r: (e, params) for r, (e, params, _by) in before.items()} == {
            r: (preset.rule_state(r).enabled, dict(preset.rule_state(r).parameters)) for r in RULES}, p.preset
        preset_apply(partnership=p, by=None)
        assert stored(p) == before, p.preset
        seen.add(frozenset(r for r, (enabled, _params, _by) in before.items() if enabled))
    assert len(seen) == 6  # six presets, six different sets of rules on
    bridgend = next(p for p in _generated_partnerships() if p.preset == "bridgend")
    assert stored(bridgend)["ESC-1"][:2] == (True, {"threshold": 4, "deadline_working_days": 10})


def test_issue_21_a_family_has_only_actions_of_rules_its_partnership_runs_citing_its_protocol(region, db):
    """Generated and raised by the engine's evaluation alike: no family has an action of a rule its partnership has
    off, and each cites the clause in its own protocol's numbering ("Cwm Taf protocol 3.1")."""
    off = Escalation.objects.filter(family__partnership__rule_settings__rule_id=F("rule_id"),
                                    family__partnership__rule_settings__enabled=False)
    assert not off.exists(), list(off.values_list("rule_id", "family__partnership__preset")[:5])
    raised = set(Escalation.objects.values_list("family__partnership__preset", "rule_id", "clause").order_by())
    assert len({preset for preset, _r, _c in raised}) >= 4  # several partnerships' families have actions
    for preset_key, rule_id, clause in raised:
        preset = PRESETS[preset_key]
        assert RULES[rule_id].always_on or preset.rule_state(rule_id).enabled, (preset_key, rule_id)
        if preset_key != ALL_FIVE and rule_id in preset.includes:
            assert clause.startswith(f"{preset.citation} "), (preset_key, rule_id, clause)
    assert {("cwm-taf", "ESC-10", "Cwm Taf protocol 3.1"), ("cwm-taf", "ESC-11", "Cwm Taf protocol 3.1")} & raised


@pytest.mark.parametrize("preset, raises", [("all-five", "003 §7.9"), ("bridgend", "Bridgend protocol 7.9"),
                                            ("milton-keynes", None), ("cwm-taf", None), ("pg38", None), ("marp", None)])
def test_issue_21_esc_1_four_defaulted_visits_raise_an_action_only_where_the_partnership_runs_esc_1(
        region, db, preset, raises):
    """Evaluating a family uses its partnership's rules: the same four defaulted home visits, recorded through the
    contact service, raise ESC-1 (citing the partnership's own clause) in a partnership on All five protocols or the
    Bridgend protocol, and nothing of ESC-1 where the protocol is silent on it (Milton Keynes, Cwm Taf, PG38, MARP)."""
    from doorstep.engagement.models import ContactKind, Outcome
    from doorstep.engagement.services import contact_record

    family = (Family.objects.filter(partnership__preset=preset, partnership__is_default=False)
              .exclude(pk__in=Escalation.objects.filter(rule_id="ESC-1", state__in=ACTIVE_STATES).values("family_id"))
              .order_by("pk").first())
    assert family is not None
    lead = (Involvement.objects.filter(family=family, ended_on__isnull=True).select_related("lead_professional")
            .order_by("pk").first().lead_professional)
    for days in (4, 3, 2, 1):
        contact_record(family=family, by=lead, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                       occurred_at=timezone.now() - timedelta(days=days))
    esc_1 = list(Escalation.objects.filter(family=family, rule_id="ESC-1", state__in=ACTIVE_STATES)
                 .values_list("clause", flat=True))
    assert esc_1 == ([raises] if raises else [])
