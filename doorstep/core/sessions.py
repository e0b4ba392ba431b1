"""How long a signed-in session lasts (issue 13 finding 11, ASVS V3.3).

Two limits: SESSION_COOKIE_AGE ends a session after 30 minutes without a request (renewed on every request), and
DOORSTEP_SESSION_ABSOLUTE_SECONDS ends it a fixed time after signing in (10 hours by default) however busy it is.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .drafts import drafts_discard_others

SIGNED_IN_AT = "doorstep_signed_in_at"


def session_seconds_left(request) -> int:
    """Seconds until this session ends, whichever limit comes first (the page's time-out warning uses it)."""
    started = request.session.get(SIGNED_IN_AT)
    idle = settings.SESSION_COOKIE_AGE
    if started is None:
        return idle
    absolute = started + settings.DOORSTEP_SESSION_ABSOLUTE_SECONDS - timezone.now().timestamp()
    return max(0, min(idle, int(absolute)))


def ended_session_user_id(request) -> str | None:
    """Whose session has just ended on this browser: the person signed out by the absolute limit on this request,
    or the person whose timed-out session the browser still presents (its row outlives its expiry until
    `clearsessions`). None when nobody's session ended here (a signed-out browser, or another site's POST)."""
    ended = getattr(request, "ended_session_user_id", None)
    if ended is not None:
        return str(ended)
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    store_class = type(request.session)
    get_model_class = getattr(store_class, "get_model_class", None)  # database-backed sessions only
    if not key or get_model_class is None:
        return None
    row = get_model_class().objects.filter(session_key=key).first()
    if row is None:
        return None
    user_id = store_class().decode(row.session_data).get(SESSION_KEY)
    return str(user_id) if user_id is not None else None


@receiver(user_logged_in, dispatch_uid="doorstep-session-start")
def session_start(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()
    # Issue 13 finding 6: a draft left by someone else's ended session is never offered to this person.
    drafts_discard_others(request.session, user_id=user.pk)


class SessionLifetimeMiddleware:
    """Signs a person out once their session has lasted DOORSTEP_SESSION_ABSOLUTE_SECONDS since they signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            now = timezone.now().timestamp()
            if started is None:
                request.session[SIGNED_IN_AT] = now  # a session from before this limit existed starts now
            elif now - started >= settings.DOORSTEP_SESSION_ABSOLUTE_SECONDS:
                user_id = request.user.pk
                logout(request)
                request.ended_session_user_id = user_id  # what they were typing is still rescued
        return self.get_response(request)
