"""FLG-2 as a pure rule: a warning marker's facts in, its tracked actions out (STYLE.md: no database, no clock).

- Authorisation (002 §9.8, 004 App. 1): a marker raised by a practitioner is authorised or declined by a manager of
  the raising agency: an urgent one the same day, any other within the set working days.
- Review (004 App. 1: a review date): the review is a tracked action of the reviewing manager, raised the set number
  of days before the review date (the marker sweep), due at the end of the review date.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.workingdays import add_working_days
from doorstep.escalations.rules import Fact, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

FLG_CLAUSE = "002 §9.8; 004 §7; 004 App. 1"
AUTHORISE, REVIEW = "authorise", "review"


@dataclass(frozen=True)
class MarkerFacts:
    marker_id: int
    stage: str  # AUTHORISE (a marker awaiting authorisation) or REVIEW (its review date is near)
    family_id: int
    family_name: str
    category_label: object
    nature: str
    raised_by_name: str
    urgent: bool
    today: date
    review_date: date
    owner_ids: tuple[int, ...]  # who decides: the raiser's managers (authorise), or the reviewer (review)
    nation: str | None = None


def authorise_key(marker_id: int) -> str:
    return f"FLG-2:marker:{marker_id}:authorise"


def review_key(marker_id: int, review_date: date) -> str:
    return f"FLG-2:marker:{marker_id}:review:{review_date.isoformat()}"


def flg_2(facts: MarkerFacts, params: dict) -> RuleResult:
    result = RuleResult()
    if not facts.owner_ids:
        return result
    what = Text(gettext_noop("%(category)s: %(nature)s"), {"category": facts.category_label, "nature": facts.nature})
    if facts.stage == AUTHORISE:
        result.outcomes.append(Raise(
            rule_id="FLG-2", clause=FLG_CLAUSE, key=authorise_key(facts.marker_id),
            title=Text(gettext_noop("Authorise or decline the warning marker raised by %(name)s for %(family)s"),
                       {"name": facts.raised_by_name, "family": facts.family_name}),
            owner_id=facts.owner_ids[0], notify_ids=facts.owner_ids[1:], trigger_date=facts.today,
            deadline=add_working_days(facts.today, 0 if facts.urgent else params["authorise_working_days"],
                                      facts.nation),
            facts=(Fact(what, ("marker_authorise", facts.marker_id)),),
            source=("markers.WarningMarker", facts.marker_id), notification_kind="marker", parameters=dict(params),
        ))
    else:
        result.outcomes.append(Raise(
            rule_id="FLG-2", clause=FLG_CLAUSE, key=review_key(facts.marker_id, facts.review_date),
            title=Text(gettext_noop("Review the warning marker (%(category)s) for %(family)s by %(date)s"),
                       {"category": facts.category_label, "family": facts.family_name, "date": facts.review_date}),
            owner_id=facts.owner_ids[0], trigger_date=facts.today, deadline=facts.review_date,
            facts=(Fact(what, ("marker_review", facts.marker_id)),),
            source=("markers.WarningMarker", facts.marker_id), notification_kind="marker", parameters=dict(params),
        ))
    return result


rule_register(RuleDefinition(
    "FLG-2", FLG_CLAUSE, _("Warning markers authorised and reviewed"),
    _("A practitioner raises a warning marker; or a marker's review date is near."),
    _("A manager of the raising agency authorises or declines it; the manager who authorised it (or the raiser's "
      "manager) reviews it."),
    (Parameter("authorise_working_days", _("Working days to authorise a marker that is not urgent"), 2, 0, 10),
     Parameter("review_notice_days", _("Days before the review date that the review action is raised"), 14, 0,
               90)),
    flg_2, subject="marker",
    deadline=_("Authorisation: the same day if urgent, else the set working days; review: the end of the review "
               "date."),
))
