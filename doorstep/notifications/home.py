from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import failed_emails


def undeliverable_emails_counter(request) -> dict | None:
    """An administrator's counter (issue 18): e-mails that could not be delivered, linking to the outbox."""
    if not request.user.is_administrator:
        return None
    return {"label": _("Undeliverable e-mails"), "count": failed_emails().count(),
            "href": f"{reverse('notifications:failed')}?state=failed"}
