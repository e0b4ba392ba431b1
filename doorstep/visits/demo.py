"""Demo: visit safety in the Afonwy region (issue 5), built through the real services and the real sweep.

- Llewellyn: health.practitioner3 is out on a sole visit now (no risk factor), back in 40 minutes.
- Morgan: csc.practitioner's joint visit (mental health service involved) is 20 minutes overdue: the reminder and
  the line manager's alert have fired, and csc.manager has acknowledged it (emergency card, "Out on visits now").
- Pritchard: health.practitioner2's plan for the household with the dogs waits for health.manager's agreement.
- Thomas: police.practitioner's evening plan was refused by police.manager, with the reason.

The worker runs the chain on in real time: leave the demo for a quarter of an hour and the Morgan alarm moves to the
duty manager (the acknowledgement holds it for 15 minutes), and so on.
"""

from datetime import timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion

from .models import Arrangement, Question, RiskFactor, Visit, VisitEvent
from .scheduled import visit_alarm_sweep
from .selectors import risk_suggestions
from .services import visit_acknowledge, visit_decide, visit_plan, visit_start

SAFE_ANSWERS = {Question.DAYLIGHT: True, Question.CAR_TARGETED: False, Question.PHONE: True,
                Question.NEUTRAL_VENUE: False, Question.CAN_CONTINUE: True}


def _backdate(visit: Visit, *, started_minutes_ago: int, expected_back_in: int) -> Visit:
    """Give a demo visit a past (the services only ever stamp "now")."""
    now = timezone.now()
    started = now - timedelta(minutes=started_minutes_ago)
    back = now + timedelta(minutes=expected_back_in)
    Visit.objects.filter(pk=visit.pk).update(planned_start=started, started_at=started, expected_back=back,
                                             next_alert_at=back)
    VisitEvent.objects.filter(visit=visit).update(at=started - timedelta(hours=3))
    VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.STARTED).update(
        at=started, note=f"Expected back by {timezone.localtime(back):%H:%M}")
    visit.refresh_from_db()
    return visit


def load(region: DemoRegion) -> None:
    now = timezone.now()

    # In progress: a sole visit, nothing known against the family.
    worker = region.practitioner("health", 3)
    llewellyn = region.families["llewellyn"]
    visit = visit_plan(
        family=llewellyn, by=worker, planned_start=now, planned_minutes=60, answers=SAFE_ANSWERS,
        factors=[], arrangements=[Arrangement.SOLE],
        purpose="Routine health visitor review: the baby's weight and the mother's mood.",
        contingency="If there is no answer, leave a card, phone the mother, and offer a clinic appointment this week.",
    )
    visit_start(visit=visit, by=worker, contact_number=worker.phone or "07700 900301", vehicle="CY21 ABC")
    _backdate(visit, started_minutes_ago=20, expected_back_in=40)

    # Overdue, acknowledged by the manager.
    social_worker, csc_manager = region.practitioner("csc"), region.manager("csc")
    morgan = region.families["morgan"]
    factors = list(risk_suggestions(family=morgan, professional=social_worker)["factors"]) or [RiskFactor.HIGH_STRESS]
    visit = visit_plan(
        family=morgan, by=social_worker, planned_start=now, planned_minutes=45,
        answers={**SAFE_ANSWERS, Question.NEUTRAL_VENUE: False}, factors=factors,
        arrangements=[Arrangement.TWO_WORKERS, Arrangement.JOINT_MENTAL_HEALTH, Arrangement.DAYLIGHT_ONLY],
        companions="Sam Oakley, Afonwy Community Mental Health Team",
        purpose="Child protection visit: see the children, and the father's bedroom and kitchen.",
        contingency="If refused entry, speak to the children at school tomorrow and call a strategy discussion.",
    )
    visit_decide(visit=visit, by=csc_manager, decision="agreed", supervision_reference="Supervision, last Tuesday")
    visit_start(visit=visit, by=social_worker, contact_number=social_worker.phone or "07700 900311",
                vehicle="WX70 DEF")
    visit = _backdate(visit, started_minutes_ago=65, expected_back_in=-20)
    visit_alarm_sweep(now=visit.expected_back)  # the reminder, at the expected end
    visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15))  # the line manager, 15 minutes overdue
    visit_acknowledge(visit=visit, by=csc_manager)

    # Awaiting the manager's agreement: the household with the dogs.
    health2 = region.practitioner("health", 2)
    pritchard = region.families["pritchard"]
    tomorrow = timezone.localtime(now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    visit_plan(
        family=pritchard, by=health2, planned_start=tomorrow, planned_minutes=60,
        answers={**SAFE_ANSWERS, Question.NEUTRAL_VENUE: True},
        factors=list(risk_suggestions(family=pritchard, professional=health2)["factors"]),
        arrangements=[Arrangement.JOINT_AGENCY, Arrangement.DAYLIGHT_ONLY],
        companions="The family's social worker, Afonwy Children's Services",
        purpose="New birth visit: weigh the baby and check the sleeping arrangements.",
        contingency="If the dogs are not shut away, do not go in: offer the clinic, and tell the social worker.",
    )

    # Refused by the manager.
    officer, police_manager = region.practitioner("police"), region.manager("police")
    thomas = region.families["thomas"]
    evening = timezone.localtime(now + timedelta(days=1)).replace(hour=19, minute=30, second=0, microsecond=0)
    refused = visit_plan(
        family=thomas, by=officer, planned_start=evening, planned_minutes=45,
        answers={**SAFE_ANSWERS, Question.DAYLIGHT: False, Question.CAR_TARGETED: True},
        factors=list(risk_suggestions(family=thomas, professional=officer)["factors"]),
        arrangements=[Arrangement.TWO_WORKERS, Arrangement.TAXI_WAITING],
        companions="PC Iwan Hopkin, Afonwy Valleys Police",
        purpose="Follow up the concern raised by the school.",
        contingency="If no answer, return with the school's family liaison officer.",
    )
    visit_decide(visit=refused, by=police_manager, decision="refused",
                 reason="Not after dark with this history of following workers: plan it for the morning, and park "
                        "out of sight of the house. We will go through it in supervision on Thursday.")
