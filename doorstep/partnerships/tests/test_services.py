"""Issue 21: partnerships created by a deployment administrator, their protocol changed with a reason (ESC-12,
audited), and every family in exactly one partnership; each bad input refused with a specific message."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorstep.agencies.models import Role
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.escalations.models import RuleSetting, RuleSettingChange
from doorstep.escalations.services import rule_context, rule_settings, rule_settings_update
from doorstep.families.services import family_create
from doorstep.partnerships.models import Nation, Partnership, PresetChange
from doorstep.partnerships.presets import BRIDGEND, CWM_TAF, MILTON_KEYNES
from doorstep.partnerships.services import partnership_create, partnership_default, partnership_preset_change
from doorstep.testing.factories import ProfessionalFactory


def _create(world, **kwargs) -> Partnership:
    values = {"name": "Milton Keynes", "nation": Nation.ENGLAND_WALES, "preset": MILTON_KEYNES.key,
              "agencies": [world.users["other_involved"].agency]}
    return partnership_create(by=world.users["administrator"], **{**values, **kwargs})


def test_a_deployment_administrator_creates_a_partnership_from_a_preset_audited(world):
    chair = world.users["board_chair"]
    partnership = _create(world, name_cy="Milton Keynes", board_chairs=[chair])
    assert list(partnership.board_chairs.all()) == [chair]
    rows = {s.rule_id: s.enabled for s in RuleSetting.objects.filter(partnership=partnership)}
    assert rows["ESC-3"] is True and rows["ESC-1"] is False and rows["ESC-4"] is True  # always on
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="partnerships.Partnership",
                                     object_id=str(partnership.pk), actor=world.users["administrator"]).exists()


def test_creating_a_partnership_refuses_bad_input_with_specific_messages(world):
    with pytest.raises(PermissionDenied):
        partnership_create(by=world.users["involved_manager"], name="X", nation=Nation.SCOTLAND,
                           preset=BRIDGEND.key)
    with pytest.raises(ValidationError) as error:
        _create(world, name=" ", nation="wales", preset="nowhere", board_chairs=[world.users["analyst"]])
    assert set(error.value.message_dict) == {"name", "nation", "preset", "board_chairs"}
    assert error.value.message_dict["board_chairs"] == ["A partnership's Board chair must have the Board chair role"]
    _create(world)
    with pytest.raises(ValidationError) as error:
        _create(world, name="milton keynes")
    assert error.value.message_dict["name"] == ["There is already a partnership with this name"]
    # A partnership's own administrator is not a deployment administrator.
    own = ProfessionalFactory(username="mk.admin", agency=None, role=Role.ADMINISTRATOR)
    Partnership.objects.get(name="Milton Keynes").administrators.add(own)
    with pytest.raises(PermissionDenied):
        partnership_create(by=own, name="Elsewhere", nation=Nation.SCOTLAND, preset=BRIDGEND.key)


def test_esc_12_a_preset_change_needs_a_reason_and_is_audited(world):
    admin = world.users["administrator"]
    partnership = partnership_default()
    with pytest.raises(ValidationError) as error:
        partnership_preset_change(partnership=partnership, by=admin, preset=CWM_TAF.key, reason="  ")
    assert error.value.message_dict == {"reason": ["Enter why the partnership's protocol is changing"]}
    assert Partnership.objects.get(pk=partnership.pk).preset == "all-five" and not PresetChange.objects.exists()
    partnership_preset_change(partnership=partnership, by=admin, preset=CWM_TAF.key, reason="Board decision")
    change = PresetChange.objects.get()
    assert (change.before, change.after, change.reason, change.changed_by) == ("all-five", CWM_TAF.key,
                                                                              "Board decision", admin)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="partnerships.Partnership",
                                     reason="Board decision").exists()
    assert rule_settings("ESC-1", partnership)[0] is False and rule_settings("ESC-11", partnership)[0] is True
    with pytest.raises(ValidationError) as error:
        partnership_preset_change(partnership=partnership, by=admin, preset=CWM_TAF.key, reason="Again")
    assert "already runs this protocol" in error.value.message_dict["preset"][0]


def test_esc_12_a_rule_setting_outside_its_range_is_refused_and_settings_stay_in_their_partnership(world):
    admin = world.users["administrator"]
    other = _create(world)
    with pytest.raises(ValidationError) as error:
        rule_settings_update(rule_id="ESC-3", by=admin, enabled=True, reason="Tighter", partnership=other,
                             parameters={**rule_settings("ESC-3", other)[1], "consecutive_no_access": 99})
    assert error.value.message_dict == {"consecutive_no_access": ["Enter a number from 1 to 20"]}
    rule_settings_update(rule_id="ESC-3", by=admin, enabled=True, reason="Tighter", partnership=other,
                         parameters={**rule_settings("ESC-3", other)[1], "consecutive_no_access": 3})
    assert rule_settings("ESC-3", other)[1]["consecutive_no_access"] == 3
    assert rule_settings("ESC-3")[1]["consecutive_no_access"] == 2  # the default partnership's is unchanged
    assert RuleSettingChange.objects.get(rule_id="ESC-3").partnership == other
    # A partnership's administrator changes only their own partnership's settings.
    own = ProfessionalFactory(username="mk.admin", agency=None, role=Role.ADMINISTRATOR)
    other.administrators.add(own)
    with pytest.raises(PermissionDenied):
        rule_settings_update(rule_id="ESC-3", by=own, enabled=True, reason="x", parameters=rule_settings("ESC-3")[1])


def test_the_engine_reads_the_familys_partnership_nation_and_settings(world):
    other = _create(world, nation=Nation.SCOTLAND)
    worker = world.users["other_involved"]
    family = family_create(by=worker, name="Scottish household", reason="Concerns", line1="1 High Street",
                           town="Perth", postcode="PH1 1AA")
    assert family.partnership == other  # the police work only there
    context = rule_context(family.partnership_id)
    assert (context.nation, context.preset, context.settings["ESC-1"][0]) == ("scotland", MILTON_KEYNES.key, False)


def test_a_family_with_no_partnership_is_refused(world):
    """An agency working in two partnerships must choose; the choice must be one it works in."""
    worker = world.users["other_involved"]
    first = _create(world)
    second = _create(world, name="Bridgend", preset=BRIDGEND.key)
    values = {"by": worker, "name": "New household", "reason": "Concerns", "line1": "2 Heol", "town": "Afonwy",
              "postcode": "AF1 2AA"}
    with pytest.raises(ValidationError) as error:
        family_create(**values)
    assert error.value.message_dict["partnership"] == [
        "Select which partnership the family belongs to: every family belongs to exactly one"]
    third = _create(world, name="Elsewhere", agencies=[])
    with pytest.raises(ValidationError) as error:
        family_create(**values, partnership=third)
    assert error.value.message_dict["partnership"] == ["Select a partnership your agency works in"]
    assert family_create(**values, partnership=second).partnership == second
    assert first.families.count() == 0


def test_ovr_2_issue_21_a_partnerships_analysts_have_the_analyst_role_and_read_only_its_report(world):
    from doorstep.partnerships.selectors import partnership_report_for, partnerships_reporting_to

    with pytest.raises(ValidationError) as error:
        _create(world, analysts=[world.users["board_chair"]])
    assert error.value.message_dict == {"analysts": ["A partnership's analyst must have the partnership analyst role"]}
    assert not Partnership.objects.filter(name="Milton Keynes").exists()  # nothing half-saved
    analyst = ProfessionalFactory(username="mk.analyst", agency=None, role=Role.ANALYST)
    partnership = _create(world, analysts=[analyst])
    assert list(partnership.analysts.all()) == [analyst]
    assert list(partnerships_reporting_to(analyst)) == [partnership]
    assert partnership_report_for(professional=analyst) == partnership
    # The world's analyst reads the world's (default) partnership only, and nobody else reads any.
    assert list(partnerships_reporting_to(world.users["analyst"])) == [partnership_default()]
    with pytest.raises(PermissionDenied) as refused:
        partnership_report_for(professional=world.users["analyst"], partnership_id=partnership.pk)
    assert "You do not read the Board's report of this partnership" in str(refused.value)
    for role in ("involved_manager", "administrator"):
        assert not partnerships_reporting_to(world.users[role]).exists()
