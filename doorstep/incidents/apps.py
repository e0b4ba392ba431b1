from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "doorstep.incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.homepage import HOME_SECTIONS
        from doorstep.families import casefile

        from .board import incidents_figures
        from .casefile import incidents_export_section, incidents_panel
        from .home import incidents_section

        casefile.PANELS.append(incidents_panel)
        casefile.EXPORT_SECTIONS.append(incidents_export_section)
        HOME_SECTIONS.append(incidents_section)
        BOARD_SECTIONS.append(incidents_figures)  # OVR-2
