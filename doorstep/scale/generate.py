"""The generated region: a deterministic synthetic partnership at a chosen scale (issue 9).

Generation is a list of steps. `REGION_STEPS` run once (agencies, teams, staff); `FAMILY_STEPS` run for each
family in turn, each adding rows for what its capability records (the family, its people, involvements,
contacts, chronology, audit, escalations). Both lists are declared, in order, in doorstep/core/extensions.py; a
capability adds its own step there, after the steps whose rows it reads from the `FamilyDraft`:

    MARKERS = Step("markers", markers_step)   # def markers_step(region, family): region.add(...)

Determinism: every family draws from its own random generator seeded by (seed, family number), and every
id is allocated in generation order, so the same `--seed`, `--families` and `--anchor` give the same rows.
All dates are relative to the anchor (by default the start of today), so "overdue" stays meaningful.
"""

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, models, transaction
from django.utils import timezone

from doorstep.audit import chain
from doorstep.audit.models import AuditEvent
from doorstep.core.extensions import FAMILY_STEPS, REGION_STEPS

from .rows import CopySink, FastLoad, InsertSink, TableWriter, next_free_id, reset_sequences

# Shape of the region (the figures docs/performance.md quotes).
FAMILIES_PER_AREA = 5_000  # one area of eight agencies, its own local partnership (issue 21), per 5,000 families
MEAN_CONTACTS = 50  # contacts per ordinary family, on average, with a long tail
GIANT_EVERY = 25_000  # one family of `giant_contacts` per this many families (at least one)
GIANT_CONTACTS = 5_000
EVALUATE_UP_TO = 5_000  # families evaluated by the engine after generation by default (Plan.evaluate)


@dataclass
class Step:
    name: str
    run: Callable  # REGION_STEPS: run(region); FAMILY_STEPS: run(region, family)




