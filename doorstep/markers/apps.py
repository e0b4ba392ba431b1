from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarkersConfig(AppConfig):
    name = "doorstep.markers"
    verbose_name = _("Warning markers")

    def ready(self):
        from doorstep.core.board import BOARD_SECTIONS
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.core.homepage import HOME_SECTIONS
        from doorstep.core.navigation import NAV_ITEMS, NavItem, is_family_worker, is_manager
        from doorstep.escalations.evaluate import SWEEP_CHECKS
        from doorstep.families import api as families_api
        from doorstep.families import casefile
        from doorstep.families import selectors as families_selectors

        from .api import family_detail_markers
        from .board import markers_figures
        from .casefile import markers_export_section, markers_side_panel, risk_banner
        from .demo import load
        from .home import markers_section
        from .scheduled import marker_review_sweep
        from .selectors import search_prefetches

        # FLG-1: visible everywhere: every page of the family, search results, exports, the API family detail.
        casefile.BANNERS.insert(0, risk_banner)
        casefile.SIDE.append(markers_side_panel)
        casefile.EXPORT_SECTIONS.insert(0, markers_export_section)
        families_selectors.SEARCH_PREFETCHES.extend(search_prefetches())
        families_api.DETAIL_EXTRAS.append(family_detail_markers)
        # FLG-2: review dates are escalations, raised by the worker's periodic sweep.
        SWEEP_CHECKS.append(marker_review_sweep)
        NAV_ITEMS.append(NavItem("markers:address_check", _("Check an address"), is_family_worker,
                                 "/markers/address-check/", order=20))
        NAV_ITEMS.append(NavItem("markers:awaiting", _("Markers to authorise"), is_manager, "/markers/awaiting/",
                                 order=65))
        HOME_SECTIONS.append(markers_section)
        BOARD_SECTIONS.append(markers_figures)  # OVR-2
        # One loader for the markers and the incidents of the demo region (it needs both apps).
        DEMO_LOADERS.append(load)
