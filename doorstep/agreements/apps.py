from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "doorstep.agreements"
    verbose_name = _("Written agreements")

    def ready(self):
        from . import checks  # noqa: F401  (registers the PDF font check)
