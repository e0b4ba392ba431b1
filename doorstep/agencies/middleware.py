"""Two-step verification (P-4, issue 13 finding 1): a signed-in person who has, or must have, an authenticator
verifies with it before anything else.

No request header exempts a page: an `Authorization: Token ...` header means nothing to a Django view, which
always serves the session's person. API views are left to `permissions.TwoStepVerified`, which DRF runs after
authentication, so only a request that the partner-system token actually authenticated goes without two-step.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from .two_step import two_step_device, two_step_outstanding

OPEN_PATHS = ("/accounts/", "/language/", "/static/", "/session/")
# Under /accounts/ but not open: changing one's password needs the second step first.
GUARDED_PATHS = ("/accounts/password/change/",)


def is_api_view(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class TwoStepMiddleware:
    """Sends a signed-in person who has (or must have) two-step verification to verify (or set it up) first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or is_api_view(view_func):
            return None
        if request.path.startswith(OPEN_PATHS) and not request.path.startswith(GUARDED_PATHS):
            return None
        if not two_step_outstanding(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Verify with two-step verification first.")}, status=403)
        if two_step_device(user) is not None:
            return redirect(f"{reverse('two_step_verify')}?next={request.path}")
        return redirect("two_step")
