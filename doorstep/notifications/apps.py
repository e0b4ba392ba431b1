from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "doorstep.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem

        NAV_ITEMS.append(NavItem("notifications:inbox", _("Notifications"), lambda u: True, "/notifications/",
                                 order=60))
