from doorstep.notifications.models import Notification, NotificationKind
from doorstep.testing.access import ADMINISTRATOR, SIGNED_IN, Route


def _own_notification(world) -> dict:
    """A notification for the health practitioner: only they may open it."""
    note = Notification.objects.create(recipient=world.users["involved_practitioner"], kind=NotificationKind.GENERAL,
                                       message="Test", link="/")
    return {"notification_id": note.pk}


ROUTES = [
    Route("notifications:inbox", SIGNED_IN),
    Route("notifications:open", frozenset({"involved_practitioner"}), _own_notification, method="post"),
    Route("notifications:preferences", SIGNED_IN),
    # Each person's own e-mail choices: anyone signed in sets theirs (empty: the form is shown again).
    Route("notifications:preferences", SIGNED_IN, method="post"),
    Route("notifications:failed", ADMINISTRATOR),
    Route("notifications:retry", ADMINISTRATOR, method="post"),
    Route("notification-list", SIGNED_IN, api=True),
]
