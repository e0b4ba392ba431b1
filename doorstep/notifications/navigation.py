"""The notifications' entry in the service navigation (core/extensions.py `NAVIGATION` orders it)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

NOTIFICATIONS = NavItem("notifications:inbox", _("Notifications"), lambda u: True, "/notifications/")
