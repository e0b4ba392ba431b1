"""UK GDPR Article 16 in the API: a request logged, read and decided through the same services as the pages (RIG-2);
the family's account on contacts and incidents."""

from django.utils import timezone

from doorstep.engagement.tests.helpers import record
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.recording.models import CorrectionRequest


def test_article_16_log_read_and_decide_a_request_through_the_api(world, client):
    contact = record(world, note="Nobody answered.")
    client.force_login(world.users["other_involved"])
    bad = client.post("/api/v1/correction-requests/", {"record_kind": "contact", "record_id": contact.pk,
                                                      "person": world.parent.pk, "request_text": "x",
                                                      "received_on": "2999-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and "received_on" in bad.json()
    logged = client.post("/api/v1/correction-requests/", {
        "record_kind": "contact", "record_id": contact.pk, "person": world.parent.pk,
        "received_on": timezone.localdate().isoformat(), "request_text": "I was in."}, content_type="application/json")
    assert logged.status_code == 201, logged.json()
    body = logged.json()
    assert body["contact"] == contact.pk and body["state"] == "awaiting" and body["due_on"]
    assert client.get(f"/api/v1/correction-requests/{body['id']}/").json()["request_text"] == "I was in."
    decide = f"/api/v1/correction-requests/{body['id']}/decide/"
    assert client.post(decide, {"decision": "not_corrected", "reason": "x", "statement": "y"},
                       content_type="application/json").status_code == 403  # not the recording agency
    client.force_login(world.users["involved_practitioner"])
    decided = client.post(decide, {"decision": "not_corrected", "reason": "We knocked twice.",
                                   "statement": "I was in the garden."}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["statement"] == "I was in the garden."
    assert CorrectionRequest.objects.get().state == "not_corrected"
    assert Escalation.objects.get(rule_id="RIG-2").state == EscalationState.DONE


def test_rig_2_the_familys_account_through_the_api(world, client):
    client.force_login(world.users["involved_practitioner"])
    created = client.post(f"/api/v1/families/{world.family.pk}/contacts/", {
        "kind": "phone", "outcome": "seen", "occurred_at": timezone.now().isoformat(), "note": "Spoke to Mum.",
        "family_account": "Mum says the appointment letter never came."}, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["family_account"] == "Mum says the appointment letter never came."
