from django_tasks import task

from . import services


@task()
def deliver_email(notification_id: int) -> str:
    return services.email_deliver(notification_id)


@task()
def email_catch_up() -> int:
    return services.email_catch_up()
