"""Every API route is registered here, under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from doorstep.agencies.api import AgencyViewSet, ProfessionalViewSet
from doorstep.audit.api import AuditEventViewSet
from doorstep.families.api import FamilyViewSet, InvolvementViewSet, PersonViewSet

router = DefaultRouter()
router.register("families", FamilyViewSet, basename="family")
router.register("people", PersonViewSet, basename="person")
router.register("involvements", InvolvementViewSet, basename="involvement")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("professionals", ProfessionalViewSet, basename="professional")
router.register("audit", AuditEventViewSet, basename="audit")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
