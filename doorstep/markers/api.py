"""Warning markers and the address check under /api/v1/: the same selectors, services and audit as the pages.

The family detail (`/api/v1/families/<id>/`) also carries `warning_markers`: every marker shown for the family,
including those on its address raised from another household, worded for this reader (FLG-1).
"""

from django.db.models import Q
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to, family_get_for, require_family_worker
from doorstep.families.models import Address, Person
from doorstep.incidents.selectors import incident_get_for

from . import selectors, services
from .models import MarkerCategory, MarkerStatus, WarningMarker


class WarningMarkerSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    address_text = serializers.SerializerMethodField()
    shown = serializers.BooleanField(source="is_shown", read_only=True)
    review_overdue = serializers.BooleanField(read_only=True)
    raised_by_name = serializers.CharField(source="raised_by.__str__", read_only=True)
    raised_agency_name = serializers.CharField(source="raised_agency.name", read_only=True)
    authorised_by_name = serializers.SerializerMethodField()

    class Meta:
        model = WarningMarker
        fields = ["id", "family", "person", "address", "address_text", "category", "category_label", "nature",
                  "advice", "source", "incident", "urgent", "status", "status_label", "shown", "review_date",
                  "review_overdue", "raised_by", "raised_by_name", "raised_agency", "raised_agency_name", "raised_at",
                  "authorised_by", "authorised_by_name", "authorised_at", "closed_at", "close_reason"]
        read_only_fields = fields

    def get_address_text(self, marker) -> str | None:
        return str(marker.address) if marker.address_id else None

    def get_authorised_by_name(self, marker) -> str | None:
        return str(marker.authorised_by) if marker.authorised_by_id else None


class MarkerCreateSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    person = serializers.IntegerField(required=False, allow_null=True)
    address = serializers.IntegerField(required=False, allow_null=True)
    category = serializers.ChoiceField(choices=MarkerCategory.choices)
    nature = serializers.CharField(max_length=300)
    advice = serializers.CharField(max_length=300)
    source = serializers.CharField(max_length=300)
    review_date = serializers.DateField()
    urgent = serializers.BooleanField(required=False, default=False)
    incident = serializers.IntegerField(required=False, allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReviewSerializer(serializers.Serializer):
    review_date = serializers.DateField()
    note = serializers.CharField(max_length=2000)


def marker_for_reader(marker: WarningMarker) -> dict:
    """A shown marker as the family detail gives it: in full, or, when it was raised from another household the
    reader may not see, only its category and advice (worded without naming the previous occupants)."""
    if getattr(marker, "redacted", False):
        return {"on": "address", "other_household": True, "category": marker.category,
                "category_label": str(marker.get_category_display()), "advice": marker.advice,
                "status": marker.status, "urgent": marker.urgent}
    data = dict(WarningMarkerSerializer(marker).data)
    data.update(on="person" if marker.person_id else "address", other_household=getattr(marker, "other_household", False))
    return data


def family_detail_markers(*, family, professional) -> dict:
    """Registered in families.api.DETAIL_EXTRAS: the family detail response's `warning_markers`."""
    return {"warning_markers": [marker_for_reader(m) for m in
                                selectors.markers_shown_for_family(family=family, professional=professional)]}


class WarningMarkerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Markers raised from the families you may read. A marker that is neither authorised nor urgent is listed
    only for the raising agency."""

    serializer_class = WarningMarkerSerializer
    queryset = WarningMarker.objects.none()

    def get_queryset(self):
        user = self.request.user
        readable = Q(status__in=[MarkerStatus.ACTIVE, MarkerStatus.ENDED]) | Q(
            status=MarkerStatus.AWAITING, urgent=True) | Q(raised_agency_id=user.agency_id)
        qs = WarningMarker.objects.filter(family__in=families_visible_to(professional=user)).filter(readable)
        return qs.select_related("person", "address", "raised_agency", "raised_by", "authorised_by").order_by(
            "-raised_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("family", int, description="Only this family's markers")])
    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        qs = self.get_queryset()
        family_id = request.query_params.get("family", "")
        if family_id.isdigit():
            family = family_get_for(professional=request.user, family_id=int(family_id), purpose="API markers")
            qs = qs.filter(family=family)
        page = self.paginate_queryset(qs)
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API marker list")))
        return self.get_paginated_response(WarningMarkerSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        return Response(WarningMarkerSerializer(
            selectors.marker_get_for(professional=request.user, marker_id=int(pk), purpose="API marker")).data)

    @extend_schema(request=MarkerCreateSerializer, responses={201: WarningMarkerSerializer})
    def create(self, request):
        require_family_worker(request.user)
        data = MarkerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        family = family_get_for(professional=request.user, family_id=d.pop("family"), purpose="API raise marker",
                                write=True)
        person_id, address_id, incident_id = d.pop("person", None), d.pop("address", None), d.pop("incident", None)
        person = Person.objects.filter(pk=person_id, family=family).first() if person_id else None
        if person_id and person is None:
            raise serializers.ValidationError({"person": "Select a person from this family"})
        address = Address.objects.filter(pk=address_id).first() if address_id else None
        incident = None
        if incident_id:
            incident = incident_get_for(professional=request.user, incident_id=incident_id, purpose="API marker")
        marker = services.marker_raise(family=family, by=request.user, person=person, address=address,
                                       incident=incident, **d)
        return Response(WarningMarkerSerializer(marker).data, status=status.HTTP_201_CREATED)

    def _marker(self, request, pk, purpose):
        require_family_worker(request.user)
        return selectors.marker_get_for(professional=request.user, marker_id=int(pk), purpose=purpose, write=True)

    @extend_schema(request=None, responses=WarningMarkerSerializer)
    def _change(self, request, pk, purpose: str, serializer_class, service):
        """Validate the body, then apply one marker service to a marker the requester may see."""
        marker = self._marker(request, pk, purpose)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        marker = service(marker=marker, by=request.user, **data.validated_data)
        return Response(WarningMarkerSerializer(marker).data)

    @action(detail=True, methods=["post"])
    def authorise(self, request, pk=None):
        marker = services.marker_authorise(marker=self._marker(request, pk, "API authorise marker"), by=request.user)
        return Response(WarningMarkerSerializer(marker).data)

    @extend_schema(request=ReasonSerializer, responses=WarningMarkerSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._change(request, pk, "API decline marker", ReasonSerializer, services.marker_decline)

    @extend_schema(request=ReviewSerializer, responses=WarningMarkerSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._change(request, pk, "API review marker", ReviewSerializer, services.marker_review)

    @extend_schema(request=ReasonSerializer, responses=WarningMarkerSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._change(request, pk, "API end marker", ReasonSerializer, services.marker_end)


class AddressCheckQuerySerializer(serializers.Serializer):
    postcode = serializers.RegexField(r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$", max_length=10)
    line1 = serializers.CharField(max_length=200)


class AddressWarningSerializer(serializers.Serializer):
    address = serializers.CharField()
    advice = serializers.ListField(child=serializers.CharField())


# One answer per check, though the route is the viewset's list (issue 13: the schema said an array).
@extend_schema_serializer(many=False)
class AddressCheckResultSerializer(serializers.Serializer):
    warning = serializers.BooleanField()
    addresses = AddressWarningSerializer(many=True)


class AddressCheckViewSet(viewsets.ViewSet):
    """Pre-visit address check for any professional: whether the address carries a warning, and the advice for
    visitors; nothing about who lives there. Every check is audited."""

    @extend_schema(parameters=[AddressCheckQuerySerializer], responses=AddressCheckResultSerializer)
    def list(self, request):
        require_family_worker(request.user)
        query = AddressCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = selectors.address_check(professional=request.user, **query.validated_data)
        return Response({"warning": bool(results), "addresses": results})


ROUTES = [
    ("markers", WarningMarkerViewSet, "marker"),
    ("address-check", AddressCheckViewSet, "address-check"),
]
