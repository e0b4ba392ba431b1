"""Issue 21: the recording check's list belongs to a partnership. The list kept so far becomes the deployment's
default partnership's (partnerships 0002); 0003 makes the partnership required and a term unique within its
partnership (a migration of its own, so that PostgreSQL has no pending trigger events when the table is altered)."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    RecordingTerm = apps.get_model("recording", "RecordingTerm")
    if not RecordingTerm.objects.exists():
        return
    if not Partnership.objects.filter(is_default=True).exists():
        # Made by partnerships 0002; made again the same way if it has gone (a database emptied since).
        import_module("doorstep.partnerships.migrations.0002_default_partnership").forwards(apps, schema_editor)
    default = Partnership.objects.get(is_default=True)
    RecordingTerm.objects.filter(partnership__isnull=True).update(partnership=default)


class Migration(migrations.Migration):

    dependencies = [
        ("recording", "0001_recording_terms_and_corrections"),
        ("partnerships", "0002_default_partnership"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordingterm",
            name="partnership",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="recording_terms", to="partnerships.partnership",
                                    verbose_name="partnership"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
