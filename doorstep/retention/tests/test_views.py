"""Issue 20 pages: the records manager's list (with its reasons, audited, in Welsh, in a number of queries that does
not grow with the list), the hold and erasure forms with their errors, and the schedule for administrators. The
access matrix (core/tests/test_access_matrix.py, retention/tests/access.py) covers who is refused."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.families.models import Person
from doorstep.retention.models import ErasureRequest, ErasureState, LegalHold, RetentionPeriod
from doorstep.retention.scheduled import retention_nightly

from .helpers import closed_family, proposal, second_records_manager


def _review_queries(client) -> int:
    client.get(reverse("retention:review"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("retention:review")).status_code == 200
    return len(queries)


def test_retention_records_manager_sees_families_past_retention_with_reasons_audited(world, client):
    family = closed_family(world)
    retention_nightly(now=timezone.now())
    officer = world.users["involved_manager"]
    client.force_login(officer)
    html = client.get(reverse("retention:review")).content.decode()
    assert "Pendragon household" in html and "Testing household" not in html
    assert "Records about adults only: kept until" in html
    assert reverse("retention:family", args=[family.pk]) in html
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.VIEW, family=family).exists()



def test_retention_pages_in_welsh(world, client):
    family = closed_family(world)
    retention_nightly(now=timezone.now())
    found = proposal(world)
    exact, patterns = _english_messages()
    client.force_login(world.users["involved_manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    for url in (reverse("retention:review"), reverse("retention:family", args=[family.pk]),
                reverse("retention:hold", args=[family.pk]), reverse("retention:decide", args=[found.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert [t for t in english_found(response.content.decode(), exact, patterns) if t not in ALLOWED] == [], url
    html = client.get(reverse("retention:review")).content.decode()
    assert "Cofnodion am oedolion yn unig: cedwir tan" in html


def test_retention_review_page_queries_do_not_grow_with_the_list(world, client):
    closed_family(world)
    retention_nightly(now=timezone.now())
    client.force_login(world.users["involved_manager"])
    one = _review_queries(client)
    for n in range(4):
        closed_family(world, name=f"Gone{n} household", surname=f"Gone{n}")
    proposal(world)
    retention_nightly(now=timezone.now())
    assert _review_queries(client) == one


def test_retention_hold_and_proposal_through_the_pages(world, client):
    family = closed_family(world)
    second = second_records_manager(world)
    client.force_login(second)
    refused = client.post(reverse("retention:hold", args=[family.pk]), {"ground": "other"})
    assert refused.status_code == 200 and "Say why the family&#x27;s records are held" in refused.content.decode()
    assert not LegalHold.objects.exists()
    client.post(reverse("retention:hold", args=[family.pk]), {"ground": "inquiry", "note": "Review 4."})
    hold = LegalHold.objects.get()
    page = client.post(reverse("retention:propose", args=[family.pk]), {"note": ""}).content.decode()
    assert "legal hold" in page and not ErasureRequest.objects.exists()
    client.post(reverse("retention:lift", args=[hold.pk]), {"note": "Review closed."})
    client.post(reverse("retention:propose", args=[family.pk]), {"note": "Past retention."})
    found = ErasureRequest.objects.get()
    # The proposer's line manager (involved_manager) is told, with a link to decide.
    assert world.users["involved_manager"].notifications.filter(
        link=reverse("retention:decide", args=[found.pk])).exists()
    # The proposer cannot decide it.
    assert client.post(reverse("retention:decide", args=[found.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(world.users["involved_manager"])
    response = client.post(reverse("retention:decide", args=[found.pk]), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.state == ErasureState.ERASED and Person.objects.get(family=family).given_name == ""


def test_retention_schedule_page_refuses_bad_input_and_saves(world, client):
    client.force_login(world.users["administrator"])
    page = client.get(reverse("retention:schedule")).content.decode()
    assert "Limitation Act 1980" in page and "partnership to confirm" in page
    data = {"looked_after_years": 75, "looked_after_older_years": 75, "child_protection_years": 25,
            "child_protection_older_years": 26, "children_years": 25, "children_older_years": 26,
            "adults_years": 0, "police_years": 6, "reason": ""}
    refused = client.post(reverse("retention:schedule"), data)
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html and "#id_adults_years" in html
    assert not RetentionPeriod.objects.exists()
    data.update(adults_years=7, reason="The partnership's policy, 2026.")
    assert client.post(reverse("retention:schedule"), data).status_code == 302
    assert RetentionPeriod.objects.get().years == 7
