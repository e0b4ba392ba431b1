"""Issue 18, poor signal, Done when (SAF-3, SAF-4): in a real browser at 390x844 with the browser context set offline,
"I'm safe, leaving" is kept on the phone and the page says "Not sent yet: trying again" with the numbers to phone; back
online, the check-out arrives exactly once (one visit event, one audit row). The same for "I need help now": one alarm.
The visit page installs as a web app: its manifest, and a service worker that keeps only the page shell and its static
files, never a page of family data. Runs on both passes' clocks (SQLite at 10:00 GMT, PostgreSQL at 14:00 BST)."""

import pytest
from django.db import connections

from doorstep.audit.models import AuditEvent
from doorstep.core.tests.test_browser_pages import axe_violations, sideways
from doorstep.testing.browser import browser_page, sign_in
from doorstep.visits.models import ChainStep, Visit, VisitAlert, VisitEvent, VisitStatus

from .helpers import started

PHONE = {"width": 390, "height": 844}


def _summaries(visit, summary: str) -> int:
    return AuditEvent.objects.filter(object_type="visits.Visit", object_id=str(visit.pk), summary=summary).count()


def _open_the_visit_page(page, base, world, visit):
    worker = world.users["involved_practitioner"]
    sign_in(page, base, worker.username, "correct-horse-battery")
    page.goto(f"{base}/visits/{visit.pk}/go/")
    # The service worker has taken the page shell and its files before the signal goes.
    page.wait_for_function("navigator.serviceWorker.ready.then(r => !!r.active)")


@pytest.mark.browser
def test_offline_im_safe_leaving_is_kept_shown_as_not_sent_and_arrives_once_back_online(live_server, browser_world):
    from playwright.sync_api import expect

    world = browser_world
    manager = world.users["involved_manager"]
    manager.phone = "07700 900456"
    manager.save(update_fields=["phone"])
    visit = started(world)
    base = live_server.url

    with browser_page(**PHONE) as page:
        _open_the_visit_page(page, base, world, visit)
        expect(page.locator("#not-sent")).to_be_hidden()
        # The compact header (issue 18): 227 px tall at 390x844 before, and "I'm safe, leaving" lower by as much.
        assert page.locator("header").bounding_box()["height"] <= 100
        assert page.locator("#check-out").bounding_box()["y"] < 300
        page.locator(".govuk-service-navigation__toggle").click()  # the service navigation still opens
        expect(page.locator("#navigation").get_by_role("link", name="My visits")).to_be_visible()
        page.locator(".govuk-service-navigation__toggle").click()
        expect(page.locator("#after-visit")).to_contain_text("Synthetic demonstration data only")
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 320, "height": 700})
        assert sideways(page) == 0
        page.set_viewport_size(PHONE)

        page.context.set_offline(True)
        page.locator("#check-out").click()
        banner = page.locator("#not-sent")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Not sent yet: trying again")
        expect(banner).to_contain_text("“I'm safe, leaving”, pressed at")
        expect(banner.locator("a[href='tel:999']")).to_be_visible()
        assert axe_violations(page) == []
        expect(banner.locator("a[href='tel:07700 900456']")).to_contain_text(f"Call {manager}, your line manager")
        # Pressed again while it waits: still one press.
        page.locator("#check-out").click()
        expect(page.locator("#not-sent-list li")).to_have_count(1)
        page.wait_for_timeout(2500)  # a retry with no signal: still waiting
        expect(banner).to_be_visible()
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.IN_PROGRESS
        assert not VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.CHECKED_OUT).exists()

        page.context.set_offline(False)  # the "online" event sends it at once
        expect(page.locator(".govuk-panel__title")).to_have_text("You have reported back safe")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have reported back safe.")
        expect(page.locator("#not-sent")).to_be_hidden()
        assert page.evaluate("localStorage.getItem('doorstep.visit-presses')") is None
        connections.close_all()

    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.COMPLETED
    assert VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.CHECKED_OUT).count() == 1
    assert _summaries(visit, "Visit ended: safe") == 1


@pytest.mark.browser
def test_offline_i_need_help_now_raises_one_alarm_once_back_online(live_server, browser_world):
    from playwright.sync_api import expect

    world = browser_world
    visit = started(world)
    base = live_server.url

    with browser_page(**PHONE) as page:
        _open_the_visit_page(page, base, world, visit)
        page.context.set_offline(True)
        page.locator("#help-now").click()
        expect(page.locator("#not-sent")).to_contain_text("Not sent yet: trying again")
        expect(page.locator("#not-sent")).to_contain_text("“I need help now”, pressed at")
        assert not VisitAlert.objects.filter(visit=visit).exists()
        page.context.set_offline(False)
        expect(page.locator("#alarm-title")).to_contain_text("Help requested at")
        expect(page.locator("main")).not_to_contain_text("Help was already requested")
        connections.close_all()

    assert VisitAlert.objects.filter(visit=visit, step=ChainStep.HELP).count() == 1
    assert VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.HELP).count() == 1
    assert _summaries(visit, "Help requested") == 1


@pytest.mark.browser
def test_the_visit_page_installs_and_its_service_worker_keeps_no_family_data(live_server, browser_world):
    from playwright.sync_api import expect

    world = browser_world
    visit = started(world)
    base = live_server.url

    with browser_page(**PHONE) as page:
        _open_the_visit_page(page, base, world, visit)
        manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
        assert (manifest["display"], manifest["start_url"], manifest["scope"]) == ("standalone", "/visits/mine/",
                                                                                   "/visits/")
        assert manifest["theme_color"] and {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512", "any"}
        for icon in manifest["icons"]:
            assert page.evaluate(f"fetch('{icon['src']}').then(r => r.status)") == 200
        assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{base}/visits/"
        kept = page.evaluate("""async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
            }
            return urls;
        }""")
        assert "/visits/offline/" in kept and "/static/visits/visits.js" in kept
        assert all(url == "/visits/offline/" or url.startswith("/static/") for url in kept), kept

        # Without signal, the visit page's address opens the shell: no family's name or address, the numbers to call.
        page.reload()  # now controlled by the worker
        page.context.set_offline(True)
        page.goto(f"{base}/visits/{visit.pk}/go/")
        assert "No signal" in page.title()
        text = page.locator("body").inner_text()
        assert world.family.name not in text and "Heol y Felin" not in text
        assert page.locator("a[href='tel:999']").count() >= 1
        # Back online the shell opens the page the worker wanted.
        page.context.set_offline(False)
        expect(page.locator("#check-out")).to_be_visible(timeout=15000)
        page.goto(f"{base}/visits/offline/")
        assert axe_violations(page) == []
        connections.close_all()
