"""The audit hash chain (P-3; issue 13 finding 12): each row carries a hash of its own content and of the row
before it, so a row changed, deleted or slipped in afterwards breaks the chain at that row.

The chain runs in id order. `audit_record` takes the chain lock before it inserts (PostgreSQL: the
`audit_chain_head()` function, a transaction-level advisory lock and the last row, in one query; SQLite: the
write lock every transaction takes at `BEGIN IMMEDIATE`), so ids are given out in chain order and concurrent
writers cannot fork it.

The canonical form is every column except the id and the two hashes, by attribute name, leaving out empty values
(None and ""): a nullable column added later therefore leaves the hashes of older rows as they were, and is covered
in newer rows without a change here. A JSON column (the summary's message id and parameters, issue 14) is hashed as
its JSON, keys sorted, so that PostgreSQL's jsonb (which reorders keys) and SQLite's text give the same hash.
Changing anything else below breaks the verification of existing rows.
"""

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import models

GENESIS = "0" * 64  # the previous hash of the first row
VERSION = "doorstep-audit-v1"
NOT_HASHED = frozenset({"id", "previous_hash", "row_hash"})


def hashed_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.attname not in NOT_HASHED]


def _canonical_value(field: models.Field, value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(field, models.GenericIPAddressField):
        # PostgreSQL's inet and SQLite's text write the same address differently: hash its bytes.
        try:
            return ipaddress.ip_address(value).packed.hex()
        except ValueError:
            return str(value)
    if isinstance(value, bool | int):
        return value
    if isinstance(field, models.JSONField):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return str(value)  # a str, or a choice (its value), or any other type by its text


def row_hash(fields: Iterable[models.Field], values: dict, previous_hash: str) -> str:
    content = {f.attname: _canonical_value(f, values[f.attname]) for f in fields
               if values[f.attname] is not None and values[f.attname] != ""}
    payload = json.dumps([VERSION, previous_hash, content], sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def seal(event: models.Model, previous_hash: str) -> str:
    """Set an unsaved event's previous_hash and row_hash; returns its hash, the next row's previous hash."""
    fields = hashed_fields(type(event))
    event.previous_hash = previous_hash
    event.row_hash = row_hash(fields, {f.attname: getattr(event, f.attname) for f in fields}, previous_hash)
    return event.row_hash


@dataclass(frozen=True)
class Verdict:
    rows: int
    broken_at: int | None = None  # the id of the first row whose link is broken
    problem: str = ""
    head_id: int | None = None
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(model: type[models.Model], *, batch: int = 5000, using: str = "default") -> Verdict:
    """Walk the whole chain in id order, `batch` rows per query (keyset, so memory stays flat)."""
    fields = hashed_fields(model)
    names = [f.attname for f in fields]
    previous_id, previous_hash, count = None, GENESIS, 0
    for row_id, stored_previous, stored_hash, values in _rows(model, names, batch, using):
        count += 1
        if not stored_hash:
            return Verdict(count, row_id, "it has no hash: it was written outside the audit service")
        if stored_previous != previous_hash:
            before = f"row {previous_id}" if previous_id is not None else "the start of the chain"
            return Verdict(count, row_id,
                           f"its previous hash {stored_previous[:12]}... does not match {before} "
                           f"({previous_hash[:12]}...): a row between them was deleted, or {before} was rewritten")
        computed = row_hash(fields, values, stored_previous)
        if computed != stored_hash:
            return Verdict(count, row_id,
                           f"its content does not match its hash (stored {stored_hash[:12]}..., content gives "
                           f"{computed[:12]}...): the row was changed after it was written")
        previous_id, previous_hash = row_id, stored_hash
    return Verdict(count, head_id=previous_id, head_hash=previous_hash)


def _rows(model, names: list[str], batch: int, using: str) -> Iterator[tuple[int, str, str, dict]]:
    after = None
    while True:
        qs = model._base_manager.using(using).order_by("id")
        if after is not None:
            qs = qs.filter(id__gt=after)
        chunk = list(qs.values_list("id", "previous_hash", "row_hash", *names)[:batch])
        for row in chunk:
            yield row[0], row[1], row[2], dict(zip(names, row[3:], strict=True))
        if len(chunk) < batch:
            return
        after = chunk[-1][0]
