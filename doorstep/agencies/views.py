from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from doorstep.core.forms_support import run_service

import django_otp
from django.utils.http import url_has_allowed_host_and_scheme

from . import selectors, services, two_step
from .accounts import ApprovedAccountsOnly
from .forms import TokenRequestForm, TwoStepCodeForm
from .models import ApprovalState, TokenState


@login_required
def tokens(request):
    """Partner systems: administrators request tokens; a manager approves or declines their agency's (issue 13)."""
    tokens = selectors.system_tokens_for(professional=request.user)
    form = None
    new_key = None
    if request.user.is_administrator:
        form = TokenRequestForm(request.POST or None, initial={"expires_on": services.system_token_default_expiry()})
        if request.method == "POST" and form.is_valid():
            issued = run_service(form, lambda: services.system_token_request(by=request.user, **form.cleaned_data))
            if issued:
                new_key = issued[1]
                form = TokenRequestForm(initial={"expires_on": services.system_token_default_expiry()})
    elif request.method == "POST":
        raise PermissionDenied(_("Only administrators request partner system tokens."))
    today = timezone.localdate()
    rows = [{"token": t, "status": t.status_label(today=today),
             "decide": request.user.is_manager and t.state == TokenState.REQUESTED and t.revoked_at is None,
             "revoke": t.revoked_at is None and t.state != TokenState.DECLINED} for t in tokens]
    return render(request, "agencies/tokens.html", {
        "form": form, "rows": rows, "new_key": new_key,
        "waiting": [r for r in rows if r["decide"]],
    })


def _decide(request, *, service, page: str, **target):
    """One manager's or administrator's decision on a token or an account (issue 13): the service refuses what this
    person may not decide, and its reason is shown on the page the decision was made from."""
    try:
        service(by=request.user, **target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(page)


def _token_action(request, token_id: int, service):
    token = selectors.system_token_get_for(professional=request.user, token_id=token_id)
    return _decide(request, service=service, page="agencies:tokens", token=token)


@require_POST
@login_required
def token_approve(request, token_id: int):
    return _token_action(request, token_id, services.system_token_approve)


@require_POST
@login_required
def token_decline(request, token_id: int):
    return _token_action(request, token_id, services.system_token_decline)


@require_POST
@login_required
def token_revoke(request, token_id: int):
    return _token_action(request, token_id, services.system_token_revoke)


@require_safe
@login_required
def accounts(request):
    """Accounts an administrator added to an agency or whose e-mail address or agency they changed: a manager of the
    agency approves or declines each before it can be used (issue 13)."""
    approvals = selectors.account_approvals_for(professional=request.user)
    rows = [{"approval": a, "decide": a.state == ApprovalState.REQUESTED
             and request.user.pk in {p.pk for p in services.account_approvers(approval=a)}}
            for a in approvals.filter(state=ApprovalState.REQUESTED)]
    return render(request, "agencies/accounts.html", {
        "waiting": [r for r in rows if r["decide"]],
        "others": [r for r in rows if not r["decide"]],
        "decided": approvals.exclude(state=ApprovalState.REQUESTED)[:50],
    })


def _account_action(request, approval_id: int, service):
    approval = selectors.account_approval_get_for(professional=request.user, approval_id=approval_id)
    return _decide(request, service=service, page="agencies:accounts", approval=approval)


@require_POST
@login_required
def account_approve(request, approval_id: int):
    return _account_action(request, approval_id, services.account_approve)


@require_POST
@login_required
def account_decline(request, approval_id: int):
    return _account_action(request, approval_id, services.account_decline)


@login_required
def two_step_setup(request):
    device = two_step.two_step_device(request.user)
    form = TwoStepCodeForm(request.POST or None)
    pending = None if device else two_step.two_step_begin(professional=request.user)
    if request.method == "POST" and pending and form.is_valid():
        confirmed = run_service(form, lambda: two_step.two_step_confirm(professional=request.user,
                                                                        token=form.cleaned_data["token"]))
        if confirmed:
            django_otp.login(request, confirmed)
            return redirect("home")
    return render(request, "agencies/two_step.html", {
        "form": form, "device": device, "required": two_step.two_step_required(request.user),
        "secret": two_step.secret_for_app(pending) if pending else "", "config_url": pending.config_url if pending else "",
    })


@login_required
def two_step_verify(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if two_step.two_step_device(request.user) is None:
        return redirect("two_step")
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = run_service(form, lambda: two_step.two_step_verify(professional=request.user,
                                                                     token=form.cleaned_data["token"]))
        if device:
            django_otp.login(request, device)
            return redirect(next_url)
    return render(request, "agencies/two_step_verify.html", {"form": form, "next": next_url})


class PasswordSetView(ApprovedAccountsOnly, auth_views.PasswordResetConfirmView):
    """Where the link an administrator sends leads: the owner sets their own password (issue 13 finding 2: the
    admin site never sets one). Django's view: a one-time link that stops working once used or after
    PASSWORD_RESET_TIMEOUT."""

    template_name = "agencies/password_set.html"
    success_url = reverse_lazy("password_set_done")


password_set = PasswordSetView.as_view()


@require_safe  # a page that only reads refuses POST (issue 13)
def password_set_done(request):
    return render(request, "agencies/password_set_done.html")
