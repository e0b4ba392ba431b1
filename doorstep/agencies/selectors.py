"""Reads for agencies, with the access rule inside (STYLE.md)."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccountApproval, AgencySystemToken, Professional, Role, TokenState


def _in_scope(professional: Professional, rows: QuerySet) -> QuerySet:
    """Issue 21: a partnership's administrator sees the rows of agencies working in their partnership only."""
    administered = list(professional.administered_partnerships.values_list("pk", flat=True))
    if not administered:
        return rows
    return rows.filter(agency__partnerships__in=administered).distinct()


def system_tokens_for(*, professional: Professional) -> QuerySet[AgencySystemToken]:
    """Administrators see every partner-system token; a manager sees their own agency's (issue 13 finding 2)."""
    tokens = AgencySystemToken.objects.select_related("agency", "requested_by", "decided_by", "revoked_by")
    if professional.is_administrator:
        return _in_scope(professional, tokens).order_by("-created_at", "-id")
    if professional.is_manager and professional.agency_id:
        return tokens.filter(agency_id=professional.agency_id).order_by("-created_at", "-id")
    raise PermissionDenied(_("Only administrators and managers see partner system tokens."))


def system_tokens_awaiting_count(*, professional: Professional) -> int:
    """Partner-system tokens requested and not yet approved or declined by a manager of their agency (issue 18: an
    administrator's home page)."""
    return (system_tokens_for(professional=professional)
            .filter(state=TokenState.REQUESTED, revoked_at__isnull=True).count())


def _lockouts(now):
    """django-axes' records of a username locked out after AXES_FAILURE_LIMIT failed sign-ins, still cooling off."""
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gt=now - get_cool_off())


def accounts_locked_out(*, professional: Professional, limit: int = 50) -> list[Professional]:
    """For administrators (issue 18): the accounts locked out after repeated failed sign-ins (issue 13 finding 11),
    each with `locked_at` (the last failure) and `unlocks_at`. Failures on names that are no account are not listed.
    One query."""
    if not professional.is_administrator:
        raise PermissionDenied(_("Only administrators see locked accounts."))
    now = timezone.now()
    last = _lockouts(now).filter(username=OuterRef("username")).order_by("-attempt_time").values("attempt_time")[:1]
    people = list(Professional.objects.filter(username__in=_lockouts(now).values("username"))
                  .annotate(locked_at=Subquery(last)).order_by("-locked_at", "username")[:limit])
    for person in people:
        person.unlocks_at = person.locked_at + get_cool_off()
    return people


def accounts_locked_out_count(*, professional: Professional) -> int:
    if not professional.is_administrator:
        raise PermissionDenied(_("Only administrators see locked accounts."))
    return Professional.objects.filter(username__in=_lockouts(timezone.now()).values("username")).count()


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


def account_approvals_for(*, professional: Professional) -> QuerySet[AccountApproval]:
    """Accounts an administrator added or changed (issue 13): administrators see them all, a manager their own
    agency's, the Board chair those of agencies without an active manager (whom the Board chair decides for)."""
    approvals = AccountApproval.objects.select_related("professional", "agency", "requested_by", "decided_by")
    if professional.is_administrator:
        return _in_scope(professional, approvals)
    if professional.is_manager and professional.agency_id:
        return approvals.filter(agency_id=professional.agency_id)
    if professional.is_board_chair:
        from doorstep.partnerships.selectors import agencies_of_partnerships, partnerships_reporting_to

        managed = Professional.objects.filter(role=Role.MANAGER, is_active=True, awaiting_approval=False)
        # Issue 21: of the agencies working in the partnerships they chair only.
        return approvals.exclude(agency_id__in=managed.values("agency_id")).filter(
            agencies_of_partnerships(partnerships_reporting_to(professional)))
    raise PermissionDenied(_("Only administrators, managers and the Board chair see accounts waiting for approval."))


def account_approval_get_for(*, professional: Professional, approval_id: int) -> AccountApproval:
    approval = account_approvals_for(professional=professional).filter(pk=approval_id).first()
    if approval is None:
        raise Http404("No account approval found")
    return approval
