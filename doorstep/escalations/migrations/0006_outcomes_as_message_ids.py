"""Issue 14: the outcomes Doorstep wrote when it closed an action by itself ("Authorised", "Supervision held on
05/01/2027", "Involvement ended: ...") become message ids and parameters, shown in the reader's language, on the
action and on its history's closing note. An outcome no message id matches is a person's own words and stays as
it is (shown from `outcome` / `note`).

The messages are the ones Doorstep wrote before issue 14, frozen here."""

from django.db import migrations

MESSAGES = [
    "Involvement ended: %(reason)s",
    "Authorised",
    "Not authorised",
    "Reviewed: next review %(date)s",
    "Version %(n)s of the written agreement given to the family",
    "Reviewed: %(note)s",
    "Supervision held on %(date)s",
    "Violence-at-work follow-up completed by the manager",
    "The meeting was cancelled: %(reason)s",
    "%(meeting)s held on %(day)s",
    "Minutes circulated on %(when)s, within seven days",
    "Minutes circulated on %(when)s, after the seven days",
]


def forwards(apps, schema_editor):
    from doorstep.core.texts import Text, text_parse, text_to_json

    Escalation = apps.get_model("escalations", "Escalation")
    EscalationEvent = apps.get_model("escalations", "EscalationEvent")
    for model, column, stored, actions in ((Escalation, "outcome", "outcome_text", None),
                                           (EscalationEvent, "note", "note_text", ["done", "cancelled"])):
        rows = model.objects.filter(**{f"{stored}__isnull": True}).exclude(**{column: ""})
        if actions:
            rows = rows.filter(action__in=actions)
        batch = []
        for row in rows.only("id", column).iterator():
            text = text_parse(getattr(row, column), MESSAGES, languages=["en"])
            if isinstance(text, Text):
                setattr(row, stored, text_to_json(text))
                batch.append(row)
        model.objects.bulk_update(batch, [stored], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [("escalations", "0005_deadlines_end_of_day_in_london")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
