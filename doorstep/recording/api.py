"""UK GDPR Article 16 in the API, with the same selectors (access, audit) and services (validation, audit, chronology,
rule RIG-2) as the pages:

- POST /api/v1/correction-requests/               log a person's request to correct a record (any involved worker)
- GET  /api/v1/correction-requests/{id}/          one request (whoever may read the family)
- POST /api/v1/correction-requests/{id}/decide/   the record's agency decides: corrected, or the statement attached

A request's before and after words are not given here: an incident's worker account stays within its agency (INC-1).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.core.access import require_family_worker
from doorstep.families.models import Person

from . import selectors, services
from .models import CorrectionRequest, CorrectionState, RecordKind


class CorrectionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = CorrectionRequest
        fields = ["id", "family", "record_kind", "contact", "incident", "entry", "person_details", "agency", "person",
                  "requested_through", "received_on", "request_text", "logged_by", "logged_at", "due_on", "state",
                  "decided_by", "decided_at", "decision_reason", "statement"]
        read_only_fields = fields


class CorrectionLogSerializer(serializers.Serializer):
    record_kind = serializers.ChoiceField(choices=RecordKind.choices)
    record_id = serializers.IntegerField(min_value=1)
    person = serializers.IntegerField(min_value=1, help_text="Who asks: a member of the record's family.")
    received_on = serializers.DateField()
    request_text = serializers.CharField(max_length=5000, help_text="What they say is wrong, in their words.")
    requested_through = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CorrectionDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[CorrectionState.CORRECTED, CorrectionState.NOT_CORRECTED])
    reason = serializers.CharField(max_length=5000)
    corrected_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                           help_text="Corrected: the record's new words (not for a person's details).")
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                      help_text="Not corrected: the person's statement, in their words.")


class CorrectionRequestViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CorrectionRequestSerializer
    queryset = CorrectionRequest.objects.none()

    def retrieve(self, request, pk=None):
        require_family_worker(request.user)
        found = selectors.correction_get_for(professional=request.user, request_id=int(pk),
                                             purpose="API request to correct a record")
        return Response(CorrectionRequestSerializer(found).data)

    @extend_schema(request=CorrectionLogSerializer, responses={201: CorrectionRequestSerializer})
    def create(self, request):
        require_family_worker(request.user)
        data = CorrectionLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        record = selectors.record_get_for(professional=request.user, kind=d["record_kind"], record_id=d["record_id"],
                                          write=True)
        person = Person.objects.filter(pk=d["person"], family_id=record.family.pk).first()
        logged = services.correction_request_log(
            record=record, by=request.user, person=person, received_on=d["received_on"],
            request_text=d["request_text"], requested_through=d["requested_through"])
        return Response(CorrectionRequestSerializer(logged).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CorrectionDecideSerializer, responses=CorrectionRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        require_family_worker(request.user)
        found = selectors.correction_get_for(professional=request.user, request_id=int(pk),
                                             purpose="API decide a request to correct a record", write=True)
        if not selectors.may_decide(request=found, professional=request.user):
            raise PermissionDenied(_("Only whoever recorded it, or a manager of the record's agency, decides."))
        data = CorrectionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.correction_decide(request=found, by=request.user, **data.validated_data)
        return Response(CorrectionRequestSerializer(decided).data)


ROUTES = [
    ("correction-requests", CorrectionRequestViewSet, "correction-request"),
]
