"""Issue 21: every existing family belongs to the deployment's default partnership (partnerships 0002)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Family = apps.get_model("families", "Family")
    Partnership = apps.get_model("partnerships", "Partnership")
    if not Family.objects.filter(partnership__isnull=True).exists():
        return
    default = Partnership.objects.get(is_default=True)
    Family.objects.filter(partnership__isnull=True).update(partnership=default)


def backwards(apps, schema_editor):
    apps.get_model("families", "Family").objects.update(partnership=None)


class Migration(migrations.Migration):

    dependencies = [
        ("families", "0004_family_partnership"),
        ("partnerships", "0002_default_partnership"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
