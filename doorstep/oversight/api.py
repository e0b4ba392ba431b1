"""OVR-1 in the API (/api/v1/oversight/...): managers list the drift signals of the families their agency is
involved with, and the visit discrepancies of the workers they manage. Read-only; audited like the pages."""

from django.utils.translation import gettext_noop
from rest_framework import mixins, serializers, viewsets

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.access import FAMILY_WORKER_PERMISSIONS
from doorstep.core.texts import Text

from . import selectors
from .models import DiscrepancyKind, DriftSignal, Explanation, SignalKind, VisitDiscrepancy


class DriftSignalSerializer(serializers.ModelSerializer):
    family_reference = serializers.CharField(source="family.reference")
    kind = serializers.ChoiceField(choices=SignalKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    reasons = serializers.ListField(child=serializers.CharField(), source="reason_texts",
                                    help_text="Why, in the reader's language.")

    class Meta:
        model = DriftSignal
        fields = ["id", "family", "family_reference", "kind", "kind_label", "reasons", "computed_at"]


class VisitDiscrepancySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=DiscrepancyKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    evidence = serializers.ListField(child=serializers.CharField(), source="evidence_texts",
                                     help_text="The evidence, in the reader's language.")
    explanation = serializers.ChoiceField(choices=[("", ""), *Explanation.choices])

    class Meta:
        model = VisitDiscrepancy
        fields = ["id", "family", "contact", "worker", "kind", "kind_label", "visit", "evidence", "found_at",
                  "explanation", "explanation_note", "explained_at"]


class _Audited(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = FAMILY_WORKER_PERMISSIONS
    summary = ""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        audit_record_many(actor=self.request.user, action=AuditAction.VIEW, objects=[r.family for r in rows],
                          summary=Text(self.summary))
        return page


class DriftSignalViewSet(_Audited):
    """OVR-1: drift signals of the families your agency is involved with (managers only)."""

    serializer_class = DriftSignalSerializer
    queryset = DriftSignal.objects.none()
    summary = gettext_noop("Viewed the family's drift signals (OVR-1)")

    def get_queryset(self):
        return selectors.signals_for(manager=self.request.user)


class VisitDiscrepancyViewSet(_Audited):
    """OVR-1 (004 §4.1): visit records the lone-working record does not bear out, of the workers you manage
    (managers only)."""

    serializer_class = VisitDiscrepancySerializer
    queryset = VisitDiscrepancy.objects.none()
    summary = gettext_noop("Viewed visit records to check (OVR-1)")

    def get_queryset(self):
        return selectors.discrepancies_for(professional=self.request.user, managers_only=True)


ROUTES = [
    ("oversight/signals", DriftSignalViewSet, "oversight-signal"),
    ("oversight/discrepancies", VisitDiscrepancyViewSet, "oversight-discrepancy"),
]
