"""Health checks for load balancers and the operator's monitoring (issue 17).

`/healthz`: the process is up and answering (no database). `/readyz`: this instance can do its work: the database
answers, every migration on disk is applied, a worker's heartbeat is fresh (core/heartbeat.py, issue 16) and the
e-mail outbox is being worked. Both answer JSON, 200 or 503, to anyone: no authentication, nothing about any family,
at most three queries (one per check that needs the database).
"""

from functools import cache

from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.models import Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

# The worker writes its heartbeat every few seconds: a minute without one means nobody is watching the alarms (SAF-3).
WORKER_MAX_AGE_SECONDS = 60


@cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration the code has (read once per process: the files do not change under a running server)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


@cache
def _replaced() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(m.replaces) for key, m in loader.disk_migrations.items() if m.replaces}


def migrations_unapplied(*, using: str = "default") -> list[str]:
    """Migrations on disk that the database has not recorded (one query)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = {tuple(row) for row in cursor.fetchall()}
    replaced = _replaced()

    def is_applied(key):
        return key in applied or (key in replaced and all(r in applied for r in replaced[key]))

    return sorted(f"{app}.{name}" for app, name in migrations_on_disk() if not is_applied((app, name)))


def email_outbox_oldest_waiting_seconds() -> float | None:
    """How long the oldest e-mail that should be on its way has waited: due and not claimed, or claimed and not
    finished (one query). A retry waiting for its time is not waiting yet."""
    from doorstep.notifications.models import EmailState, Notification

    now = timezone.now()
    oldest = Notification.objects.aggregate(
        due=Min("email_next_attempt_at", filter=Q(email_state=EmailState.CREATED, email_next_attempt_at__lte=now)),
        sending=Min("email_claimed_at", filter=Q(email_state=EmailState.SENDING)),
    )
    moments = [m for m in oldest.values() if m is not None]
    return (now - min(moments)).total_seconds() if moments else None


def readiness() -> tuple[bool, dict]:
    from doorstep.notifications.services import STUCK_AFTER

    from .heartbeat import monitoring_is_running

    checks: dict[str, dict] = {}
    try:
        unapplied = migrations_unapplied()
    except DatabaseError:
        checks["database"] = {"ok": False}
        return False, checks
    checks["database"] = {"ok": True}
    checks["migrations"] = {"ok": not unapplied, "unapplied": len(unapplied)}
    try:
        checks["worker"] = {"ok": monitoring_is_running(max_age_seconds=WORKER_MAX_AGE_SECONDS),
                            "max_age_seconds": WORKER_MAX_AGE_SECONDS}
        waited = email_outbox_oldest_waiting_seconds()
    except DatabaseError:  # e.g. the heartbeat's table does not exist yet (unapplied migrations)
        checks.setdefault("worker", {"ok": False})
        checks["email"] = {"ok": False}
        return False, checks
    stuck = STUCK_AFTER.total_seconds()
    checks["email"] = {"ok": waited is None or waited < stuck, "oldest_waiting_seconds": round(waited or 0, 1),
                       "stuck_after_seconds": stuck}
    return all(c["ok"] for c in checks.values()), checks


@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
def readyz(request):
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)