@dataclass
class Plan:
    families: int = 100_000
    seed: int = 1
    anchor: datetime | None = None
    giant_families: int | None = None  # default: one per GIANT_EVERY families, at least one
    giant_contacts: int = GIANT_CONTACTS
    mean_contacts: float = MEAN_CONTACTS
    chunk: int = 1_000  # families generated between two flushes to the database
    # Issue 21: each area is a partnership of its own; a smaller figure gives a small region several partnerships.
    families_per_area: int = FAMILIES_PER_AREA
    # Issue 15: evaluate every family once after loading, as the running system's nightly evaluation has, so that
    # the region holds what evaluation stores (the actions the rules raise, their notifications, each family's due
    # row) and a contact recorded on it measures the steady state, not a family's first evaluation. None: for a
    # region of up to EVALUATE_UP_TO families (a family's first evaluation raises several actions: 0.1-0.7 s each,
    # hours for the bench's 100,000).
    evaluate: bool | None = None

    def __post_init__(self):
        if self.anchor is None:
            now = timezone.localtime()
            self.anchor = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.giant_families is None:
            self.giant_families = max(1, self.families // GIANT_EVERY) if self.families else 0
        self.giant_families = min(self.giant_families, self.families)
        if self.evaluate is None:
            self.evaluate = self.families <= EVALUATE_UP_TO

    def giant_indexes(self) -> set[int]:
        """Which family numbers are the few very large families: spread out, never the first."""
        if not self.giant_families:
            return set()
        step = self.families / self.giant_families
        return {min(self.families - 1, int(step * k + step / 2)) for k in range(self.giant_families)}


@dataclass
class FamilyDraft:
    """One family while it is generated: what earlier steps made, for later steps to build on."""

    index: int
    rng: random.Random
    giant: bool
    area: object = None
    id: int | None = None
    contacts_target: int = 0
    profile: str = "engaged"  # engaged | ambivalent | hostile: how the family tends to respond
    opened_on: date | None = None
    opener_id: int | None = None
    people: list = field(default_factory=list)  # dicts: id, role, given_name, dob_day (days since epoch) ...
    involvements: list = field(default_factory=list)  # dicts: id, agency, lead_id, started_on, ended_on
    contacts: list = field(default_factory=list)  # tuples (id, occurred_at, agency_id, author_id, outcome, defaulted)
    extra: dict = field(default_factory=dict)  # for later steps

    @property
    def children(self) -> list[dict]:
        return [p for p in self.people if p["role"] == "child"]

    @property
    def adults(self) -> list[dict]:
        return [p for p in self.people if p["role"] not in ("child", "unborn")]

    @property
    def active_involvements(self) -> list[dict]:
        return [i for i in self.involvements if i["ended_on"] is None]


class Region:
    """What every step shares: the plan, the anchor, the row writers, and what the region steps made."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.now: datetime = plan.anchor
        self.today: date = timezone.localtime(plan.anchor).date()
        self.rng = random.Random(plan.seed)
        self.writers: dict[type[models.Model], TableWriter] = {}
        self.data: dict = {}  # what region steps make: "areas", "board_chair_id", ...
        self.giants = plan.giant_indexes()
        self._historical: dict = {}

    def writer(self, model: type[models.Model]) -> TableWriter:
        w = self.writers.get(model)
        if w is None:
            w = self.writers[model] = TableWriter(model, now=self.now, first_id=next_free_id(model))
        return w

    def add(self, model: type[models.Model], **values) -> int:
        return self.writer(model).add(**values)

    def add_history(self, model: type[models.Model], values: dict, *, at: datetime, by_id: int | None = None,
                    kind: str = "+") -> None:
        """The django-simple-history row the real service would have written with the record."""
        historical = self._historical.get(model)
        if historical is None:
            historical = self._historical[model] = model.history.model
        w = self.writer(historical)
        row = {k: v for k, v in values.items() if k in w.index and k != "history_id"}
        row.update(history_date=at, history_type=kind, history_user_id=by_id, history_change_reason=None)
        w.add(**row)

    def family_draft(self, index: int) -> FamilyDraft:
        return FamilyDraft(index=index, rng=random.Random(self.plan.seed * 1_000_003 + index),
                           giant=index in self.giants)


def run_generation(plan: Plan, *, fast: bool | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Generate the region into the default database; returns the report (timings and row counts)."""
    from . import steps  # noqa: F401  (the built-in steps register themselves first)
    from .models import GeneratedRegion

    say = progress or (lambda message: None)
    postgres = connection.vendor == "postgresql"
    if fast is None:
        fast = postgres and not connection.in_atomic_block
    fast = fast and postgres
    started = time.perf_counter()
    step_seconds: dict[str, float] = defaultdict(float)
    phases: dict[str, float] = defaultdict(float)
    region = Region(plan)
    # Issue 13 finding 12: generated audit rows join the hash chain, as audit_record's would (ids in add order).
    audit_head = [AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or chain.GENESIS]

    def flush():
        t = time.perf_counter()
        batches = []
        for w in list(region.writers.values()):
            if w.rows:
                if fastload is not None:
                    fastload.prepare(w.table)
                batches.append((w, w.take()))
        for w, rows in batches:
            if w.model is AuditEvent:
                audit_head[0] = _seal_audit_rows(w, rows, audit_head[0])
            sink.write(w, rows)
        phases["database: rows"] += time.perf_counter() - t

    with transaction.atomic():
        with connection.cursor() as cursor:
            sink = CopySink(cursor) if postgres else InsertSink(cursor)
            fastload = FastLoad(cursor) if fast else None
            if postgres:
                cursor.execute("SET LOCAL synchronous_commit = off")
            for step in REGION_STEPS:
                t = time.perf_counter()
                step.run(region)
                step_seconds[step.name] += time.perf_counter() - t
            flush()
            tenth = max(1, plan.families // 10)
            for start in range(0, plan.families, plan.chunk):
                t_chunk = time.perf_counter()
                for index in range(start, min(plan.families, start + plan.chunk)):
                    family = region.family_draft(index)
                    for step in FAMILY_STEPS:
                        t = time.perf_counter()
                        step.run(region, family)
                        step_seconds[step.name] += time.perf_counter() - t
                phases["python: generating"] += time.perf_counter() - t_chunk
                flush()
                done = min(plan.families, start + plan.chunk)
                if done // tenth != (done - plan.chunk) // tenth or done == plan.families:
                    say(f"  {done:,} families ({time.perf_counter() - started:.0f} s)")
            if fastload is not None:
                t = time.perf_counter()
                say("  building indexes and foreign keys")
                fastload.restore()
                phases["database: indexes and foreign keys"] += time.perf_counter() - t
            reset_sequences(region.writers)
            rows = {w.model._meta.db_table: w.written for w in region.writers.values()}
            record = GeneratedRegion.objects.create(
                generated_at=timezone.now(), seed=plan.seed, families=plan.families, anchor=plan.anchor, seconds=0,
                report={})
            if plan.evaluate and connection.in_atomic_block and len(connection.atomic_blocks) > 1:
                # Inside a caller's transaction (CI): evaluated here, with the indexes in place.
                t = time.perf_counter()
                evaluate_families(progress=say)
                phases["engine: evaluating every family"] += time.perf_counter() - t
    if postgres and not connection.in_atomic_block:
        t = time.perf_counter()
        say("  VACUUM ANALYZE" if fast else "  ANALYZE")
        with connection.cursor() as cursor:
            for w in region.writers.values():
                cursor.execute(f'{"VACUUM ANALYZE" if fast else "ANALYZE"} "{w.table}"')
        phases["database: vacuum analyze"] += time.perf_counter() - t
    if plan.evaluate and not connection.in_atomic_block:
        t = time.perf_counter()
        evaluate_families(progress=say)
        phases["engine: evaluating every family"] += time.perf_counter() - t
    seconds = time.perf_counter() - started
    report = {
        "families": plan.families, "seed": plan.seed, "anchor": plan.anchor.isoformat(),
        "giant_families": plan.giant_families, "giant_contacts": plan.giant_contacts, "fast_load": fast,
        "seconds": round(seconds, 1), "steps": {k: round(v, 1) for k, v in step_seconds.items()},
        "phases": {k: round(v, 1) for k, v in phases.items()}, "rows": rows,
        "total_rows": sum(rows.values()),
    }
    GeneratedRegion.objects.filter(pk=record.pk).update(seconds=seconds, report=report)
    return report


def evaluate_families(*, progress: Callable[[str], None], chunk: int = 500) -> int:
    """Issue 15: every family evaluated once by the escalation engine (FAMILY_EVALUATORS, as its nightly evaluation
    does), a chunk of families per transaction, so that the region is in the state the running system keeps: each
    action the rules raise on its history raised (with its event, audit row, chronology entry and notifications),
    each family's due row set; then one sweep. The e-mails those notifications would have sent are recorded as sent,
    as the running system's worker would have done long ago, and nothing is left queued for the bench's worker.
    Returns how many families were evaluated."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from doorstep.escalations.evaluate import family_evaluate, sweep_run
    from doorstep.families.models import Family
    from doorstep.notifications.models import EmailState, Notification
    from doorstep.notifications.tasks import deliver_email

    started = timezone.now()
    first_notification = next_free_id(Notification)
    ids = list(Family.objects.order_by("pk").values_list("pk", flat=True))
    progress(f"  evaluating every family ({len(ids):,}), as the engine's nightly evaluation does")
    t0, tenth = time.perf_counter(), max(1, len(ids) // 10)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            for family in Family.objects.filter(pk__in=ids[start:start + chunk]).order_by("pk"):
                family_evaluate(family=family)
        done = min(len(ids), start + chunk)
        if done // tenth != (done - chunk) // tenth or done == len(ids):
            progress(f"    {done:,} families evaluated ({time.perf_counter() - t0:.0f} s)")
    # Then the engine's sweep, as the running system's runs every few minutes: an action raised with its deadline
    # already past (its trigger was long ago) is escalated to the owner's manager, so a sweep finds nothing due.
    sweep_run(now=timezone.now())
    Notification.objects.filter(pk__gte=first_notification, email_state=EmailState.CREATED).update(
        email_state=EmailState.SENT, email_sent_at=started, email_next_attempt_at=None)
    if not connection.in_atomic_block:
        DBTaskResult.objects.filter(task_path=deliver_email.module_path, enqueued_at__gte=started,
                                    status=TaskResultStatus.READY).delete()
    return len(ids)


def _seal_audit_rows(writer: TableWriter, rows: list[list], previous: str) -> str:
    fields = chain.hashed_fields(AuditEvent)
    index = writer.index
    at_previous, at_hash = index["previous_hash"], index["row_hash"]
    for row in rows:
        row[at_previous] = previous
        previous = row[at_hash] = chain.row_hash(fields, {f.attname: row[index[f.attname]] for f in fields}, previous)
    return previous


def areas_for(families: int, per_area: int = FAMILIES_PER_AREA) -> int:
    return max(1, math.ceil(families / per_area))
