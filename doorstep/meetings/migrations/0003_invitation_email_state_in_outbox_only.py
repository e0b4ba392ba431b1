"""Issue 14 "one outbox": the invitation e-mail's own delivery fields go (0002 moved them to the outbox)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0002_invitation_emails_through_outbox"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='invitationemail',
            name='invitation_email_due',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='attempts',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='claimed_at',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='last_error',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='next_attempt_at',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='sent_at',
        ),
        migrations.RemoveField(
            model_name='invitationemail',
            name='state',
        ),
    ]
