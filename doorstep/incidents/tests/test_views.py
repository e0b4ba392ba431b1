"""Incident pages and API: who sees the fact of the risk, the worker's account, and the impact on the worker."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.engagement.models import Contact, ContactKind, Outcome, ThreatKind
from doorstep.families import services as family_services
from doorstep.families.models import BreakGlassGround, Involvement
from doorstep.incidents.models import AffectedWorker, Incident
from doorstep.notifications.models import Notification

from .test_services import record

ACCOUNT = "He stood over me in the doorway and shouted."
IMPACT = "I could not sleep and dread the next visit."


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_fact_of_the_risk_is_shared_but_the_account_only_within_the_recording_agency(world, client):
    incident = record(world, account=ACCOUNT, impact=IMPACT, threat_to_kill=True)
    url = reverse("incidents:detail", args=[incident.pk])
    own = _page(client, world.users["involved_manager"], url).content.decode()
    other = _page(client, world.users["other_involved"], url).content.decode()
    assert ACCOUNT in own and "Threat to kill" in own
    assert ACCOUNT not in other and 'id="account-withheld"' in other and "Threat to kill" in other
    # The impact on the worker is on no incident page, whoever reads it.
    assert IMPACT not in own and IMPACT not in other


def test_once_the_manager_shares_it_every_involved_agency_reads_the_account(world, client):
    incident = record(world, account=ACCOUNT)
    client.force_login(world.users["involved_manager"])
    response = client.post(reverse("incidents:share", args=[incident.pk]), {"reason": "Referral to CSC"})
    assert response.status_code == 302
    assert ACCOUNT in _page(client, world.users["other_involved"], reverse("incidents:detail", args=[incident.pk])
                            ).content.decode()


def test_the_impact_page_is_the_workers_and_their_managers_only(world, client):
    incident = record(world, impact=IMPACT)
    url = reverse("incidents:worker", args=[AffectedWorker.objects.get(incident=incident).pk])
    assert IMPACT in _page(client, world.users["involved_practitioner"], url).content.decode()
    assert IMPACT in _page(client, world.users["involved_manager"], url).content.decode()
    for role in ("other_involved", "involved_postholder", "uninvolved_manager", "break_glass"):
        assert _page(client, world.users[role], url).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="incidents.AffectedWorker").exists()


def test_the_api_withholds_the_account_and_never_carries_the_impact(world, client):
    incident = record(world, account=ACCOUNT, impact=IMPACT)
    client.force_login(world.users["other_involved"])
    data = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert data["account"] is None and data["account_withheld"] is True
    assert data["threats"] == [ThreatKind.SHOUTING]
    assert IMPACT not in str(data)
    assert client.get(f"/api/v1/incident-workers/{incident.affected.get().pk}/").status_code == 404
    client.force_login(world.users["involved_manager"])
    own = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    assert own["account"]["account"] == ACCOUNT and IMPACT not in str(own)
    assert client.get(f"/api/v1/incident-workers/{incident.affected.get().pk}/").json()["impact"] == IMPACT


def test_recording_through_the_api_applies_the_same_rules(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.post("/api/v1/incidents/", {
        "family": world.family.pk, "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "threats": ["physical_violence"], "account": "Pushed me", "people": [world.parent.pk],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert [a.professional for a in incident.affected.all()] == [world.users["involved_practitioner"]]
    assert Notification.objects.filter(dedupe_key=f"ESC-5:incident:{incident.pk}").count() == 2


def _contact(world, **fields) -> Contact:
    # The engagement record's services belong to issue 3; the row is made directly here.
    values = dict(family=world.family, agency=world.users["involved_practitioner"].agency,
                  recorded_by=world.users["involved_practitioner"], kind=ContactKind.HOME_VISIT,
                  occurred_at=timezone.now() - timedelta(hours=3), outcome=Outcome.CUT_SHORT,
                  threats=[ThreatKind.ANIMALS, ThreatKind.THREAT_TO_KILL])
    values.update(fields)
    contact = Contact.objects.create(**values)
    contact.adults_present.set([world.parent])
    return contact


def test_an_incident_starts_from_a_contact_in_one_step(world, client):
    contact = _contact(world)
    client.force_login(world.users["involved_practitioner"])
    url = reverse("incidents:create") + f"?contact={contact.pk}"
    page = client.get(url).content.decode()
    assert 'name="threats" type="checkbox" value="animals" checked' in page
    assert f'name="people" type="checkbox" value="{world.parent.pk}" checked' in page
    when = timezone.localtime(contact.occurred_at)
    response = client.post(url, {
        "occurred_on_0": when.day, "occurred_on_1": when.month, "occurred_on_2": when.year,
        "occurred_time": when.strftime("%H:%M"), "at_home": "yes", "people": [world.parent.pk],
        "affected": [world.users["involved_practitioner"].pk], "threats": ["animals"], "threat_to_kill": "yes",
        "injury": "no", "police_informed": "no", "account": "The dog was set on me.",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.contact == contact and incident.threat_to_kill and incident.at_home
    assert response["Location"] == reverse("incidents:detail", args=[incident.pk])


def test_starting_from_a_contact_of_a_family_you_may_not_see_is_refused(world, client):
    contact = _contact(world)
    client.force_login(world.users["uninvolved"])
    assert client.get(reverse("incidents:create") + f"?contact={contact.pk}").status_code == 404
    client.force_login(world.users["involved_practitioner"])
    assert client.get(reverse("incidents:create")).status_code == 404


def test_the_form_shows_errors_and_saves_nothing(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.post(reverse("incidents:create", args=[world.family.pk]), {"at_home": "no"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter where it happened" in page and not Incident.objects.exists()


def test_the_case_file_shows_the_incident_panel_and_the_export_carries_it(world, client):
    """INC-2 (003 §5.3): a referral or export carries every incident in full (the fact of the risk, never the
    worker's own account)."""
    from doorstep.families.casefile import export_sections

    incident = record(world, account=ACCOUNT, threat_to_kill=True, police_reference="")
    page = _page(client, world.users["other_involved"], reverse("families:safety", args=[world.family.pk]))
    html = page.content.decode()
    assert 'id="incidents-panel"' in html and reverse("incidents:detail", args=[incident.pk]) in html
    sections = {s["title"]: s["lines"] for s in export_sections(family=world.family)}
    lines = sections["Threats and violence towards professionals"]
    assert len(lines) == 1 and "Threat to kill" in lines[0] and ACCOUNT not in lines[0]
    assert "held by Health Board" in lines[0]


def test_emergency_access_alone_gets_no_police_or_share_form(world, client):
    """Issue 13: the police recorded the incident, then left the family; their manager, on emergency access only,
    may read the incident but is refused the pages that change it (read-only), whatever they post."""
    worker = world.users["other_involved"]
    manager = worker.line_manager
    incident = record(world, by=worker, affected=[worker])
    police = Involvement.objects.get(family=world.family, agency=worker.agency)
    family_services.involvement_end(involvement=police, by=worker, reason="Case closed")
    family_services.break_glass_open(professional=manager, family_reference=world.family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    client.force_login(manager)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 200
    for name in ("incidents:police", "incidents:share"):
        url = reverse(name, args=[incident.pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    response = client.post(f"/api/v1/incidents/{incident.pk}/share/", {"reason": "Referral"},
                           content_type="application/json")
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.account_shared_at is None and incident.police_informed_at is None
