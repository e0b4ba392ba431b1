from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doorstep.core.forms_support import run_service

from . import services
from .forms import TokenIssueForm
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
