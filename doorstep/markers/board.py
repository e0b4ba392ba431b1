"""The Board's report (OVR-2, FLG-2): warning markers raised in a period, reviewed on time, ended. Three queries,
whatever the number of families; the partnership's families' markers only (issue 21)."""

from datetime import datetime

from django.db.models import CharField, Count, F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.core.board import Figure, Table
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.partnerships.models import Partnership

from .models import MarkerCategory, MarkerEvent, WarningMarker


def marker_actions_of(partnership: Partnership) -> Q:
    """FLG-2's actions (authorise, review) name no family (a marker is the raising agency's until authorised): they
    are the partnership's when their marker's family is (issue 21). A subquery: no query of its own."""
    markers = WarningMarker.objects.filter(family__partnership=partnership).annotate(
        text_id=Cast("pk", CharField())).values("text_id")
    return Q(source_type="markers.WarningMarker", source_id__in=markers)


def markers_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    by_category = dict(WarningMarker.objects.filter(family__partnership=partnership, raised_at__gte=start,
                                                    raised_at__lt=end).order_by()
                       .values_list("category").annotate(n=Count("id")))
    # FLG-2: each review is a tracked action due on the review date; on time when done by then. Reviews falling due
    # later than now are not counted yet.
    reviews = Escalation.objects.filter(marker_actions_of(partnership), rule_id="FLG-2", key__contains=":review:",
                                        deadline__gte=start,
                                        deadline__lt=min(end, timezone.now())).aggregate(
        due=Count("id"), on_time=Count("id", filter=Q(state=EscalationState.DONE, closed_at__lte=F("deadline"))))
    ended = MarkerEvent.objects.filter(marker__family__partnership=partnership, action=MarkerEvent.Action.ENDED,
                                       at__gte=start, at__lt=end).count()
    return [
        Table("markers_raised", _("Warning markers raised, by category"),
              [Figure(f"markers_{k}", label, by_category.get(k, 0)) for k, label in MarkerCategory.choices],
              Figure("markers_raised", _("Warning markers raised"), sum(by_category.values()))),
        Table("markers_reviewed", _("Warning marker reviews due, and reviewed on time"), [
            Figure("markers_reviewed_on_time", _("Reviewed by the review date"), reviews["on_time"]),
            Figure("markers_reviewed_late", _("Not reviewed by the review date"), reviews["due"] - reviews["on_time"]),
        ], Figure("markers_reviews_due", _("Reviews due"), reviews["due"])),
        Table("markers_ended", _("Warning markers ended"), [
            Figure("markers_ended", _("Ended"), ended)]),
    ]
