"""Visit safety's entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem, is_family_worker, is_manager

MY_VISITS = NavItem("visits:mine", _("My visits"), is_family_worker, "/visits/mine/")
OUT_ON_VISITS = NavItem("visits:board", _("Out on visits now"), is_manager, "/visits/now/")
