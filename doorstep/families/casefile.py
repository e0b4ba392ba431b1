"""The case file is a frame that each capability fills with panels.

A panel is a function (family, professional) -> dict with a "template" key (and its own context), or None.
`BANNERS` render above everything (warning markers, open escalations); `PANELS` in the main column;
`SIDE` in the side column. Each panel must run a fixed number of queries, whatever the family's size.


Every page about a family shows the banners: `{% load casefile %}{% family_banners family %}`.

`EXPORT_SECTIONS` feed every export, printout and referral summary of a family (INC-2: violence in full):
fn(*, family) -> {"title": str, "lines": [str, ...]} or None.

Which panels there are, and their order, is declared in doorstep/core/extensions.py.
"""

from doorstep.core.extensions import CASEFILE_BANNERS as BANNERS  # noqa: F401
from doorstep.core.extensions import CASEFILE_EXPORT_SECTIONS as EXPORT_SECTIONS
from doorstep.core.extensions import CASEFILE_PANELS as PANELS  # noqa: F401
from doorstep.core.extensions import CASEFILE_SIDE as SIDE  # noqa: F401


def export_sections(*, family) -> list[dict]:
    return [s for s in (section(family=family) for section in EXPORT_SECTIONS) if s]


def render_panels(registry: list, *, family, professional) -> list[dict]:
    return [p for p in (panel(family=family, professional=professional) for panel in registry) if p]
