"""Deadlines end at 23:59:59 Europe/London on their day (issue 14). Open actions whose deadline was stored as
23:59:59 UTC on a summer day (00:59:59 BST the next day) are moved back to 23:59:59 BST on the day meant. Winter
deadlines (GMT = UTC) and deadlines at another time (SAF-3's "at once") are left alone."""

from datetime import datetime, time, timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.db import migrations

LONDON = ZoneInfo("Europe/London")


def forwards(apps, schema_editor):
    Escalation = apps.get_model("escalations", "Escalation")
    for escalation in Escalation.objects.filter(state__in=("open", "acknowledged"), deadline__isnull=False).only(
            "pk", "deadline").iterator():
        utc = escalation.deadline.astimezone(dt_timezone.utc)
        local = escalation.deadline.astimezone(LONDON)
        if utc.time() == time(23, 59, 59) and local.time() != time(23, 59, 59):
            fixed = datetime.combine(utc.date(), time(23, 59, 59), tzinfo=LONDON)
            Escalation.objects.filter(pk=escalation.pk).update(deadline=fixed)


class Migration(migrations.Migration):
    dependencies = [("escalations", "0004_history_as_message_ids")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
