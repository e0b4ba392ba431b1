"""The Board's report (OVR-2): the protocol's tracked actions raised in a period, met or missed, by rule. Two
queries, whatever the number of families. Issue 21: the actions about the partnership's families, and those about no
family: a warning marker's by the marker's family, others (a worker's supervision falling due) by whether their
owner's agency works in the partnership."""

from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.core.board import MEDIAN_DAYS, Figure, Table, median
from doorstep.partnerships.models import Partnership
from doorstep.partnerships.selectors import works_in_partnership

from .models import ACTIVE_STATES, Escalation, EscalationState

# Met: done by its deadline (or it had none). Missed: its deadline has passed and it was not done by then.
MET = Q(state=EscalationState.DONE) & (Q(deadline__isnull=True) | Q(closed_at__lte=F("deadline")))


def missed(now) -> Q:
    return Q(deadline__lt=now) & (Q(state__in=ACTIVE_STATES) | Q(state=EscalationState.DONE,
                                                                 closed_at__gt=F("deadline")))


def _rule_order(rule_id: str):
    prefix, __, number = rule_id.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, rule_id)


def escalations_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    now = timezone.now()
    from doorstep.markers.board import marker_actions_of

    # A warning marker's actions by its family; other actions about no family by their owner's agency.
    ours = Q(family__partnership=partnership) | Q(family__isnull=True) & (marker_actions_of(partnership) | (
        ~Q(source_type="markers.WarningMarker") & works_in_partnership(partnership, agency_field="owner__agency")))
    raised = Escalation.objects.filter(ours, created_at__gte=start, created_at__lt=end).order_by()
    rows = {r["rule_id"]: r for r in raised.values("rule_id").annotate(
        raised=Count("id"), met=Count("id", filter=MET), missed=Count("id", filter=missed(now)))}
    rules = sorted(rows, key=_rule_order)
    # Days from being raised to being done, for those done.
    days = [(closed - created).total_seconds() / 86400 for created, closed in
            raised.filter(state=EscalationState.DONE, closed_at__isnull=False).values_list("created_at", "closed_at")]

    def by_rule(what: str) -> list[Figure]:
        return [Figure(f"escalations_{what}_{rule}", rule, rows[rule][what]) for rule in rules]

    def total(what: str, label: str) -> Figure:
        return Figure(f"escalations_{what}", label, sum(r[what] for r in rows.values()))

    return [
        Table("escalations_raised", _("Escalations raised, by rule"), by_rule("raised"),
              total("raised", _("Escalations raised"))),
        Table("escalations_met", _("Escalations met by their deadline, by rule"), by_rule("met"),
              total("met", _("Met by the deadline"))),
        Table("escalations_missed", _("Escalations that missed their deadline, by rule"), by_rule("missed"),
              total("missed", _("Missed the deadline"))),
        Table("escalations_days", _("How long escalations took to act on"), [
            Figure("escalations_median_days", _("Median days from raised to done"), median(days), MEDIAN_DAYS,
                   base=len(days))]),
    ]
