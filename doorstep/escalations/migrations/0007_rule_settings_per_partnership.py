"""Issue 21: rule settings belong to a partnership (unique per partnership and rule). The settings and their history
so far become the deployment's default partnership's (partnerships 0002), and the default partnership gets a row
for every rule the deployment had settings for.

RuleSetting's key was the rule ID; a new table with its own id takes its place: copied here, renamed in 0008 (a
migration of its own, so that PostgreSQL has checked the copied rows' keys before the table is altered)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RULE_IDS = ("AGR-1", "ESC-1", "ESC-2", "ESC-3", "ESC-4", "ESC-5", "ESC-6", "ESC-7", "ESC-8", "ESC-9", "ESC-10",
            "ESC-11", "FLG-2", "MTG-2", "MTG-3", "MTG-4", "MTG-5", "OVR-1", "OVR-3", "P-4", "SAF-3", "SUP-4")

def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Old = apps.get_model("escalations", "RuleSetting")
    New = apps.get_model("escalations", "RuleSettingByPartnership")
    Change = apps.get_model("escalations", "RuleSettingChange")
    default = Partnership.objects.filter(is_default=True).first()
    if default is None:
        return
    rows = {old.rule_id: New(partnership=default, rule_id=old.rule_id, enabled=old.enabled,
                             parameters=old.parameters, updated_by_id=old.updated_by_id) for old in Old.objects.all()}
    for rule_id in RULE_IDS:  # the rules the deployment has today, on with their defaults unless already set
        rows.setdefault(rule_id, New(partnership=default, rule_id=rule_id, enabled=True, parameters={}))
    New.objects.bulk_create(list(rows.values()))
    Change.objects.filter(partnership__isnull=True).update(partnership=default)


class Migration(migrations.Migration):

    dependencies = [
        ("escalations", "0006_outcomes_as_message_ids"),
        # The last migration that wrote RuleSetting rows by rule ID runs before the table changes.
        ("engagement", "0003_esc_8_thresholds_on_the_rule_settings_page"),
        ("partnerships", "0002_default_partnership"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RuleSettingByPartnership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule_id", models.CharField(max_length=16)),
                ("enabled", models.BooleanField(default=True)),
                ("parameters", models.JSONField(blank=True, default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("partnership", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                  related_name="rule_settings", to="partnerships.partnership")),
                ("updated_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("partnership", "rule_id"),
                                                        name="one_rule_setting_per_partnership")],
            },
        ),
        migrations.AddField(
            model_name="rulesettingchange",
            name="partnership",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="rule_setting_changes", to="partnerships.partnership"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
