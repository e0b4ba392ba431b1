from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .forms import AuditSearchForm
from .selectors import audit_events_for_manager


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def search(request):
    if not (request.user.works_with_families and request.user.is_manager):
        raise PermissionDenied(_("Only managers can search the audit log of their agency's staff."))
    form = AuditSearchForm(request.GET or None, manager=request.user)
    events = audit_events_for_manager(manager=request.user)
    if form.is_bound and form.is_valid():
        events = audit_events_for_manager(manager=request.user, **form.cleaned_data)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
