"""Every API route lives under /api/v1/. Each app's `api.py` lists its viewsets as
`ROUTES = [(prefix, ViewSet, basename), ...]`."""

import importlib

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter



class Router(DefaultRouter):
    """Issue 13 (finding 7): every id in an API route is a number, so anything else is the URL resolver's 404
    and never reaches a lookup (where it was a 500). A viewset may still declare its own `lookup_value_regex`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]+"  # as Django's <int:...>; \d would also match other scripts' digits


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

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page works under Doorstep's CSP;
    # its assets come from drf-spectacular-sidecar, never a CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
