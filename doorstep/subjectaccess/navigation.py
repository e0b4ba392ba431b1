"""The subject access requests' entry in the service navigation (core/extensions.py `NAVIGATION` orders it)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

from .selectors import sees_requests

SUBJECT_ACCESS = NavItem("subjectaccess:list", _("Subject access requests"), sees_requests, "/subjectaccess/")
