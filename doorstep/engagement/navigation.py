"""The engagement record's entry in the service navigation (core/extensions.py `NAVIGATION` orders it)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

ENGAGEMENT_SETTINGS = NavItem("engagement:settings", _("Engagement settings"), lambda u: u.is_administrator,
                              "/engagement/settings/")
