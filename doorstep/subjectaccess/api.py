"""RIG-1 in the API (/api/v1/subject-access/...), for the disclosure officer's own systems: the requests of their
agency, each request's items (redactions applied, as the requester will read them) with the redaction log, and the
bundle as a PDF. The same access rule as the pages (selectors.py), audited the same way; read only. A partner
system is not a disclosure officer: only people use it."""

import base64

from django.utils.translation import gettext_noop
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import FAMILY_WORKER_PERMISSIONS
from doorstep.core.texts import Text

from . import redaction as rd
from . import selectors, services
from .bundle import item_lines
from .models import Redaction, RequestState, SubjectAccessRequest


class RequestSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    family_reference = serializers.CharField(source="family.reference", read_only=True)
    subject_name = serializers.CharField(source="subject.__str__", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = SubjectAccessRequest
        fields = ["id", "reference", "family", "family_reference", "subject", "subject_name", "requester_kind",
                  "requester_name", "identity_check", "identity_checked_on", "received_on", "language", "due_on",
                  "extended_months", "extension_reason", "state", "state_label", "officer", "approved_by",
                  "approved_at", "released_at", "released_on_time"]


class RedactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Redaction
        fields = ["id", "text", "ground", "other_reason", "state", "automatic", "by", "at"]


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    agency = serializers.IntegerField(source="agency_id", allow_null=True)
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    occurred_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField(source="title_shown")
    lines = serializers.SerializerMethodField(help_text="Each line as the requester will read it: [code] for a "
                                                        "redaction.")
    redactions = RedactionSerializer(many=True)

    def get_lines(self, item) -> list[dict]:
        return [{"label": line.label, "text": rd.plain(line.parts)} for line in item_lines(item)]


class BundleSerializer(serializers.Serializer):
    reference = serializers.CharField()
    filename = serializers.CharField()
    media_type = serializers.CharField()
    content = serializers.CharField(help_text="The PDF, base64-encoded.")


class SubjectAccessRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """RIG-1: subject access requests of your agency (disclosure officers and managers)."""

    permission_classes = FAMILY_WORKER_PERMISSIONS
    serializer_class = RequestSerializer
    queryset = SubjectAccessRequest.objects.none()

    def _check(self):
        if not selectors.sees_requests(self.request.user):
            raise PermissionDenied("Only disclosure officers and managers see subject access requests.")

    def get_queryset(self):
        self._check()
        return selectors.requests_for(professional=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        audit_record_many(actor=self.request.user, action=AuditAction.VIEW, objects=rows,
                          summary=Text(gettext_noop("Listed subject access requests (RIG-1)")))
        return page

    def get_object(self):
        self._check()
        return selectors.request_get_for(professional=self.request.user, request_id=int(self.kwargs["pk"]))

    @extend_schema(responses=ItemSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def items(self, request, pk=None):
        found = self.get_object()
        return Response(ItemSerializer(selectors.request_items(request=found), many=True).data)

    @extend_schema(responses=BundleSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def bundle(self, request, pk=None):
        """The disclosure bundle (tagged PDF, base64) as the requester will receive it: redactions applied."""
        found = self.get_object()
        if found.state == RequestState.RECEIVED:
            raise NotFound("There is no bundle yet: the records have not been gathered.")
        content = services.bundle_download(request=found, by=request.user)
        return Response(BundleSerializer({"reference": found.reference, "filename": f"{found.reference}.pdf",
                                          "media_type": "application/pdf",
                                          "content": base64.b64encode(content).decode()}).data)


ROUTES = [
    ("subject-access/requests", SubjectAccessRequestViewSet, "subject-access-request"),
]
