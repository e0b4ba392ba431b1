"""An administrator's home page (issue 18): partner-system tokens waiting for approval and accounts locked out."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import accounts_locked_out, accounts_locked_out_count, system_tokens_awaiting_count


def tokens_awaiting_counter(request) -> dict | None:
    """An administrator's counter: tokens they (or others) requested, waiting for an agency manager (issue 13)."""
    if not request.user.is_administrator:
        return None
    return {"label": _("Partner system tokens awaiting approval"),
            "count": system_tokens_awaiting_count(professional=request.user), "href": reverse("agencies:tokens")}


def locked_accounts_counter(request) -> dict | None:
    """An administrator's counter: accounts locked out after failed sign-ins, listed further down the page."""
    if not request.user.is_administrator:
        return None
    return {"label": _("Accounts locked after failed sign-ins"),
            "count": accounts_locked_out_count(professional=request.user), "href": "#locked-accounts"}


def locked_accounts_section(request) -> dict | None:
    """An administrator's home page: who is locked out, since when and until when (issue 13 finding 11)."""
    if not request.user.is_administrator:
        return None
    locked = accounts_locked_out(professional=request.user)
    return {"template": "agencies/_home_locked.html", "locked": locked}
