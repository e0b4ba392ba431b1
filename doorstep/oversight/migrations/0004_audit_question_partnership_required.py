"""Issue 21: every audit question belongs to a partnership (filled in 0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("oversight", "0003_audit_questions_per_partnership"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditquestion",
            name="partnership",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="audit_questions",
                                    to="partnerships.partnership", verbose_name="partnership"),
        ),
    ]
