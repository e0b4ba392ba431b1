"""Issue 21: pages that keep one partnership's own lists (the case-file audit's questions, the recording check's
terms) name the partnership in their address, `?partnership=<id>`, when it is not the reader's own. The access rule
stays in the selector (selectors.list_partnership_for); these only read and write the address."""

from django.http import Http404
from django.urls import reverse


def partnership_param(request) -> int | None:
    """The partnership named in the address (a query or a form field), None when none is; a 404 for anything that is
    not a number (never a server error)."""
    raw = request.POST.get("partnership") or request.GET.get("partnership")
    if raw in (None, ""):
        return None
    if not str(raw).isdigit() or len(str(raw)) > 18:
        raise Http404("No such partnership")
    return int(raw)


def partnership_url(name: str, partnership, *args) -> str:
    """A page's address for the partnership's lists."""
    return f"{reverse(name, args=args)}?partnership={partnership.pk}"
