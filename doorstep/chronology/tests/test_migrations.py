"""Issue 14: the data migration turns summaries stored as words into message ids and parameters."""

import pytest
from django.utils import timezone

from doorstep.core.texts import text_shown
from doorstep.testing.migrations import migrated_back_to


@pytest.mark.django_db(transaction=True)
def test_stored_summaries_become_message_ids_or_stay_verbatim():
    before = [("chronology", "0003_stored_sentences"), ("agencies", "0003_agency_name_cy")]
    apps, forward = migrated_back_to(before)
    Agency = apps.get_model("agencies", "Agency")
    Family = apps.get_model("families", "Family")
    Entry = apps.get_model("chronology", "ChronologyEntry")
    Agency.objects.create(name="Afonwy Valleys Police", name_cy="Heddlu Cymoedd Afonwy", kind="police")
    family = Family.objects.create(reference="F-MIG-1", name="Evans household")
    now = timezone.now()
    involved = Entry.objects.create(family=family, occurred_at=now, kind="involvement",
                                    summary="Afonwy Valleys Police became involved: worried about the children")
    other = Entry.objects.create(family=family, occurred_at=now, kind="contact", summary="Home visit: No answer")

    apps = forward()
    Entry = apps.get_model("chronology", "ChronologyEntry")
    involved = Entry.objects.get(pk=involved.pk)
    assert involved.summary_text["msgid"] == "%(agency)s became involved: %(reason)s"
    assert text_shown(involved.summary_text, language="cy").startswith("Heddlu Cymoedd Afonwy ")
    assert text_shown(involved.summary_text, language="en") == involved.summary
    other = Entry.objects.get(pk=other.pk)
    assert other.summary_text == {"verbatim": "Home visit: No answer", "language": "en"}
