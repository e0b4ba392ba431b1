"""AGR-1 end to end: a health visitor drafts a written agreement for a Welsh-speaking family from the case file,
downloads the PDF, and the PDF says the chosen terms in Welsh."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from doorstep.families import services as family_services
from doorstep.testing.browser import browser_page, sign_in


@pytest.mark.browser
def test_draft_a_welsh_agreement_and_download_its_pdf(browser_world, live_server, tmp_path):
    world = browser_world
    worker = world.users["involved_practitioner"]
    family_services.person_update(person=world.parent, by=worker, correspondence_language="cy")
    review = timezone.localdate() + timedelta(days=42)

    with browser_page() as page:
        sign_in(page, live_server.url, worker.username, "correct-horse-battery")
        page.goto(f"{live_server.url}/families/{world.family.pk}/")
        page.locator(".moj-sub-navigation").get_by_role("link", name="Agreement").click()  # issue 18
        page.get_by_role("link", name="Draft a written agreement").click()

        # FAM-4: the parent asked for Welsh, so the agreement is in Welsh unless the professional changes it.
        assert page.get_by_label("Welsh", exact=True).is_checked()
        assert page.get_by_label("Kelly Testing (Parent)").is_checked()
        page.get_by_label("Swearing at us").check()
        page.get_by_label("Using a dog or other animal to frighten us").check()
        page.get_by_label("Other behaviour that is not acceptable").fill("Gadael y ci'n rhydd yn y tŷ")
        page.get_by_label("Let us see the children, and speak to them on their own").check()
        page.locator("#id_review_date_0").fill(str(review.day))
        page.locator("#id_review_date_1").fill(str(review.month))
        page.locator("#id_review_date_2").fill(str(review.year))
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("heading", name="Written agreement, version 1")).to_be_visible()  # waits for the page

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download the PDF").click()
        download = download_info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)

    assert download.suggested_filename.startswith("cytundeb-ysgrifenedig-")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages).split())
    for welsh in ("Cytundeb ysgrifenedig", "Ymddygiad nad yw'n dderbyniol", "Rhegi arnom ni",
                  "Defnyddio ci neu anifail arall i godi ofn arnom ni", "Gadael y ci'n rhydd yn y tŷ",
                  "Gadael i ni weld y plant, a siarad â nhw ar eu pen eu hunain"):
        assert welsh in text
    assert "Swearing at us" not in text
