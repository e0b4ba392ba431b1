from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text

from .caseload import caseload_for

# Issue 18: the home page shows the caseload's most urgent families; the rest are one search away.
CASELOAD_SHOWN = 15


def caseload_section(request):
    """Home page: the person's own caseload ranked by what needs them (issue 18), not every family of the agency."""
    if not request.user.works_with_families:
        return None
    entries = caseload_for(professional=request.user)
    shown = entries[:CASELOAD_SHOWN]
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=[e.family for e in shown],
                      summary=Text(gettext_noop("Listed on home page")))
    return {"template": "families/_home_caseload.html", "entries": shown, "more": len(entries) - len(shown),
            "total": len(entries), "attention": sum(1 for e in entries if e.needs_attention)}
