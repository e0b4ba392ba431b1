from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordingConfig(AppConfig):
    name = "doorstep.recording"
    verbose_name = _("Respectful, factual records")
