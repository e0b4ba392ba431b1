"""What the web process does when nobody is watching the alarms (issue 16, SAF-3).

When no worker heartbeat is fresh (core/heartbeat.py): managers and duty managers see a red banner on every page,
administrators at the top of their home page, a worker's visit page asks them to phone in instead, and the
administrators are e-mailed once per outage (rows first: a notification, delivered by the outbox).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop

from doorstep.core.texts import Text

from .heartbeat import heartbeat_latest, monitoring_is_running

log = logging.getLogger(__name__)

# Each web process asks the database at most this often.
CACHE_SECONDS = 10
CACHE_KEY = "doorstep:monitoring-running"
OUTAGE_MESSAGE = gettext_noop("Alarm monitoring is not running: lone-working alarms and deadlines are not being raised")


def monitoring_down() -> bool:
    """True when warnings are on (DOORSTEP_MONITORING_WARNINGS) and no worker heartbeat is fresh."""
    if not settings.DOORSTEP_MONITORING_WARNINGS:
        return False
    running = cache.get(CACHE_KEY)
    if running is None:
        running = monitoring_is_running(max_age_seconds=settings.DOORSTEP_MONITORING_MAX_AGE_SECONDS)
        cache.set(CACHE_KEY, running, CACHE_SECONDS)
    if not running:
        monitoring_outage_notify()
    return not running


def monitoring_outage_notify() -> int:
    """E-mail every administrator once for this outage: an outage is known by the last heartbeat seen before it."""
    from django.db import transaction

    from doorstep.agencies.models import Professional, Role
    from doorstep.notifications.models import NotificationKind
    from doorstep.notifications.services import notify

    latest = heartbeat_latest()
    outage = f"{latest.pk}:{latest.last_seen.isoformat()}" if latest else "never"
    key = f"monitoring-down:{outage}"
    if cache.get(key):
        return 0
    try:
        with transaction.atomic():
            admins = Professional.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
            sent = notify(recipients=admins, kind=NotificationKind.GENERAL, message=Text(OUTAGE_MESSAGE), link="/",
                          mandatory=True, dedupe_key=key)
    except Exception:  # noqa: BLE001  (a page must render even if the warning cannot be written)
        log.exception("Could not notify the administrators that alarm monitoring is not running")
        return 0
    cache.set(key, True, 3600)
    return len(sent)


def monitoring_banner_for(request) -> bool:
    """Whether this page shows the red banner: managers and duty managers on every page, administrators on home."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return False
    if user.is_manager or getattr(user, "is_duty_manager", False):
        return monitoring_down()
    if user.is_administrator and request.path == "/":
        return monitoring_down()
    return False
