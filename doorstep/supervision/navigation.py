"""Supervision's entry in the service navigation (core/extensions.py `NAVIGATION` orders it)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

from .selectors import can_use_supervision

SUPERVISION = NavItem("supervision:home", _("Supervision"), can_use_supervision, "/supervision/")
