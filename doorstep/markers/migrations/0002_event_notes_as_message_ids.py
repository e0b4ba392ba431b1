"""Issue 14: the notes Doorstep wrote in a marker's history ("Urgent", "Raised by a manager of the agency", in the
language of the person who raised it) become message ids, shown in the reader's language. Any other note of those
entries is kept as it was, marked as such; notes of other entries are a person's own words and stay as they are.

The messages are the ones Doorstep wrote before issue 14, frozen here."""

from django.db import migrations, models

MESSAGES = ["Urgent", "Raised by a manager of the agency"]


def forwards(apps, schema_editor):
    from doorstep.core.texts import text_parse, text_to_json

    MarkerEvent = apps.get_model("markers", "MarkerEvent")
    batch = []
    events = MarkerEvent.objects.filter(action__in=["raised", "authorised"], note_text__isnull=True).exclude(note="")
    for event in events.only("id", "note").iterator():
        event.note_text = text_to_json(text_parse(event.note, MESSAGES))
        batch.append(event)
    MarkerEvent.objects.bulk_update(batch, ["note_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('markers', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='markerevent',
            name='note_text',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
