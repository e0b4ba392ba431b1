"""The service navigation: one list (core/extensions.py `NAVIGATION`, in the order the header shows it), filtered
by what the signed-in person may use.

Each capability defines its entries (`NavItem`) in its own navigation.py, and names them in that list, so that a
feature is reachable from the navigation.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import is_family_worker
from .extensions import NAVIGATION


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    allowed: Callable
    prefix: str = ""


def _manager(user) -> bool:
    return is_family_worker(user) and user.is_manager


def _administrator(user) -> bool:
    return user.is_administrator


def _board(user) -> bool:
    return user.is_board_chair


def _board_reader(user) -> bool:
    from .board import can_read_board_report

    return can_read_board_report(user)


def _demo_mailbox(user) -> bool:
    from .demo_mail import demo_mailbox_enabled

    return demo_mailbox_enabled()


def is_manager(user) -> bool:
    return _manager(user)


HOME = NavItem("home", _("Home"), lambda u: True)
FIND_A_FAMILY = NavItem("families:search", _("Find a family"), is_family_worker, "/families/")
EMERGENCY_ACCESS = NavItem("families:break_glass_review", _("Emergency access"), _manager,
                           "/families/emergency-access/review/")
AUDIT = NavItem("audit:search", _("Audit"), _manager, "/audit/")
# Issue 13 finding 2: administrators ask for partner-system tokens, the agency's managers approve them.
PARTNER_SYSTEMS = NavItem("agencies:tokens", _("Partner systems"), lambda u: _administrator(u) or _manager(u),
                          "/agencies/tokens/")
# Issue 13: an account an administrator added or changed waits for a manager of its agency (or, for an agency
# without one, the Board chair).
STAFF_ACCOUNTS = NavItem("agencies:accounts", _("Staff accounts"),
                         lambda u: _administrator(u) or _manager(u) or _board(u), "/agencies/accounts/")
ADMINISTRATION = NavItem("admin:index", _("Administration"), _administrator, "/admin/")
API = NavItem("api-docs", _("API"), lambda u: is_family_worker(u) or u.is_administrator, "/api/v1/")
# Issue 17: only in the demo (doorstep/core/demo_mail.py), where e-mails are caught instead of sent.
# OVR-2 (issue 19): the Board's report, for the Board chair and the partnership's analysts.
BOARD_REPORT = NavItem("board_report", _("The Board's report"), lambda u: _board_reader(u), "/board/")
DEMO_MAILBOX = NavItem("demo_mailbox", _("Demo mailbox"), _demo_mailbox, "/demo/mailbox/")


def navigation_for(user, path: str) -> list[dict]:
    items = []
    for item in NAVIGATION:
        if not item.allowed(user):
            continue
        href = reverse(item.url_name)
        current = path == href if not item.prefix else path.startswith(item.prefix)
        if item.url_name == "families:search" and path.startswith("/families/emergency-access/review/"):
            current = False
        items.append({"href": href, "text": item.label, "current": current})
    return items
