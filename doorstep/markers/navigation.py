"""The warning markers' entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem, is_family_worker, is_manager

ADDRESS_CHECK = NavItem("markers:address_check", _("Check an address"), is_family_worker, "/markers/address-check/")
MARKERS_TO_AUTHORISE = NavItem("markers:awaiting", _("Markers to authorise"), is_manager, "/markers/awaiting/")
