from django.conf import settings

from .monitoring import monitoring_banner_for
from .navigation import navigation_for
from .sessions import session_seconds_left


def doorstep(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "navigation": navigation_for(user, request.path) if authenticated else [],
        "session_timeout": session_seconds_left(request) if authenticated else 0,
        "session_warning": settings.DOORSTEP_SESSION_WARNING_SECONDS,
        "monitoring_down": monitoring_banner_for(request) if authenticated else False,
    }
