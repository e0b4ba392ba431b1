"""What warning markers add to every page of a family (FLG-1): the banner, the side panel, the export section."""

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from doorstep.core.extensions import casefile_panel
from doorstep.incidents.selectors import incidents_recent_summary

from .models import SHOWN, MarkerStatus, WarningMarker
from .selectors import markers_shown_for_family


def risk_banner(*, family, professional) -> dict | None:
    """FLG-1: a GOV.UK banner at the top of every page of the family: the markers a visitor must see, and the
    incidents of the last year (ESC-5). At most four queries, whatever the family's size."""
    markers = markers_shown_for_family(family=family, professional=professional)
    incidents = incidents_recent_summary(family=family)
    if not markers and not incidents["count"]:
        return None
    return {"template": "markers/_banner.html", "family": family, "markers": markers, "incidents": incidents}


@casefile_panel(section="safety")
def markers_side_panel(*, family, professional) -> dict:
    counts = WarningMarker.objects.filter(family=family).aggregate(
        shown=Count("pk", filter=SHOWN),
        past=Count("pk", filter=Q(status__in=[MarkerStatus.ENDED, MarkerStatus.DECLINED])),
    )
    return {"template": "markers/_side.html", "family": family, **counts}


def markers_export_section(*, family) -> dict | None:
    """INC-2: every marker shown for the family, in full; one raised from another household at its address only
    as its category and advice (the export does not know who will read it)."""
    markers = markers_shown_for_family(family=family, professional=None)
    if not markers:
        return None
    lines = []
    for m in markers:
        state = _("awaiting authorisation") if m.status == MarkerStatus.AWAITING else _(
            "authorised by %(name)s") % {"name": m.authorised_by}
        if m.redacted:
            lines.append(_("%(category)s (this address, recorded before the current household lived here). Advice for "
                           "visitors: %(advice)s") % {"category": m.get_category_display(), "advice": m.advice})
            continue
        subject = str(m.person) if m.person_id else _("the address %(address)s") % {"address": m.address}
        lines.append(_("%(category)s (%(subject)s): %(nature)s Advice for visitors: %(advice)s. Source: %(source)s. "
                       "Raised by %(name)s (%(agency)s) on %(date)s, %(state)s; review by %(review)s.") % {
            "category": m.get_category_display(), "subject": subject, "nature": m.nature, "advice": m.advice,
            "source": m.source, "name": m.raised_by, "agency": m.raised_agency.name,
            "date": date_format(m.raised_at), "state": state, "review": date_format(m.review_date)})
    return {"title": _("Warning markers"), "lines": lines}
