"""The demo region's partnership (issue 21): Afonwy, in Wales, on the Cwm Taf protocol. Cwm Taf is silent on some
rules the rest of the tour shows (the Bridgend protocol's defaulted visits, non-compliance and children seen, the
Milton Keynes procedures' access rules, the MARP), so Afonwy's administrator switched those on again, with a reason:
what a partnership that starts from a preset and then changes its settings looks like (ESC-12, audited).

Left for the next session: a second partnership in England on the Milton Keynes preset, a police force and a health
trust working in both, and a family transferring between them."""

from doorstep.core.demo import DemoRegion
from doorstep.escalations.services import rule_settings, rule_settings_update

from .models import Nation
from .presets import CWM_TAF
from .services import partnership_default, partnership_preset_change

# The rules the tour shows that the Cwm Taf protocol does not have.
KEPT_ON = ("ESC-1", "ESC-2", "ESC-3", "ESC-6", "ESC-7", "ESC-8", "MTG-2", "MTG-3", "MTG-4")
KEPT_ON_REASON = ("Afonwy adopted the Cwm Taf protocol and keeps the region's joint rules on defaulted visits, "
                  "non-compliance, access, children seen and the MARP while the Board reviews them.")


def load(region: DemoRegion) -> None:
    admin = region.staff["admin.user"]
    afonwy = partnership_default()
    afonwy.name, afonwy.name_cy, afonwy.nation = "Afonwy", "Afonwy", Nation.ENGLAND_WALES
    afonwy.save(update_fields=["name", "name_cy", "nation", "updated_at"])
    afonwy.agencies.set(list(region.agencies.values()))
    afonwy.board_chairs.set([region.staff["board.chair"]])
    # OVR-2: the demo's partnership analysts (none yet) read Afonwy's Board's report.
    afonwy.analysts.set([p for p in region.staff.values() if p.is_partnership_analyst])
    partnership_preset_change(partnership=afonwy, by=admin, preset=CWM_TAF.key,
                              reason="The Afonwy Safeguarding Partnership Board adopted the Cwm Taf protocol.")
    for rule_id in KEPT_ON:
        rule_settings_update(rule_id=rule_id, by=admin, enabled=True, parameters=rule_settings(rule_id, afonwy)[1],
                             reason=KEPT_ON_REASON, partnership=afonwy)
