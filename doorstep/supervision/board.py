from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.agencies.models import Professional

from . import conf
from .models import SessionState, SupervisionSession
from .services import SUPERVISED_ROLES


def supervision_figures():
    """OVR-2 and SUP-4: supervision across the partnership (aggregates only, P-4)."""
    now = timezone.now()
    today = timezone.localdate()
    interval = timedelta(days=conf.interval_days())
    year_ago = today - timedelta(days=365)
    last_held = SupervisionSession.objects.filter(supervisee=OuterRef("pk"), state=SessionState.HELD).order_by(
        "-held_on").values("held_on")[:1]
    staff = (Professional.objects.filter(is_active=True, line_manager__isnull=False, agency__isnull=False,
                                         role__in=SUPERVISED_ROLES)
             .annotate(last_held=Subquery(last_held))
             .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(last_held__lt=today - interval) | Q(
                 last_held__isnull=True, date_joined__lt=now - interval))))
    sessions = SupervisionSession.objects.aggregate(
        held=Count("pk", filter=Q(state=SessionState.HELD, held_on__gte=year_ago)),
        safety=Count("pk", filter=Q(state=SessionState.HELD, held_on__gte=year_ago, health_and_safety_discussed=True)),
        cancelled=Count("pk", filter=Q(state=SessionState.CANCELLED, cancelled_on__gte=year_ago)),
    )
    return [{"title": _("Supervision of staff"), "rows": [
        (_("Staff supervised by a line manager"), staff["total"]),
        (_("Overdue supervision now"), staff["overdue"]),
        (_("Supervisions held in the last 12 months"), sessions["held"]),
        (_("Of which health and safety was discussed"), sessions["safety"]),
        (_("Supervisions cancelled in the last 12 months"), sessions["cancelled"]),
    ]}]
