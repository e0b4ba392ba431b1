"""The marker review sweep (FLG-2): a marker past (or near) its review date is flagged as an escalation, never
silently dropped. Registered in doorstep.escalations.evaluate.SWEEP_CHECKS and run by the worker's periodic sweep.

Safe with several workers at once: each marker is claimed with select_for_update(skip_locked=True), one per
transaction; `review_action_for` records the review date whose action has been raised, and the escalation is keyed
on the marker and that date, so a second worker (or a second run) raises nothing new.
"""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from doorstep.core.sweep import sweep_each
from doorstep.escalations.services import rule_settings_by_partnership

from .models import SHOWN, WarningMarker
from .services import marker_raise_review_action

BATCH = 200


def _due(now):
    # FLG-2: the review action is raised the set number of days before the review date (Rule settings, ESC-12), as
    # the marker's family's partnership set it (issue 21): one horizon per partnership, the settings in one query.
    today = timezone.localdate(now)
    settings = rule_settings_by_partnership(rule_ids=["FLG-2"])
    horizon = {pk: today + timedelta(days=rules["FLG-2"][1]["review_notice_days"]) for pk, rules in settings.items()}
    default = today + timedelta(days=settings.fallback["FLG-2"][1]["review_notice_days"])
    within = Q(~Q(family__partnership_id__in=list(horizon)), review_date__lte=default)
    for partnership_id, until in horizon.items():
        within |= Q(family__partnership_id=partnership_id, review_date__lte=until)
    return WarningMarker.objects.filter(SHOWN).filter(within).filter(
        Q(review_action_for__isnull=True) | ~Q(review_action_for=F("review_date")))


def marker_review_sweep(*, now) -> int:
    return sweep_each(check="markers.review", due=lambda: _due(now).order_by("review_date", "id"),
                      act=lambda marker: marker_raise_review_action(marker=marker), now=now, limit=BATCH)
