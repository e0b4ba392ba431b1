"""The recording capability's entry in the service navigation (core/extensions.py `NAVIGATION` orders it)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

# RIG-2: administrators maintain the recording check's list.
RECORDING_TERMS = NavItem("recording:terms", _("Recording check"), lambda u: u.is_administrator, "/recording/terms/")
