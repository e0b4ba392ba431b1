"""Who sees supervision (P-4, SUP-1) and the manager's oversight (SUP-4, OVR-3)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditEvent
from doorstep.supervision import oversight, selectors
from doorstep.testing.factories import ProfessionalFactory
from doorstep.testing.escalations import rule_set

from .builders import DECISION, REFLECTION, case, held


@pytest.mark.django_db
class TestWhoSeesReflections:
    def test_the_worker_and_their_manager_read_the_record_and_its_reads_are_audited(self, world):
        discussion = case(world)
        for who in ("involved_practitioner", "involved_manager"):
            record = selectors.session_get_for(professional=world.users[who], session_id=discussion.session_id)
            assert record.case_list[0].reflections == REFLECTION
        assert AuditEvent.objects.filter(object_type="supervision.CaseDiscussion", action="view",
                                         family=world.family).count() == 2

    def test_another_manager_of_the_same_agency_is_refused(self, world):
        discussion = case(world)
        colleague = ProfessionalFactory(agency=world.users["involved_manager"].agency, role="manager")
        with pytest.raises(Http404):
            selectors.session_get_for(professional=colleague, session_id=discussion.session_id)
        assert AuditEvent.objects.filter(actor=colleague, action="denied").exists()

    def test_a_new_line_manager_sees_the_history(self, world):
        discussion = case(world)
        successor = ProfessionalFactory(agency=world.users["involved_manager"].agency, role="manager")
        worker = world.users["involved_practitioner"]
        worker.line_manager = successor
        worker.save()
        assert selectors.session_get_for(professional=successor, session_id=discussion.session_id)

    def test_pages_show_reflections_only_in_the_record(self, world, client):
        """SUP-2 (004 §3.4, 001 §5.1.9.5): the worker's answers to the reflective questions are kept in the record."""
        discussion = case(world)
        client.force_login(world.users["involved_practitioner"])
        record = client.get(reverse("supervision:session", args=[discussion.session_id])).content.decode()
        assert REFLECTION in record and DECISION in record
        client.force_login(world.users["other_involved"])
        decisions = client.get(reverse("supervision:family_decisions", args=[world.family.pk])).content.decode()
        assert DECISION in decisions and REFLECTION not in decisions and "Anxious before visits" not in decisions
        case_file = client.get(reverse("families:meetings", args=[world.family.pk])).content.decode()
        assert DECISION in case_file and REFLECTION not in case_file
        api = client.get(f"/api/v1/supervision/decisions/?family={world.family.pk}").json()
        assert [d["decision"] for d in api["results"]] == [DECISION]
        assert client.get(f"/api/v1/supervision/sessions/{discussion.session_id}/").status_code == 404

    def test_the_api_gives_the_worker_their_reflections(self, world, client):
        discussion = case(world)
        client.force_login(world.users["involved_practitioner"])
        body = client.get(f"/api/v1/supervision/sessions/{discussion.session_id}/").json()
        assert body["cases"][0]["reflections"] == REFLECTION
        assert body["cases"][0]["action_plan"]["measures"] == ["two_workers"]


@pytest.mark.django_db
class TestOversight:
    def test_each_figure(self, world):
        manager, worker = world.users["involved_manager"], world.users["involved_practitioner"]
        held(world, days_ago=40, health_and_safety_discussed=False)
        data = selectors.staff_oversight(manager=manager)
        row = data["rows"][0]
        assert row.worker == worker and row.last_held == timezone.localdate() - timedelta(days=40)
        assert row.days_since == 40 and row.overdue and row.health_and_safety is False
        assert row.families == 1  # the world's family: the worker leads it for health
        assert row.incidents == 0 and row.marked_families == 0 and not row.high_exposure
        assert data["incidents_available"] and data["markers_available"]

    def test_incidents_since_the_last_supervision_and_families_with_markers(self, world, settings):
        rule_set("OVR-3", marked_families_threshold=1)
        from doorstep.incidents.services import incident_record
        from doorstep.markers.services import marker_raise

        manager, worker = world.users["involved_manager"], world.users["involved_practitioner"]
        before = incident_record(family=world.family, by=worker, occurred_at=timezone.now() - timedelta(days=20),
                                 threats=["shouting"], account="Shouted at me", affected=[worker])
        held(world, days_ago=10)
        for days in (5, 1):
            incident_record(family=world.family, by=worker, occurred_at=timezone.now() - timedelta(days=days),
                            threats=["swearing"], account="Swore at me", affected=[worker])
        row = selectors.staff_oversight(manager=manager)["rows"][0]
        assert row.incidents == 2 and before.occurred_at < timezone.now() - timedelta(days=10)
        assert row.marked_families == 0
        marker_raise(family=world.family, by=manager, person=world.parent, category="threats", nature="Threats",
                     advice="Two workers", source="Incident", review_date=timezone.localdate() + timedelta(days=30))
        row = selectors.staff_oversight(manager=manager)["rows"][0]
        assert row.marked_families == 1 and row.high_exposure

    def test_a_broken_figure_fails_loudly_instead_of_being_not_available(self, world, monkeypatch):
        """Issue 14: the incidents record is read directly, so a renamed field is an error, never a quiet "not
        available"."""
        from django.core.exceptions import FieldError

        def renamed(*args, **kwargs):
            raise FieldError("Cannot resolve keyword 'professional_id' into field")

        monkeypatch.setattr(oversight.AffectedWorker.objects, "filter", renamed)
        with pytest.raises(FieldError):
            selectors.staff_oversight(manager=world.users["involved_manager"])

    def test_a_fixed_number_of_queries_however_many_staff(self, world, django_assert_max_num_queries):
        manager = world.users["involved_manager"]
        selectors.staff_oversight(manager=manager)
        for _ in range(12):
            ProfessionalFactory(agency=manager.agency, line_manager=manager)
        # Staff with their supervision, the families they lead, markers (2), incidents, open overdue actions, and the
        # rules' settings (SUP-4's interval, OVR-3's threshold: ESC-12) of each agency's partnership (issue 21: the
        # default partnership, the agencies' partnerships, their settings: three).
        with django_assert_max_num_queries(9):
            rows = selectors.staff_oversight(manager=manager)["rows"]
        assert len(rows) == 13

    def test_only_managers_see_oversight(self, world, client):
        client.force_login(world.users["involved_practitioner"])
        assert "oversight" not in client.get(reverse("supervision:home")).context
        assert client.get("/api/v1/supervision/oversight/").status_code == 403
        client.force_login(world.users["involved_manager"])
        held(world, days_ago=3)
        body = client.get("/api/v1/supervision/oversight/").json()
        assert body[0]["worker"] == world.users["involved_practitioner"].pk and body[0]["overdue"] is False
