"""Building visits in tests through the real services."""

from datetime import timedelta

from django.utils import timezone

from doorstep.visits import services
from doorstep.visits.models import Arrangement, Question

SAFE_ANSWERS = {Question.DAYLIGHT: True, Question.CAR_TARGETED: False, Question.PHONE: True,
                Question.NEUTRAL_VENUE: False, Question.CAN_CONTINUE: True}


def plan(world, *, by=None, factors=(), arrangements=None, answers=None, start_in=timedelta(minutes=5), **kwargs):
    by = by or world.users["involved_practitioner"]
    factors = list(factors)
    if arrangements is None:
        arrangements = [Arrangement.TWO_WORKERS] if factors else [Arrangement.SOLE]
    if set(arrangements) - {Arrangement.SOLE, Arrangement.DAYLIGHT_ONLY, Arrangement.TAXI_WAITING,
                            Arrangement.NEUTRAL_VENUE}:
        kwargs.setdefault("companions", "Sam Oakley, Police")
    return services.visit_plan(
        family=kwargs.pop("family", world.family), by=by, planned_start=timezone.now() + start_in,
        planned_minutes=kwargs.pop("planned_minutes", 60), purpose="See the children", contingency="Phone ahead",
        factors=factors, answers={**SAFE_ANSWERS, **(answers or {})}, arrangements=arrangements, **kwargs)


def started(world, *, minutes=60, **kwargs):
    """A sole visit by the world's health practitioner, started now."""
    visit = plan(world, **kwargs)
    return services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900999", vehicle="cy21 abc",
                                minutes=minutes)


def agreed(world, **kwargs):
    visit = plan(world, factors=kwargs.pop("factors", ["violence"]), **kwargs)
    return services.visit_decide(visit=visit, by=world.users["involved_manager"], decision="agreed")


def dog_marker(world):
    """An authorised marker on the family's address: dogs (FLG-1)."""
    from doorstep.markers import services as markers
    from doorstep.markers.models import MarkerCategory
    from doorstep.markers.selectors import current_address_of

    marker = markers.marker_raise(
        family=world.family, by=world.users["involved_practitioner"], address=current_address_of(family=world.family),
        category=MarkerCategory.ANIMALS, nature="Two large dogs were set on a visitor.",
        advice="Phone ahead; do not enter unless the dogs are shut away.", source="Health visitor",
        review_date=timezone.localdate() + timedelta(days=180))
    return markers.marker_authorise(marker=marker, by=world.users["involved_manager"])
