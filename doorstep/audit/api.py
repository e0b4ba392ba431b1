from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from .models import AuditEvent
from .selectors import audit_events_for_manager


class AuditEventSerializer(serializers.ModelSerializer):
    summary = serializers.CharField(source="summary_shown", read_only=True)  # issue 14: in the reader's language
    reason = serializers.CharField(source="reason_shown", read_only=True)
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "actor_agency", "action", "object_type", "object_id", "family", "summary",
                  "reason", "ip_address"]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEvent.objects.none()
    """Managers read the audit log of their own agency's staff."""

    serializer_class = AuditEventSerializer

    def get_queryset(self):
        user = self.request.user
        if not (user.works_with_families and user.is_manager):
            raise PermissionDenied("Only managers read the audit log of their agency's staff.")
        return audit_events_for_manager(manager=user)


ROUTES = [("audit", AuditEventViewSet, "audit")]
