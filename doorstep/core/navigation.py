"""The service navigation: one list, filtered by what the signed-in person may use.

Each capability adds its entry here so that a feature is reachable from the navigation.
"""

from dataclasses import dataclass
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import is_family_worker


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    allowed: Callable
    prefix: str = ""
    order: int = 50


def _manager(user) -> bool:
    return is_family_worker(user) and user.is_manager


def _administrator(user) -> bool:
    return user.is_administrator


def _board(user) -> bool:
    return user.is_board_chair


# Apps add their own entries in AppConfig.ready(); `order` places them (home 0 ... administration 90).
NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Home"), lambda u: True, order=0),
    NavItem("families:search", _("Find a family"), is_family_worker, "/families/", order=10),
    NavItem("families:break_glass_review", _("Emergency access"), _manager, "/families/emergency-access/review/",
            order=70),
    NavItem("audit:search", _("Audit"), _manager, "/audit/", order=75),
    # Issue 13 finding 2: administrators ask for partner-system tokens, the agency's managers approve them.
    NavItem("agencies:tokens", _("Partner systems"), lambda u: _administrator(u) or _manager(u), "/agencies/tokens/",
            order=85),
    # Issue 13: an account an administrator added or changed waits for a manager of its agency (or, for an agency
    # without one, the Board chair).
    NavItem("agencies:accounts", _("Staff accounts"), lambda u: _administrator(u) or _manager(u) or _board(u),
            "/agencies/accounts/", order=86),
    NavItem("admin:index", _("Administration"), _administrator, "/admin/", order=90),
    NavItem("api-docs", _("API"), lambda u: is_family_worker(u) or u.is_administrator, "/api/v1/", order=95),
    # Issue 17: only in the demo (doorstep/core/demo_mail.py), where e-mails are caught instead of sent.
    NavItem("demo_mailbox", _("Demo mailbox"), lambda u: _demo_mailbox(), "/demo/mailbox/", order=98),
]


def _demo_mailbox() -> bool:
    from .demo_mail import demo_mailbox_enabled

    return demo_mailbox_enabled()


def is_manager(user) -> bool:
    return _manager(user)


def navigation_for(user, path: str) -> list[dict]:
    items = []
    for item in sorted(NAV_ITEMS, key=lambda i: i.order):
        if not item.allowed(user):
            continue
        href = reverse(item.url_name)
        current = path == href if not item.prefix else path.startswith(item.prefix)
        if item.url_name == "families:search" and path.startswith("/families/emergency-access/review/"):
            current = False
        items.append({"href": href, "text": item.label, "current": current})
    return items
