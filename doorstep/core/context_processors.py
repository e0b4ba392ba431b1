from django.conf import settings

from .navigation import navigation_for


def doorstep(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "navigation": navigation_for(user, request.path) if authenticated else [],
        "session_timeout": settings.SESSION_COOKIE_AGE if authenticated else 0,
        "session_warning": settings.DOORSTEP_SESSION_WARNING_SECONDS,
    }
