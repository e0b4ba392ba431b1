"""Incidents under /api/v1/: the same selectors, services, audit and rules as the pages.

`/incidents/` gives the fact of the risk to every agency that may read the family; `account` is the worker's own
account, present only for the recording agency and the affected professionals unless a manager has shared it
(otherwise null, with `account_withheld: true`). Support and impact are only at `/incident-workers/<id>/`, for the
worker and their manager.
"""

from django.utils import timezone
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.api import DateTimeField
from doorstep.core.texts import Text
from doorstep.engagement.models import ThreatKind
from doorstep.families.models import Person

from . import selectors, services
from .models import AffectedWorker, Incident, Motivation, Support


# A pattern rather than an enum: the same choices appear under three field names, which drf-spectacular would
# otherwise publish as three differently named enums.
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(Support.values) + ")$",
                      "description": "One kind of support: " + ", ".join(Support.values)})
class SupportChoice(serializers.ChoiceField):
    """One kind of support (SAF-4)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Support.choices, **kwargs)


class AffectedSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="professional.__str__", read_only=True)
    agency_name = serializers.CharField(source="professional.agency.name", read_only=True)

    class Meta:
        model = AffectedWorker
        fields = ["id", "professional", "name", "agency_name"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    """The fact of the risk: shared with every agency that may read the family (ESC-5)."""

    agency_name = serializers.CharField(source="agency.name", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)
    address_text = serializers.SerializerMethodField()
    affected = AffectedSummarySerializer(many=True, read_only=True)
    account = serializers.SerializerMethodField()
    account_withheld = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = ["id", "family", "agency", "agency_name", "recorded_by", "recorded_by_name", "recorded_at", "contact",
                  "occurred_at", "at_home", "address_text", "location", "people", "unknown_people", "threats",
                  "threat_to_kill", "injury", "motivations", "motivation_detail", "police_informed",
                  "police_informed_at", "police_reference", "manager_informed_at", "life_for_child", "affected",
                  "account_shared_at", "account_withheld", "account", "family_account"]
        read_only_fields = fields

    def get_address_text(self, incident) -> str | None:
        return str(incident.address) if incident.address_id else None

    def _visible(self, incident) -> bool:
        return selectors.account_visible_to(incident=incident, professional=self.context["request"].user)

    def get_account_withheld(self, incident) -> bool:
        return not self._visible(incident)

    def get_account(self, incident) -> dict | None:
        if not self._visible(incident):
            return None
        return {"account": incident.account, "witnesses": incident.witnesses, "injury_details": incident.injury_details}


class IncidentCreateSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    contact = serializers.IntegerField(required=False, allow_null=True)
    occurred_at = DateTimeField()
    threats = serializers.ListField(child=serializers.ChoiceField(choices=ThreatKind.choices), allow_empty=True)
    threat_to_kill = serializers.BooleanField(default=False)
    account = serializers.CharField(max_length=10000)
    # RIG-2 (issue 20): what the family said about it, in their own words.
    family_account = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    affected = serializers.ListField(child=serializers.IntegerField(), required=False,
                                     help_text="Professionals it was directed at; by default the caller.")
    at_home = serializers.BooleanField(default=True)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    people = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    unknown_people = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    injury = serializers.BooleanField(default=False)
    injury_details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    witnesses = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    motivations = serializers.ListField(child=serializers.ChoiceField(choices=Motivation.choices), required=False,
                                        default=list)
    motivation_detail = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    police_informed = serializers.BooleanField(default=False)
    police_informed_at = DateTimeField(required=False, allow_null=True, default=None)
    police_reference = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    manager_informed_at = DateTimeField(required=False, allow_null=True, default=None)
    life_for_child = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    support_offered = serializers.ListField(child=SupportChoice(), required=False,
                                            default=list)
    support_taken_up = serializers.ListField(child=SupportChoice(), required=False,
                                             default=list)
    impact = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PoliceSerializer(serializers.Serializer):
    informed_at = DateTimeField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ShareSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AffectedWorkerSerializer(serializers.ModelSerializer):
    """Only ever returned to the worker and their manager (004 §5.3)."""

    name = serializers.CharField(source="professional.__str__", read_only=True)

    class Meta:
        model = AffectedWorker
        fields = ["id", "incident", "professional", "name", "support_offered", "support_taken_up", "impact",
                  "impact_recorded_at", "follow_up_by", "follow_up_at", "follow_up_note"]
        read_only_fields = ["id", "incident", "professional", "name", "support_offered", "impact_recorded_at",
                            "follow_up_by", "follow_up_at", "follow_up_note"]


class FollowUpSerializer(serializers.Serializer):
    support_offered = serializers.ListField(child=SupportChoice(), default=list)
    note = serializers.CharField(max_length=5000)


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IncidentSerializer
    queryset = Incident.objects.none()

    def get_queryset(self):
        return selectors.incidents_visible_to(professional=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("family", int, description="Only this family's incidents")])
    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        qs = self.get_queryset()
        family_id = request.query_params.get("family", "")
        if family_id.isdigit():
            family = family_get_for(professional=request.user, family_id=int(family_id), purpose="API incidents")
            qs = qs.filter(family=family)
        page = self.paginate_queryset(qs)
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API incident list")))
        return self.get_paginated_response(IncidentSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        incident = selectors.incident_get_for(professional=request.user, incident_id=int(pk), purpose="API incident")
        return Response(IncidentSerializer(incident, context={"request": request}).data)

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentSerializer})
    def create(self, request):
        require_family_worker(request.user)
        data = IncidentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        contact = None
        if d.get("contact"):
            contact = selectors.contact_get_for(professional=request.user, contact_id=d["contact"])
        family = family_get_for(professional=request.user, family_id=d.pop("family"), purpose="API record incident",
                                write=True)
        d.pop("contact", None)
        people_ids = d.pop("people")
        people = list(Person.objects.filter(pk__in=people_ids))
        if len(people) != len(set(people_ids)):
            raise serializers.ValidationError({"people": "Unknown person"})
        affected_ids = d.pop("affected", None) or [request.user.pk]
        affected = list(Professional.objects.filter(pk__in=affected_ids))
        if len(affected) != len(set(affected_ids)):
            raise serializers.ValidationError({"affected": "Unknown professional"})
        incident = services.incident_record(family=family, by=request.user, contact=contact, people=people,
                                            affected=affected, **d)
        incident = selectors.incidents_visible_to(professional=request.user).get(pk=incident.pk)
        return Response(IncidentSerializer(incident, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PoliceSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def police(self, request, pk=None):
        require_family_worker(request.user)
        incident = selectors.incident_get_for(professional=request.user, incident_id=int(pk), purpose="API police",
                                              write=True)
        data = PoliceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incident_record_police(incident=incident, by=request.user,
                                        informed_at=data.validated_data["informed_at"] or timezone.now(),
                                        reference=data.validated_data["reference"])
        incident = selectors.incidents_visible_to(professional=request.user).get(pk=incident.pk)
        return Response(IncidentSerializer(incident, context={"request": request}).data)

    @extend_schema(request=ShareSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        require_family_worker(request.user)
        incident = selectors.incident_get_for(professional=request.user, incident_id=int(pk), purpose="API share",
                                              write=True)
        data = ShareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incident_share_account(incident=incident, by=request.user, reason=data.validated_data["reason"])
        incident = selectors.incidents_visible_to(professional=request.user).get(pk=incident.pk)
        return Response(IncidentSerializer(incident, context={"request": request}).data)


class AffectedWorkerViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An affected professional's support and impact: the worker (who may change what they took up and the impact)
    and their manager (who records the follow-up). Everyone else gets a 404."""

    serializer_class = AffectedWorkerSerializer
    queryset = AffectedWorker.objects.none()

    def retrieve(self, request, pk=None):
        return Response(AffectedWorkerSerializer(
            selectors.affected_worker_get_for(professional=request.user, affected_id=int(pk))).data)

    def partial_update(self, request, pk=None):
        affected = selectors.affected_worker_get_for(professional=request.user, affected_id=int(pk))
        data = AffectedWorkerSerializer(affected, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        affected = services.affected_worker_update_own(
            affected=affected, by=request.user,
            support_taken_up=data.validated_data.get("support_taken_up", affected.support_taken_up),
            impact=data.validated_data.get("impact", affected.impact))
        return Response(AffectedWorkerSerializer(affected).data)

    @extend_schema(request=FollowUpSerializer, responses=AffectedWorkerSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        affected = selectors.affected_worker_get_for(professional=request.user, affected_id=int(pk))
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        affected = services.affected_worker_follow_up(affected=affected, by=request.user, **data.validated_data)
        return Response(AffectedWorkerSerializer(affected).data)


ROUTES = [
    ("incidents", IncidentViewSet, "incident"),
    ("incident-workers", AffectedWorkerViewSet, "incident-worker"),
]
