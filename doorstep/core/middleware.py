"""Nothing typed is lost when a session times out: a form posted after the session has ended is kept in the
new session, and offered back on the same page after signing in again (see `drafts.draft_take`)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .drafts import DRAFT_PREFIX

NOT_RESCUED = ("/accounts/", "/api/", "/admin/", "/language/", "/session/")


class DraftRescueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith(NOT_RESCUED)
        ):
            data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
            request.session[DRAFT_PREFIX + request.path] = data
            messages.info(request, _("Your session timed out. Sign in again and what you typed will be put back."))
            return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)
