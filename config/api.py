"""Every API route lives under /api/v1/. Each app's `api.py` lists its viewsets as
`ROUTES = [(prefix, ViewSet, basename), ...]`. Prefixes and actions' `url_path` are Django route syntax
(`families/<int:family_id>/contacts`), not regular expressions."""

import importlib

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Issue 13 (finding 7): every id in an API route is a number (Django's <int:...>), so anything else is the URL
    resolver's 404 and never reaches a lookup (where it was a 500); the schema says so (integer ids)."""

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "int"  # DRF's default for routes without a `lookup_value_converter`


router = Router()
for config in apps.get_app_configs():
    if not config.name.startswith("doorstep."):
        continue
    try:
        module = importlib.import_module(f"{config.name}.api")
    except ModuleNotFoundError:
        continue
    for prefix, viewset, basename in getattr(module, "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)

# OVR-2 (issue 19): the Board's report, GET /api/v1/board/report/?from=&to= (core's own API module is DRF's settings
# module, so its routes are named here).
from doorstep.core.board_views import BoardReportViewSet  # noqa: E402

router.register("board/report", BoardReportViewSet, basename="board-report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page works under Doorstep's CSP;
    # its assets come from drf-spectacular-sidecar, never a CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
