"""Reads for agencies, with the access rule inside (STYLE.md)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgencySystemToken, Professional


def system_tokens_for(*, professional: Professional) -> QuerySet[AgencySystemToken]:
    """Administrators see every partner-system token; a manager sees their own agency's (issue 13 finding 2)."""
    tokens = AgencySystemToken.objects.select_related("agency", "requested_by", "decided_by", "revoked_by")
    if professional.is_administrator:
        return tokens.order_by("-created_at", "-id")
    if professional.is_manager and professional.agency_id:
        return tokens.filter(agency_id=professional.agency_id).order_by("-created_at", "-id")
    raise PermissionDenied(_("Only administrators and managers see partner system tokens."))


def system_token_get_for(*, professional: Professional, token_id: int) -> AgencySystemToken:
    token = system_tokens_for(professional=professional).filter(pk=token_id).first()
    if token is None:
        raise Http404("No token found")
    return token


def system_token_for_key(*, key: str) -> AgencySystemToken | None:
    """The token with this key, whatever its state; None when there is none. No side effects."""
    return (
        AgencySystemToken.objects.select_related("account", "account__agency", "requested_by", "decided_by")
        .filter(digest=AgencySystemToken.digest_of(key))
        .first()
    )


def system_token_usable(*, key: str) -> AgencySystemToken | None:
    """The token with this key if it works today (approved, not expired, not revoked), else None. For code that
    must know whether a request's token is genuine without auditing it (the API's authentication audits)."""
    token = system_token_for_key(key=key)
    if token is None or token.refusal(today=timezone.localdate()) is not None:
        return None
    return token
