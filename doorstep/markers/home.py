from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .selectors import markers_awaiting_for


def markers_to_authorise_counter(request) -> dict | None:
    """A manager's counter (issue 18): markers of their agency waiting for authorisation (FLG-2), urgent ones noted."""
    user = request.user
    if not (user.works_with_families and user.is_manager):
        return None
    urgent = list(markers_awaiting_for(manager=user).values_list("urgent", flat=True))
    count = sum(urgent)
    return {"label": _("Warning markers to authorise"), "count": len(urgent), "href": reverse("markers:awaiting"),
            "note": ngettext("%(n)d urgent", "%(n)d urgent", count) % {"n": count} if count else ""}
