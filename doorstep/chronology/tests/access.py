from doorstep.chronology.models import ChronologyEntry
from doorstep.engagement.tests.helpers import world_contact
from doorstep.testing.access import FAMILY, FAMILY_INVOLVED, Route


def _entry(w):
    contact = world_contact(w)
    return ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))


ROUTES = [
    Route("chronology:family", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("chronology:csv", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("chronology:pdf", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("chronology:comment", FAMILY_INVOLVED, lambda w: {"entry_id": _entry(w).pk}),
    # Empty: the form comes back with errors to whoever may write (issue 13).
    Route("chronology:comment", FAMILY_INVOLVED, lambda w: {"entry_id": _entry(w).pk}, method="post"),
    Route("family-chronology-list", FAMILY, lambda w: {"family_id": w.family.pk}, api=True),
    Route("chronology-entry-detail", FAMILY, lambda w: {"pk": _entry(w).pk}, api=True),
    Route("chronology-entry-comments", FAMILY_INVOLVED, lambda w: {"pk": _entry(w).pk}, method="post", api=True,
          data=lambda w: {"text": "Third no-access visit this month: a pattern."}),
]
