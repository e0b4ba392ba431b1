"""The partnerships' entry in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

# Issue 21: administrators manage their partnerships' protocols and rule settings here.
PARTNERSHIPS = NavItem("partnerships:list", _("Partnerships"), lambda u: u.is_administrator, "/partnerships/")
