"""Writes to the chronology (CHR-1). Every capability calls `chronology_record` inside the transaction of the
change it describes, so the chronology never disagrees with the records behind it."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, text_store
from doorstep.core.access import family_require_write

from .models import ChronologyComment, ChronologyEntry, EntryKind

COMMENT_MAX_LENGTH = 5000


def tags_encode(tags: Iterable[str]) -> str:
    tags = list(dict.fromkeys(t for t in tags if t))
    return f"|{'|'.join(tags)}|" if tags else ""


def chronology_record(
    *,
    family,
    kind: EntryKind,
    occurred_at: datetime,
    summary: "str | Text",
    by=None,
    agency=None,
    source: models.Model | None = None,
    significant: bool = False,
    tags: Iterable[str] = (),
    people: Iterable = (),
    recorded_at: datetime | None = None,
) -> ChronologyEntry:
    """Add an entry; call it inside the transaction of the change it describes (CHR-1).

    `tags` are searchable labels (a contact's outcome, behaviours and threats) that the chronology filters by;
    `people` are the family members the entry is about (the person filter). A `summary` Doorstep writes is a `Text`,
    shown in the reader's language (issue 14); a str is a person's own words, shown as written."""
    summary, summary_text = text_store(summary, max_length=500)
    entry = ChronologyEntry.objects.create(
        family=family,
        kind=kind,
        occurred_at=occurred_at,
        recorded_at=recorded_at or timezone.now(),
        summary=summary,
        summary_text=summary_text,
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


def chronology_update_for_source(
    *,
    source: models.Model,
    occurred_at: datetime,
    summary: "str | Text",
    significant: bool,
    tags: Iterable[str],
    people: Iterable | None = None,
) -> int:
    """Bring the entries describing `source` into line with a corrected record (the record keeps its own earlier
    versions and the audit trail says who changed what and why). Returns how many entries changed."""
    entries = list(ChronologyEntry.objects.filter(source_type=source._meta.label, source_id=str(source.pk)))
    summary, summary_text = text_store(summary, max_length=500)
    for entry in entries:
        entry.occurred_at = occurred_at
        entry.summary = summary
        entry.summary_text = summary_text
        entry.significant = significant
        entry.tags = tags_encode(tags)
        entry.save(update_fields=["occurred_at", "summary", "summary_text", "significant", "tags"])
        if people is not None:
            entry.people.set(list(people))
    return len(entries)


@transaction.atomic
def chronology_comment_add(*, entry: ChronologyEntry, by, text: str) -> ChronologyComment:
    """A worker's analysis of an entry (CHR-2). Anyone who may read the family may add one; it is never edited."""
    family_require_write(professional=by, family=entry.family, purpose="add an analysis comment")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Enter your analysis")})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError({"text": _("Your analysis must be %(n)s characters or fewer") % {"n": COMMENT_MAX_LENGTH}})
    comment = ChronologyComment.objects.create(entry=entry, author=by, text=text)
    audit_record(actor=by, action=AuditAction.CREATE, obj=comment, family=entry.family,
                 summary=Text(gettext_noop("Added an analysis comment to chronology entry %(id)s")) % {"id": entry.pk})
    return comment
