"""Visit plans and check-ins under /api/v1/ (a phone app, or an alarm-receiving centre's system, can use them):
the same selectors, services, rules and audit as the pages.

- `GET /visits/` the caller's own visits, and for a manager their agency's open ones; `POST /visits/` plans a visit;
  `POST /visits/proposal/` runs the arrangement rules on facts (pure, nothing saved);
  `GET /visits/suggestions/<family id>/` what the record suggests for the risk assessment.
- The worker's check-ins: `start`, `extend`, `check-out`, `help`; `GET check-ins` is the visit's record.
- The manager: `decide`, `cancel`; `GET /visits/live/` is the "out on visits now" board.
- The chain: `GET emergency-card` (contact number and vehicle, only for the people on the chain while the escalation
  runs), `acknowledge`, `resolve`.

The contact number and vehicle appear nowhere else except to the worker themselves.
"""

from django.db.models import Q
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.api import DateTimeField
from doorstep.core.texts import Text

from . import rules, selectors, services
from .chain import emergency_procedure_for
from .models import OPEN_STATUSES, Arrangement, Decision, Question, RiskFactor, Visit, VisitAlert, VisitEvent


def _factor():
    return serializers.ChoiceField(choices=RiskFactor.choices)


def _arrangement():
    return serializers.ChoiceField(choices=Arrangement.choices)


class VisitSerializer(serializers.ModelSerializer):
    family_name = serializers.CharField(source="family.name", read_only=True)
    worker_name = serializers.CharField(source="worker.__str__", read_only=True)
    where = serializers.CharField(read_only=True)
    state = serializers.SerializerMethodField()
    contact_number = serializers.SerializerMethodField()
    vehicle = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "family", "family_name", "worker", "worker_name", "agency", "status", "state", "planned_start",
                  "planned_minutes", "at_home", "where", "purpose", "contingency", "companions", "factors",
                  "factors_suggested", "known_to", "assessment_notes", "answers", "proposal", "arrangements",
                  "agreement_required", "decision", "decided_by", "decided_at", "decision_reason",
                  "supervision_reference", "started_at", "expected_back", "ended_at", "something_happened",
                  "help_requested_at", "alarm_round", "alarm_step", "escalated_at", "acknowledged_at",
                  "acknowledged_by", "contact_number", "vehicle"]
        read_only_fields = fields

    def get_state(self, visit) -> dict:
        state = selectors.visit_state(visit)
        return {"code": state["code"], "label": str(state["label"]),
                "acknowledged_by": state["acknowledged_by"].pk if state["acknowledged_by"] else None}

    def _own(self, visit) -> bool:
        return self.context["request"].user.pk == visit.worker_id

    def get_contact_number(self, visit) -> str | None:
        return visit.contact_number if self._own(visit) else None

    def get_vehicle(self, visit) -> str | None:
        return visit.vehicle if self._own(visit) else None


class VisitPlanSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    planned_start = DateTimeField()
    planned_minutes = serializers.IntegerField(min_value=services.MIN_MINUTES, max_value=services.MAX_MINUTES)
    at_home = serializers.BooleanField(default=True)
    venue = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(max_length=2000)
    contingency = serializers.CharField(max_length=2000)
    factors = serializers.ListField(child=_factor(), required=False, default=list)
    assessment_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    answers = serializers.DictField(child=serializers.BooleanField(),
                                    help_text="Every question of SAF-1 (004 §6.1), true or false: "
                                              + ", ".join(Question.values))
    arrangements = serializers.ListField(child=_arrangement())
    companions = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProposalRequestSerializer(serializers.Serializer):
    factors = serializers.ListField(child=_factor(), required=False, default=list)
    answers = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict)
    at_home = serializers.BooleanField(default=True)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    arrangements = serializers.ListField(child=_arrangement(), required=False, allow_null=True, default=None)
    companions = serializers.CharField(max_length=300, required=False, allow_null=True, default=None)
    supervision_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class VisitCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class StartSerializer(serializers.Serializer):
    contact_number = serializers.CharField(max_length=40)
    vehicle = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    minutes = serializers.IntegerField(required=False, allow_null=True, default=None)


