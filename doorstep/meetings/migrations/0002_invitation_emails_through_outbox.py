"""Issue 14 "one outbox": each invitation e-mail row gets a notification in the notifications outbox, carrying its
delivery state (created, sending, sent, failed; attempts, next try, last error) over; then its own copy goes."""

import django.db.models.deletion
from django.db import migrations, models


def to_outbox(apps, schema_editor):
    InvitationEmail = apps.get_model("meetings", "InvitationEmail")
    Notification = apps.get_model("notifications", "Notification")
    for row in InvitationEmail.objects.select_related("invitation__meeting", "invitation__invitee").iterator():
        invitation = row.invitation
        note = Notification.objects.create(
            recipient_id=invitation.invitee_id, kind="meeting", mandatory=True,
            message="A meeting you were invited to has been cancelled" if row.method == "CANCEL"
            else "A meeting you are invited to has a new time or place" if row.sequence else "You are invited to a meeting",
            link=f"/meetings/{invitation.meeting_id}/", dedupe_key=f"invitation-email:{row.pk}",
            email_state=row.state if invitation.invitee.email else "none", email_attempts=row.attempts,
            email_next_attempt_at=row.next_attempt_at, email_claimed_at=row.claimed_at, email_sent_at=row.sent_at,
            email_last_error=row.last_error, email_builder="meetings.invitation",
            email_params={"invitation_email": row.pk}, read_at=row.created_at,
        )
        Notification.objects.filter(pk=note.pk).update(created_at=row.created_at)
        InvitationEmail.objects.filter(pk=row.pk).update(notification=note)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0001_initial'),
        ('notifications', '0004_outbox_possibly_sent_and_builders'),
    ]

    operations = [
        migrations.AddField(
            model_name='invitationemail',
            name='notification',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitation_email', to='notifications.notification'),
        ),
        migrations.RunPython(to_outbox, migrations.RunPython.noop),
    ]
