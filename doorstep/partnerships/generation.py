"""The generated region's partnerships (issue 21, `manage.py generate_region`): "the generated region assigns its
areas to partnerships with different presets".

Each area (its eight agencies, about `Plan.families_per_area` families) is one local safeguarding partnership: the
area's agencies work in it, the area's Board chair chairs it, and it runs a protocol preset, its rule settings written
as `services.preset_apply` writes them (every rule on or off, the protocol's thresholds and timescales), with the
audit row `partnership_create` writes, by the deployment's administrator. The rows go through the generator's
`TableWriter`s (COPY on PostgreSQL), like every other generated row. Every family then belongs to its area's
partnership (scale/steps.py `family_record`), and the engine evaluates it with that partnership's rules.

Which preset: the areas holding a very large family run "All five protocols", so the bench's largest family still has
every rule evaluated (and the figures compare with regions generated before issue 21); the other areas take the five
seed protocols in turn, widest first. Deterministic: the areas' order comes from the seeded generator.
"""

from datetime import timedelta

from django.conf import settings

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core.texts import Names, text_store
from doorstep.scale.generate import Region, Step

from .models import Nation, Partnership
from .presets import ALL_FIVE, BRIDGEND, CWM_TAF, MARP, MILTON_KEYNES, PG38, PRESETS

# The seed protocols in the order areas without a very large family take them: the most rules the generated
# families' histories can raise first (Cwm Taf 15 rules on, Milton Keynes 10, Bridgend 7, PG38 7; the MARP protocol's
# 8 include four about meetings, which the region has none of), so that a region of two or three areas still
# raises a good part of the rules.
CYCLE = (CWM_TAF.key, MILTON_KEYNES.key, BRIDGEND.key, PG38.key, MARP.key)

# The nation whose bank holidays each protocol's partnership keeps, from its seed (../shared/seeds/): Bridgend (003)
# and Cwm Taf (004) are Welsh boards citing the All Wales Child Protection Procedures; Milton Keynes (001) is in
# England (Working Together); PG38 (002) cites a "Learning and Improvement Framework", Working Together's term, so
# England. The MARP protocol (000) names no place, but its "social work" representative and "Child Protection
# Committee" are Scotland's terms (England's were Children's Social Care and Area Child Protection Committees), so
# Scotland, and the region counts one nation's holidays apart. "All five protocols" keeps the deployment's nation.
NATION = {
    CWM_TAF.key: Nation.ENGLAND_WALES, BRIDGEND.key: Nation.ENGLAND_WALES, MILTON_KEYNES.key: Nation.ENGLAND_WALES,
    PG38.key: Nation.ENGLAND_WALES, MARP.key: Nation.SCOTLAND,
}


def area_presets(region: Region) -> list[str]:
    """The preset of each area, in the order of region.data["areas"]."""
    from doorstep.scale.steps import area_of

    areas = region.data["areas"]
    giant_areas = {id(area_of(region, index)) for index in region.giants} or {id(areas[0])}
    presets, turn = [], 0
    for area in areas:
        if id(area) in giant_areas:
            presets.append(ALL_FIVE)
        else:
            presets.append(CYCLE[turn % len(CYCLE)])
            turn += 1
    return presets


def partnerships_step(region: Region) -> None:
    from doorstep.escalations.models import RuleSetting
    from doorstep.escalations.rules import RULES

    from .services import PARTNERSHIP_CREATED

    administrator = region.data["administrator_id"]
    created = region.now - timedelta(days=3 * 365)  # when the staff joined (scale/steps.py)
    agencies_field = Partnership._meta.get_field("agencies")
    chairs_field = Partnership._meta.get_field("board_chairs")
    for area, key in zip(region.data["areas"], area_presets(region)):
        preset = PRESETS[key]
        name, name_cy = f"{area.name} Safeguarding Partnership", f"Partneriaeth Ddiogelu {area.name}"
        partnership_id = region.add(Partnership, name=name, name_cy=name_cy,
                                    nation=NATION.get(key, settings.DOORSTEP_NATION), preset=key, is_default=False,
                                    created_at=created, created_by_id=administrator, updated_at=created)
        area.partnership_id, area.preset = partnership_id, key
        for info in area.agencies.values():
            region.add(agencies_field.remote_field.through, **{agencies_field.m2m_column_name(): partnership_id,
                                                               agencies_field.m2m_reverse_name(): info["id"]})
        if area.board_chair_id:
            region.add(chairs_field.remote_field.through, **{chairs_field.m2m_column_name(): partnership_id,
                                                             chairs_field.m2m_reverse_name(): area.board_chair_id})
        # As preset_apply writes them: every rule, on or off, with the protocol's own thresholds and timescales.
        for rule_id in RULES:
            state = preset.rule_state(rule_id)
            region.add(RuleSetting, partnership_id=partnership_id, rule_id=rule_id, enabled=state.enabled,
                       parameters=dict(state.parameters), updated_at=created, updated_by_id=administrator)
        summary, summary_text = text_store(
            PARTNERSHIP_CREATED % {"name": Names({settings.LANGUAGE_CODE: name, "cy": name_cy}),
                                   "preset": preset.name}, max_length=300)
        region.add(AuditEvent, at=created, actor_id=administrator, actor_agency_id=None, action=AuditAction.CREATE,
                   object_type=Partnership._meta.label, object_id=str(partnership_id), summary=summary,
                   summary_text=summary_text)


PARTNERSHIPS_STEP = Step("partnerships", partnerships_step)
