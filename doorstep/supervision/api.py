"""Supervision under /api/v1/ (SUP-1..5): the same selectors and access rule as the pages.

A supervision record (with the worker's reflections) is readable only by the worker and their manager; the
decisions are readable by whoever may see the family; the oversight list by managers, for their own staff.
"""

from dataclasses import fields

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to, is_family_worker, require_family_worker

from . import selectors
from .models import CaseDiscussion, SessionState, SupervisionActionPlan, SupervisionDecision, SupervisionSession


def inline_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice published as a pattern rather than a shared enum component: several Doorstep models call different
    choice sets `state` or `language`, and drf-spectacular would give them clashing enum names (W001)."""
    field_class = extend_schema_field({"type": "string", "pattern": "^(" + "|".join(choices.values) + ")$",
                                       "description": "One of: " + ", ".join(choices.values)})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices.choices, **kwargs)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionDecision
        fields = ["id", "family", "kind", "decision", "reason", "decided_by", "decided_at"]


class ActionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionActionPlan
        fields = ["id", "family", "worker", "agreed_by", "agreed_at", "measures", "plan", "review_by",
                  "withdrawn_at", "withdrawn_reason"]


class CaseSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    action_plan = serializers.SerializerMethodField()

    class Meta:
        model = CaseDiscussion
        fields = ["id", "family", "hostility", "hostility_detail", "hostility_significant", "impact_on_worker",
                  "impact_on_work", "risk_to_child", "reflective_answers", "reflections", "action_plan", "decisions"]

    def get_action_plan(self, case) -> dict | None:
        plan = getattr(case, "action_plan", None)
        return ActionPlanSerializer(plan).data if plan else None


class SessionSerializer(serializers.ModelSerializer):
    state = inline_choice_field(SessionState, read_only=True)

    class Meta:
        model = SupervisionSession
        fields = ["id", "supervisee", "supervisor", "state", "planned_for", "held_on", "cancelled_on",
                  "cancelled_by_whom", "cancel_reason", "health_and_safety_discussed", "unreported_threats_asked",
                  "worker_read_at"]


class SessionDetailSerializer(SessionSerializer):
    cases = CaseSerializer(many=True, source="case_list")

    class Meta(SessionSerializer.Meta):
        fields = SessionSerializer.Meta.fields + ["health_and_safety_note", "unreported_threats_note",
                                                  "support_offered", "worker_comment", "cases"]


class OversightSerializer(serializers.Serializer):
    worker = serializers.IntegerField()
    worker_name = serializers.CharField()
    last_held = serializers.DateField(allow_null=True)
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    overdue_action = serializers.BooleanField()
    health_and_safety = serializers.BooleanField(allow_null=True)
    unreported_threats_asked = serializers.BooleanField(allow_null=True)
    cancelled = serializers.IntegerField(help_text="Supervisions cancelled in the last year")
    next_planned = serializers.DateField(allow_null=True)
    families = serializers.IntegerField(help_text="Families the worker leads for the agency")
    marked_families = serializers.IntegerField(allow_null=True, help_text="Of those, with warning markers "
                                                                          "(null: markers not available)")
    high_exposure = serializers.BooleanField()
    incidents = serializers.IntegerField(allow_null=True, help_text="Incidents since the last supervision "
                                                                    "(null: incidents not available)")


def _supervision_user(request):
    if not selectors.can_use_supervision(request.user):
        raise PermissionDenied("Supervision is for practitioners and managers of an agency.")


class SupervisionSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own supervisions, and those of the staff you line-manage."""

    serializer_class = SessionSerializer
    queryset = SupervisionSession.objects.none()

    def get_queryset(self):
        user = self.request.user
        return SupervisionSession.objects.filter(
            Q(supervisee=user) | Q(supervisor=user) | Q(supervisee__line_manager=user)).order_by("-id")

    def list(self, request, *args, **kwargs):
        _supervision_user(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=SessionDetailSerializer)
    def retrieve(self, request, pk=None):
        _supervision_user(request)
        session = selectors.session_get_for(professional=request.user, session_id=int(pk))
        return Response(SessionDetailSerializer(session).data)


class SupervisionDecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Supervision decisions about the families you may see (CHR-1)."""

    serializer_class = DecisionSerializer
    queryset = SupervisionDecision.objects.none()

    @extend_schema(parameters=[OpenApiParameter("family", int, description="Only this family's decisions")])
    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        family_id = request.query_params.get("family")
        if family_id:
            if not family_id.isdigit():
                raise Http404
            __, qs = selectors.decisions_for_family(professional=request.user, family_id=int(family_id))
        else:
            qs = SupervisionDecision.objects.filter(family__in=families_visible_to(professional=request.user))
        page = self.paginate_queryset(qs.order_by("-decided_at", "-id"))
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API supervision decisions")))
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        family_id = SupervisionDecision.objects.filter(pk=pk).values_list("family_id", flat=True).first()
        if family_id is None or not is_family_worker(request.user):
            raise Http404
        __, qs = selectors.decisions_for_family(professional=request.user, family_id=family_id)
        return Response(DecisionSerializer(qs.get(pk=pk)).data)


class SupervisionOversightViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """SUP-4 and OVR-3: a manager's staff, with their supervision, incidents and exposure."""

    serializer_class = OversightSerializer
    queryset = SupervisionSession.objects.none()
    pagination_class = None

    def list(self, request, *args, **kwargs):
        _supervision_user(request)
        if not request.user.is_manager:
            raise PermissionDenied("Only managers see the oversight of their staff's supervision.")
        rows = selectors.staff_oversight(manager=request.user)["rows"]
        data = []
        for row in rows:
            values = {f.name: getattr(row, f.name) for f in fields(row)
                      if f.name not in ("worker", "last_session_id", "days_since")}
            data.append({**values, "worker": row.worker.pk, "worker_name": str(row.worker)})
        return Response(OversightSerializer(data, many=True).data)


class SupervisionActionPlanViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """SUP-3: an action plan agreed in supervision (a visit plan points at it as the manager's agreement)."""

    serializer_class = ActionPlanSerializer
    queryset = SupervisionActionPlan.objects.none()

    def retrieve(self, request, pk=None):
        _supervision_user(request)
        return Response(ActionPlanSerializer(selectors.action_plan_get_for(professional=request.user,
                                                                           plan_id=int(pk))).data)


ROUTES = [
    ("supervision/sessions", SupervisionSessionViewSet, "supervision-session"),
    ("supervision/decisions", SupervisionDecisionViewSet, "supervision-decision"),
    ("supervision/oversight", SupervisionOversightViewSet, "supervision-oversight"),
    ("supervision/action-plans", SupervisionActionPlanViewSet, "supervision-action-plan"),
]
