from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "doorstep.agencies"
    verbose_name = _("Agencies and staff")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI description of token authentication)
