"""Issue 21 (OVR-2): a partnership's analysts read its Board's report, as its Board chairs do. A deployment that has only
its default partnership so far (0002 made it from the deployment's settings) keeps its Board's report readers: its
Board chairs and analysts join that partnership, so nobody who read the report yesterday is refused today. Where
there are several partnerships already, nobody is added (an administrator names each partnership's readers)."""

from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Professional = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    partnerships = list(Partnership.objects.all()[:2])
    if len(partnerships) != 1 or not partnerships[0].is_default:
        return
    default = partnerships[0]
    default.board_chairs.add(*Professional.objects.filter(role="board_chair").values_list("pk", flat=True))
    default.analysts.add(*Professional.objects.filter(role="analyst").values_list("pk", flat=True))


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0002_default_partnership'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='partnership',
            name='analysts',
            field=models.ManyToManyField(blank=True, related_name='analysed_partnerships', to=settings.AUTH_USER_MODEL, verbose_name='analysts'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
