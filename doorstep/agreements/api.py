"""Written agreements under /api/v1/ (AGR-1, AGR-2): the same selectors, services, access rule and audit as the
pages. An agreement is family data: anyone who may see the family may read it and record a breach."""

from django.http import Http404
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import families_visible_to, family_get_for, require_family_worker
from doorstep.core.api import DateTimeField
from doorstep.core.texts import Text

from . import selectors, services
from .document import agreement_document
from doorstep.families.models import CorrespondenceLanguage

from .models import AgreementBreach, AgreementTerm, AgreementVersion, VersionState, WrittenAgreement


def inline_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice published as a pattern rather than a shared enum component: several Doorstep models call different
    choice sets `state` or `language`, and drf-spectacular would give them clashing enum names (W001)."""
    field_class = extend_schema_field({"type": "string", "pattern": "^(" + "|".join(choices.values) + ")$",
                                       "description": "One of: " + ", ".join(choices.values)})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices.choices, **kwargs)


class TermSerializer(serializers.ModelSerializer):
    words = serializers.SerializerMethodField(help_text="The term as the family reads it, in the agreement's language.")

    class Meta:
        model = AgreementTerm
        fields = ["id", "section", "code", "text", "agency", "words"]

    def get_words(self, term) -> str:
        return self.context["words"].get(term.pk, term.label)


class VersionSummarySerializer(serializers.ModelSerializer):
    language = inline_choice_field(CorrespondenceLanguage, read_only=True)
    state = inline_choice_field(VersionState, read_only=True)

    class Meta:
        model = AgreementVersion
        fields = ["id", "number", "language", "state", "review_date", "issued_at", "response_on", "response_note"]


class VersionSerializer(VersionSummarySerializer):
    terms = serializers.SerializerMethodField()
    people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    professionals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    response_people = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    document = serializers.SerializerMethodField(help_text="The whole agreement as plain text, in its language.")

    class Meta(VersionSummarySerializer.Meta):
        fields = VersionSummarySerializer.Meta.fields + ["agreement", "people", "professionals", "response_people",
                                                         "terms", "document"]

    def get_terms(self, version) -> list[dict]:
        from django.utils.translation import override

        terms = list(version.terms.all())
        with override(version.language):
            words = {t.pk: t.label for t in terms}
        return TermSerializer(terms, many=True, context={"words": words}).data

    def get_document(self, version) -> str:
        return agreement_document(version).text()


class BreachSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementBreach
        fields = ["id", "version", "term", "occurred_at", "description", "contact", "incident_id", "recorded_by",
                  "recorded_at"]


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = WrittenAgreement
        fields = ["id", "family", "lead", "created_at", "review_date", "ended_at", "end_reason"]


class AgreementDetailSerializer(AgreementSerializer):
    versions = VersionSummarySerializer(many=True, source="_versions")
    breaches = BreachSerializer(many=True, source="_breaches")

    class Meta(AgreementSerializer.Meta):
        fields = AgreementSerializer.Meta.fields + ["versions", "breaches"]


class BreachCreateSerializer(serializers.Serializer):
    term = serializers.IntegerField(help_text="A term of the version in force (unacceptable behaviour or what is "
                                              "expected of the family).")
    description = serializers.CharField(max_length=5000)
    occurred_at = DateTimeField(required=False, help_text="Needed unless a contact or incident is given.")
    contact = serializers.IntegerField(required=False)
    incident = serializers.IntegerField(required=False)


class WrittenAgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AgreementSerializer
    queryset = WrittenAgreement.objects.none()

    @extend_schema(parameters=[OpenApiParameter("family", int, description="Only this family's agreements")])
    def list(self, request, *args, **kwargs):
        """Agreements of the families you may see, newest first."""
        require_family_worker(request.user)
        family_id = request.query_params.get("family")
        if family_id:
            if not family_id.isdigit():
                raise Http404
            family = family_get_for(professional=request.user, family_id=int(family_id), purpose="API agreements")
            qs = WrittenAgreement.objects.filter(family=family)
        else:
            qs = WrittenAgreement.objects.filter(family__in=families_visible_to(professional=request.user))
        page = self.paginate_queryset(qs.order_by("-created_at", "-id"))
        audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page,
                          summary=Text(gettext_noop("API agreement list")))
        return self.get_paginated_response(AgreementSerializer(page, many=True).data)

    @extend_schema(responses=AgreementDetailSerializer)
    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        agreement = selectors.agreement_get_for(professional=request.user, agreement_id=int(pk),
                                                purpose="API agreement")
        detail = selectors.agreement_detail(agreement=agreement)
        agreement._versions = detail["versions"]
        agreement._breaches = detail["breaches"]
        return Response(AgreementDetailSerializer(agreement).data)

    @extend_schema(request=BreachCreateSerializer, responses={201: BreachSerializer})
    @action(detail=True, methods=["post"])
    def breaches(self, request, pk=None):
        """AGR-2: record that a term was breached, optionally from a contact or an incident of the family."""
        require_family_worker(request.user)
        agreement = selectors.agreement_get_for(professional=request.user, agreement_id=int(pk),
                                                purpose="API record a breach", write=True)
        data = BreachCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        contact = None
        if "contact" in values:
            from doorstep.engagement.models import Contact

            contact = Contact.objects.filter(pk=values["contact"]).first()
            if contact is None:
                raise serializers.ValidationError({"contact": "That contact is not on this family's record"})
        breach = services.agreement_breach_record(
            agreement=agreement, by=request.user, term=AgreementTerm.objects.filter(pk=values["term"]).first(),
            description=values["description"], occurred_at=values.get("occurred_at"), contact=contact,
            incident_id=values.get("incident"),
        )
        return Response(BreachSerializer(breach).data, status=status.HTTP_201_CREATED)


class AgreementVersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VersionSerializer
    queryset = AgreementVersion.objects.none()

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        version = selectors.version_get_for(professional=request.user, version_id=int(pk), purpose="API agreement")
        return Response(VersionSerializer(version).data)


ROUTES = [
    ("agreements", WrittenAgreementViewSet, "written-agreement"),
    ("agreement-versions", AgreementVersionViewSet, "agreement-version"),
]
