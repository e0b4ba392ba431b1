"""The demo's meetings (issue 6): each scenario the issue asks for is there, built through the services."""

from django.core.management import call_command
from django.utils import timezone

from doorstep.core.workingdays import working_days_between
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.meetings.models import MeetingKind, MeetingState, MinutesState


def test_the_demo_has_the_four_meetings_the_issue_asks_for(db):
    call_command("load_demo", verbosity=0)
    from doorstep.families.models import Family

    morgan = Family.objects.get(name="Morgan household").meetings.get()
    assert morgan.kind == MeetingKind.MARP and morgan.calling_agency.kind == "housing"
    assert morgan.escalation.rule_id == "ESC-1" and morgan.escalation.state == EscalationState.DONE
    assert morgan.minutes.state == MinutesState.CIRCULATED and morgan.minutes.circulated_on_time
    assert morgan.minutes.actions.values("agency").distinct().count() == 3
    assert morgan.invitations.filter(is_specialist=True, confidentiality_accepted_at__isnull=False, attended=True)

    owen = Family.objects.get(name="Owen household").meetings.get()
    assert owen.state == MeetingState.HELD and owen.minutes.state == MinutesState.DRAFT
    overdue = Escalation.objects.get(key=f"MTG-4:meeting:{owen.pk}")
    assert overdue.is_active and overdue.deadline < timezone.now()

    price = Family.objects.get(name="Price household").meetings.get()
    assert price.minutes.plan_agreed is False and price.minutes.no_plan_reason
    assert price.minutes.state == MinutesState.CIRCULATED

    core = Family.objects.get(meetings__kind=MeetingKind.CORE_GROUP).meetings.get()
    assert core.escalation.rule_id == "ESC-2" and core.escalation.state == EscalationState.DONE
    triggered = timezone.localtime(core.escalation.created_at).date()
    assert working_days_between(triggered, core.held_on) <= 3
