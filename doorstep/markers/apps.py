from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarkersConfig(AppConfig):
    name = "doorstep.markers"
    verbose_name = _("Warning markers")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem, is_family_worker, is_manager

        NAV_ITEMS.append(NavItem("markers:address_check", _("Check an address"), is_family_worker,
                                 "/markers/address-check/", order=20))
        NAV_ITEMS.append(NavItem("markers:awaiting", _("Markers to authorise"), is_manager, "/markers/awaiting/",
                                 order=65))
