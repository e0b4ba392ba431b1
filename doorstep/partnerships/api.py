"""Transfers under /api/v1/ (issue 21): the same selector, service, refusals and audit as the page.

- POST /api/v1/families/{family_id}/transfer/   {"to_partnership": id, "reason": "..."}: 201 with the transfer;
       400 with the reason for each field (the same partnership, no reason), 403 for someone who may not transfer.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from doorstep.core.access import family_get_for, require_family_worker

from . import selectors, services
from .models import FamilyTransfer, Partnership


class FamilyTransferWriteSerializer(serializers.Serializer):
    to_partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.all())
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class RetimedSerializer(serializers.Serializer):
    escalation = serializers.IntegerField()
    rule = serializers.CharField()
    before = serializers.DateTimeField(allow_null=True)
    after = serializers.DateTimeField(allow_null=True)


class FamilyTransferSerializer(serializers.ModelSerializer):
    retimed = RetimedSerializer(many=True, read_only=True)

    class Meta:
        model = FamilyTransfer
        fields = ["id", "family", "from_partnership", "to_partnership", "transferred_at", "by", "reason", "retimed"]
        read_only_fields = fields


class FamilyTransferViewSet(viewsets.GenericViewSet):
    serializer_class = FamilyTransferSerializer
    queryset = FamilyTransfer.objects.none()

    @extend_schema(request=FamilyTransferWriteSerializer, responses={201: FamilyTransferSerializer})
    def create(self, request, family_id=None):
        require_family_worker(request.user)
        family = family_get_for(professional=request.user, family_id=int(family_id),
                                purpose="API transfer to another partnership", write=True)
        if not selectors.family_transfer_may_open(professional=request.user, family=family):
            raise PermissionDenied(services.TRANSFER_REFUSED)
        data = FamilyTransferWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.family_transfer(family=family, by=request.user, **data.validated_data)
        return Response(FamilyTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("families/<int:family_id>/transfer", FamilyTransferViewSet, "family-transfer"),
]
