"""Running the measures of `doorstep.scale.measures` and reporting them (issue 9)."""

import math
import os
import platform
import statistics
import time
from dataclasses import asdict
from time import perf_counter

import django
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client

from .measures import PageMeasure, Subject


class QueryMeter:
    """Counts and times every query the wrapped code sends (connection.execute_wrapper), with no DEBUG needed."""

    def __init__(self, keep: bool = False):
        self.count = 0
        self.seconds = 0.0
        self.keep = keep
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        t = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = perf_counter() - t
            self.count += 1
            self.seconds += elapsed
            if self.keep:
                self.queries.append((elapsed, sql, params))


def summary(seconds: list[float]) -> dict:
    """Median, 95th percentile (nearest rank), min and max, in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2), "min_ms": round(ordered[0] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


# ---------------------------------------------------------------------------------------------------------------
# Who and what is measured


def subjects() -> tuple[Subject, Subject]:
    """The family with the most contacts, and a typical one (the closest to 50 contacts), each with an involved
    practitioner: the lead professional of one of its active involvements."""
    from doorstep.engagement.models import Contact

    counts = list(Contact.objects.values_list("family_id").annotate(n=Count("id")).order_by())
    if not counts:
        raise RuntimeError("No contacts: generate the region first (manage.py generate_region).")
    largest = max(counts, key=lambda c: (c[1], -c[0]))
    typical = min(counts, key=lambda c: (abs(c[1] - 50), c[0]))
    return (_subject(largest[0], largest[1], "largest"), _subject(typical[0], typical[1], "typical"))


def _subject(family_id: int, contacts: int, label: str) -> Subject:
    from doorstep.families.models import Involvement

    involvement = (Involvement.objects.filter(family_id=family_id, ended_on__isnull=True,
                                              lead_professional__role="practitioner")
                   .order_by("id").first())
    if involvement is None:
        raise RuntimeError(f"Family {family_id} has no active involvement with a lead practitioner.")
    return Subject(family_id=family_id, contacts=contacts, professional_id=involvement.lead_professional_id,
                   label=label)


def client_for(subject: Subject) -> Client:
    from doorstep.agencies.models import Professional

    client = Client()
    client.force_login(Professional.objects.get(pk=subject.professional_id))
    return client


# ---------------------------------------------------------------------------------------------------------------
# Pages and endpoints


def page_queries(measure: PageMeasure, subject: Subject, client: Client | None = None) -> int:
    """How many queries one request of the page runs (after one request to warm the caches)."""
    client = client or client_for(subject)
    path = measure.path(subject)
    _request(client, path, measure, subject)
    meter = QueryMeter()
    with connection.execute_wrapper(meter):
        _request(client, path, measure, subject)
    return meter.count


def _request(client: Client, path: str, measure: PageMeasure, subject: Subject):
    """One request, read to its end (a streamed export included). A form post is made in a transaction rolled
    back, with what it leaves for after commit (the rule evaluation, e-mails) run inside it: the bench database
    is the same afterwards."""
    from django.test import TestCase

    headers = {"HTTP_ACCEPT": "application/json"} if measure.api else {}
    if measure.post is None:
        response = client.get(path, **headers)
        expected = (200,)
    else:
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = client.post(path, measure.post(subject), **headers)
            transaction.set_rollback(True)
        expected = (302, 303)
    if response.status_code not in expected:
        raise RuntimeError(f"{measure.name}: {'POST' if measure.post else 'GET'} {path} answered "
                           f"{response.status_code}")
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


def time_page(measure: PageMeasure, subject: Subject, *, repeat: int = 30, warmup: int = 3) -> dict:
    """Server time of `repeat` requests, their queries, and each query's time in the median request."""
    client = client_for(subject)
    path = measure.path(subject)
    for _ in range(warmup):
        _request(client, path, measure, subject)
    times, meters = [], []
    for _ in range(repeat):
        meter = QueryMeter(keep=True)
        with connection.execute_wrapper(meter):
            t = perf_counter()
            _request(client, path, measure, subject)
            times.append(perf_counter() - t)
        meters.append(meter)
    counts = {m.count for m in meters}
    median_request = meters[sorted(range(repeat), key=lambda i: times[i])[repeat // 2]]
    return {
        "path": path, "method": "POST" if measure.post else "GET", "queries": max(counts),
        "queries_vary": len(counts) > 1, "server": summary(times), "sql_in_page": summary([m.seconds for m in meters]),
        "queries_detail": [{"ms": round(t * 1000, 3), "sql": sql, "params": [str(p) for p in params or []]}
                           for t, sql, params in median_request.queries],
    }


def time_floor(statements, *, repeat: int = 30, warmup: int = 3, rollback: bool = False) -> dict:
    """Time the floor: a list of (sql, params) run in order, or a function run(cursor) -> rows; with `rollback`
    (the floor of a write), each run in a transaction rolled back."""
    times, rows = [], 0
    for i in range(warmup + repeat):
        with transaction.atomic():
            with connection.cursor() as cursor:
                t = perf_counter()
                if callable(statements):
                    rows = statements(cursor)
                else:
                    rows = 0
                    for sql, params in statements:
                        cursor.execute(sql, params)
                        rows += len(cursor.fetchall())
                elapsed = perf_counter() - t
            transaction.set_rollback(rollback)
        if i >= warmup:
            times.append(elapsed)
    return {"rows": rows, **summary(times)}


def explain(sql: str, params) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a query, on PostgreSQL, inside a transaction rolled back."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def run_pages(pages: list[PageMeasure], subjects_: list[Subject], *, repeat: int, explain_top: int = 0,
              say=lambda m: None) -> list[dict]:
    results = []
    for measure in pages:
        for subject in subjects_:
            timed = time_page(measure, subject, repeat=repeat)
            floor = (time_floor(measure.floor(subject), repeat=repeat, rollback=measure.post is not None)
                     if measure.floor and connection.vendor == "postgresql" else None)
            entry = {"name": measure.name, "family": subject.label, "family_id": subject.family_id,
                     "contacts": subject.contacts, **timed, "floor": floor, "target_ms": measure.target_ms,
                     "target_queries": measure.target_queries, "note": measure.note}
            if floor:
                entry["ratio"] = round(timed["server"]["median_ms"] / max(floor["median_ms"], 0.001), 1)
            entry["met"] = met(entry)
            if explain_top:
                for q in sorted(timed["queries_detail"], key=lambda q: -q["ms"])[:explain_top]:
                    q["explain"] = explain(q["sql"], q["params"])
            say(f"  {measure.name}, {subject.label}: {timed['server']['median_ms']} ms, {timed['queries']} queries")
            results.append(entry)
    return results


def met(entry: dict) -> bool | None:
    """Whether a page's median (and query count) meets its target; None without a target."""
    if entry.get("target_ms") is None and entry.get("target_queries") is None:
        return None
    ok = entry.get("target_ms") is None or entry["server"]["median_ms"] <= entry["target_ms"]
    return ok and (entry.get("target_queries") is None or entry["queries"] <= entry["target_queries"])


# ---------------------------------------------------------------------------------------------------------------
# Rules


def run_rules(rules, subject: Subject) -> list[dict]:
    results = []
    for measure in rules:
        times, found = [], set()
        for _ in range(measure.repeat):
            with transaction.atomic():
                t = perf_counter()
                work = measure.run(subject)
                times.append(perf_counter() - t)
                found.add(work)
                transaction.set_rollback(True)
        figures = summary(times)
        results.append({"name": measure.name, **figures, "target_seconds": measure.target_seconds,
                        "met": None if measure.target_seconds is None else
                        figures["median_ms"] <= measure.target_seconds * 1000,
                        "work_found": sorted(w for w in found if w is not None), "note": measure.note()})
    return results


# ---------------------------------------------------------------------------------------------------------------
# The machine and the region


def machine() -> dict:
    info = {"cores": os.cpu_count(), "python": platform.python_version(), "django": django.get_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    info["database"] = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), current_setting('shared_buffers'), "
                           "current_setting('work_mem'), pg_size_pretty(pg_database_size(current_database())), "
                           "pg_database_size(current_database())")
            version, shared_buffers, work_mem, size, size_bytes = cursor.fetchone()
        info.update(postgresql=version, shared_buffers=shared_buffers, work_mem=work_mem, database_size=size,
                    database_bytes=size_bytes)
    return info


def region_figures() -> dict:
    from doorstep.agencies.models import Agency, Professional
    from doorstep.audit.models import AuditEvent
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.engagement.models import Contact, ContactChild
    from doorstep.escalations.models import ACTIVE_STATES, Escalation
    from doorstep.families.models import Family, Involvement, Person

    from .models import GeneratedRegion

    figures = {
        "families": Family.objects.count(), "people": Person.objects.count(),
        "involvements": Involvement.objects.count(), "contacts": Contact.objects.count(),
        "contact_children": ContactChild.objects.count(), "chronology_entries": ChronologyEntry.objects.count(),
        "audit_events": AuditEvent.objects.count(), "escalations": Escalation.objects.count(),
        "escalations_active": Escalation.objects.filter(state__in=ACTIVE_STATES).count(),
        "agencies": Agency.objects.count(), "staff": Professional.objects.count(),
    }
    generated = GeneratedRegion.objects.first()
    if generated is not None:
        figures["generated"] = {"at": generated.generated_at.isoformat(), "seed": generated.seed,
                                "families": generated.families, "seconds": round(generated.seconds, 1),
                                "report": generated.report}
    return figures


def subject_dict(subject: Subject) -> dict:
    return asdict(subject)


def wall_clock() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %Z")
