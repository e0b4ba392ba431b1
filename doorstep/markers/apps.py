from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarkersConfig(AppConfig):
    name = "doorstep.markers"
    verbose_name = _("Warning markers")
