"""Nothing typed is lost when a session times out: a form posted after the session has ended is kept in the
new session, and offered back on the same page after signing in again (see `drafts.draft_take`)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .drafts import draft_keep
from .sessions import ended_session_user_id

NOT_RESCUED = ("/accounts/", "/api/", "/admin/", "/language/", "/session/")


class DraftRescueMiddleware:
    """Runs as a view hook, after CsrfViewMiddleware's: a POST that fails the CSRF check is refused there and
    never reaches this (issue 13 finding 6: another site could otherwise plant a draft in the next person's form).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or request.user.is_authenticated
            or request.path.startswith(NOT_RESCUED)
            or not getattr(request, "csrf_processing_done", False)  # accepted by the CSRF check, not exempt
        ):
            return None
        owner_id = ended_session_user_id(request)
        if owner_id is None:
            return None  # nobody's session ended here: the view refuses the anonymous POST as usual
        data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
        draft_keep(request.session, path=request.path, owner_id=owner_id, data=data)
        messages.info(request, _("Your session timed out. Sign in again and what you typed will be put back."))
        return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")


class NoStoreMiddleware:
    """Issue 13 finding 8 (ASVS V8.2.1): no response but a static file may be kept by a browser or proxy cache,
    so a page, export or API answer cannot be read back from a shared computer after signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response
