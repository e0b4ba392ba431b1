"""Issue 21: one default partnership made from today's deployment settings (DOORSTEP_NATION, all five protocols), with
every existing agency working in it. Families and rule settings are attached to it by their own apps' migrations
(families 0005, escalations 0007)."""

from django.conf import settings
from django.db import migrations

NAME = "Local safeguarding partnership"
NAME_CY = "Partneriaeth ddiogelu leol"


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Agency = apps.get_model("agencies", "Agency")
    if Partnership.objects.filter(is_default=True).exists():
        return
    partnership = Partnership.objects.create(name=NAME, name_cy=NAME_CY, nation=settings.DOORSTEP_NATION,
                                             preset="all-five", is_default=True)
    partnership.agencies.set(list(Agency.objects.values_list("pk", flat=True)))


def backwards(apps, schema_editor):
    apps.get_model("partnerships", "Partnership").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("partnerships", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
