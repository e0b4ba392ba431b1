import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, Verbatim, text_render


def test_audit_rows_cannot_be_changed_or_deleted_through_the_application(world):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.summary = "tampered"
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_on_postgresql_the_database_refuses_to_change_audit_rows(world):
    event = AuditEvent.objects.first()
    if connection.vendor != "postgresql":
        # SQLite (the demo database) relies on the application guards tested above.
        assert connection.vendor == "sqlite"
        return
    with pytest.raises(Exception) as exc, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [event.pk])
    assert "append-only" in str(exc.value)


def test_every_page_read_of_family_data_leaves_a_row_with_who_what_when_where(world, client):
    user = world.users["other_involved"]
    client.force_login(user)
    client.get(reverse("families:detail", args=[world.family.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(actor=user, action=AuditAction.VIEW).latest("id")
    assert (event.family, event.actor_agency, event.ip_address, event.path) == (
        world.family, user.agency, "10.1.2.3", reverse("families:detail", args=[world.family.pk]))
    assert event.at is not None


def test_managers_search_their_own_agencys_staff_only(world, client):
    client.force_login(world.users["other_involved"])
    client.get(reverse("families:detail", args=[world.family.pk]))
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("audit:search")).content.decode()
    assert str(world.users["involved_practitioner"]) in html
    assert str(world.users["other_involved"]) not in html
    html = client.get(reverse("audit:search"), {"action": "view", "family_reference": world.family.reference}).content.decode()
    assert "govuk-error-summary" not in html


# --- Issue 14: what was done, in the reader's language ------------------------------------------------------------

def _welsh(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"


def test_a_summary_is_stored_as_a_message_id_and_shown_in_the_readers_language(world, client):
    worker = world.users["involved_practitioner"]
    event = audit_record(actor=worker, action=AuditAction.CREATE, obj=world.family, family=world.family,
                         summary=Text("Raised a warning marker"))
    event.refresh_from_db()
    assert event.summary_text == {"msgid": "Raised a warning marker", "params": {}}
    assert event.summary == "Raised a warning marker"  # the site's language, for search
    with translation.override("cy"):
        welsh = event.summary_shown
    assert welsh != event.summary and welsh == text_render(Text("Raised a warning marker"), "cy")

    client.force_login(world.users["involved_manager"])
    _welsh(client)
    html = client.get(reverse("audit:search")).content.decode()
    assert welsh in html
    api = client.get("/api/v1/audit/", {"page_size": 500}).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert next(r for r in rows if r["id"] == event.pk)["summary"] == welsh
    body = b"".join(client.get(reverse("audit:csv")).streaming_content).decode()
    assert welsh in body and "Raised a warning marker" not in body


def test_rows_written_before_issue_14_are_shown_as_they_were_written(world, client):
    """They are never rewritten (the table is append-only and hash-chained): their stored words are shown."""
    old = audit_record(actor=world.users["involved_practitioner"], action=AuditAction.VIEW, obj=world.family,
                       family=world.family, summary="Opened the family record in 2026")
    old.refresh_from_db()
    assert old.summary_text is None
    assert old.summary_sentence == Verbatim("Opened the family record in 2026", "en")
    client.force_login(world.users["involved_manager"])
    _welsh(client)
    body = b"".join(client.get(reverse("audit:csv")).streaming_content).decode()
    assert "Opened the family record in 2026" in body


def test_the_csv_download_is_itself_audited_and_keeps_the_search(world, client):
    manager = world.users["involved_manager"]
    client.force_login(manager)
    response = client.get(reverse("audit:csv"), {"action": "view", "family_reference": world.family.reference})
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("When,Who,Agency,Action,What")
    assert all(",Viewed," in line for line in lines[1:])
    event = AuditEvent.objects.filter(actor=manager, action=AuditAction.EXPORT).latest("id")
    assert event.summary_text["msgid"] == "Downloaded the audit of the agency's staff as CSV"
    assert "family_reference=" in event.reason
    # A search the form refuses goes back to the search page, where its error is shown.
    refused = client.get(reverse("audit:csv"), {"date_from_0": "40", "date_from_1": "13", "date_from_2": "2027"})
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("audit:search"))


def _purposes_in_code() -> set[str]:
    """Every purpose a call site gives a selector or guard as words (not a visit's or a letter's purpose, which are
    the worker's own words), and every default one."""
    import ast
    from pathlib import Path

    own_words = {"visit_plan", "add", "parent_letter_create", "contact_record"}
    found = set()
    for path in Path(__file__).resolve().parents[2].rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                found |= {kw.value.value for kw in node.keywords if kw.arg == "purpose" and name not in own_words
                          and isinstance(kw.value, ast.Constant)}
            elif isinstance(node, ast.FunctionDef):
                found |= {d.value for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
                          if a.arg == "purpose" and isinstance(d, ast.Constant) and d.value}
    return found


def test_every_purpose_an_audit_row_states_is_a_message_in_the_catalogue():
    """Issue 14: "Opened ...: case file" reads in Welsh too; a new purpose must be added to audit/purposes.py."""
    from doorstep.audit.purposes import PURPOSES

    found = _purposes_in_code()
    assert len(found) > 80
    assert found - PURPOSES == set()
    with translation.override("cy"):
        untranslated = {p for p in PURPOSES if translation.gettext(p) == p}
    assert untranslated == set()


def test_a_refusal_states_its_purpose_in_the_readers_language(world):
    from doorstep.families.selectors import family_get_for

    with pytest.raises(Http404):
        family_get_for(professional=world.users["uninvolved"], family_id=world.family.pk, purpose="API incident")
    event = AuditEvent.objects.filter(actor=world.users["uninvolved"], action=AuditAction.DENIED).latest("id")
    assert event.summary == "Refused: API incident"
    assert event.summary_text == {"msgid": "Refused: %(purpose)s",
                                  "params": {"purpose": {"msgid": "API incident", "params": {}}}}
    with translation.override("cy"):
        assert "API incident" not in event.summary_shown
