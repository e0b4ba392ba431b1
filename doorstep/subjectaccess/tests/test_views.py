"""RIG-1 pages, bundle and API (issue 20): the redacted words are not in the PDF at all, the bundle is in the
requester's language, the family's workers see only that a request exists, and pages cost a bounded number of
queries."""

import base64
import io
import re

import pypdf
import pytest
from django.urls import reverse

from doorstep.subjectaccess.models import DisclosureItem, ItemKind, Redaction, RedactionState
from doorstep.testing.pdf import structure
from doorstep.testing.pdf import text as pdf_text

from .helpers import FATHER, gathered, record, with_records


def _words(content: bytes) -> tuple[str, str]:
    """The PDF's text as pdftotext and as pypdf read it, whitespace collapsed."""
    poppler = re.sub(r"\s+", " ", pdf_text(content))
    py = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))
    return poppler, py


def test_rig_1_redacted_text_is_not_recoverable_from_the_bundle(world, client):
    found = gathered(world)
    client.force_login(world.users["involved_practitioner"])
    response = client.get(reverse("subjectaccess:bundle", args=[found.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    for words in _words(content):
        assert FATHER not in words and "Dean left" not in words and "Dean Testing" not in words
        assert "TP" in words  # the box shows its ground's code
        assert "Dean was asleep" in words  # the subject's own words are not withheld from her
        assert "Information Commissioner" in words
    assert b"Dean Testing" not in content
    language, tags = structure(content)
    assert language == "en" and "H1" in tags


def test_rig_1_bundle_in_the_requesters_language(world, client):
    with_records(world)
    found = record(world, language="cy")
    from doorstep.subjectaccess import services

    services.request_gather(request=found, by=world.users["involved_practitioner"])
    client.force_login(world.users["involved_manager"])
    content = client.get(reverse("subjectaccess:bundle", args=[found.pk])).content
    language, _tags = structure(content)
    assert language == "cy"
    poppler, _py = _words(content)
    assert "Comisiynydd Gwybodaeth" in poppler and FATHER not in poppler


def test_rig_1_review_page_preview_and_adding_a_redaction(world, client, django_assert_max_num_queries):
    found = gathered(world)
    officer = world.users["involved_practitioner"]
    item = DisclosureItem.objects.get(request=found, kind=ItemKind.CONTACT, agency=officer.agency)
    client.force_login(officer)
    url = reverse("subjectaccess:item", args=[found.pk, item.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200
    preview = page.content.decode().split("Redactions")[0]
    assert "Dean left" not in preview and "withheld: TP" in preview
    bad = client.post(url, {"text": "nowhere", "ground": "TP"})
    assert "These words are not in this record" in bad.content.decode() and "govuk-error-summary" in bad.content.decode()
    client.post(url, {"text": "shouted at the door", "ground": "SH"})
    assert Redaction.objects.get(item=item, text="shouted at the door").state == RedactionState.CONFIRMED
    proposal = Redaction.objects.filter(item=item, state=RedactionState.PROPOSED).first()
    client.post(reverse("subjectaccess:redaction", args=[found.pk, proposal.pk]), {"decision": "release"})
    assert Redaction.objects.get(pk=proposal.pk).state == RedactionState.REMOVED


def test_rig_1_request_pages_bounded_queries(world, client, django_assert_max_num_queries):
    found = gathered(world)
    client.force_login(world.users["involved_practitioner"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("subjectaccess:detail", args=[found.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("subjectaccess:list")).status_code == 200


def test_rig_1_the_familys_workers_see_only_that_a_request_exists(world, client):
    found = gathered(world)
    client.force_login(world.users["other_involved"])
    page = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "A subject access request is being answered" in page
    assert reverse("subjectaccess:detail", args=[found.pk]) not in page
    assert client.get(reverse("subjectaccess:detail", args=[found.pk])).status_code == 404


def test_rig_1_record_form_refuses_a_future_date_with_the_field_linked(world, client):
    gathered(world)
    client.force_login(world.users["involved_practitioner"])
    url = reverse("subjectaccess:new", args=[world.family.pk])
    page = client.post(url, {
        "subject": world.parent.pk, "requester_kind": "subject", "identity_check": "photo_id", "language": "en",
        "identity_checked_on_0": "1", "identity_checked_on_1": "1", "identity_checked_on_2": "2020",
        "received_on_0": "1", "received_on_1": "1", "received_on_2": "2099"}).content.decode()
    assert "The date the request was received must be today or in the past" in page
    assert 'href="#id_received_on_0"' in page
    missing = client.post(url, {"requester_kind": "subject"}).content.decode()
    assert "govuk-error-summary" in missing and 'href="#id_subject_0"' in missing


def test_rig_1_api_items_are_redacted(world, client):
    found = gathered(world)
    client.force_login(world.users["involved_practitioner"])
    rows = client.get(f"/api/v1/subject-access/requests/{found.pk}/items/").json()
    text = " ".join(line["text"] for row in rows for line in row["lines"])
    assert "Dean left" not in text and "[TP]" in text
    listed = client.get("/api/v1/subject-access/requests/").json()
    assert [r["reference"] for r in listed["results"]] == [found.reference]
    bundle = client.get(f"/api/v1/subject-access/requests/{found.pk}/bundle/").json()
    content = base64.b64decode(bundle["content"])
    assert bundle["media_type"] == "application/pdf" and content.startswith(b"%PDF")
    assert all(FATHER not in words for words in _words(content))


@pytest.mark.parametrize("role", ["other_involved", "involved_postholder"])
def test_rig_1_api_refuses_those_who_do_not_hold_the_request(world, client, role):
    found = gathered(world)
    client.force_login(world.users[role])
    assert client.get(f"/api/v1/subject-access/requests/{found.pk}/").status_code in (403, 404)


def test_rig_1_pages_run_the_same_queries_for_three_times_the_records(world, client):
    """Issue 15: the request's page, a record's review page and the bundle's items do not grow with the records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from doorstep.subjectaccess import services

    officer = world.users["involved_practitioner"]
    client.force_login(officer)

    def counts() -> tuple[int, ...]:
        found = record(world)
        services.request_gather(request=found, by=officer)
        item = found.items.order_by("-id").first()
        measured = []
        for url in (reverse("subjectaccess:detail", args=[found.pk]),
                    reverse("subjectaccess:item", args=[found.pk, item.pk]),
                    f"/api/v1/subject-access/requests/{found.pk}/items/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            measured.append(len(queries))
        return tuple(measured)

    with_records(world)
    first = counts()
    with_records(world)
    with_records(world)
    assert counts() == first
