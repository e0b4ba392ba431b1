"""The written agreements' periodic work (STYLE.md: each job beside its domain in scheduled.py), registered in
core/extensions.py SWEEP_CHECKS and run by the worker's periodic sweep."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from doorstep.core.workingdays import add_working_days
from doorstep.escalations.engine import rule_apply

from . import rules
from .models import WrittenAgreement
from doorstep.escalations.services import rule_settings_by_partnership
from doorstep.partnerships.models import Partnership


def _within_notice(today) -> Q:
    """AGR-1 (issue 21): a review date within the notice of the family's partnership, counted in working days of its
    nation: one horizon per partnership, from two queries whatever the number of agreements."""
    notice = rule_settings_by_partnership(rule_ids=["AGR-1"])
    within = Q(pk__in=[])
    for partnership_id, nation in Partnership.objects.values_list("pk", "nation"):
        days = notice[partnership_id]["AGR-1"][1]["review_notice_working_days"]
        within |= Q(family__partnership_id=partnership_id, review_date__lte=add_working_days(today, days, nation))
    return within


def agreement_reviews_sweep(*, now: datetime) -> int:
    """The sweep check (AGR-1): an agreement whose review date is near becomes a tracked action for the
    responsible professional, due at the end of the review date; raised once for each review date."""
    today = timezone.localdate(now)
    due = (
        WrittenAgreement.objects.filter(_within_notice(today), ended_at__isnull=True, review_date__isnull=False)
        .exclude(review_escalated_for=F("review_date"))
        .order_by("review_date", "pk").values_list("pk", flat=True)
    )
    raised = 0
    for pk in list(due[:200]):  # bounded (issue 14): the rest are taken by the next sweep
        with transaction.atomic():
            agreement = (
                WrittenAgreement.objects.select_for_update(skip_locked=True)
                .select_related("family", "lead")
                .filter(pk=pk, ended_at__isnull=True)
                .first()
            )
            if agreement is None or agreement.review_escalated_for == agreement.review_date:
                continue
            applied = rule_apply(rule_id="AGR-1", family=agreement.family, facts=rules.AgreementFacts(
                agreement_id=agreement.pk, family_name=agreement.family.name_text, lead_id=agreement.lead_id,
                review_date=agreement.review_date, today=today))
            created = any(c for _e, c in applied.escalations.values())
            agreement.review_escalated_for = agreement.review_date
            agreement.save(update_fields=["review_escalated_for"])
            raised += int(created)
    return raised
