"""The Board chair's view of the partnership (OVR-2): aggregate figures only, nothing identifiable (P-4).

Each capability adds sections: fn() -> a list of {"title": str, "rows": [(label, value), ...]}, declared in
`BOARD_FIGURES` (doorstep/core/extensions.py). Each runs a fixed number of aggregate queries.
"""

from django.utils.translation import gettext as _

from .extensions import BOARD_FIGURES as BOARD_SECTIONS


def board_home_section(request):
    if not request.user.is_board_chair:
        return None
    sections = [s for section in BOARD_SECTIONS for s in section()]
    return {"template": "core/_board.html", "sections": sections, "title": _("The partnership at a glance")}
