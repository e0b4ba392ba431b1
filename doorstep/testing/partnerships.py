"""Two partnerships whose settings differ (issue 21: everything follows the family's partnership), for tests that
show a page, list or sweep reads each family's own partnership's settings rather than the deployment's default."""

from collections.abc import Mapping

from doorstep.escalations.services import rule_settings, rule_settings_update
from doorstep.families.models import Family
from doorstep.partnerships.models import Nation, Partnership
from doorstep.partnerships.presets import ALL_FIVE
from doorstep.partnerships.services import partnership_create


def second_partnership(world, *, settings: Mapping[str, Mapping[str, int]] = (), families=(),
                       name: str = "Second partnership", **kwargs) -> Partnership:
    """A second partnership (all five protocols, then `settings`: rule id -> parameters changed), created by the
    deployment's administrator; `families` are moved into it. The move is a plain update: the recorded transfer is
    another service's work, and these tests are about which settings are read, not about transfers."""
    admin = world.users["administrator"]
    partnership = partnership_create(by=admin, name=name, nation=Nation.ENGLAND_WALES, preset=ALL_FIVE, **kwargs)
    for rule_id, changed in dict(settings).items():
        rule_settings_update(rule_id=rule_id, by=admin, enabled=True, reason="Issue 21 test", partnership=partnership,
                             parameters={**rule_settings(rule_id, partnership)[1], **changed})
    moved = [f.pk for f in families]
    Family.objects.filter(pk__in=moved).update(partnership=partnership)
    for family in families:
        family.partnership_id = partnership.pk
        family._state.fields_cache.pop("partnership", None)
    return partnership
