"""The case file is a frame that each capability fills with panels.

A panel is a function (family, professional) -> dict with a "template" key (and its own context), or None.
`BANNERS` render above everything (warning markers, open escalations); `PANELS` in the main column;
`SIDE` in the side column. Each panel must run a fixed number of queries, whatever the family's size.
"""

BANNERS: list = []
PANELS: list = []
SIDE: list = []


def render_panels(registry: list, *, family, professional) -> list[dict]:
    return [p for p in (panel(family=family, professional=professional) for panel in registry) if p]
