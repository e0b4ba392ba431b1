from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "doorstep.families"
    verbose_name = _("Families")

    def ready(self):
        from doorstep.core.homepage import HOME_SECTIONS

        from .home import families_section

        HOME_SECTIONS.append(families_section)

        from doorstep.core.demo import DEMO_LOADERS

        from .demo import load

        DEMO_LOADERS.append(load)
