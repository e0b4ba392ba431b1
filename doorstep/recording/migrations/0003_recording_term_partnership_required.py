"""Issue 21: every term of the recording check's list belongs to a partnership (filled in 0002), once in it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("recording", "0002_recording_terms_per_partnership"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recordingterm",
            name="partnership",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="recording_terms",
                                    to="partnerships.partnership", verbose_name="partnership"),
        ),
        migrations.RemoveConstraint(model_name="recordingterm", name="recording_term_once"),
        migrations.AddConstraint(
            model_name="recordingterm",
            constraint=models.UniqueConstraint(fields=("partnership", "language", "term"),
                                               name="recording_term_once_per_partnership"),
        ),
    ]
