"""Meetings, minutes and plan actions under /api/v1/: the same selectors, services, access rule and audit as the
pages. A refusal always says why (e.g. who may call a MARP)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response as ApiResponse

from doorstep.agencies.models import Agency, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import family_get_for, family_require_write, require_family_worker
from doorstep.core.api import DateTimeField
from doorstep.core.texts import Text

from . import selectors, services
from .models import (
    AgencyRole,
    MeetingState,
    MinutesState,
    Invitation,
    Meeting,
    MeetingKind,
    Minutes,
    Outcome,
    ParentsAttendance,
    PlanAction,
    Response,
    Urgency,
)


_CHOICE_FIELDS: dict = {}


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field whose schema is its own named component (e.g. `MeetingKind`), so that this app's "kind",
    "state" or "outcome" never collides with another app's field of the same name. One that may be blank has its
    own component with "" among the values (issue 13: the schema said never blank)."""
    blank = kwargs.get("allow_blank", False)
    name = choices.__name__ + ("OrBlank" if blank else "")
    if name not in _CHOICE_FIELDS:
        schema = {"type": "string", "enum": list(choices.values) + ([""] if blank else []),
                  "description": "; ".join(f"`{value}`: {label}" for value, label in choices.choices)
                  + ("; or blank, not yet given" if blank else "")}
        _CHOICE_FIELDS[name] = extend_schema_field(schema, component_name=name)(
            type(f"{name}Field", (serializers.ChoiceField,), {}))
    return _CHOICE_FIELDS[name](choices=choices.choices, **kwargs)


def _meeting(request, pk, purpose: str) -> Meeting:
    try:
        return selectors.meeting_get_for(professional=request.user, meeting_id=int(pk), purpose=purpose)
    except selectors.ConfidentialityRequired:
        raise PermissionDenied("Accept the meeting's confidentiality terms in Doorstep first (MTG-6).") from None


def _managed(request, pk, purpose: str) -> Meeting:
    meeting = _meeting(request, pk, purpose)
    if not selectors.may_manage(request.user, meeting):
        raise PermissionDenied("Only the meeting's chair and minute-taker can do this (MTG-2).")
    family_require_write(professional=request.user, family=meeting.family, purpose=purpose)  # issue 13
    return meeting


