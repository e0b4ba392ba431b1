"""Issue 14: the data migration turns notification messages stored as words into message ids and parameters."""

import pytest

from doorstep.core.texts import text_shown
from doorstep.testing.migrations import migrated_back_to


@pytest.mark.django_db(transaction=True)
def test_stored_messages_become_message_ids_or_stay_verbatim():
    before = [("notifications", "0002_message_text"), ("agencies", "0003_agency_name_cy")]
    apps, forward = migrated_back_to(before)
    Agency = apps.get_model("agencies", "Agency")
    Professional = apps.get_model("agencies", "Professional")
    Notification = apps.get_model("notifications", "Notification")
    Agency.objects.create(name="Afonwy Valleys Police", name_cy="Heddlu Cymoedd Afonwy", kind="police")
    reader = Professional.objects.create(username="reader", preferred_language="cy")
    incident = Notification.objects.create(
        recipient=reader, kind="violence",
        message="An incident in which you were affected has been recorded by Afonwy Valleys Police for Evans "
                "household. You may record the support you have had and the impact on you: only you and your manager "
                "will see it.")
    supervision = Notification.objects.create(recipient=reader, kind="supervision",
                                              message="Supervision planned for 14/01/2027")
    title = Notification.objects.create(recipient=reader, kind="action", message="ESC-1: convene a meeting")

    apps = forward()
    Notification = apps.get_model("notifications", "Notification")
    incident = Notification.objects.get(pk=incident.pk)
    assert incident.message_text["msgid"].startswith("An incident in which you were affected")
    assert text_shown(incident.message_text, language="en") == incident.message
    welsh = text_shown(incident.message_text, language="cy")
    assert "Heddlu Cymoedd Afonwy" in welsh and "Aelwyd Evans" in welsh
    supervision = Notification.objects.get(pk=supervision.pk)
    assert supervision.message_text["params"]["date"] == {"date": "2027-01-14"}
    assert text_shown(supervision.message_text, language="en") == "Supervision planned for 14 Jan 2027"
    title = Notification.objects.get(pk=title.pk)
    assert title.message_text == {"verbatim": "ESC-1: convene a meeting", "language": "en"}
