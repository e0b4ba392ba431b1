"""Issue 13 finding 2: a partner-system token works only once a manager of its agency approves it, with a scope,
an expiry, a named system and contact.

Tokens issued before this migration were issued by an administrator alone: they become requests waiting for a
manager's approval (read and write, as they were, expiring 90 days from the migration), so that none of them
keeps working without an agency manager's say."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def existing_tokens_wait_for_approval(apps, schema_editor):
    token_model = apps.get_model("agencies", "AgencySystemToken")
    token_model.objects.update(state="requested", scope="read_write",
                               expires_on=timezone.localdate() + timedelta(days=90))


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="agencysystemtoken", old_name="created_by", new_name="requested_by"),
        migrations.AddField(
            model_name="agencysystemtoken", name="contact_name",
            field=models.CharField(default="", max_length=200, verbose_name="contact name"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="contact_email",
            field=models.EmailField(default="", max_length=254, verbose_name="contact e-mail"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="scope",
            field=models.CharField(choices=[("read", "Read only"), ("read_write", "Read and write")], default="read",
                                   max_length=16, verbose_name="scope"),
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="state",
            field=models.CharField(choices=[("requested", "Waiting for a manager's approval"),
                                            ("approved", "Approved"), ("declined", "Declined")],
                                   default="requested", max_length=16, verbose_name="state"),
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="expires_on",
            field=models.DateField(null=True, verbose_name="expires on"),
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="decided_at", field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="decided_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="agencysystemtoken", name="revoked_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(existing_tokens_wait_for_approval, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="agencysystemtoken", name="expires_on",
            field=models.DateField(verbose_name="expires on"),
        ),
        migrations.AddConstraint(
            model_name="agencysystemtoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "approved"), _negated=True) | models.Q(("decided_by__isnull", False)),
                name="system_token_approved_names_its_approver",
            ),
        ),
    ]
