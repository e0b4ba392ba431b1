"""Demo (issue 19, OVR-1): planted for health.manager to find under "Drift signals" and "Visit records to check".

- Rhydderch household (health.practitioner leads): involved for 120 days; the last achieved contact was 70 days ago
  and the child, Nia, has never been seen alone: two drift signals.
- Bowen household (health.practitioner2 leads): a monitored visit session three days ago found nobody in; yesterday a
  home visit is recorded as "seen" with no visit session: a visit recorded that did not take place, for the worker
  to explain and their manager (health.manager) to read.

`compute` runs the nightly job once after the escalation engine's demo pass, so the signals show at once.

`audit_round` (issue 19, OVR-1): health.manager's case-file audit round of 5 families chosen among those with drift
signals or visit records to check, with a recorded seed that draws both planted families; planned, for them to open.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion
from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.families.models import ChildStatus, MemberRole, Person
from doorstep.families.services import family_create, person_add
from doorstep.visits.models import Arrangement, Question, Visit, VisitEvent
from doorstep.visits.services import visit_check_out, visit_plan, visit_start

from .models import RoundScope, SampleMethod
from .scheduled import oversight_nightly
from .services import audit_round_plan, audit_sample, audit_sample_pool, families_auditable_by

SAFE_ANSWERS = {Question.DAYLIGHT: True, Question.CAR_TARGETED: False, Question.PHONE: True,
                Question.NEUTRAL_VENUE: False, Question.CAN_CONTINUE: True}


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return min(timezone.make_aware(datetime.combine(day, time(hour, 0))), timezone.now() - timedelta(hours=1))


def _family(region: DemoRegion, *, by, surname: str, child: str, days: int):
    today = timezone.localdate()
    family = family_create(by=by, name=f"{surname} household", reason="Health visiting concerns about the baby's weight.",
                           line1="4 Lôn Las", town="Afonwy", postcode="AF3 4RH", involved_since=today - timedelta(days=days),
                           summary="Synthetic demo family (issue 19): planted for the managers' oversight.")
    person_add(family=family, by=by, role=MemberRole.PARENT, given_name="Carys", family_name=surname,
               date_of_birth=date(1993, 5, 14))
    kid = person_add(family=family, by=by, role=MemberRole.CHILD, given_name=child, family_name=surname,
                     date_of_birth=today - timedelta(days=700), child_status=ChildStatus.NONE)
    # Known to Doorstep since the involvement began (the demo's history is recorded today).
    Person.objects.filter(family=family).update(created_at=timezone.now() - timedelta(days=days))
    region.families[surname.lower()] = family
    return family, kid


def _session(*, family, by, days_ago: int, hour: int) -> Visit:
    """A monitored visit session (SAF-3) that happened `days_ago` (the services only ever stamp "now")."""
    visit = visit_plan(family=family, by=by, planned_start=timezone.now() + timedelta(minutes=5), planned_minutes=45,
                       purpose="Weigh the baby and talk about feeding.", contingency="Card left; phone the mother.",
                       factors=[], answers=SAFE_ANSWERS, arrangements=[Arrangement.SOLE])
    visit = visit_start(visit=visit, by=by, contact_number=by.phone or "07700 900302")
    visit = visit_check_out(visit=visit, by=by)
    start = _at(days_ago, hour)
    Visit.objects.filter(pk=visit.pk).update(planned_start=start, started_at=start,
                                             expected_back=start + timedelta(minutes=45),
                                             ended_at=start + timedelta(minutes=30), next_alert_at=None)
    VisitEvent.objects.filter(visit=visit).update(at=start)
    visit.refresh_from_db()
    return visit


def load(region: DemoRegion) -> None:
    worker = region.practitioner("health")
    rhydderch, nia = _family(region, by=worker, surname="Rhydderch", child="Nia", days=120)
    seen = {nia: {"seen": True, "seen_alone": False}}
    contact_record(family=rhydderch, by=worker, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN,
                   occurred_at=_at(70, 10), recorded_at=_at(70, 13), children=seen,
                   purpose="Health visitor review.", note="Mother present throughout; Nia seen in the living room.")
    for days in (35, 12):
        contact_record(family=rhydderch, by=worker, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                       occurred_at=_at(days, 11), recorded_at=_at(days, 14), purpose="Health visitor review.")

    second = region.practitioner("health", 2)
    bowen, osian = _family(region, by=second, surname="Bowen", child="Osian", days=90)
    session = _session(family=bowen, by=second, days_ago=3, hour=10)
    contact_record(family=bowen, by=second, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                   occurred_at=session.started_at + timedelta(minutes=10),
                   recorded_at=session.ended_at + timedelta(minutes=20), purpose="Weigh the baby.")
    contact_record(family=bowen, by=second, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN,
                   occurred_at=_at(1, 15), recorded_at=_at(1, 17), children={osian: {"seen": True, "seen_alone": True}},
                   purpose="Weigh the baby.", note="Osian weighed; gaining well.")


def compute(region: DemoRegion) -> None:
    oversight_nightly(now=timezone.now())


DEMO_ROUND_TITLE = "Health visiting case files, autumn"


def audit_round(region: DemoRegion) -> None:
    manager = region.manager("health")
    planted = {region.families["rhydderch"].pk, region.families["bowen"].pk}
    today = timezone.localdate()
    start, end = today - timedelta(days=90), today
    # Issue 21: a round is one partnership's, the planted families'.
    partnership_id = region.families["rhydderch"].partnership_id
    pool = list(audit_sample_pool(pool=families_auditable_by(professional=manager, scope=RoundScope.AGENCY).filter(
        partnership_id=partnership_id), method=SampleMethod.DRIFT, worker=None, start=start, end=end,
    ).values_list("pk", flat=True))
    # The first seed whose sample holds both planted families (the seed is recorded on the round and shown).
    seed = next(n for n in range(1, 10_000) if planted <= set(audit_sample(ids=pool, size=5, seed=n)))
    audit_round_plan(by=manager, title=DEMO_ROUND_TITLE, period_start=start, period_end=end,
                     scope=RoundScope.AGENCY, method=SampleMethod.DRIFT, sample_size=5, seed=seed,
                     partnership=partnership_id)
