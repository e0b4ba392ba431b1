"""CHR-2: the engagement grid's numbers equal a direct count of the records, for random histories."""

from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doorstep.engagement import services
from doorstep.engagement.models import ACHIEVED_OUTCOMES, Contact, ContactKind, Outcome
from doorstep.engagement.selectors import engagement_grid, month_bounds

NOW = timezone.make_aware(datetime(2026, 10, 20, 15, 0))
START = timezone.make_aware(datetime(2025, 11, 1, 0, 0))  # the twelve months ending October 2026
END = timezone.make_aware(datetime(2026, 11, 1, 0, 0))

FIRST = START - timedelta(days=31)
SPAN = int((NOW - FIRST).total_seconds() // 60)


def _near_month_start(month: int, minutes: int) -> int:
    """Minutes after FIRST of a moment within 90 minutes of local midnight starting a month."""
    index = 2025 * 12 + 9 + month  # October 2025 onwards
    moment = timezone.make_aware(datetime(index // 12, index % 12 + 1, 1)) + timedelta(minutes=minutes)
    return max(0, min(SPAN, int((moment - FIRST).total_seconds() // 60)))


contacts = st.lists(
    st.fixed_dictionaries({
        # Emergency access is read-only (issue 13): contacts come from the involved agencies.
        "who": st.sampled_from(["involved_practitioner", "other_involved", "involved_manager"]),
        # Any minute from a month before the window to the present, and especially the hours either side of a
        # month's first local midnight (in summer time that is still the previous day in UTC), so month edges
        # and contacts outside the window are both tried.
        "minutes": st.one_of(st.integers(min_value=0, max_value=SPAN),
                             st.builds(_near_month_start, st.integers(0, 13), st.integers(-90, 90))),
        "outcome": st.sampled_from(list(Outcome)),
        "parent_present": st.booleans(),
        "in_error": st.booleans(),
    }),
    max_size=14,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@pytest.mark.clock("2026-10-20 15:00")
@given(history=contacts, config=st.sets(st.sampled_from([o for o in Outcome if o not in ACHIEVED_OUTCOMES])))
def test_grid_equals_a_direct_count(world, time_machine, history, config):
    with transaction.atomic():
        services.engagement_settings_update(by=world.users["administrator"], defaulted_outcomes=config, late_entry_hours=24)
        for item in history:
            contact = services.contact_record(
                family=world.family, by=world.users[item["who"]], kind=ContactKind.HOME_VISIT,
                outcome=item["outcome"], occurred_at=FIRST + timedelta(minutes=item["minutes"]),
                adults_present=[world.parent] if item["parent_present"] else [])
            if item["in_error"]:
                services.contact_enter_in_error(contact=contact, by=world.users[item["who"]], reason="test")

        grid = engagement_grid(family=world.family, end_month=date(2026, 10, 1), months=12)
        assert len(grid["months"]) == 12 and grid["months"][0] == date(2025, 11, 1)
        live = Contact.objects.filter(family=world.family, entered_in_error=False)
        for row in grid["agency_rows"]:
            for month, cell in zip(grid["months"], row.cells, strict=True):
                start, end = month_bounds(month)
                direct = live.filter(agency=row.subject, occurred_at__gte=start, occurred_at__lt=end)
                assert cell.attempted == direct.count()
                assert cell.achieved == direct.filter(outcome__in=ACHIEVED_OUTCOMES).count()
                assert cell.refused == direct.filter(outcome__in=config).count()
        kelly = next(r for r in grid["adult_rows"] if r.subject == world.parent)
        in_window = [i for i in history if not i["in_error"] and i["parent_present"]
                     and START <= FIRST + timedelta(minutes=i["minutes"]) < END]
        assert kelly.total.attempted == len(in_window)
        assert kelly.total.achieved == sum(1 for i in in_window if i["outcome"] in ACHIEVED_OUTCOMES)
        assert kelly.total.refused == sum(1 for i in in_window if i["outcome"] in config)
        for agency_id, cell in kelly.by_agency.items():
            direct = live.filter(agency_id=agency_id, adults_present=world.parent, occurred_at__gte=grid["start"],
                                 occurred_at__lt=grid["end"])
            assert cell.attempted == direct.count()
        transaction.set_rollback(True)
