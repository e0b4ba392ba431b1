from django_tasks import task

from . import delivery


@task()
def deliver_invitation_email(invitation_email_id: int) -> str:
    return delivery.invitation_email_deliver(invitation_email_id)


@task()
def invitation_emails_catch_up() -> int:
    """Periodic (doorstep/core/schedule.py): re-send what is due or stuck."""
    return delivery.invitation_emails_catch_up()
