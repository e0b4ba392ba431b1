"""The marker review sweep (FLG-2): a marker past (or near) its review date is flagged as an escalation, never
silently dropped. Registered in doorstep.escalations.evaluate.SWEEP_CHECKS and run by the worker's periodic sweep.

Safe with several workers at once: each marker is claimed with select_for_update(skip_locked=True), one per
transaction; `review_action_for` records the review date whose action has been raised, and the escalation is keyed
on the marker and that date, so a second worker (or a second run) raises nothing new.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from doorstep.escalations.services import rule_settings

from .models import SHOWN, WarningMarker
from .services import marker_raise_review_action

BATCH = 200


def _due(now):
    # FLG-2: the review action is raised the set number of days before the review date (Rule settings, ESC-12).
    _enabled, params = rule_settings("FLG-2")
    horizon = timezone.localdate(now) + timedelta(days=params["review_notice_days"])
    return WarningMarker.objects.filter(SHOWN, review_date__lte=horizon).filter(
        Q(review_action_for__isnull=True) | ~Q(review_action_for=F("review_date")))


def marker_review_sweep(*, now) -> int:
    raised = 0
    for pk in list(_due(now).order_by("review_date", "id").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            marker = (_due(now).select_for_update(skip_locked=True).filter(pk=pk).first())
            if marker is None:  # another worker has it, or it was reviewed meanwhile
                continue
            marker_raise_review_action(marker=marker)
            raised += 1
    return raised
