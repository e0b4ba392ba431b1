from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.core.csv import csv_text
from doorstep.core.texts import Text
from django.views.decorators.http import require_safe

from .forms import AuditSearchForm
from .models import AuditAction
from .selectors import audit_events_for_manager
from .services import audit_record


def _search(request):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers can search the audit log of their agency's staff."))
    form = AuditSearchForm(request.GET or None, manager=request.user)
    events = audit_events_for_manager(manager=request.user)
    if form.is_bound and form.is_valid():
        events = audit_events_for_manager(manager=request.user, **form.cleaned_data)
    query = request.GET.copy()
    query.pop("page", None)
    return form, events, query.urlencode()


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def search(request):
    form, events, query = _search(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query})


@require_safe
@login_required
def search_csv(request):
    """The search's rows as CSV, every sentence in the reader's language (issue 14)."""
    form, events, query = _search(request)
    if form.is_bound and not form.is_valid():  # the errors are shown on the search page
        return redirect(f"{reverse('audit:search')}?{query}")
    audit_record(actor=request.user, action=AuditAction.EXPORT, object_type="audit.AuditEvent",
                 summary=Text(gettext_noop("Downloaded the audit of the agency's staff as CSV")), reason=query)
    header = [_("When"), _("Who"), _("Agency"), _("Action"), _("What"), _("Record"), _("Family"), _("From"),
              _("Why")]

    def lines():
        yield "\ufeff" + csv_text([header])
        for e in events.select_related("family").iterator(chunk_size=2000):
            yield csv_text([[
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"), e.actor or "", e.actor_agency or "",
                e.get_action_display(), e.summary_shown, f"{e.object_type} {e.object_id}".strip(),
                e.family.reference if e.family else "", e.ip_address or "", e.reason_shown,
            ]])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate().isoformat()}.csv"'
    return response
