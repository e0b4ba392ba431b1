"""RIG-1 on the case file: the family's workers see that a subject access request is being answered, and nothing
more (never whose, by whom or what); a disclosure officer of an involved agency is offered to record one. No query of
its own: an open request is an open RIG-1 action, read from the Overview's shared list of open actions (issue 15),
and counted in the database only for a family with more open actions than that list holds."""

import re

from doorstep.core.extensions import casefile_panel
from doorstep.escalations.selectors import OPEN_LISTED, family_open_escalations

from .selectors import family_open_requests_count
from .services import is_officer_for

ANSWER_ACTION = re.compile(r"^RIG-1:request:\d+$")  # rules.answer_key


@casefile_panel(section="overview")
def requests_side_panel(*, family, professional) -> dict | None:
    if not professional.works_with_families:
        return None
    listed = family_open_escalations(family=family)
    if len(listed) < OPEN_LISTED:
        count = sum(1 for e in listed if ANSWER_ACTION.match(e.key))
    else:
        count = family_open_requests_count(family=family)
    officer = is_officer_for(professional, professional.agency_id) and getattr(family, "agency_involved", False)
    if not count and not officer:
        return None
    return {"template": "subjectaccess/_casefile_panel.html", "family": family, "count": count, "officer": officer}
