"""Families, people and involvements under /api/v1/: the same selectors, services and audit as the pages."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.agencies.models import Agency, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import require_family_worker
from doorstep.partnerships.models import Partnership
# Further parts of the family detail response (FLG-1: warning markers): fn(*, family, professional) -> dict
# merged into the response.
from doorstep.core.extensions import FAMILY_DETAIL_EXTRAS as DETAIL_EXTRAS

from . import selectors, services
from .models import Family, Involvement, Person


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "family", *services.PERSON_FIELDS]
        read_only_fields = ["id", "family"]


class InvolvementSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Involvement
        fields = ["id", "family", "agency", "agency_name", "started_on", "reason", "lead_professional", "ended_on",
                  "end_reason"]
        read_only_fields = ["id", "family", "ended_on", "end_reason"]


class FamilySerializer(serializers.ModelSerializer):
    current_address = serializers.SerializerMethodField()

    class Meta:
        model = Family
        fields = ["id", "reference", "name", "summary", "known_to_csc", "overall_lead", "created_at", "current_address"]
        read_only_fields = fields

    def get_current_address(self, family) -> str | None:
        if hasattr(family, "case_file_current_address"):  # read by family_case_file (API family): not read again
            address = family.case_file_current_address
            return str(address) if address else None
        current = getattr(family, "current_addresses", None)
        return str(current[0].address) if current else None


class FamilyDetailSerializer(FamilySerializer):
    members = PersonSerializer(many=True, source="_members")
    involvements = InvolvementSerializer(many=True, source="_involvements")

    class Meta(FamilySerializer.Meta):
        fields = FamilySerializer.Meta.fields + ["members", "involvements"]
        read_only_fields = fields


class FamilyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=2000)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    known_to_csc = serializers.BooleanField(required=False, default=False)
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100)
    postcode = serializers.RegexField(r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$", max_length=10)
    # Issue 21: needed only when the agency works in several partnerships.
    partnership = serializers.PrimaryKeyRelatedField(
        queryset=Partnership.objects.all(), required=False, allow_null=True,
        help_text="The partnership the family belongs to: one the agency works in (chosen for you when it works in "
                  "one)")


class InvolvementEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InvolvementEndProposalSerializer(serializers.Serializer):
    escalation = serializers.IntegerField(help_text="The action raised for the agency's lead professional")
    owner = serializers.IntegerField(help_text="Who decides: the agency's lead professional, or a manager")


class FamilyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FamilySerializer

    def get_queryset(self):
        return selectors.family_search(professional=self.request.user)

    def list(self, request, *args, **kwargs):
        require_family_worker(request.user)
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API family list")))
        return self.get_paginated_response(FamilySerializer(page, many=True).data)

    @extend_schema(responses=FamilyDetailSerializer)
    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        family = selectors.family_get_for(professional=request.user, family_id=int(pk), purpose="API family")
        context = selectors.family_case_file(family=family)
        family._members = context["members"]
        family._involvements = context["involvements"]
        data = FamilyDetailSerializer(family).data
        for extra in DETAIL_EXTRAS:
            data.update(extra(family=family, professional=request.user))
        return Response(data)

    @extend_schema(request=FamilyCreateSerializer, responses={201: FamilySerializer})
    def create(self, request):
        require_family_worker(request.user)
        services.family_create_allowed(by=request.user)  # before the body is read: refused, not 400
        data = FamilyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        family = services.family_create(by=request.user, **data.validated_data)
        return Response(FamilySerializer(family).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonSerializer, responses={201: PersonSerializer})
    @action(detail=True, methods=["post"], url_path="people")
    def add_person(self, request, pk=None):
        require_family_worker(request.user)
        family = selectors.family_get_for(professional=request.user, family_id=int(pk), purpose="API add person",
                                          write=True)
        data = PersonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_add(family=family, by=request.user, **data.validated_data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InvolvementSerializer, responses={201: InvolvementSerializer})
    @action(detail=True, methods=["post"], url_path="involvements")
    def add_involvement(self, request, pk=None):
        require_family_worker(request.user)
        family = selectors.family_get_for(professional=request.user, family_id=int(pk), purpose="API involvement",
                                          write=True)
        if not selectors.involvement_may_add(family=family, professional=request.user):
            raise PermissionDenied(services.involvement_add_refusal())
        data = InvolvementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        involvement = services.involvement_start(family=family, by=request.user, **{
            k: v for k, v in data.validated_data.items() if k in ("agency", "reason", "lead_professional", "started_on")})
        return Response(InvolvementSerializer(involvement).data, status=status.HTTP_201_CREATED)


class PersonViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PersonSerializer
    queryset = Person.objects.none()

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        return Response(PersonSerializer(selectors.person_get_for(professional=request.user, person_id=int(pk))).data)

    def partial_update(self, request, pk=None):
        require_family_worker(request.user)
        person = selectors.person_get_for(professional=request.user, person_id=int(pk), write=True)
        data = PersonSerializer(person, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        person = services.person_update(person=person, by=request.user, **data.validated_data)
        return Response(PersonSerializer(person).data)


class InvolvementViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InvolvementSerializer
    queryset = Involvement.objects.none()

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        return Response(InvolvementSerializer(
            selectors.involvement_get_for(professional=request.user, involvement_id=int(pk))).data)

    @extend_schema(request=InvolvementEndSerializer, responses=InvolvementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        require_family_worker(request.user)
        involvement = selectors.involvement_get_for(professional=request.user, involvement_id=int(pk), write=True)
        if not selectors.involvement_may_end(involvement=involvement, professional=request.user):
            # Issue 13 finding 4: the agency's own lead or manager ends it; others use propose-end.
            raise PermissionDenied(services.involvement_end_refusal(involvement))
        data = InvolvementEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        involvement = services.involvement_end(involvement=involvement, by=request.user, **data.validated_data)
        return Response(InvolvementSerializer(involvement).data)

    @extend_schema(request=InvolvementEndSerializer, responses={201: InvolvementEndProposalSerializer})
    @action(detail=True, methods=["post"], url_path="propose-end")
    def propose_end(self, request, pk=None):
        """Propose that another agency ends its involvement: its lead professional sees it as an action."""
        require_family_worker(request.user)
        involvement = selectors.involvement_get_for(professional=request.user, involvement_id=int(pk), write=True)
        data = InvolvementEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation = services.involvement_end_propose(involvement=involvement, by=request.user,
                                                      **data.validated_data)
        return Response({"escalation": escalation.pk, "owner": escalation.owner_id},
                        status=status.HTTP_201_CREATED)


ROUTES = [
    ("families", FamilyViewSet, "family"),
    ("people", PersonViewSet, "person"),
    ("involvements", InvolvementViewSet, "involvement"),
]
