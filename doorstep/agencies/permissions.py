"""API permissions added to every DRF view through REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .api_auth import AgencySystemTokenAuthentication
from .two_step import two_step_outstanding


class TwoStepVerified(BasePermission):
    """Issue 13 finding 1: a session user who has, or must have, two-step verification uses the API only after
    verifying. A partner system is exempt only when its token authenticated this request (not for the header)."""

    message = _("Verify with two-step verification first.")

    def has_permission(self, request, view):
        if isinstance(request.successful_authenticator, AgencySystemTokenAuthentication):
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            return True  # IsAuthenticated refuses the anonymous
        return not two_step_outstanding(user)
