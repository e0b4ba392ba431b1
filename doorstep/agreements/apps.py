from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "doorstep.agreements"
    verbose_name = _("Written agreements")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.escalations.evaluate import SWEEP_CHECKS
        from doorstep.families.casefile import PANELS

        from . import checks  # noqa: F401  (registers the PDF font check)
        from .board import agreements_figures
        from .casefile import agreement_panel
        from .demo import load
        from .services import agreement_reviews_sweep

        PANELS.append(agreement_panel)
        SWEEP_CHECKS.append(agreement_reviews_sweep)
        DEMO_LOADERS.append(load)
        BOARD_SECTIONS.append(agreements_figures)