class InvitationSerializer(serializers.ModelSerializer):
    invitee_name = serializers.CharField(source="invitee.get_full_name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    confidentiality_accepted = serializers.SerializerMethodField()
    response = _choice(Response, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "meeting", "invitee", "invitee_name", "agency", "agency_name", "is_specialist",
                  "specialist_reason", "confidentiality_accepted", "response", "response_note", "responded_at",
                  "attended"]
        read_only_fields = fields

    def get_confidentiality_accepted(self, invitation) -> bool | None:
        return invitation.confidentiality_accepted_at is not None if invitation.is_specialist else None


class MeetingSerializer(serializers.ModelSerializer):
    family_reference = serializers.CharField(source="family.reference", read_only=True)
    calling_agency_name = serializers.CharField(source="calling_agency.name", read_only=True)
    invitations = InvitationSerializer(many=True, read_only=True)
    kind = _choice(MeetingKind, read_only=True)
    state = _choice(MeetingState, read_only=True)
    urgency = _choice(Urgency, read_only=True)
    parents = _choice(ParentsAttendance, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "family", "family_reference", "kind", "state", "called_by", "calling_agency",
                  "calling_agency_name", "chair", "minute_taker", "reason", "urgency", "within_working_days", "hold_by",
                  "starts_at", "duration_minutes", "location", "parents", "parents_excluded_reason",
                  "parents_attended", "escalation", "review_of", "called_at", "held_on", "cancelled_at",
                  "cancelled_reason", "invitations"]
        read_only_fields = fields


class MeetingListSerializer(MeetingSerializer):
    class Meta(MeetingSerializer.Meta):
        fields = [f for f in MeetingSerializer.Meta.fields if f != "invitations"]
        read_only_fields = fields


class MeetingCallSerializer(serializers.Serializer):
    family = serializers.IntegerField()
    kind = _choice(MeetingKind)
    reason = serializers.CharField(max_length=5000)
    starts_at = DateTimeField()
    duration_minutes = serializers.IntegerField(default=60)
    location = serializers.CharField(max_length=300)
    urgency = _choice(Urgency, default=Urgency.WORKING_DAYS)
    within_working_days = serializers.IntegerField(required=False, allow_null=True)
    parents = _choice(ParentsAttendance, required=False, allow_null=True)
    parents_excluded_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    chair = serializers.PrimaryKeyRelatedField(queryset=Professional.objects.all(), required=False, allow_null=True)
    minute_taker = serializers.PrimaryKeyRelatedField(queryset=Professional.objects.all(), required=False,
                                                      allow_null=True)
    escalation = serializers.IntegerField(required=False, allow_null=True)
    review_of = serializers.IntegerField(required=False, allow_null=True)


class MeetingInviteSerializer(serializers.Serializer):
    invitees = serializers.PrimaryKeyRelatedField(queryset=Professional.objects.all(), many=True)
    specialist_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MeetingHeldSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    attended = serializers.ListField(child=serializers.IntegerField(), help_text="Invitation ids of who attended")
    parents_attended = serializers.BooleanField(required=False, allow_null=True, default=None)


class MeetingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PlanActionSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="minutes.meeting_id", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    owner_name = serializers.CharField(source="owner.get_full_name", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = PlanAction
        fields = ["id", "meeting", "family", "description", "agency", "agency_name", "owner", "owner_name",
                  "due_date", "escalation", "state"]
        read_only_fields = fields

    def get_state(self, action) -> str:
        return action.escalation.state if action.escalation_id else "draft"


class PlanActionWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    owner = serializers.PrimaryKeyRelatedField(queryset=Professional.objects.all())
    due_date = serializers.DateField()


class MinutesAgencyRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyRole
        fields = ["agency", "role"]


class MinutesSerializer(serializers.ModelSerializer):
    roles = MinutesAgencyRoleSerializer(many=True, source="agency_roles", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    state = _choice(MinutesState, read_only=True)
    outcome = _choice(Outcome, read_only=True, allow_blank=True)

    class Meta:
        model = Minutes
        fields = ["id", "meeting", "state", "concerns", "roles", "plan_agreed", "no_plan_reason",
                  "sharing_with_family", "dissent", "no_dissent", "outcome", "outcome_detail", "review_date",
                  "circulate_by", "drafted_by", "approved_by", "approved_at", "circulated_at", "actions"]
        read_only_fields = fields


class MinutesWriteSerializer(serializers.Serializer):
    concerns = serializers.CharField(max_length=10000, allow_blank=True, default="")
    roles = MinutesAgencyRoleSerializer(many=True, required=False, default=list)
    plan_agreed = serializers.BooleanField(allow_null=True, default=None)
    no_plan_reason = serializers.CharField(max_length=5000, allow_blank=True, default="")
    sharing_with_family = serializers.CharField(max_length=5000, allow_blank=True, default="")
    dissent = serializers.CharField(max_length=5000, allow_blank=True, default="")
    no_dissent = serializers.BooleanField(default=False)
    outcome = _choice(Outcome, allow_blank=True, default="")
    outcome_detail = serializers.CharField(max_length=5000, allow_blank=True, default="")
    review_date = serializers.DateField(allow_null=True, default=None)
    actions = PlanActionWriteSerializer(many=True, required=False,
                                        help_text="Replaces the draft plan's actions when given")


class InvitationRespondSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=[Response.ACCEPTED, Response.TENTATIVE, Response.DECLINED])

    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PlanActionProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    completed = serializers.BooleanField(default=False)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Multi-agency meetings (MTG-1..9) of the families you may read."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()

    def get_queryset(self):
        return selectors.meetings_visible_to(professional=self.request.user).order_by("-starts_at", "-id")

    @extend_schema(responses=MeetingListSerializer(many=True))
    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API meeting list")))
        return self.get_paginated_response(MeetingListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        return ApiResponse(MeetingSerializer(_meeting(request, pk, "API meeting")).data)

    @extend_schema(request=MeetingCallSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        """Call a meeting. A MARP only by a designated postholder of health, education, children's social care,
        housing or police (MTG-2); anyone else is refused with the reason."""
        require_family_worker(request.user)
        services.meeting_call_allowed(by=request.user)  # before the body is read: refused, not 400
        data = MeetingCallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        family = family_get_for(professional=request.user, family_id=d.pop("family"), purpose="API call a meeting")
        escalation_id, review_id = d.pop("escalation", None), d.pop("review_of", None)
        escalation = selectors.escalation_for_meeting(professional=request.user, escalation_id=escalation_id) \
            if escalation_id else None
        review_of = get_object_or_404(Meeting, pk=review_id, family=family) if review_id else None
        meeting = services.meeting_call(family=family, by=request.user, escalation=escalation, review_of=review_of,
                                        **d)
        return ApiResponse(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingInviteSerializer, responses={201: InvitationSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API invite")
        data = MeetingInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.meeting_invite(meeting=meeting, by=request.user, **data.validated_data)
        return ApiResponse(InvitationSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingHeldSerializer, responses=MinutesSerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API meeting held")
        data = MeetingHeldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        minutes = services.meeting_record_held(meeting=meeting, by=request.user, **data.validated_data)
        return ApiResponse(MinutesSerializer(minutes).data)

    @extend_schema(request=MeetingCancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API cancel meeting")
        data = MeetingCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return ApiResponse(MeetingSerializer(services.meeting_cancel(meeting=meeting, by=request.user,
                                                                     **data.validated_data)).data)

    @extend_schema(methods=["GET"], responses=MinutesSerializer)
    @extend_schema(methods=["PUT"], request=MinutesWriteSerializer, responses=MinutesSerializer)
    @action(detail=True, methods=["get", "put"])
    def minutes(self, request, pk=None):
        """The minutes. Circulated minutes are read by whoever may read the family, by the attendees and by the
        Board chair (MTG-4); drafts only by the chair and minute-taker, who write them with PUT."""
        if request.method == "GET":
            access = selectors.minutes_get_for(professional=request.user, meeting_id=int(pk), purpose="API minutes")
            return ApiResponse(MinutesSerializer(access.minutes).data)
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API draft minutes")
        minutes = get_object_or_404(Minutes, meeting=meeting)
        data = MinutesWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        actions = d.pop("actions", None)
        roles = {r["agency"].pk: r["role"] for r in d.pop("roles", [])}
        with transaction.atomic():
            minutes = services.minutes_save(minutes=minutes, by=request.user, roles=roles, **d)
            if actions is not None:
                for existing in list(minutes.actions.all()):
                    services.plan_action_remove(action=existing, by=request.user)
                for item in actions:
                    services.plan_action_add(minutes=minutes, by=request.user, **item)
        return ApiResponse(MinutesSerializer(Minutes.objects.get(pk=minutes.pk)).data)

    @extend_schema(request=None, responses=MinutesSerializer)
    @action(detail=True, methods=["post"], url_path="minutes/approve")
    def approve_minutes(self, request, pk=None):
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API approve minutes")
        minutes = services.minutes_approve(minutes=get_object_or_404(Minutes, meeting=meeting), by=request.user)
        return ApiResponse(MinutesSerializer(minutes).data)

    @extend_schema(request=None, responses=MinutesSerializer)
    @action(detail=True, methods=["post"], url_path="minutes/circulate")
    def circulate_minutes(self, request, pk=None):
        require_family_worker(request.user)
        meeting = _managed(request, pk, "API circulate minutes")
        minutes = services.minutes_circulate(minutes=get_object_or_404(Minutes, meeting=meeting), by=request.user)
        return ApiResponse(MinutesSerializer(minutes).data)


class InvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own invitations to meetings, and your reply."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()

    def get_queryset(self):
        return Invitation.objects.filter(invitee_id=self.request.user.pk).select_related("agency", "invitee").order_by(
            "-invited_at", "-id")

    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InvitationRespondSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        invitation = selectors.invitation_for_invitee(professional=request.user, invitation_id=int(pk),
                                                      purpose="API reply to an invitation")
        data = InvitationRespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return ApiResponse(InvitationSerializer(services.invitation_respond(
            invitation=invitation, by=request.user, **data.validated_data)).data)


class PlanActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions of circulated plans (MTG-3): the list is yours; one action is read by its owner and by whoever
    may read the family."""

    serializer_class = PlanActionSerializer
    queryset = PlanAction.objects.none()

    def get_queryset(self):
        return selectors.plan_actions_for_owner(professional=self.request.user, open_only=False)

    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API plan action list")))
        return self.get_paginated_response(PlanActionSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return ApiResponse(PlanActionSerializer(selectors.plan_action_get_for(
            professional=request.user, action_id=int(pk), purpose="API plan action")).data)

    @extend_schema(request=PlanActionProgressSerializer, responses=PlanActionSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        plan_action = selectors.plan_action_get_for(professional=request.user, action_id=int(pk),
                                                    purpose="API plan action progress")
        data = PlanActionProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan_action = services.plan_action_progress(action=plan_action, by=request.user, **data.validated_data)
        return ApiResponse(PlanActionSerializer(PlanAction.objects.select_related(
            "minutes", "agency", "owner", "escalation").get(pk=plan_action.pk)).data)


ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    ("meeting-invitations", InvitationViewSet, "invitation"),
    ("plan-actions", PlanActionViewSet, "plan-action"),
]
