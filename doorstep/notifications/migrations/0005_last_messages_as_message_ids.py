"""Issue 14: the notifications written as words after 0003 ran, by the services that still formatted English (an
agency's involvement, the lone-worker alarm's "HELP" and "has not reported back"), become message ids and
parameters the same way: 0003's frozen messages and parser, run again over the rows without `message_text`."""

import importlib

from django.db import migrations

forwards = importlib.import_module("doorstep.notifications.migrations.0003_messages_as_message_ids").forwards


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_outbox_possibly_sent_and_builders"),
        ("agencies", "0003_agency_name_cy"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
