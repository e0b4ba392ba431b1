"""Issue 14: notification messages stored as words (English, or Welsh for a recipient who reads Welsh) become message
ids and parameters, so they are shown in the reader's language. A message no message id matches (an escalation's
title, for one) is kept as it was, marked as such ("verbatim"); `message` itself is left as it was written.

The messages are the ones Doorstep wrote into notifications before issue 14, frozen here."""

import re

from django.db import migrations

BATCH = 500

MESSAGES = [
    "%(person)s asks you to approve a token for the partner system %(system)s",
    "%(person)s approved the token for the partner system %(system)s",
    "%(person)s declined the token for the partner system %(system)s",
    "An administrator (%(admin)s) added or changed the account of %(person)s",
    "You are party to the written agreement with %(family)s",
    "A breach of the written agreement with %(family)s was recorded",
    "%(name)s (%(by_agency)s) has recorded that %(agency)s is involved with family %(reference)s. Its staff can now "
    "see the family's record.",
    "An incident in which you were affected has been recorded by %(agency)s for %(family)s. You may record the "
    "support you have had and the impact on you: only you and your manager will see it.",
    "Threats or violence towards a professional (%(kinds)s) have been recorded by %(agency)s for %(family)s. You are "
    "told as the manager of someone involved.",
    "Threats or violence towards a professional (%(kinds)s) have been recorded by %(agency)s for %(family)s. Read "
    "the warning on the case file before anyone from your agency visits.",
    "A warning marker (%(category)s) is now shown for %(family)s. Advice for visitors: %(advice)s",
    "A warning marker is held on the address of %(family)s. Advice for visitors: %(advice)s",
    "Minutes circulated: %(held)s, family %(reference)s",
    "Supervision planned for %(date)s",
    "The record of your supervision on %(date)s is ready to read",
    "%(worker)s asks you to agree a visit plan: %(family)s, %(when)s",
    "%(manager)s agreed your visit plan: %(family)s, %(when)s",
    "%(manager)s agreed your visit plan with changes: %(family)s, %(when)s",
    "%(manager)s refused your visit plan: %(family)s, %(when)s",
    "Stand down: %(worker)s is safe (%(note)s, %(time)s)",
    "%(worker)s says something happened at a visit to %(family)s (%(time)s). They are safe and recording the "
    "incident: contact them now.",
    "You were due back from your visit at %(time)s. Say you are safe, or extend the visit.",
    "HELP: %(worker)s needs help now at a visit to %(family)s. Open the emergency card.",
    "%(worker)s has not reported back from a visit to %(family)s (expected back at %(time)s). Open the emergency "
    "card and acknowledge.",
    "%(person)s has acknowledged the alarm for %(worker)s and is dealing with it",
]

# families.models.HOUSEHOLD_NAME, frozen: "Evans household" is the message "%(surname)s household" ("Aelwyd Evans").
HOUSEHOLD_NAME = re.compile(r"^(?:the\s+)?(?P<surname>.+?)\s+household$", re.IGNORECASE)


def with_names(text, agencies: dict):
    """A parameter that is an agency's name becomes its names in every language; a household's, its message."""
    from doorstep.core.texts import Text

    if not isinstance(text, Text):
        return text
    params = {}
    for key, value in text.params.items():
        if isinstance(value, str) and value in agencies:
            value = agencies[value]
        elif key == "family" and isinstance(value, str) and HOUSEHOLD_NAME.match(value.strip()):
            value = Text("%(surname)s household", {"surname": HOUSEHOLD_NAME.match(value.strip())["surname"]})
        params[key] = value
    return Text(text.msgid, params)


def forwards(apps, schema_editor):
    from doorstep.core.texts import Names, text_parse, text_to_json

    Agency = apps.get_model("agencies", "Agency")
    Notification = apps.get_model("notifications", "Notification")
    agencies = {a.name: Names({"en": a.name, "cy": a.name_cy or a.name}) for a in Agency.objects.all()}
    batch = []
    for note in Notification.objects.filter(message_text__isnull=True).only("id", "message").iterator():
        note.message_text = text_to_json(with_names(text_parse(note.message, MESSAGES), agencies))
        batch.append(note)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["message_text"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["message_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_message_text"),
        ("agencies", "0003_agency_name_cy"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
