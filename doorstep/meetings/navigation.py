"""The meetings' entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

MEETINGS = NavItem("meetings:mine", _("Meetings"), lambda u: u.works_with_families, "/meetings/")
BOARD_MINUTES = NavItem("meetings:board", _("Minutes sent to the Board"), lambda u: u.is_board_chair,
                        "/meetings/board/")
