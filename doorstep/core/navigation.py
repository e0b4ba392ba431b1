"""The service navigation: one list, filtered by what the signed-in person may use.

Each capability adds its entry here so that a feature is reachable from the navigation.
"""

from dataclasses import dataclass
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    allowed: Callable
    prefix: str = ""


def _family_worker(user) -> bool:
    return user.works_with_families


def _manager(user) -> bool:
    return user.works_with_families and user.is_manager


def _administrator(user) -> bool:
    return user.is_administrator


def _board(user) -> bool:
    return user.is_board_chair


NAV_ITEMS: list[NavItem] = [
    NavItem("home", _("Home"), lambda u: True),
    NavItem("families:search", _("Find a family"), _family_worker, "/families/"),
    NavItem("families:break_glass_review", _("Emergency access"), _manager, "/families/emergency-access/review/"),
    NavItem("audit:search", _("Audit"), _manager, "/audit/"),
    NavItem("agencies:tokens", _("Partner systems"), _administrator, "/agencies/"),
    NavItem("admin:index", _("Administration"), _administrator, "/admin/"),
    NavItem("api-docs", _("API"), lambda u: u.works_with_families or u.is_administrator, "/api/v1/"),
]


def navigation_for(user, path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.allowed(user):
            continue
        href = reverse(item.url_name)
        current = path == href if not item.prefix else path.startswith(item.prefix)
        items.append({"href": href, "text": item.label, "current": current})
    return items
