"""RIG-1 on the case file: the family's workers see that a subject access request is being answered, and nothing
more (never whose, by whom or what); a disclosure officer of the agency is offered to record one. One query."""

from doorstep.core.extensions import casefile_panel

from .selectors import family_open_requests_count
from .services import is_officer_for


@casefile_panel(section="overview")
def requests_side_panel(*, family, professional) -> dict | None:
    if not professional.works_with_families:
        return None
    count = family_open_requests_count(family=family)
    officer = is_officer_for(professional, professional.agency_id) and getattr(family, "agency_involved", False)
    if not count and not officer:
        return None
    return {"template": "subjectaccess/_casefile_panel.html", "family": family, "count": count, "officer": officer}
