from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "doorstep.meetings"
    verbose_name = _("Multi-agency meetings")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.core.homepage import HOME_SECTIONS
        from doorstep.core.navigation import NAV_ITEMS, NavItem
        from doorstep.families.casefile import PANELS
        from doorstep.core.access import EXTRA_ACCESS

        from .demo import load
        from .panels import board_figures_sections, board_section, plan_panel, worker_section
        from .selectors import specialist_family_access

        # MTG-6: invited specialists see the family while the meeting's business lasts.
        EXTRA_ACCESS.append(specialist_family_access)
        PANELS.append(plan_panel)
        HOME_SECTIONS.append(board_section)
        BOARD_SECTIONS.append(board_figures_sections)
        HOME_SECTIONS.append(worker_section)
        NAV_ITEMS.append(NavItem("meetings:mine", _("Meetings"), lambda u: u.works_with_families, "/meetings/",
                                 order=30))
        NAV_ITEMS.append(NavItem("meetings:board", _("Minutes sent to the Board"), lambda u: u.is_board_chair,
                                 "/meetings/board/", order=30))
        DEMO_LOADERS.append(load)
