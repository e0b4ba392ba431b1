"""Contacts under /api/v1/: the same selectors (access, audit) and services (validation, audit, chronology,
escalation engine) as the pages.

- GET/POST /api/v1/families/{family_id}/contacts/   list (newest first, cursor-paginated) and record
- GET      /api/v1/contacts/{id}/                    one contact, with its children, follow-ups and versions
- POST     /api/v1/contacts/{id}/correct/            correct (the earlier version is kept), with a reason
- POST     /api/v1/contacts/{id}/entered-in-error/   mark as entered in error, with a reason
- POST     /api/v1/contacts/{id}/follow-ups/         record the follow-up of a defaulted contact
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from doorstep.core.access import family_get_for, require_family_worker
from doorstep.core.api import DateTimeField

from . import selectors, services
from .models import (
    AssessmentArea,
    Behaviour,
    Contact,
    ContactChild,
    ContactFollowUp,
    ContactKind,
    ContactRevision,
    NonCooperationReason,
    Outcome,
    ReasonBasis,
    ThreatKind,
)


class ContactChildSerializer(serializers.ModelSerializer):
    child_name = serializers.CharField(source="child.__str__", read_only=True)

    class Meta:
        model = ContactChild
        fields = ["child", "child_name", *services.OBSERVATIONS]


class ContactFollowUpSerializer(serializers.ModelSerializer):
    by_name = serializers.CharField(source="by.__str__", read_only=True)

    class Meta:
        model = ContactFollowUp
        fields = ["id", "text", "by", "by_name", "at"]
        read_only_fields = ["id", "by", "by_name", "at"]


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactRevision
        fields = ["version", "data", "replaced_at", "replaced_by", "reason"]


class ContactSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.__str__", read_only=True)
    children = ContactChildSerializer(many=True, read_only=True)
    follow_ups = ContactFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "family", "agency", "agency_name", "recorded_by", "recorded_by_name", "kind", "planned",
            "occurred_at", "recorded_at", "recorded_late", "outcome", "defaulted", "purpose", "children",
            "adults_present", "unknown_adults_present", "others_present", "behaviours", "threats", "child_impact",
            "non_cooperation_codes", "non_cooperation_basis", "non_cooperation_reasons", "assessment_areas_missed",
            "areas_not_achieved", "note", "family_account", "significant", "version", "entered_in_error", "entered_in_error_reason",
            "entered_in_error_at", "follow_ups",
        ]
        read_only_fields = fields


class ContactDetailSerializer(ContactSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta(ContactSerializer.Meta):
        fields = ContactSerializer.Meta.fields + ["revisions"]
        read_only_fields = fields


class ChildSeenSerializer(serializers.Serializer):
    child = serializers.IntegerField()
    seen = serializers.BooleanField(default=False)
    seen_alone = serializers.BooleanField(default=False)
    sleeping_place_seen = serializers.BooleanField(default=False)
    home_conditions_seen = serializers.BooleanField(default=False)
    food_seen = serializers.BooleanField(default=False)


def _choices(choices):
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False, default=list)


class ContactWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    occurred_at = DateTimeField()
    planned = serializers.BooleanField(default=True)
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    children = ChildSeenSerializer(many=True, required=False,
                                   help_text="What was seen of each child; children not listed are recorded as not "
                                             "seen.")
    adults_present = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    unknown_adults_present = serializers.IntegerField(min_value=0, max_value=services.MAX_UNKNOWN_ADULTS, default=0)
    others_present = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    behaviours = _choices(Behaviour.choices)
    threats = _choices(ThreatKind.choices)
    child_impact = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    non_cooperation_codes = _choices(NonCooperationReason.choices)
    non_cooperation_basis = serializers.ChoiceField(choices=ReasonBasis.choices, required=False, allow_blank=True,
                                                    default="")
    non_cooperation_reasons = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    assessment_areas_missed = _choices(AssessmentArea.choices)
    areas_not_achieved = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    # RIG-2 (issue 20): what the family said about it, in their own words.
    family_account = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    significant = serializers.BooleanField(default=False)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "children" in data:
            data["children"] = {c["child"]: {k: c[k] for k in services.OBSERVATIONS} for c in data["children"]}
        return data


class ContactCorrectSerializer(ContactWriteSerializer):
    """Only the fields sent are changed; `children` and `adults_present`, if sent, replace what was recorded."""

    reason = serializers.CharField(max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["follow_up"]
        for name, field in self.fields.items():
            if name != "reason":
                field.required = False
                field.default = serializers.empty


class ContactReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ContactCursor(CursorPagination):
    ordering = ("-occurred_at", "-id")
    page_size = 50


class FamilyContactViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ContactSerializer
    pagination_class = ContactCursor
    queryset = Contact.objects.none()

    def _family(self, purpose: str, write: bool = False):
        require_family_worker(self.request.user)
        return family_get_for(professional=self.request.user, family_id=int(self.kwargs["family_id"]), purpose=purpose,
                              write=write)

    def list(self, request, *args, **kwargs):
        family = self._family("API contacts")
        contacts = (Contact.objects.filter(family=family).select_related("agency", "recorded_by")
                    .prefetch_related("children__child", "adults_present", "follow_ups__by"))
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(ContactSerializer(page, many=True).data)

    @extend_schema(request=ContactWriteSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        family = self._family("API record a contact", write=True)
        data = ContactWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_record(family=family, by=request.user, **data.service_kwargs())
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ContactDetailSerializer
    queryset = Contact.objects.none()

    def _contact(self, purpose: str) -> Contact:
        require_family_worker(self.request.user)
        return selectors.contact_get_for(professional=self.request.user, contact_id=int(self.kwargs["pk"]),
                                         purpose=purpose)

    def retrieve(self, request, pk=None):
        return Response(ContactDetailSerializer(self._contact("API contact")).data)

    @extend_schema(request=ContactCorrectSerializer, responses=ContactDetailSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        contact = self._contact("API correct a contact")
        data = ContactCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = data.service_kwargs()
        reason = kwargs.pop("reason")
        contact = services.contact_correct(contact=contact, by=request.user, reason=reason, **kwargs)
        return Response(ContactDetailSerializer(contact).data)

    @extend_schema(request=ContactReasonSerializer, responses=ContactDetailSerializer)
    @action(detail=True, methods=["post"], url_path="entered-in-error")
    def entered_in_error(self, request, pk=None):
        contact = self._contact("API mark a contact entered in error")
        data = ContactReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_enter_in_error(contact=contact, by=request.user, **data.validated_data)
        return Response(ContactDetailSerializer(contact).data)

    @extend_schema(request=ContactFollowUpSerializer, responses={201: ContactFollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        contact = self._contact("API follow up a contact")
        data = ContactFollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = services.contact_follow_up_record(contact=contact, by=request.user, text=data.validated_data["text"])
        return Response(ContactFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("families/<int:family_id>/contacts", FamilyContactViewSet, "family-contacts"),
    ("contacts", ContactViewSet, "contact"),
]
