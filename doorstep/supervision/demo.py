"""Demo: supervision in every agency. In health, the manager supervised the Evans family's health visitor about
the family's hostility (action plan, decisions on the chronology); another health visitor is overdue supervision,
with two cancelled supervisions and incidents since the last one where the incidents record is installed.

Log in as `health.manager` and open Supervision."""

from datetime import timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion

from . import oversight, scheduled, services
from .models import CancelledBy, Hostility, ReflectiveQuestion
from .selectors import families_to_discuss


def _answers(**overrides) -> dict:
    answers = {q: "no" for q in ReflectiveQuestion.values}
    answers.update(overrides)
    return answers


def _overdue_worker(region: DemoRegion):
    """The health visitor with the most incidents towards them (if incidents are recorded), else the second."""
    candidates = [region.practitioner("health", n) for n in (2, 3)]
    counts = oversight.incidents_since(since={w.pk: None for w in candidates}) or {}
    return max(candidates, key=lambda w: (counts.get(w.pk, 0), w is candidates[0]))


def _incidents_since(region: DemoRegion, worker, today) -> None:
    """Bring the worker's incidents since their last supervision to three, where the incidents record (issue 8)
    is installed; without it the demo still loads and the oversight shows the figure as not available."""
    try:
        from doorstep.incidents.services import incident_record
    except ImportError:
        return
    counts = oversight.incidents_since(since={worker.pk: timezone.now() - timedelta(days=72)}) or {}
    families = [i.family for i in families_to_discuss(worker=worker, limit=10)]
    stories = [
        (45, ["intimidating_language", "swearing"], "The father swore at me in front of the children and said he "
         "knew which car was mine."),
        (20, ["bombarding"], "Eleven calls and texts to my work phone over one evening after I raised the "
         "children's attendance."),
        (9, ["body_language", "shouting"], "The mother's partner blocked the door as I tried to leave and shouted "
         "until I agreed to go."),
    ]
    for (days, threats, account), family in zip(stories[:max(0, 3 - counts.get(worker.pk, 0))], families[1:]):
        incident_record(family=family, by=worker, occurred_at=timezone.now() - timedelta(days=days),
                        threats=threats, account=account, affected=[worker],
                        manager_informed_at=timezone.now() - timedelta(days=days))


def load(region: DemoRegion) -> None:
    today = timezone.localdate()
    manager = region.manager("health")
    worker = region.practitioner("health")
    evans = region.families.get("evans")

    # Routine supervision across the agencies: the first practitioner of each, recently, health and safety covered.
    for n, key in enumerate(k for k in region.agencies if k != "partnership"):
        practitioner = region.practitioner(key)
        boss = region.manager(key)
        session = services.supervision_record(
            by=boss, worker=practitioner, held_on=today - timedelta(days=8 + n), health_and_safety_discussed=True,
            health_and_safety_note="Lone working procedure and check-in times reviewed.",
            unreported_threats_asked=True, unreported_threats_note="Nothing unreported.",
        )
        if practitioner == worker and evans is not None:
            services.case_discussion_add(
                session=session, by=manager, family=evans, hostility=Hostility.BOTH,
                hostility_detail="Dean shouts and swears at the door when the visit is about the children's weight; "
                                 "the dog is let loose. Worse in the evenings, when he has been drinking.",
                hostility_significant=True,
                impact_on_worker="Dreads the visits and has put the last one off twice. Sleeping badly before them.",
                impact_on_work="The children's growth has not been checked for six weeks; the home conditions "
                               "have not been seen.",
                risk_to_child="Alfie is quiet and watchful when his father shouts; he has learned to keep out of "
                              "the way. Living with this much anger is frightening for a small child.",
                reflective_answers=_answers(relieved="yes", afraid="sometimes", colluding="sometimes"),
                reflections="Admits feeling relieved when nobody answers; has been focusing on Kelly's own health "
                            "rather than Alfie's weight to avoid an argument.",
                measures=["two_workers", "daylight", "report_back"],
                plan="Joint visits with the social worker, mornings only, the dog shut away before entering; "
                     "phone the office when leaving.",
                plan_review_by=today + timedelta(days=42),
                decision="Continue health visiting with joint visits; weigh Alfie at the next visit.",
                decision_reason="Alfie's growth must be monitored and the hostility is directed at the health "
                                "visitor alone.",
                safe_working="Two workers, mornings only, and the visit ends at once if the dog is not shut away.",
                safe_working_reason="The shouting is worse in the evening and the dog has been used to intimidate.",
            )
        else:
            families = families_to_discuss(worker=practitioner, limit=1)
            if families:
                services.case_discussion_add(
                    session=session, by=boss, family=families[0].family, hostility=Hostility.ANTICIPATED,
                    hostility_detail="Parents have refused other agencies entry; expects the same.",
                    impact_on_work="Visits arranged at short notice are refused.",
                    risk_to_child="The children are not seen at home; their living conditions are not known.",
                    reflective_answers=_answers(keeping_concerns="sometimes"),
                    measures=["manager_informed"], plan="Tell the manager before each visit; offer an office "
                                                         "appointment if entry is refused.",
                    decision="Raise the refusals at the next professionals meeting.",
                    decision_reason="Non-engagement is a trigger for multi-agency action (P-2).",
                )

    # SUP-4: a health visitor overdue supervision, with two cancellations and three incidents since the last one.
    overdue = _overdue_worker(region)
    _incidents_since(region, overdue, today)
    services.supervision_record(by=manager, worker=overdue, held_on=today - timedelta(days=72),
                                health_and_safety_discussed=False)
    services.supervision_cancel(by=manager, worker=overdue, planned_for=today - timedelta(days=40),
                                cancelled_on=today - timedelta(days=41), cancelled_by_whom=CancelledBy.MANAGER,
                                reason="Manager called to a strategy meeting.")
    services.supervision_cancel(by=manager, worker=overdue, planned_for=today - timedelta(days=12),
                                cancelled_on=today - timedelta(days=12), cancelled_by_whom=CancelledBy.WORKER,
                                reason="Urgent visit to another family.")
    services.supervision_plan(by=manager, worker=region.practitioner("health", 3), planned_for=today + timedelta(days=7))
    scheduled.supervision_overdue_sweep(now=timezone.now())
