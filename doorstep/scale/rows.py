"""Writing generated rows for any Django model, fast, without the ORM's per-row saves.

A `TableWriter` knows a model's columns from `Model._meta.concrete_fields`. A step gives the values it cares
about; every other column is filled from the field's default (or NULL, or "" for a blank text field), so a
field that another capability adds later with a default does not break the generator. A field added without
a default, that no step fills, stops generation with a message naming it.

Rows are kept in memory per chunk of families and flushed by a sink:
- PostgreSQL: `COPY ... FROM STDIN` through psycopg 3 (`cursor.copy`), the fastest way in;
- any other database (SQLite in CI): `executemany` of one INSERT with the values prepared by each field.
Primary keys are explicit (allocated here, in generation order, so the same seed gives the same ids);
`reset_sequences` sets the database's sequences past them afterwards.
"""

import json
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

_MISSING = object()


class MissingValue(Exception):
    pass


def _filler(field: models.Field, now):
    """(constant, callable) giving the value of a column no step set."""
    if field.has_default():
        default = field.default
        if default is timezone.now:
            return now, None  # deterministic: the generated world's "now", not the wall clock
        if callable(default):
            if default in (list, dict):
                return None, default  # a fresh container per row
            return None, default
        return default, None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now, None
    if field.null:
        return None, None
    if field.empty_strings_allowed and field.blank:
        return "", None
    return _MISSING, None


class TableWriter:
    """Rows for one model, in the column order of its concrete fields."""

    def __init__(self, model: type[models.Model], *, now, first_id: int = 1):
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.index = {a: i for i, a in enumerate(self.attnames)}
        pk = model._meta.pk
        self.pk_attname = pk.attname
        self.auto_pk = isinstance(pk, models.AutoField)  # BigAutoField and SmallAutoField are subclasses
        self.next_id = first_id
        self.json_columns = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        constants, makers = [], []
        for f in self.fields:
            constant, maker = _filler(f, now)
            constants.append(constant)
            makers.append(maker)
        self._template = constants
        self._makers = [(i, m) for i, m in enumerate(makers) if m is not None]
        self._required = [a for a, c, m in zip(self.attnames, constants, makers) if c is _MISSING and m is None]
        self.rows: list[list] = []
        self.written = 0

    def add(self, **values) -> int:
        """Add one row; returns its primary key. Values are keyed by attname (`family_id`, not `family`)."""
        row = list(self._template)
        for i, maker in self._makers:
            row[i] = maker()
        if self.auto_pk:
            pk = values.get(self.pk_attname)
            if pk is None:
                values[self.pk_attname] = self.next_id
                self.next_id += 1
            elif pk >= self.next_id:
                self.next_id = pk + 1
        index = self.index
        for name, value in values.items():
            try:
                row[index[name]] = value
            except KeyError:
                raise MissingValue(f"{self.model._meta.label} has no column {name!r}") from None
        if self._required and _MISSING in row:
            for name in self._required:
                if row[index[name]] is _MISSING:
                    raise MissingValue(
                        f"{self.model._meta.label}.{name} has no default and no generation step gives it a value: "
                        f"give the field a default, or add it in a step of doorstep/scale/steps.py")
        self.rows.append(row)
        return row[index[self.pk_attname]]

    def take(self) -> list[list]:
        """The rows added since the last call, for a sink to write."""
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return rows


class CopySink:
    """PostgreSQL: one COPY per table per chunk."""

    def __init__(self, cursor):
        self.cursor = cursor

    def write(self, writer: TableWriter, rows: list[list]) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(writer.table), sql.SQL(", ").join(sql.Identifier(c) for c in writer.columns))
        json_columns = writer.json_columns
        raw = self.cursor.cursor if hasattr(self.cursor, "cursor") else self.cursor
        with raw.copy(statement) as copy:
            if json_columns:
                for row in rows:
                    for i in json_columns:
                        if row[i] is not None:
                            row[i] = json.dumps(row[i])
                    copy.write_row(row)
            else:
                for row in rows:
                    copy.write_row(row)


# Values of these column types go to any database driver as they are; the others are prepared by their field.
_NATIVE = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                     "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                     "PositiveBigIntegerField", "CharField", "TextField", "BooleanField", "SlugField", "EmailField"})


def _native(field: models.Field) -> bool:
    target = field.target_field if field.is_relation else field
    return target.get_internal_type() in _NATIVE


class InsertSink:
    """Any database Django supports: executemany of one INSERT, values prepared by each field."""

    def __init__(self, cursor, batch: int = 2000):
        self.cursor = cursor
        self.batch = batch
        self.connection = connections[DEFAULT_DB_ALIAS]

    def write(self, writer: TableWriter, rows: list[list]) -> None:
        qn = self.connection.ops.quote_name
        sql = (f"INSERT INTO {qn(writer.table)} ({', '.join(qn(c) for c in writer.columns)}) "
               f"VALUES ({', '.join(['%s'] * len(writer.columns))})")
        prep = [(i, f) for i, f in enumerate(writer.fields) if not _native(f)]
        db = self.connection
        for row in rows:
            for i, f in prep:
                row[i] = f.get_db_prep_save(row[i], db)
        for start in range(0, len(rows), self.batch):
            self.cursor.executemany(sql, rows[start:start + self.batch])


def next_free_id(model: type[models.Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(models_written: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class FastLoad:
    """PostgreSQL only, for an empty region: drop a table's secondary indexes and its foreign keys before its
    first COPY, and build them again once every row is in (one pass each, in parallel where PostgreSQL can),
    instead of updating every index and queuing a deferred foreign-key check per row. Everything happens in
    the caller's transaction: if generation fails, the drops roll back with the rows."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.dropped: list[tuple[str, str, str]] = []  # (kind, table, definition)
        self.tables: set[str] = set()

    def prepare(self, table: str) -> None:
        if table in self.tables:
            return
        self.tables.add(table)
        cur = self.cursor
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname", [table])
        for name, definition in cur.fetchall():
            self.dropped.append(("constraint", table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
            "ORDER BY i.indexname", [table])
        for name, definition in cur.fetchall():
            self.dropped.append(("index", table, definition))
            cur.execute(f'DROP INDEX "{name}"')

    def restore(self, log=None) -> None:
        cur = self.cursor
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        # Indexes first: the foreign keys' validation then runs against finished tables.
        for kind in ("index", "constraint"):
            for k, table, definition in self.dropped:
                if k == kind:
                    if log:
                        log(definition)
                    cur.execute(definition)
        self.dropped = []
