from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "doorstep.escalations"
    verbose_name = _("Escalations")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # One registry of rules: every app's rules.py registers its RuleDefinitions when it is imported.
        autodiscover_modules("rules")
