"""What incidents add to the case file (FLG-1, 001 §5.1.15: evidence for the child's risk assessment) and to every
export or referral summary of a family (INC-2)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from doorstep.core.extensions import casefile_panel

from .models import Incident
from .selectors import incidents_for_family
from .services import incident_fact_summary

PANEL_SIZE = 5


@casefile_panel(section="safety")
def incidents_panel(*, family, professional) -> dict:
    """The latest incidents in the case file's main column: two queries."""
    latest = list(Incident.objects.filter(family=family).select_related("agency").order_by("-occurred_at", "-id")
                  [:PANEL_SIZE])
    count = Incident.objects.filter(family=family).count() if len(latest) == PANEL_SIZE else len(latest)
    return {"template": "incidents/_panel.html", "family": family, "incidents": latest, "count": count}


def incidents_export_section(*, family) -> dict | None:
    """INC-2 (003 §5.3): every incident, in full as far as the worker's agency has shared it."""
    incidents = list(incidents_for_family(family=family).order_by("-occurred_at", "-id"))
    if not incidents:
        return None
    lines = []
    for incident in incidents:
        when = date_format(timezone.localtime(incident.occurred_at), "DATETIME_FORMAT")
        line = f"{when}: {incident_fact_summary(incident, professionals=len(incident.affected.all()))}"
        people = ", ".join(str(p) for p in incident.people.all())
        if people:
            line += " " + _("People involved: %(people)s.") % {"people": people}
        if incident.threat_to_kill:
            line += " " + _("Threat to kill.")
        if incident.police_reference:
            line += " " + _("Police reference %(ref)s.") % {"ref": incident.police_reference}
        if incident.account_shared_at:
            line += " " + _("Worker's account: %(account)s") % {"account": incident.account}
        else:
            line += " " + _("The worker's own account is held by %(agency)s.") % {"agency": incident.agency.name}
        lines.append(line)
    return {"title": _("Threats and violence towards professionals"), "lines": lines}
