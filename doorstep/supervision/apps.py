from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "doorstep.supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.core.navigation import NAV_ITEMS, NavItem
        from doorstep.escalations.evaluate import SWEEP_CHECKS
        from doorstep.families.casefile import SIDE

        from .board import supervision_figures
        from .casefile import decisions_panel
        from .demo import load
        from .selectors import can_use_supervision
        from .services import supervision_overdue_sweep

        NAV_ITEMS.append(NavItem("supervision:home", _("Supervision"), can_use_supervision, "/supervision/",
                                 order=60))
        SIDE.append(decisions_panel)
        SWEEP_CHECKS.append(supervision_overdue_sweep)
        DEMO_LOADERS.append(load)
        BOARD_SECTIONS.append(supervision_figures)
