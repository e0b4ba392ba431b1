from collections.abc import Iterable
from datetime import datetime

from django.db import models

from .models import ChronologyEntry, EntryKind


def tags_encode(tags: Iterable[str]) -> str:
    tags = [t for t in tags if t]
    return f"|{'|'.join(tags)}|" if tags else ""


def chronology_record(
    *,
    family,
    kind: EntryKind,
    occurred_at: datetime,
    summary: str,
    by=None,
    agency=None,
    source: models.Model | None = None,
    significant: bool = False,
    tags: Iterable[str] = (),
    people: Iterable = (),
) -> ChronologyEntry:
    """Add an entry; call it inside the transaction of the change it describes (CHR-1)."""
    entry = ChronologyEntry.objects.create(
        family=family,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary[:500],
        author=by,
        agency=agency if agency is not None else getattr(by, "agency", None),
        source_type=source._meta.label if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        significant=significant,
        tags=tags_encode(tags),
    )
    people = list(people)
    if people:
        entry.people.set(people)
    return entry
