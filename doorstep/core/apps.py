from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "doorstep.core"
    verbose_name = _("Doorstep")

    def ready(self):
        from . import checks  # noqa: F401  (registers the extension points' check, issue 14)
        from . import sessions  # noqa: F401  (registers the sign-in receiver: session start, drafts)
