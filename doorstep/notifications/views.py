from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .forms import PreferencesForm
from .models import MANDATORY_KINDS, Notification, NotificationPreference


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def inbox(request):
    page = Paginator(selectors.inbox_for(professional=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@login_required
def open_notification(request, notification_id: int):
    note = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.notification_mark_read(notification=note, by=request.user)
    target = note.link or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
def preferences(request):
    current = {p.kind: p.email for p in NotificationPreference.objects.filter(professional=request.user)}
    initial = [k for k, _label in PreferencesForm.base_fields["email_kinds"].choices if current.get(k, True)]
    form = PreferencesForm(request.POST or None, initial={"email_kinds": initial})
    if request.method == "POST" and form.is_valid():
        services.preferences_set(professional=request.user, email_kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("Your e-mail choices are saved"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "mandatory": sorted(MANDATORY_KINDS)})


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def failed(request):
    if not request.user.is_administrator:
        raise PermissionDenied(_("Only administrators see undelivered e-mails."))
    # Issue 16: the whole outbox, not only what failed: waiting, retrying (attempts, last error, next try), failed,
    # and those possibly delivered twice.
    metrics = services.email_metrics()
    state = request.GET.get("state")
    if state not in selectors.OUTBOX_FILTERS:
        state = "failed" if metrics["failed"] or not metrics["retrying"] else "retrying"
    page = Paginator(selectors.outbox_emails(state=state), 50).get_page(request.GET.get("page"))
    tabs = [("failed", _("Failed"), metrics["failed"]), ("retrying", _("Retrying"), metrics["retrying"]),
            ("waiting", _("Waiting or sending"), metrics["waiting"] + metrics["sending"]),
            ("possibly-sent", _("Possibly sent twice"), metrics["possible_duplicates"])]
    return render(request, "notifications/failed.html", {"page": page, "state": state, "tabs": tabs,
                                                          "metrics": metrics})


@require_POST
@login_required
def retry(request):
    """An administrator sends failed e-mails again: one (`notification`) or all."""
    if not request.user.is_administrator:
        raise PermissionDenied(_("Only administrators see undelivered e-mails."))
    note = None
    if request.POST.get("notification"):
        note = get_object_or_404(Notification, pk=request.POST["notification"])
    count = services.email_retry_failed(by=request.user, notification=note)
    messages.success(request, ngettext("%(count)s e-mail will be sent again", "%(count)s e-mails will be sent again",
                                       count) % {"count": count})
    state = request.POST.get("state")
    target = redirect("notifications:failed")
    if state in selectors.OUTBOX_FILTERS:
        target["Location"] += f"?state={state}"
    return target
