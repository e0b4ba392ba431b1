from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "doorstep.meetings"
    verbose_name = _("Multi-agency meetings")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem

        NAV_ITEMS.append(NavItem("meetings:mine", _("Meetings"), lambda u: u.works_with_families, "/meetings/",
                                 order=30))
        NAV_ITEMS.append(NavItem("meetings:board", _("Minutes sent to the Board"), lambda u: u.is_board_chair,
                                 "/meetings/board/", order=30))
