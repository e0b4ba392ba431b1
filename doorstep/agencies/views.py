from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doorstep.core.forms_support import run_service

import django_otp
from django.utils.http import url_has_allowed_host_and_scheme

from . import services, two_step
from .forms import TokenIssueForm, TwoStepCodeForm
from .models import AgencySystemToken


def _administrator(request):
    if not request.user.is_administrator:
        raise PermissionDenied(_("Only administrators manage partner systems."))


@login_required
def tokens(request):
    _administrator(request)
    form = TokenIssueForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        issued = run_service(form, lambda: services.system_token_issue(by=request.user, **form.cleaned_data))
        if issued:
            new_key = issued[1]
            form = TokenIssueForm()
    tokens = AgencySystemToken.objects.select_related("agency").order_by("-created_at")
    return render(request, "agencies/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
@login_required
def token_revoke(request, token_id: int):
    _administrator(request)
    services.system_token_revoke(by=request.user, token=get_object_or_404(AgencySystemToken, pk=token_id))
    return redirect("agencies:tokens")


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
