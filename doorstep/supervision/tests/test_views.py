"""The manager records a supervision and a case discussed through the pages (SUP-1..3, SUP-5)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from doorstep.supervision.models import CaseDiscussion, ReflectiveQuestion, SupervisionSession


@pytest.mark.django_db
def test_record_a_supervision_and_a_case_through_the_pages(world, client):
    worker = world.users["involved_practitioner"]
    client.force_login(world.users["involved_manager"])
    today = timezone.localdate()
    response = client.post(reverse("supervision:record", args=[worker.pk]), {
        "held_on_0": today.day, "held_on_1": today.month, "held_on_2": today.year,
        "health_and_safety_discussed": "on", "health_and_safety_note": "Lone working",
    })
    session = SupervisionSession.objects.get()
    assert response["Location"] == reverse("supervision:session", args=[session.pk])
    page = client.get(reverse("supervision:case_add", args=[session.pk]))
    assert [c[0] for c in page.context["form"].fields["family"].choices] == [world.family.pk]
    data = {"reference": world.family.reference.lower(), "hostility": "anticipated",
            "hostility_detail": "Father may be home", "risk_to_child": "Unknown", "plan": "Office visits only",
            "measures": ["neutral_venue"], "decision": "Offer office appointments", "decision_reason": "Safety",
            **{f"q_{q}": "no" for q in ReflectiveQuestion.values}}
    incomplete = client.post(reverse("supervision:case_add", args=[session.pk]), {**data, "q_afraid": ""})
    assert incomplete.status_code == 200 and "q_afraid" in incomplete.context["form"].errors
    done = client.post(reverse("supervision:case_add", args=[session.pk]), data)
    assert done.status_code == 302
    discussion = CaseDiscussion.objects.get()
    assert discussion.family == world.family and discussion.action_plan.measures == ["neutral_venue"]
    assert discussion.reflective_answers == {q: "no" for q in ReflectiveQuestion.values}


@pytest.mark.django_db
def test_a_family_reference_the_worker_cannot_see_is_refused_on_the_form(world, client):
    client.force_login(world.users["involved_manager"])
    from .builders import held

    session = held(world)
    response = client.post(reverse("supervision:case_add", args=[session.pk]), {
        "reference": world.other_family.reference, "hostility": "none", "risk_to_child": "x", "decision": "x",
        "decision_reason": "x", **{f"q_{q}": "no" for q in ReflectiveQuestion.values}})
    assert response.status_code == 200 and "reference" in response.context["form"].errors
    assert not CaseDiscussion.objects.exists()


@pytest.mark.django_db
def test_navigation_shows_supervision_to_workers_and_managers_only(world, client):
    for who, shown in (("involved_practitioner", True), ("involved_manager", True), ("board_chair", False),
                       ("administrator", False)):
        client.force_login(world.users[who])
        nav = [item["href"] for item in client.get(reverse("home")).context["navigation"]]
        assert (reverse("supervision:home") in nav) is shown, who


@pytest.mark.django_db
def test_supervision_writes_nothing_to_a_family_held_on_emergency_access_alone(world, client):
    """Issue 13 (finding 3, found by the every-method matrix): a supervision decision reaches the family's
    chronology, so it is a write. Once the worker's agency has ended its involvement, emergency access held by the
    worker and their manager adds no case discussion (a specific error on the form) and no decision (403), and the
    family's chronology is unchanged."""
    from doorstep.chronology.models import ChronologyEntry
    from doorstep.families import services as family_services
    from doorstep.families.models import BreakGlassGround
    from doorstep.supervision import services

    from .builders import answers

    worker = world.users["other_involved"]  # the police lead
    manager = worker.line_manager
    session = services.supervision_record(by=manager, worker=worker, held_on=timezone.localdate(),
                                          health_and_safety_discussed=True, health_and_safety_note="Lone working")
    earlier = services.case_discussion_add(
        session=session, by=manager, family=world.family, hostility="none", risk_to_child="Shouting at home",
        reflective_answers=answers(), decision="Joint visits", decision_reason="Hostility at the door")
    police = world.family.involvements.get(agency=worker.agency, ended_on__isnull=True)
    family_services.involvement_end(involvement=police, by=worker, reason="Police work finished")
    later = services.supervision_record(by=manager, worker=worker, held_on=timezone.localdate(),
                                        health_and_safety_discussed=True, health_and_safety_note="Lone working")
    for person in (worker, manager):
        family_services.break_glass_open(professional=person, family_reference=world.family.reference,
                                         ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    entries = ChronologyEntry.objects.filter(family=world.family).count()
    client.force_login(manager)
    response = client.post(reverse("supervision:case_add", args=[later.pk]), {
        "reference": world.family.reference, "hostility": "none", "risk_to_child": "x", "decision": "Close",
        "decision_reason": "Ended", **{f"q_{q}": "no" for q in ReflectiveQuestion.values}})
    assert response.status_code == 200 and "reference" in response.context["form"].errors
    url = reverse("supervision:decision_add", args=[earlier.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "decision", "decision": "Close the case",
                             "reason": "Police work finished"}).status_code == 403
    assert CaseDiscussion.objects.filter(session=later).count() == 0 and earlier.decisions.count() == 1
    assert ChronologyEntry.objects.filter(family=world.family).count() == entries
    with pytest.raises(PermissionDenied):  # the services hold the same rule for any other caller
        services.supervision_decision_add(case=earlier, by=manager, decision="Close", reason="Ended")
    with pytest.raises(ValidationError) as refused:
        services.case_discussion_add(session=later, by=manager, family=world.family, hostility="none",
                                     risk_to_child="x", reflective_answers=answers(), decision="x", decision_reason="x")
    assert "family" in refused.value.message_dict
