from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import supervisions_due


def supervisions_due_counter(request) -> dict | None:
    """A manager's counter (issue 18): supervisions of their staff overdue or due within a week (SUP-4)."""
    user = request.user
    if not (user.works_with_families and user.is_manager):
        return None
    return {"label": _("Supervisions due this week or overdue"), "count": supervisions_due(manager=user),
            "href": reverse("supervision:home")}
