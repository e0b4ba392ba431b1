from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "doorstep.supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem

        from .selectors import can_use_supervision

        NAV_ITEMS.append(NavItem("supervision:home", _("Supervision"), can_use_supervision, "/supervision/",
                                 order=60))
