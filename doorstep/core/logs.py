"""Logs (issue 17): one JSON object per line in production, plain and quiet in the demo (config/settings.py LOGGING).

Every request is one line from the `doorstep.request` logger: request id, user id and agency, view (the URL's name,
never the path, which holds record ids), method, status and duration. Nothing about any family is ever logged here.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter

request_log = logging.getLogger("doorstep.request")
_request_id: ContextVar[str] = ContextVar("doorstep_request_id", default="")
# A request id from the proxy in front is kept when it looks like one; anything else is replaced.
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record logged while it is answered (errors included)."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get()
        return True


class QuietFilter(logging.Filter):
    """Drops the lines a person running Doorstep does not need: the task worker's line for every task it runs,
    and Django's warning (with a traceback) for every refused page; the request line already says it was refused."""

    def filter(self, record):
        if record.name.startswith(("django_tasks", "django_tasks_db")) and record.levelno < logging.WARNING:
            return False
        if record.name in ("django.request", "django.security.csrf") and record.levelno < logging.ERROR:
            return False
        return True


class DoorstepJsonFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id and the record's extra fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        super().__init__("%(levelname)s %(name)s %(message)s %(request_id)s", *args, **kwargs)


def _user_fields(request) -> dict:
    user = getattr(request, "user", None)
    # Never load the user just to log it: only if the request already did (a lazy object not yet evaluated stays so).
    if user is None or getattr(user, "_wrapped", None) is empty or not user.is_authenticated:
        return {"user_id": None, "agency_id": None}
    return {"user_id": user.pk, "agency_id": getattr(user, "agency_id", None)}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            match = getattr(request, "resolver_match", None)
            status = response.status_code
            request_log.log(
                logging.ERROR if status >= 500 else logging.INFO, "%s %s %s", request.method,
                (match.view_name if match else "") or "unmatched", status,
                extra={"view": (match.view_name if match else "") or "unmatched", "method": request.method,
                       "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                       **_user_fields(request)})
            return response
        finally:
            _request_id.reset(token)
