"""Building oversight records in tests through the real services."""

from datetime import timedelta

from django.utils import timezone

from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.oversight.models import DiscrepancyKind, VisitDiscrepancy
from doorstep.oversight.services import family_oversight_compute
from doorstep.visits.services import visit_check_out
from doorstep.visits.tests.helpers import started


def session(world, **kwargs):
    """A visit session of the world's health practitioner: checked in now and out again."""
    visit = started(world, **kwargs)
    return visit_check_out(visit=visit, by=visit.worker)


def seen_home_visit(world, *, hours_ago: float = 3, family=None, by=None, **kwargs):
    family = family or world.family
    return contact_record(family=family, by=by or world.users["involved_practitioner"], kind=ContactKind.HOME_VISIT,
                          outcome=Outcome.SEEN, occurred_at=timezone.now() - timedelta(hours=hours_ago), **kwargs)


def discrepancy(world) -> VisitDiscrepancy:
    """The health practitioner checked in and out of a visit session just now, and records a home visit as seen
    three hours ago with no session around it (the same day)."""
    session(world)
    contact = seen_home_visit(world)
    family_oversight_compute(family=world.family, now=timezone.now())
    return VisitDiscrepancy.objects.get(contact=contact, kind=DiscrepancyKind.NO_SESSION)


MATRIX_ROUND = "Matrix round"


def audit_round(world, *, by=None, title: str = MATRIX_ROUND, open_it: bool = True, **kwargs):
    """The world's health manager's single-agency round of the world's family (theirs to audit: the health
    practitioner leads it), opened; the same round again when asked again (the access matrix asks per request)."""
    from doorstep.oversight.models import AuditRound, RoundScope, SampleMethod
    from doorstep.oversight.services import audit_round_open, audit_round_plan

    by = by or world.users["involved_manager"]
    found = AuditRound.objects.filter(planned_by=by, title=title).first()
    if found is not None:
        return found
    today = timezone.localdate()
    options = {"scope": RoundScope.AGENCY, "method": SampleMethod.RANDOM, "sample_size": 5, "seed": 7,
               "period_start": today - timedelta(days=90), "period_end": today, **kwargs}
    found = audit_round_plan(by=by, title=title, **options)
    return audit_round_open(audit_round=found, by=by) if open_it else found


def audited(world, **kwargs):
    return audit_round(world, **kwargs).families.get(family=world.family)
