"""The written agreement pages: drafting from the case file, the PDF, breaches from a contact (AGR-1, AGR-2)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.agreements.models import AgreementBreach, AgreementVersion, VersionState
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families import services as family_services

from .builders import PDF_BYTES, issued, signed
from .test_document import pdf_text
from .test_services import make_contact, make_incident


def _date(prefix, value):
    return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}


@pytest.mark.django_db
def test_drafting_from_the_case_file_defaults_to_the_parents_language(world, client):
    worker = world.users["involved_practitioner"]
    family_services.person_update(person=world.parent, by=worker, correspondence_language="cy")
    client.force_login(worker)
    url = reverse("agreements:create", kwargs={"family_id": world.family.pk})
    page = client.get(url)
    assert page.context["form"]["language"].value() == "cy"
    assert page.context["form"]["people"].value() == [world.parent.pk]
    data = {"language": "cy", "people": [world.parent.pk], "behaviours": ["threats"], "expectations": ["calm"],
            "commitments": ["respect"], f"agency_{world.involvement.agency_id}": "Ymweld bob mis",
            "consequences": ["legal"], "professionals": [worker.pk],
            **_date("review_date", timezone.localdate() + timedelta(days=30))}
    response = client.post(url, data)
    version = AgreementVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("agreements:version", args=[version.pk])
    assert version.language == "cy"
    assert version.terms.get(section="agency").text == "Ymweld bob mis"


@pytest.mark.django_db
def test_a_draft_with_nothing_chosen_shows_each_error_on_its_field(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.post(reverse("agreements:create", kwargs={"family_id": world.family.pk}), {"language": "en"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"behaviours", "expectations", "commitments", "consequences", "people", "professionals",
            "review_date"} <= set(errors)
    assert not AgreementVersion.objects.exists()


@pytest.mark.django_db
def test_pdf_download_is_audited_and_in_the_familys_language(world, client):
    version = issued(world, language="cy")
    client.force_login(world.users["other_involved"])
    response = client.get(reverse("agreements:version_pdf", args=[version.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "cytundeb-ysgrifenedig" in response["Content-Disposition"]
    assert "Ymddygiad nad yw'n dderbyniol" in pdf_text(response.content)
    assert AuditEvent.objects.filter(actor=world.users["other_involved"], action="export",
                                     object_id=str(version.pk)).exists()


@pytest.mark.django_db
def test_issue_then_record_the_signature_with_the_scan(world, client):
    worker = world.users["involved_practitioner"]
    version = issued(world)
    client.force_login(worker)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("agreements:version_respond", args=[version.pk]), {
        "signed": "yes", "people": [world.parent.pk], **_date("on", timezone.localdate()),
        "signed_copy": SimpleUploadedFile("scan.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == VersionState.SIGNED
    download = client.get(reverse("agreements:signed_copy", args=[version.pk]))
    assert download.content == PDF_BYTES


@pytest.mark.django_db
def test_a_breach_from_a_contact(world, client):
    version = signed(world, with_copy=False)
    contact = make_contact(world)
    client.force_login(world.users["other_involved"])
    url = reverse("agreements:breach_create") + f"?contact={contact.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "occurred_on" not in page.context["form"].fields
    term = version.terms.get(code="swearing")
    response = client.post(url, {"term": term.pk, "description": "Swore at the officer"})
    assert response.status_code == 302
    breach = AgreementBreach.objects.get()
    assert breach.contact == contact and breach.term == term and breach.occurred_at == contact.occurred_at
    detail = client.get(reverse("agreements:detail", args=[version.agreement_id]))
    assert "Swore at the officer" in detail.content.decode()


@pytest.mark.django_db
def test_a_breach_from_a_contact_of_a_family_you_cannot_see_is_refused_and_audited(world, client):
    issued(world)
    contact = make_contact(world)
    client.force_login(world.users["uninvolved"])
    response = client.get(reverse("agreements:breach_create") + f"?contact={contact.pk}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=world.users["uninvolved"], action="denied",
                                     object_id=str(world.family.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?incident=1", "?contact=abc", "?contact=999999"])
def test_a_breach_needs_a_real_source(world, client, query):
    issued(world)
    client.force_login(world.users["involved_practitioner"])
    assert client.get(reverse("agreements:breach_create") + query).status_code == 404


@pytest.mark.django_db
def test_a_breach_from_an_incident(world, client):
    version = issued(world)
    incident = make_incident(world)
    client.force_login(world.users["other_involved"])
    url = reverse("agreements:breach_create") + f"?incident={incident.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"term": version.terms.get(code="shouting").pk, "description": "Threats at the door"})
    assert response.status_code == 302 and AgreementBreach.objects.get().incident_id == incident.pk
    client.force_login(world.users["uninvolved"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_family_without_an_agreement_is_told_so(world, client):
    contact = make_contact(world)
    client.force_login(world.users["involved_practitioner"])
    response = client.get(reverse("agreements:breach_create") + f"?contact={contact.pk}")
    assert response.status_code == 200
    assert reverse("agreements:create", args=[world.family.pk]) in response.content.decode()


@pytest.mark.django_db
def test_case_file_panel_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    version = issued(world)
    by = world.users["involved_practitioner"]
    client.force_login(by)
    url = reverse("families:agreement", args=[world.family.pk])  # issue 18: the case file's Agreement sub page
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert "Breaches" in client.get(url).content.decode()
    for i in range(5):
        from doorstep.agreements import services

        services.agreement_breach_record(agreement=version.agreement, by=by, description=f"Breach {i}",
                                         term=version.terms.filter(section="behaviour").first(),
                                         occurred_at=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.django_db
def test_api_agreement_and_breach(world, client):
    version = issued(world, language="cy")
    client.force_login(world.users["other_involved"])
    detail = client.get(f"/api/v1/agreements/{version.agreement_id}/").json()
    assert detail["versions"][0]["state"] == "issued"
    body = client.get(f"/api/v1/agreement-versions/{version.pk}/").json()
    assert "Gweiddi neu godi eich llais arnom ni" in body["document"]
    term = version.terms.get(code="shouting")
    created = client.post(f"/api/v1/agreements/{version.agreement_id}/breaches/",
                          {"term": term.pk, "description": "Shouting", "contact": make_contact(world).pk},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["term"] == term.pk
    bad = client.post(f"/api/v1/agreements/{version.agreement_id}/breaches/",
                      {"term": term.pk, "description": "x", "occurred_at": "2999-01-01T10:00:00Z"},
                      content_type="application/json")
    assert bad.status_code == 400 and "occurred_at" in bad.json()
    assert client.get(f"/api/v1/agreements/?family={world.other_family.pk}").status_code == 404


@pytest.mark.django_db
def test_a_commitment_for_an_agency_not_involved_is_refused_and_nothing_is_saved(world, client):
    """Issue 13, finding 10: `agency_<id>` for an agency not involved with the family was dropped silently."""
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    housing = world.users["uninvolved"].agency
    data = {"language": "en", "people": [world.parent.pk], "behaviours": ["threats"], "expectations": ["calm"],
            "commitments": ["respect"], f"agency_{housing.pk}": "Housing will evict",
            "consequences": ["legal"], "professionals": [worker.pk],
            **_date("review_date", timezone.localdate() + timedelta(days=30))}
    audit_before = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    response = client.post(reverse("agreements:create", kwargs={"family_id": world.family.pk}), data)
    assert response.status_code == 200
    body = response.content.decode()
    first = f"id_agency_{world.involvement.agency_id}"
    assert f'<a href="#{first}">Only agencies involved with the family can make commitments</a>' in body
    assert not AgreementVersion.objects.exists()
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == audit_before
