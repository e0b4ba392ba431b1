from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SHOWN, MarkerCategory, MarkerStatus, WarningMarker


def markers_figures():
    """OVR-2: warning markers across the partnership (aggregates only)."""
    today = timezone.localdate()
    counts = WarningMarker.objects.aggregate(
        shown=Count("id", filter=SHOWN),
        awaiting=Count("id", filter=Q(status=MarkerStatus.AWAITING)),
        overdue=Count("id", filter=SHOWN & Q(review_date__lt=today)),
        **{f"c_{value}": Count("id", filter=SHOWN & Q(category=value)) for value in MarkerCategory.values},
    )
    rows = [(_("Shown now"), counts["shown"]), (_("Awaiting authorisation"), counts["awaiting"]),
            (_("Past their review date"), counts["overdue"])]
    rows += [(label, counts[f"c_{value}"]) for value, label in MarkerCategory.choices]
    return [{"title": _("Warning markers"), "rows": rows}]
