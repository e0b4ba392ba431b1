from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "doorstep.agreements"
    verbose_name = _("Written agreements")
