from django.shortcuts import redirect
from django.urls import reverse

from .two_step import two_step_device, two_step_required

OPEN_PATHS = ("/accounts/", "/language/", "/static/", "/session/")


class TwoStepMiddleware:
    """Sends a signed-in person who has (or must have) two-step verification to verify (or set it up) first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and not request.META.get("HTTP_AUTHORIZATION", "").startswith("Token ")
            and not user.is_verified()
        ):
            if two_step_device(user) is not None:
                return redirect(f"{reverse('two_step_verify')}?next={request.path}")
            if two_step_required(user):
                return redirect("two_step")
        return self.get_response(request)
