"""Issue 21: the case-file audit's questions belong to a partnership. Those asked so far become the deployment's
default partnership's (partnerships 0002); 0004 makes the partnership required (a migration of its own, so that
PostgreSQL has no pending trigger events on the table when it is altered)."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    AuditQuestion = apps.get_model("oversight", "AuditQuestion")
    if not AuditQuestion.objects.exists():
        return
    if not Partnership.objects.filter(is_default=True).exists():
        # Made by partnerships 0002; made again the same way if it has gone (a database emptied since).
        import_module("doorstep.partnerships.migrations.0002_default_partnership").forwards(apps, schema_editor)
    default = Partnership.objects.get(is_default=True)
    AuditQuestion.objects.filter(partnership__isnull=True).update(partnership=default)


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0002_case_file_audit_rounds"),
        ("partnerships", "0002_default_partnership"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditquestion",
            name="partnership",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="audit_questions", to="partnerships.partnership",
                                    verbose_name="partnership"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
