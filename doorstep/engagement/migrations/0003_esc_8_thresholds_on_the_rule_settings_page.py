"""ESC-8's thresholds exist once, as the rule's settings on the Rule settings page (issue 14). Periods an
administrator set on the Engagement settings page (not the old defaults, 28 and 42 days) move to ESC-8 when it has
no settings of its own yet, with the change recorded (ESC-12, P-3)."""

from django.db import migrations

OLD_DEFAULTS = (28, 42)


def forwards(apps, schema_editor):
    EngagementSettings = apps.get_model("engagement", "EngagementSettings")
    RuleSetting = apps.get_model("escalations", "RuleSetting")
    RuleSettingChange = apps.get_model("escalations", "RuleSettingChange")
    config = EngagementSettings.objects.filter(pk=1).first()
    if config is None or (config.not_seen_days, config.not_seen_alone_days) == OLD_DEFAULTS:
        return
    if RuleSetting.objects.filter(rule_id="ESC-8").exists():
        return
    values = {"not_seen_days": config.not_seen_days, "not_seen_alone_days": config.not_seen_alone_days}
    RuleSetting.objects.create(rule_id="ESC-8", enabled=True, parameters=values, updated_by=config.updated_by)
    if config.updated_by is not None:
        RuleSettingChange.objects.create(rule_id="ESC-8", changed_by=config.updated_by, before={}, after=values,
                                         reason="Moved from the Engagement settings page (issue 14)")


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0002_contact_details_corrections_letters_settings'),
        ('escalations', '0005_deadlines_end_of_day_in_london'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='engagementsettings',
            name='not_seen_alone_days',
        ),
        migrations.RemoveField(
            model_name='engagementsettings',
            name='not_seen_days',
        ),
        migrations.RemoveField(
            model_name='historicalengagementsettings',
            name='not_seen_alone_days',
        ),
        migrations.RemoveField(
            model_name='historicalengagementsettings',
            name='not_seen_days',
        ),
    ]
