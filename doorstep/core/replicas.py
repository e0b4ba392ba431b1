"""Read replicas (issue 17): pages that only read may read from a PostgreSQL streaming replica.

With `DATABASE_REPLICA_URL` set (config/settings.py adds the "replica" alias), the GET pages listed in
`DOORSTEP_REPLICA_VIEWS` (the case file, the chronology and its exports, search, the Board report) read from the
replica. Everything else goes to the primary: every write, every audit row, every read inside a transaction, and any
read in a request after it has written (read-your-writes: a request-scoped "has written" flag). Audit rows do not set
the flag: they are appended by every read of family data and never read back in the same request.

The replica is used only while it is close enough: its replay lag (the time since the last replayed transaction,
while WAL is waiting to be replayed) must be under `DATABASE_REPLICA_MAX_LAG_SECONDS`; the check is made at most
every `DATABASE_REPLICA_CHECK_SECONDS` per process, and a replica that does not answer counts as lagging, so reads
fall back to the primary until it is back.
"""

import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# Written in every request but never read back by it: they do not make the request "one that has written".
_APPEND_ONLY = {"audit", "sessions", "axes"}
# Always read from the primary: who is signed in must never lag behind the sign-in that just happened.
_PRIMARY_ONLY = {"sessions", "auth", "axes", "otp_totp", "otp_static", "django_otp", "contenttypes"}

LAG_SQL = (
    "SELECT pg_is_in_recovery(), CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() "
    "THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


@dataclass
class _Request:
    replica_allowed: bool = False
    has_written: bool = False


_request: ContextVar[_Request | None] = ContextVar("doorstep_replica_request", default=None)


class _Health:
    """Per process: whether the replica was close enough when last checked, and when that was."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.usable = False
        self.lag: float | None = None

    def reset(self):
        with self.lock:
            self.checked_at = float("-inf")


health = _Health()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """The replica's replay lag in seconds, or None when it does not answer or is not a replica."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("Read replica unavailable, reading from the primary: %s", exc)
        connections[REPLICA].close()
        return None
    return float(lag) if in_recovery else None


def replica_usable() -> bool:
    now = time.monotonic()
    with health.lock:
        if now - health.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
            return health.usable
        health.checked_at = now
    lag = replica_lag_seconds()
    usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if lag is not None and not usable:
        log.warning("Read replica %.1f s behind, reading from the primary", lag)
    with health.lock:
        health.usable, health.lag = usable, lag
    return usable


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _request.get()
        if (state is None or not state.replica_allowed or state.has_written or not replica_configured()
                or model._meta.app_label in _PRIMARY_ONLY or model is get_user_model()
                or connections[PRIMARY].in_atomic_block):
            return PRIMARY
        return REPLICA if replica_usable() else PRIMARY

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.app_label not in _APPEND_ONLY:
            state.has_written = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class ReplicaRoutingMiddleware:
    """Marks the request: a GET of a page that only reads may use the replica until it writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(_Request())
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _request.get()
        match = request.resolver_match
        if state is not None and request.method in ("GET", "HEAD") and match is not None:
            state.replica_allowed = match.view_name in settings.DOORSTEP_REPLICA_VIEWS
        return None


def request_scope(*, replica_allowed: bool):
    """For code outside a request (a test, a management command) that wants the same routing."""
    from contextlib import contextmanager

    @contextmanager
    def scope():
        token = _request.set(_Request(replica_allowed=replica_allowed))
        try:
            yield _request.get()
        finally:
            _request.reset(token)

    return scope()
