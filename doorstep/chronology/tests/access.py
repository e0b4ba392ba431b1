from doorstep.chronology.models import ChronologyEntry
from doorstep.engagement.tests.helpers import world_contact
from doorstep.testing.access import FAMILY, FAMILY_INVOLVED, Route


def _entry(w):
    contact = world_contact(w)
    return ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))


# The export belongs to the involved practitioner who asked: everyone else, even of the same agency, is refused.
REQUESTER = frozenset({"involved_practitioner"})


def _export(w):
    from datetime import timedelta

    from django.utils import timezone

    from doorstep.chronology.models import ChronologyExport, ExportState

    by = w.users["involved_practitioner"]
    export = ChronologyExport.objects.filter(family=w.family, requested_by=by).first()
    return export or ChronologyExport.objects.create(
        family=w.family, requested_by=by, language="en", state=ExportState.READY, total=1, content=b"%PDF-1.4",
        filename="chronology.pdf", expires_at=timezone.now() + timedelta(hours=24))


ROUTES = [
    Route("chronology:family", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("chronology:csv", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("chronology:pdf", FAMILY, lambda w: {"family_id": w.family.pk}),
    # Issue 15: asking for the PDF (the worker prepares it); then only the one who asked sees it and downloads it.
    Route("chronology:pdf", FAMILY, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("chronology:export", REQUESTER, lambda w: {"family_id": w.family.pk, "export_id": _export(w).pk}),
    Route("chronology:export-download", REQUESTER,
          lambda w: {"family_id": w.family.pk, "export_id": _export(w).pk}),
    Route("chronology:comment", FAMILY_INVOLVED, lambda w: {"entry_id": _entry(w).pk}),
    # Empty: the form comes back with errors to whoever may write (issue 13).
    Route("chronology:comment", FAMILY_INVOLVED, lambda w: {"entry_id": _entry(w).pk}, method="post"),
    Route("family-chronology-list", FAMILY, lambda w: {"family_id": w.family.pk}, api=True),
    Route("chronology-entry-detail", FAMILY, lambda w: {"pk": _entry(w).pk}, api=True),
    Route("chronology-entry-comments", FAMILY_INVOLVED, lambda w: {"pk": _entry(w).pk}, method="post", api=True,
          data=lambda w: {"text": "Third no-access visit this month: a pattern."}),
]
