import pytest
from django.db import connection, transaction
from django.urls import reverse

from doorstep.audit.models import AuditAction, AuditEvent


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
