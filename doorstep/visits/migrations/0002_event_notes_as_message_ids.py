"""Issue 14: the notes Doorstep wrote in a visit's record ("Expected back by 10:30", "Line manager: Ann Jones")
become message ids and parameters, shown in the reader's language. A note of those kinds that no message id
matches is kept as it was, marked as such; every other note is a person's own words and stays as it is.

The messages and the chain's step labels are the ones Doorstep wrote before issue 14, frozen here."""

from django.db import migrations, models

BATCH = 500
MESSAGES = ["Expected back by %(time)s", "%(step)s: %(names)s"]
STEP_LABELS = ["Reminder to the worker", "Line manager", "Duty manager", "Emergency procedure",
               "Help requested by the worker"]


def forwards(apps, schema_editor):
    from doorstep.core.texts import Text, text_parse, text_to_json

    VisitEvent = apps.get_model("visits", "VisitEvent")
    batch = []
    events = VisitEvent.objects.filter(kind__in=["started", "extended", "alert"], note_text__isnull=True).exclude(
        note="").only("id", "note")
    for event in events.iterator():
        text = text_parse(event.note, MESSAGES)
        if isinstance(text, Text) and "step" in text.params:
            step = text.params["step"]
            text = Text(text.msgid, {**text.params, "step": Text(step) if step in STEP_LABELS else step})
        event.note_text = text_to_json(text)
        batch.append(event)
        if len(batch) >= BATCH:
            VisitEvent.objects.bulk_update(batch, ["note_text"])
            batch = []
    if batch:
        VisitEvent.objects.bulk_update(batch, ["note_text"])


class Migration(migrations.Migration):

    dependencies = [
        ('visits', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='visitevent',
            name='note_text',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
