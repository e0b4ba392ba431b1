from django.core.paginator import Paginator
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record_many
from doorstep.core.texts import Text
from doorstep.core.access import families_visible_to



def families_section(request):
    """Home page: the families the person's agency is involved with."""
    if not request.user.works_with_families:
        return None
    families = families_visible_to(professional=request.user).select_related("overall_lead").order_by("name", "id")
    page = Paginator(families, 20).get_page(request.GET.get("page"))
    audit_record_many(actor=request.user, action=AuditAction.VIEW, objects=page.object_list,
                      summary=Text(gettext_noop("Listed on home page")))
    return {"template": "families/_home_families.html", "page": page}
