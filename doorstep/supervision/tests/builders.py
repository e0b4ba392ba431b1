"""Supervision records for tests, made through the real services."""

from datetime import timedelta

from django.utils import timezone

from doorstep.supervision import services
from doorstep.supervision.models import ReflectiveQuestion

REFLECTION = "I feel relieved when nobody answers the door"
DECISION = "Joint visits with the police only"


def answers(value: str = "no", **overrides) -> dict:
    result = {q: value for q in ReflectiveQuestion.values}
    result.update(overrides)
    return result


def held(world, *, days_ago: int = 1, **overrides):
    values = dict(held_on=timezone.localdate() - timedelta(days=days_ago), health_and_safety_discussed=True,
                  health_and_safety_note="Lone working reviewed")
    values.update(overrides)
    return services.supervision_record(by=world.users["involved_manager"],
                                       worker=world.users["involved_practitioner"], **values)


def case(world, session=None, **overrides):
    session = session or held(world)
    values = dict(
        family=world.family, hostility="experienced", hostility_detail="Shouting at the door",
        hostility_significant=False, impact_on_worker="Anxious before visits", impact_on_work="Child not weighed",
        risk_to_child="Alfie lives with shouting every day", reflective_answers=answers(relieved="yes"),
        reflections=REFLECTION, measures=["two_workers"], plan="Two workers, mornings only",
        decision=DECISION, decision_reason="The hostility is aimed at lone female workers",
    )
    values.update(overrides)
    return services.case_discussion_add(session=session, by=world.users["involved_manager"], **values)
