from rest_framework import serializers, viewsets

from .models import Agency, Professional


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "is_active"]


class ProfessionalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Professional
        fields = ["id", "first_name", "last_name", "agency", "team", "job_title", "role", "line_manager",
                  "is_designated_postholder"]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """The partnership's agencies: public to every signed-in professional."""

    serializer_class = AgencySerializer
    queryset = Agency.objects.order_by("name")


class ProfessionalViewSet(viewsets.ReadOnlyModelViewSet):
    """The partnership's staff directory (names, agencies, roles): no family data."""

    serializer_class = ProfessionalSerializer
    queryset = Professional.objects.filter(is_active=True).exclude(role="system").order_by("last_name", "id")


ROUTES = [("agencies", AgencyViewSet, "agency"), ("professionals", ProfessionalViewSet, "professional")]
