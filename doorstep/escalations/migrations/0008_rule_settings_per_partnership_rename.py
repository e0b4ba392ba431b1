"""Issue 21: the rule settings per partnership (copied in 0007) take the place of the settings by rule ID."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("escalations", "0007_rule_settings_per_partnership"),
    ]

    operations = [
        migrations.DeleteModel(name="RuleSetting"),
        migrations.RenameModel(old_name="RuleSettingByPartnership", new_name="RuleSetting"),
    ]
