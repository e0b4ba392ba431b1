"""Issue 14: the notes Doorstep wrote in escalations' history ("Escalated to ...") become message ids and parameters,
shown in the reader's language. Other notes are a person's own words and stay as they are."""

from django.db import migrations

MESSAGES = ["New facts", "Escalated to %(manager)s", "No manager to escalate to"]


def forwards(apps, schema_editor):
    from doorstep.core.texts import Text, text_parse, text_to_json

    EscalationEvent = apps.get_model("escalations", "EscalationEvent")
    batch = []
    for event in EscalationEvent.objects.filter(action__in=["updated", "overdue"], note_text__isnull=True).iterator():
        text = text_parse(event.note, MESSAGES)
        if isinstance(text, Text):
            event.note_text = text_to_json(text)
            batch.append(event)
    EscalationEvent.objects.bulk_update(batch, ["note_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("escalations", "0003_stored_sentences")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
