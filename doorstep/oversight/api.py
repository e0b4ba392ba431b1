"""OVR-1 in the API (/api/v1/oversight/...): managers list the drift signals of the families their agency is
involved with, and the visit discrepancies of the workers they manage; managers and case-file auditors read their
case-file audit rounds and the rounds' findings. Read-only; audited like the pages."""

from django.utils.translation import gettext_noop
from rest_framework import mixins, serializers, viewsets

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record, audit_record_many
from doorstep.core.access import FAMILY_WORKER_PERMISSIONS
from doorstep.core.texts import Text

from . import selectors
from .models import (
    AuditAnswer, AuditRound, DiscrepancyKind, DriftSignal, Explanation, Grade, RoundScope, RoundState, SampleMethod,
    SignalKind, VisitDiscrepancy,
)


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


class AuditRoundSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=RoundState.choices)
    scope = serializers.ChoiceField(choices=RoundScope.choices)
    method = serializers.ChoiceField(choices=SampleMethod.choices)
    families = serializers.SerializerMethodField(help_text="The sample: each family's id and reference.")
    questions = serializers.SerializerMethodField(help_text="The questions, in the reader's language.")

    class Meta:
        model = AuditRound
        fields = ["id", "title", "period_start", "period_end", "scope", "agency", "planned_by", "state", "method",
                  "sample_size", "seed", "worker", "families", "questions", "created_at", "opened_at", "closed_at"]

    def get_families(self, audit_round) -> list[dict]:
        return [{"id": a.family_id, "reference": a.family.reference, "completed_at": a.completed_at}
                for a in audit_round.families.all()]

    def get_questions(self, audit_round) -> list[dict]:
        return [{"id": q.pk, "text": q.text} for q in audit_round.questions.all()]


class AuditFindingSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="audited.round_id")
    family = serializers.IntegerField(source="audited.family_id")
    family_reference = serializers.CharField(source="audited.family.reference")
    question = serializers.CharField(source="question.text", help_text="In the reader's language.")
    grade = serializers.ChoiceField(choices=Grade.choices)
    action = serializers.IntegerField(source="escalation_id", allow_null=True,
                                      help_text="The lead professional's tracked action (rule OVR-1A).")
    deadline = serializers.DateTimeField(source="escalation.deadline", allow_null=True)

    class Meta:
        model = AuditAnswer
        fields = ["id", "round", "family", "family_reference", "question", "grade", "note", "answered_at", "action",
                  "deadline"]


class AuditRoundViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """OVR-1: the case-file audit rounds you planned and audit (managers and designated auditors)."""

    permission_classes = FAMILY_WORKER_PERMISSIONS
    serializer_class = AuditRoundSerializer
    queryset = AuditRound.objects.none()

    def get_queryset(self):
        return selectors.audit_rounds_for(professional=self.request.user).prefetch_related(
            "families__family", "questions")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        audit_record_many(actor=self.request.user, action=AuditAction.VIEW,
                          objects=page if page is not None else list(queryset),
                          summary=Text(gettext_noop("Viewed case-file audit rounds (OVR-1)")))
        return page

    def get_object(self):
        found = super().get_object()
        audit_record(actor=self.request.user, action=AuditAction.VIEW, obj=found,
                     summary=Text(gettext_noop("Viewed the case-file audit round “%(title)s”"), {"title": found.title}))
        return found


class AuditFindingViewSet(_Audited):
    """OVR-1: the findings of your case-file audit rounds (answers graded requires improvement or inadequate), each
    with the lead professional's tracked action."""

    serializer_class = AuditFindingSerializer
    queryset = AuditAnswer.objects.none()
    summary = gettext_noop("Viewed case-file audit findings (OVR-1)")

    def get_queryset(self):
        return selectors.audit_findings_for(professional=self.request.user)

    def paginate_queryset(self, queryset):
        page = super(_Audited, self).paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        audit_record_many(actor=self.request.user, action=AuditAction.VIEW, objects=[r.audited.family for r in rows],
                          summary=Text(self.summary))
        return page


ROUTES = [
    ("oversight/signals", DriftSignalViewSet, "oversight-signal"),
    ("oversight/discrepancies", VisitDiscrepancyViewSet, "oversight-discrepancy"),
    ("oversight/audits", AuditRoundViewSet, "oversight-audit"),
    ("oversight/audits/findings", AuditFindingViewSet, "oversight-audit-finding"),
]
