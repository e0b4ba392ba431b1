"""Metrics for the operator's monitoring, in Prometheus' text format at /metrics (issue 17; docs/operations.md).

Two kinds:
- Counted by each web process as it serves (prometheus-client): requests, their latency and their database queries,
  by view. With several gunicorn workers set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, emptied at each start)
  so that one scrape adds up every worker process.
- Read from the database at scrape time, because the worker is another process and its state is rows: the task
  queue, due work, lone-working alarm latency, the e-mail outboxes, the periodic jobs (sweeps) and worker heartbeats.

Protected by a bearer token (`DOORSTEP_METRICS_TOKEN`); without one configured the page does not exist. Nothing
about any family is ever a label or a value.
"""

import hmac
import time
from contextlib import ExitStack
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

REQUESTS = Counter("doorstep_http_requests", "HTTP requests answered, by view, method and status",
                   ["view", "method", "status"])
LATENCY = Histogram("doorstep_http_request_duration_seconds", "Time to answer an HTTP request, by view", ["view"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
QUERIES = Counter("doorstep_db_queries", "Database queries made while answering requests, by view and database",
                  ["view", "database"])

# Lone-working alarms must reach someone within 60 s of their moment (SAF-3): buckets around that.
ALARM_BUCKETS = (1, 5, 10, 15, 30, 60, 120, 300)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or "unmatched"


class RequestMetricsMiddleware:
    """Counts each request, its latency and its queries on every database alias, labelled by the URL's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts: dict[str, int] = {}

        def counter(alias):
            def wrapper(execute, sql, params, many, context):
                counts[alias] = counts.get(alias, 0) + 1
                return execute(sql, params, many, context)
            return wrapper

        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in settings.DATABASES:
                stack.enter_context(connections[alias].execute_wrapper(counter(alias)))
            response = self.get_response(request)
        view = _view_name(request)
        if view == "metrics":  # the scrape itself is not the application's traffic
            return response
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        for alias, n in counts.items():
            QUERIES.labels(view, alias).inc(n)
        return response


class DatabaseCollector:
    """What the worker's rows say, read when Prometheus scrapes (a fixed number of queries)."""

    def collect(self):
        now = timezone.now()
        yield from self._task_queue(now)
        yield from self._due_work(now)
        yield from self._alarm_latency()
        yield from self._emails(now)
        yield from self._sweeps(now)
        yield from self._workers(now)

    def _task_queue(self, now):
        from django_tasks_db.models import DBTaskResult, get_date_max

        from django_tasks import TaskResultStatus

        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        due = Q(run_after=get_date_max()) | Q(run_after__lte=now)
        row = ready.aggregate(
            depth=Count("pk", filter=due), waiting=Count("pk", filter=~due),
            oldest_enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            oldest_run_after=Min("run_after", filter=Q(run_after__lte=now)),
        )
        depth = GaugeMetricFamily("doorstep_task_queue_depth", "Tasks ready to run now, not yet taken by a worker")
        depth.add_metric([], row["depth"])
        yield depth
        later = GaugeMetricFamily("doorstep_task_queue_scheduled", "Tasks waiting for a later moment (retries)")
        later.add_metric([], row["waiting"])
        yield later
        moments = [m for m in (row["oldest_enqueued"], row["oldest_run_after"]) if m is not None]
        oldest = GaugeMetricFamily("doorstep_task_queue_oldest_due_seconds",
                                   "How long the oldest task that is due has waited for a worker (0 when none)")
        oldest.add_metric([], max((now - min(moments)).total_seconds(), 0) if moments else 0)
        yield oldest

    def _due_work(self, now):
        from doorstep.escalations.models import FamilyCheck

        row = FamilyCheck.objects.aggregate(due=Count("pk", filter=Q(due_at__lte=now)),
                                            oldest=Min("due_at", filter=Q(due_at__lte=now)),
                                            failing=Count("pk", filter=Q(failures__gt=0)))
        due = GaugeMetricFamily("doorstep_family_checks_due", "Families due for their time-based rules (ESC-8)")
        due.add_metric([], row["due"])
        yield due
        oldest = GaugeMetricFamily("doorstep_family_checks_oldest_due_seconds",
                                   "How long the longest-waiting family check has been due (0 when none)")
        oldest.add_metric([], (now - row["oldest"]).total_seconds() if row["oldest"] else 0)
        yield oldest
        failing = GaugeMetricFamily("doorstep_family_checks_failing",
                                    "Family checks whose last evaluation failed (retried with a growing pause)")
        failing.add_metric([], row["failing"])
        yield failing

    def _alarm_latency(self):
        """SAF-3: from each lone-working alert's due moment to when it was sent, by step of the chain."""
        from doorstep.visits.models import VisitAlert

        latency = ExpressionWrapper(F("fired_at") - F("due_at"), output_field=DurationField())
        buckets = {f"le_{i}": Count("pk", filter=Q(latency__lte=timedelta(seconds=b)))
                   for i, b in enumerate(ALARM_BUCKETS)}
        rows = (VisitAlert.objects.annotate(latency=latency).values("step")
                .annotate(count=Count("pk"), total=Sum("latency"), **buckets).order_by("step"))
        family = HistogramMetricFamily(
            "doorstep_lone_working_alert_latency_seconds",
            "From a lone-working alert's due moment to its sending, by step of the chain (SAF-3)", labels=["step"])
        for row in rows:
            cumulative = [(str(float(b)), row[f"le_{i}"]) for i, b in enumerate(ALARM_BUCKETS)]
            total = row["total"]
            seconds = total.total_seconds() if isinstance(total, timedelta) else (total or 0) / 1e6
            family.add_metric([row["step"]], cumulative + [("+Inf", row["count"])], max(seconds, 0))
        yield family

    def _emails(self, now):
        from doorstep.notifications.models import Notification
        from doorstep.notifications.services import STUCK_AFTER

        rows = GaugeMetricFamily("doorstep_email_outbox", "E-mails by outbox and state (sent, failed, ...)",
                                 labels=["outbox", "state"])
        stuck = GaugeMetricFamily(
            "doorstep_email_outbox_stuck",
            "E-mails due or being sent for longer than the stuck threshold (DOORSTEP_EMAIL_STUCK_SECONDS)",
            labels=["outbox"])
        late = now - STUCK_AFTER
        for outbox, model, state, due, claimed in (
            ("notifications", Notification, "email_state", "email_next_attempt_at", "email_claimed_at"),
        ):
            counts = dict(model.objects.values_list(state).annotate(n=Count("pk")).order_by())
            for value, n in sorted(counts.items()):
                if value != "none":
                    rows.add_metric([outbox, value], n)
            stuck.add_metric([outbox], model.objects.filter(
                Q(**{state: "created", f"{due}__lt": late}) | Q(**{state: "sending", f"{claimed}__lt": late})).count())
        yield rows
        yield stuck

    def _sweeps(self, now):
        """The periodic jobs of core/schedule.py as the task results record them, over the last hour."""
        from django_tasks_db.models import DBTaskResult

        from django_tasks import TaskResultStatus

        from .models import ScheduledJob
        from .schedule import SCHEDULE

        names = {path: name for name, _every, path in SCHEDULE}
        took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        rows = (DBTaskResult.objects.filter(task_path__in=names, finished_at__gte=now - timedelta(hours=1))
                .annotate(took=took).values("task_path")
                .annotate(runs=Count("pk"), total=Sum("took"), longest=Max("took"),
                          failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED))).order_by())
        runs = GaugeMetricFamily("doorstep_sweep_runs_last_hour", "Runs of each periodic job finished in the last hour",
                                 labels=["job"])
        failed = GaugeMetricFamily("doorstep_sweep_failures_last_hour", "Runs of each periodic job that failed in the "
                                   "last hour", labels=["job"])
        mean = GaugeMetricFamily("doorstep_sweep_duration_mean_seconds", "Mean duration of each periodic job over the "
                                 "last hour", labels=["job"])
        longest = GaugeMetricFamily("doorstep_sweep_duration_max_seconds", "Longest run of each periodic job in the "
                                    "last hour", labels=["job"])
        seen = set()
        for row in rows:
            job = names[row["task_path"]]
            seen.add(job)
            runs.add_metric([job], row["runs"])
            failed.add_metric([job], row["failed"])
            mean.add_metric([job], _seconds(row["total"]) / row["runs"] if row["runs"] else 0)
            longest.add_metric([job], _seconds(row["longest"]))
        for job in sorted(set(names.values()) - seen):
            runs.add_metric([job], 0)
            failed.add_metric([job], 0)
        yield from (runs, failed, mean, longest)
        errors = GaugeMetricFamily("doorstep_scheduled_job_enqueue_failing",
                                   "1 when the last attempt to enqueue a periodic job failed", labels=["job"])
        for name, error in ScheduledJob.objects.values_list("name", "last_error").order_by("name"):
            errors.add_metric([name], 1 if error else 0)
        yield errors

    def _workers(self, now):
        from .models import WorkerHeartbeat

        row = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).aggregate(
            seen=Max("last_seen"), swept=Max("last_sweep_finished_at"),
            running=Count("pk", filter=Q(last_seen__gte=now - timedelta(seconds=60))))
        running = GaugeMetricFamily("doorstep_workers_running", "Workers whose heartbeat is under a minute old")
        running.add_metric([], row["running"])
        yield running
        for name, moment, text in (("doorstep_worker_heartbeat_age_seconds", row["seen"],
                                    "Age of the freshest worker heartbeat (-1 when no worker has run)"),
                                   ("doorstep_worker_last_sweep_age_seconds", row["swept"],
                                    "Time since a worker last finished a periodic job (-1 when never)")):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], (now - moment).total_seconds() if moment else -1)
            yield gauge


def _seconds(value) -> float:
    if value is None:
        return 0.0
    return value.total_seconds() if isinstance(value, timedelta) else value / 1e6


def _process_registry():
    """This process's counters, or every gunicorn worker's when they share PROMETHEUS_MULTIPROC_DIR."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def _authorised(request) -> bool:
    expected = settings.DOORSTEP_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    return scheme.lower() == "bearer" and bool(token) and hmac.compare_digest(token.encode(), expected.encode())


@require_safe
def metrics(request):
    if not settings.DOORSTEP_METRICS_TOKEN:
        raise Http404("Metrics are not configured")
    if not _authorised(request):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = generate_latest(_process_registry()) + generate_latest(database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
