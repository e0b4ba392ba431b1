"""Writes to the chronology (CHR-1). Every capability calls `chronology_record` inside the transaction of the
change it describes, so the chronology never disagrees with the records behind it."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, text_store
from doorstep.core.access import family_require_write

from .models import ChronologyComment, ChronologyEntry, ChronologyExport, EntryKind, ExportState

log = logging.getLogger(__name__)

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


# Exports (issue 15): the PDF is made by the worker, for the one professional who asked, and kept for a short time.

EXPORT_KEPT = timedelta(hours=24)


def chronology_export_request(*, family, by, query: str, language: str) -> ChronologyExport:
    """Ask for the chronology as a PDF (CHR-1): the row now, the worker's task after commit (it carries the id)."""
    from .tasks import export_prepare

    now = timezone.now()
    export = ChronologyExport.objects.create(family=family, requested_by=by, query=query[:2000], language=language,
                                             created_at=now, expires_at=now + EXPORT_KEPT)
    transaction.on_commit(lambda: export_prepare.enqueue(export.pk))
    return export


def chronology_export_prepare(*, export_id: int) -> str:
    """The worker's part: build the PDF, showing progress on the row as it goes, then tell the requester. Access is
    checked again first (the agency may have stopped being involved since); a failure is recorded on the row."""
    from doorstep.core.access import families_visible_to
    from doorstep.notifications.models import NotificationKind
    from doorstep.notifications.services import notify

    from .exports import filter_form, pdf_build

    now = timezone.now()
    if not ChronologyExport.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
            state=ExportState.PREPARING, started_at=now):
        return "not queued"  # gone (expired) or taken by another worker
    export = ChronologyExport.objects.select_related("family", "requested_by", "requested_by__agency").get(
        pk=export_id)
    family, by = export.family, export.requested_by
    rows = ChronologyExport.objects.filter(pk=export_id)
    try:
        with translation.override(export.language):
            if not families_visible_to(professional=by).filter(pk=family.pk).exists():
                raise PermissionError("the requester's agency is no longer involved with the family")
            form = filter_form(family, export.query)
            pdf, total = pdf_build(family=family, filters=form.filters(), form=form, author=by,
                                   progress=lambda done, pages: rows.update(done=done, pages=pages))
        stamp = timezone.localdate().isoformat()
        with transaction.atomic():
            rows.update(state=ExportState.READY, content=pdf, total=total, done=total, ready_at=timezone.now(),
                        filename=f"chronology-{family.reference}-{stamp}.pdf")
            notify(recipients=[by], kind=NotificationKind.GENERAL, family=family,
                   link=reverse("chronology:export", args=[family.pk, export.pk]),
                   message=Text(gettext_noop("The PDF of the chronology of %(family)s is ready to download")) % {
                       "family": family.name})
    except Exception as exc:  # noqa: BLE001  (recorded on the row, shown to the requester, who can ask again)
        log.exception("Could not prepare chronology export %s", export_id)
        rows.update(state=ExportState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        return "failed"
    return "ready"


def chronology_exports_expire(*, now) -> int:
    """Sweep check: delete each export once its time is up (issue 15: kept for its requester for a short time)."""
    from doorstep.core.sweep import sweep_each

    return sweep_each(check="chronology_exports_expire", now=now,
                      due=lambda: ChronologyExport.objects.filter(expires_at__lte=now).order_by("expires_at", "id"),
                      act=lambda export: export.delete())
