from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "doorstep.visits"
    verbose_name = _("Visit safety")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.core.homepage import HOME_SECTIONS
        from doorstep.core.navigation import NAV_ITEMS, NavItem, is_family_worker, is_manager
        from doorstep.escalations.evaluate import SWEEP_CHECKS
        from doorstep.families import casefile

        from . import admin  # noqa: F401  (registers the lone-working procedure on the administration site)
        from .board import visits_figures
        from .casefile import visits_panel
        from .demo import load
        from .home import visits_section
        from .scheduled import visit_alarm_sweep

        # SAF-3: overdue detection is driven by the periodic sweep (and its own faster job, core/schedule.py).
        SWEEP_CHECKS.append(visit_alarm_sweep)
        casefile.PANELS.append(visits_panel)
        # A live alarm is the most urgent thing on anyone's home page.
        HOME_SECTIONS.insert(0, visits_section)
        NAV_ITEMS.append(NavItem("visits:mine", _("My visits"), is_family_worker, "/visits/mine/", order=30))
        NAV_ITEMS.append(NavItem("visits:board", _("Out on visits now"), is_manager, "/visits/now/", order=62))
        BOARD_SECTIONS.append(visits_figures)  # OVR-2
        DEMO_LOADERS.append(load)
