"""Escalations under /api/v1/: the same selectors, services and audit as the pages."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import require_family_worker

from . import selectors, services
from .models import Escalation, EscalationEvent

LONDON = ZoneInfo(settings.TIME_ZONE)


class EscalationEventSerializer(serializers.ModelSerializer):
    # Null when Doorstep itself acted (a rule raised it, a sweep escalated it): issue 13, the schema said a string.
    by = serializers.StringRelatedField(allow_null=True)
    note = serializers.CharField(source="note_shown", read_only=True)  # issue 14: in the reader's language

    class Meta:
        model = EscalationEvent
        fields = ["at", "by", "action", "note"]


class EscalationFactSerializer(serializers.Serializer):
    text = serializers.CharField()
    link = serializers.CharField(allow_blank=True, required=False)


class EscalationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    # Issue 18: the rule in plain words, beside its ID (the API keeps the codes).
    rule_title = serializers.CharField(read_only=True)
    # The end of the deadline's day in Europe/London, with its offset (+00:00 in winter, +01:00 in summer).
    deadline = serializers.DateTimeField(read_only=True, default_timezone=LONDON)
    facts = EscalationFactSerializer(source="display_facts", many=True, read_only=True)
    owner_name = serializers.StringRelatedField(source="owner")
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    outcome = serializers.CharField(source="outcome_shown", read_only=True)  # issue 14: in the reader's language

    class Meta:
        model = Escalation
        fields = ["id", "rule_id", "rule_title", "clause", "key", "title", "family", "owner", "owner_name", "state", "deadline",
                  "trigger_date", "overdue", "overdue_escalated_at", "overdue_escalated_to", "facts", "outcome",
                  "created_at", "closed_at"]
        read_only_fields = fields


class EscalationDetailSerializer(EscalationSerializer):
    events = EscalationEventSerializer(many=True, read_only=True)
    parameters = serializers.JSONField(read_only=True)

    class Meta(EscalationSerializer.Meta):
        fields = EscalationSerializer.Meta.fields + ["parameters", "events"]
        read_only_fields = fields


class EscalationCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000)


class EscalationCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tracked actions (ESC-1..12): yours by default, `?scope=team` for a manager's team queue,
    `?state=closed` for closed ones."""

    queryset = Escalation.objects.none()

    def get_serializer_class(self):
        return EscalationDetailSerializer if self.action == "retrieve" else EscalationSerializer

    @extend_schema(parameters=[
        OpenApiParameter("scope", str, enum=["mine", "team"]), OpenApiParameter("state", str, enum=["open", "closed"]),
        OpenApiParameter("rule", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        require_family_worker(self.request.user)
        user = self.request.user
        closed = self.request.query_params.get("state") == "closed"
        if self.request.query_params.get("scope") == "team":
            if not user.is_manager:
                raise PermissionDenied("Only managers have a team queue.")
            return selectors.team_actions_for(manager=user, closed=closed,
                                              rule_id=self.request.query_params.get("rule", ""))
        qs = selectors.actions_for(professional=user, closed=closed)
        rule = self.request.query_params.get("rule")
        return qs.filter(rule_id=rule) if rule else qs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            audit_record_many(actor=self.request.user, action=AuditAction.VIEW,
                              objects={e.family for e in page if e.family_id},
                              summary=Text(gettext_noop("Listed in actions (API)")))
        return page

    def get_object(self):
        require_family_worker(self.request.user)
        return selectors.escalation_get_for(professional=self.request.user, escalation_id=int(self.kwargs["pk"]))

    def _act(self, escalation):
        services.escalation_require_act(escalation, self.request.user)

    @extend_schema(request=None, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        escalation = self.get_object()
        self._act(escalation)
        escalation = services.escalation_acknowledge(escalation=escalation, by=request.user)
        return Response(EscalationDetailSerializer(escalation).data)

    @extend_schema(request=EscalationCompleteSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        escalation = self.get_object()
        self._act(escalation)
        data = EscalationCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_complete(escalation=escalation, by=request.user,
                                                  outcome=data.validated_data["outcome"])
        return Response(EscalationDetailSerializer(escalation).data)

    @extend_schema(request=EscalationCancelSerializer, responses=EscalationDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        escalation = self.get_object()
        self._act(escalation)
        data = EscalationCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.escalation_cancel(escalation=escalation, by=request.user,
                                                reason=data.validated_data["reason"])
        return Response(EscalationDetailSerializer(escalation).data)


ROUTES = [("escalations", EscalationViewSet, "escalation")]
