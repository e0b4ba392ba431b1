from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django.contrib.auth.decorators import login_required

from .homepage import HOME_SECTIONS


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def home(request):
    sections = [section(request) for section in HOME_SECTIONS]
    return render(request, "core/home.html", {"sections": [s for s in sections if s]})


@require_safe  # a page that only reads refuses POST (issue 13)
def language(request):
    """Switch language with a plain link, so the switcher works without JavaScript."""
    lang = request.GET.get("lang", "en")
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if lang in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, lang, max_age=365 * 24 * 3600, samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


@require_POST
@login_required
def session_extend(request):
    # SESSION_SAVE_EVERY_REQUEST renews the session's expiry on this request.
    return HttpResponse(status=204)