class ExtendSerializer(serializers.Serializer):
    minutes = serializers.ChoiceField(choices=[(15, "15"), (30, "30")])


class CheckOutSerializer(serializers.Serializer):
    something_happened = serializers.BooleanField(default=False)


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[services.RESOLVE_ENDED, services.RESOLVE_CONTINUING])
    note = serializers.CharField(max_length=2000)
    minutes = serializers.IntegerField(required=False, allow_null=True, default=None)


class VisitEventSerializer(serializers.ModelSerializer):
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = VisitEvent
        fields = ["at", "kind", "by", "by_name", "note"]
        read_only_fields = fields

    def get_by_name(self, event) -> str | None:
        return str(event.by) if event.by_id else None


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitAlert
        fields = ["round", "step", "due_at", "fired_at", "recipients", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields


class VisitViewSet(viewsets.GenericViewSet):
    serializer_class = VisitSerializer
    queryset = Visit.objects.none()

    def _out(self, visit, code=status.HTTP_200_OK):
        return Response(VisitSerializer(visit, context={"request": self.request}).data, status=code)

    @extend_schema(responses=VisitSerializer(many=True))
    def list(self, request):
        require_family_worker(request.user)
        user = request.user
        condition = Q(worker=user)
        if user.is_manager:
            condition |= Q(agency_id=user.agency_id, status__in=OPEN_STATUSES)
        qs = (Visit.objects.filter(condition).select_related("family", "worker", "address", "acknowledged_by")
              .order_by("-planned_start", "-id"))
        page = self.paginate_queryset(qs)
        audit_record_many(actor=user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API visit list")))
        return self.get_paginated_response(VisitSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request, pk=None):
        return self._out(selectors.visit_get_for(professional=request.user, visit_id=int(pk), purpose="API visit"))

    @extend_schema(request=VisitPlanSerializer, responses={201: VisitSerializer})
    def create(self, request):
        require_family_worker(request.user)
        services.visit_plan_allowed(by=request.user)  # before the body is read: refused, not 400
        data = VisitPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        family = family_get_for(professional=request.user, family_id=d.pop("family"), purpose="API plan a visit",
                                write=True)
        visit = services.visit_plan(family=family, by=request.user, **d)
        return self._out(visit, status.HTTP_201_CREATED)

    @extend_schema(request=ProposalRequestSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def proposal(self, request):
        """SAF-2: what the rules propose for these facts, with the clause each comes from. Nothing is saved."""
        require_family_worker(request.user)
        data = ProposalRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = rules.propose(**data.validated_data)
        return Response({
            "sole_allowed": proposal.sole_allowed,
            "proposed": [{**p.as_dict(), "reason": p.reason} for p in proposal.proposed],
            "agreement_required": proposal.agreement_required,
            "agreement_reasons": [{"clause": c, "reason": r} for c, r in proposal.agreement_reasons()],
            "warnings": [{"clause": c, "text": t} for c, t in proposal.warning_texts()],
        })

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="suggestions/<int:family_id>")
    def suggestions(self, request, family_id=None):
        """SAF-1: the risk factors the record suggests for this family, with why, and the agencies it is known to."""
        require_family_worker(request.user)
        family = family_get_for(professional=request.user, family_id=int(family_id), purpose="API risk suggestions")
        return Response(selectors.risk_suggestions(family=family, professional=request.user))

    # A plain list (one agency's board; one visit's check-ins), not pages: the schema said pages (issue 13).
    @extend_schema(responses=VisitSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def live(self, request):
        """"Out on visits now": the manager's agency's live visits and those planned for today."""
        if not (request.user.works_with_families and request.user.is_manager):
            raise PermissionDenied("Only managers see the board.")
        visits = selectors.visits_board(manager=request.user)
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=visits,
                          summary=Text(gettext_noop("API out on visits now")))
        return Response(VisitSerializer(visits, many=True, context={"request": request}).data)

    @extend_schema(request=DecideSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        visit = selectors.visit_get_for(professional=request.user, visit_id=int(pk), purpose="API agree a visit plan")
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_decide(visit=visit, by=request.user, **data.validated_data))

    @extend_schema(request=VisitCancelSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        visit = selectors.visit_get_for(professional=request.user, visit_id=int(pk), purpose="API cancel a visit")
        data = VisitCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_cancel(visit=visit, by=request.user, **data.validated_data))

    def _own(self, pk, purpose):
        return selectors.own_visit_get(professional=self.request.user, visit_id=int(pk), purpose=purpose)

    @extend_schema(request=StartSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """"I've arrived"."""
        visit = self._own(pk, "API check-in: arrived")
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_start(visit=visit, by=request.user, **data.validated_data))

    @extend_schema(request=ExtendSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        visit = self._own(pk, "API check-in: extend")
        data = ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_extend(visit=visit, by=request.user, minutes=int(data.validated_data["minutes"])))

    @extend_schema(request=CheckOutSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        """"I'm safe, leaving"; with something_happened the manager is told at once (SAF-4)."""
        visit = self._own(pk, "API check-in: safe and leaving")
        data = CheckOutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_check_out(visit=visit, by=request.user, **data.validated_data))

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def help(self, request, pk=None):
        """"I need help now": straight to the top of the chain."""
        visit = self._own(pk, "API help requested")
        services.visit_help(visit=visit, by=request.user)
        visit.refresh_from_db()
        return self._out(visit)

    @extend_schema(responses=VisitEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="check-ins", pagination_class=None)
    def check_ins(self, request, pk=None):
        """The visit's record: every check-in, alert and acknowledgement."""
        visit = selectors.visit_get_for(professional=request.user, visit_id=int(pk), purpose="API visit record")
        return Response(VisitEventSerializer(VisitEvent.objects.filter(visit=visit).select_related("by"), many=True).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="emergency-card")
    def emergency_card(self, request, pk=None):
        """SAF-3: for the people on the chain, while the escalation runs."""
        visit, live = selectors.emergency_card_get_for(professional=request.user, visit_id=int(pk))
        if not live:
            raise PermissionDenied("The alarm is over: the emergency card is no longer shown.")
        card = selectors.emergency_card(visit=visit, professional=request.user)
        return Response({
            "visit": VisitSerializer(visit, context={"request": request}).data,
            "worker": {"id": visit.worker_id, "name": str(visit.worker), "job_title": visit.worker.job_title,
                       "agency": visit.agency.name, "work_phone": visit.worker.phone},
            "where": visit.where(), "expected_back": visit.expected_back, "contact_number": visit.contact_number,
            "vehicle": visit.vehicle, "companions": visit.companions,
            "markers": [{"category": m.category, "on": "person" if m.person_id else "address",
                         "person": str(m.person) if m.person_id else None,
                         "nature": None if m.redacted else m.nature, "advice": m.advice} for m in card["markers"]],
            "procedure": emergency_procedure_for(visit.agency),
            "check_ins": VisitEventSerializer(card["events"], many=True).data,
            "alerts": AlertSerializer(card["alerts"], many=True).data,
        })

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        visit, _live = selectors.emergency_card_get_for(professional=request.user, visit_id=int(pk))
        return self._out(services.visit_acknowledge(visit=visit, by=request.user))

    @extend_schema(request=ResolveSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        visit, _live = selectors.emergency_card_get_for(professional=request.user, visit_id=int(pk))
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.visit_resolve(visit=visit, by=request.user, **data.validated_data))


ROUTES = [("visits", VisitViewSet, "visit")]
