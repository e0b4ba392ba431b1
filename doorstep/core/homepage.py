"""What the landing page shows, section by section; each capability adds its own section function (issue 18: each
role's home page says what to do next).

A section takes the request and returns a dict {"template": ..., **context} or None. Which sections there are,
and their order, is declared in doorstep/core/extensions.py (HOME_SECTIONS); so are the counters at the top of a
manager's or an administrator's page (HOME_COUNTERS), each a count with a link to what it counts.
"""

from django.utils.translation import gettext as _

from .extensions import HOME_COUNTERS, HOME_SECTIONS  # noqa: F401


def counters_section(request) -> dict | None:
    """A manager's or an administrator's counters, one query each (issue 18)."""
    counters = [c for c in (counter(request) for counter in HOME_COUNTERS) if c is not None]
    if not counters:
        return None
    title = _("Your administration tasks") if request.user.is_administrator else _("Your team")
    return {"template": "core/_home_counters.html", "counters": counters, "title": title}
