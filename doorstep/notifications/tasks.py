from django_tasks import task

from . import services


@task(queue_name="email")
def deliver_email(notification_id: int) -> str:
    """On the e-mail queue, sent by the worker's pool of e-mail threads, never in the alarms' way (issue 16)."""
    return services.email_deliver(notification_id)


@task(queue_name="email")
def email_catch_up() -> int:
    return services.email_catch_up()
