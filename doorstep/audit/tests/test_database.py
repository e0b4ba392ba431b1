"""Issue 13 finding 12, in the database itself: the application's role may only INSERT and SELECT audit rows, and
nobody may TRUNCATE them. PostgreSQL (production) is tested for real; SQLite (the demo) has no roles or TRUNCATE,
and there the same tests check the model's guards, which are all it has."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from doorstep.audit import chain
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.services import audit_record
from doorstep.families.models import Family


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refused.value)


def test_the_database_refuses_to_truncate_the_audit_table(world):
    if connection.vendor == "sqlite":
        # SQLite has no TRUNCATE; emptying the table through the application is refused by the queryset.
        with pytest.raises(PermissionError):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.exists()
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE stops first at the pending foreign key checks
    assert "append-only" in _refused("TRUNCATE audit_auditevent")
    # A TRUNCATE of another table that cascades to the audit table is refused too.
    assert "append-only" in _refused("TRUNCATE families_family CASCADE")
    assert AuditEvent.objects.exists() and Family.objects.exists()


@pytest.fixture
def app_role(transactional_db):
    """A login role of this test database's own (roles belong to the whole server: several test runs share it)."""
    name = f"{connection.settings_dict['NAME']}_app".lower()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
        cursor.execute(f'CREATE ROLE "{name}" LOGIN')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


def _connect_as(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, dbname=s["NAME"], user=role, autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_the_application_role_may_only_insert_and_select_audit_rows(request):
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="for PostgreSQL"):
            call_command("db_roles", app_role="doorstep_app")
        event = audit_record(actor=None, action=AuditAction.VIEW, object_type="test", summary="demo")
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
        with pytest.raises(PermissionError):
            event.delete()
        assert AuditEvent.objects.get(pk=event.pk).summary == "demo"
        return
    role = request.getfixturevalue("app_role")
    call_command("db_roles", app_role=role, apply=True, stdout=None)
    # The application's own code path, as the role: the chain lock, the sequence and the INSERT are allowed.
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        first = audit_record(actor=None, action=AuditAction.VIEW, object_type="test", summary="as the app")
        second = audit_record(actor=None, action=AuditAction.VIEW, object_type="test", summary="again")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert second.previous_hash == first.row_hash and chain.verify(AuditEvent).ok

    with _connect_as(role) as app:
        assert app.execute("SELECT current_user").fetchone()[0] == role
        assert app.execute("SELECT summary FROM audit_auditevent WHERE id = %s", [first.pk]).fetchone()[0] == "as the app"
        for refused in (f"UPDATE audit_auditevent SET summary = 'tampered' WHERE id = {first.pk}",
                        f"DELETE FROM audit_auditevent WHERE id = {first.pk}",
                        "TRUNCATE audit_auditevent",
                        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update",
                        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())"):
            with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectNotInPrerequisiteState)):
                app.execute(refused)
        # Every other table: full DML.
        app.execute("UPDATE agencies_agency SET name = name")
        app.execute("DELETE FROM django_session")
    assert AuditEvent.objects.get(pk=first.pk).summary == "as the app"


@pytest.mark.django_db(transaction=True)
def test_db_roles_refuses_a_role_that_owns_the_tables(request):
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="for PostgreSQL"):
            call_command("db_roles", app_role="doorstep_app", apply=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser, or is"):
        call_command("db_roles", app_role=owner, apply=True)
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("db_roles", app_role='x"; DROP TABLE audit_auditevent; --')
