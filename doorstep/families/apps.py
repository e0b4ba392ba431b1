from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "doorstep.families"
    verbose_name = _("Families")

    def ready(self):
        from doorstep.core.homepage import HOME_SECTIONS

        from .home import families_section

        HOME_SECTIONS.append(families_section)

        from doorstep.core.board import BOARD_SECTIONS, board_home_section

        from .board import families_figures

        HOME_SECTIONS.append(board_home_section)
        BOARD_SECTIONS.append(families_figures)

        from doorstep.core.demo import DEMO_LOADERS

        from .demo import load

        DEMO_LOADERS.append(load)
