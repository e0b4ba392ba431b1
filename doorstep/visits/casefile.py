"""What visits add to the case file: the reader's agency's visits to the family, and "Plan a visit" (SAF-1)."""

from django.utils import timezone

from doorstep.core.extensions import casefile_panel

from .selectors import visit_state, visits_for_family


@casefile_panel(section="safety")
def visits_panel(*, family, professional) -> dict | None:
    """One query, whatever the family's size."""
    if not professional.works_with_families:
        return None
    visits = visits_for_family(family=family, professional=professional)
    now = timezone.now()
    for v in visits:
        v.state = visit_state(v, now=now)
    return {"template": "visits/_panel.html", "family": family, "visits": visits}
