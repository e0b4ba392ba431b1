from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "doorstep.visits"
    verbose_name = _("Visit safety")

    def ready(self):
        from . import admin  # noqa: F401  (registers the lone-working procedure on the administration site)
