from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "doorstep.visits"
    verbose_name = _("Visit safety")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem, is_family_worker, is_manager

        from . import admin  # noqa: F401  (registers the lone-working procedure on the administration site)

        NAV_ITEMS.append(NavItem("visits:mine", _("My visits"), is_family_worker, "/visits/mine/", order=30))
        NAV_ITEMS.append(NavItem("visits:board", _("Out on visits now"), is_manager, "/visits/now/", order=62))
