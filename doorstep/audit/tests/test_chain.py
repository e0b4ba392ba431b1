"""Issue 13 finding 12: the audit hash chain, `manage.py audit_verify`, and the data migration that seals old rows."""

import importlib
import json
from io import StringIO
import threading
import time
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext

from doorstep.audit import chain
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.services import audit_record, audit_record_many


def _as_owner(sql: str, params=()) -> None:
    """Change the table behind the application's back, as the role that owns it (which may lift the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses while foreign key checks wait
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", batch=3, stdout=out)
    return out.getvalue()


def test_each_audit_row_carries_the_hash_of_the_row_before_it(world):
    audit_record(actor=world.users["involved_practitioner"], action=AuditAction.VIEW, obj=world.family,
                 family=world.family, summary="case file")
    audit_record_many(actor=world.users["involved_manager"], action=AuditAction.VIEW,
                      objects=[world.family, world.other_family], summary="list")
    rows = list(AuditEvent.objects.order_by("id").values_list("previous_hash", "row_hash"))
    assert len(rows) > 3
    assert rows[0][0] == chain.GENESIS
    assert [previous for previous, _ in rows[1:]] == [own for _, own in rows[:-1]]
    assert all(len(own) == 64 for _, own in rows)


def test_audit_verify_says_ok_and_counts_the_rows_of_an_intact_chain(world):
    count = AuditEvent.objects.count()
    head = AuditEvent.objects.order_by("-id").first()
    assert _verify().splitlines() == [f"OK, {count} rows", f"head: row {head.pk} {head.row_hash}"]


def test_audit_verify_finds_a_row_changed_by_the_tables_owner(world):
    victim = AuditEvent.objects.order_by("id")[2]
    _as_owner("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["nothing to see", victim.pk])
    with pytest.raises(CommandError) as broken:
        _verify()
    assert broken.value.returncode == 1
    assert str(broken.value).startswith(f"Broken at audit row {victim.pk} (row 3 of the chain)")
    assert "changed after it was written" in str(broken.value)


def test_audit_verify_finds_a_deleted_row_at_the_row_after_it(world):
    first, victim, after = AuditEvent.objects.order_by("id")[3:6]
    _as_owner("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as broken:
        _verify()
    assert broken.value.returncode == 1
    assert str(broken.value).startswith(f"Broken at audit row {after.pk}")
    assert f"does not match row {first.pk}" in str(broken.value)


def test_audit_verify_finds_a_chain_rewritten_after_its_head_was_kept(world):
    kept = AuditEvent.objects.order_by("id")[4]
    call_command("audit_verify", anchor=f"{kept.pk}:{kept.row_hash}", stdout=StringIO())
    # The owner changes a row and recomputes every hash from it onwards: the chain is whole again...
    _as_owner("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["nothing to see", kept.pk])
    _as_owner("UPDATE audit_auditevent SET previous_hash = '', row_hash = ''")
    from django.apps import apps

    importlib.import_module("doorstep.audit.migrations.0004_seal_existing_rows").forwards(
        apps, SimpleNamespace(connection=connection))
    assert _verify().startswith("OK")
    # ... but not the head kept elsewhere.
    with pytest.raises(CommandError, match=f"Broken at audit row {kept.pk}: the chain no longer holds"):
        call_command("audit_verify", anchor=f"{kept.pk}:{kept.row_hash}", stdout=StringIO())


def test_audit_verify_finds_a_row_slipped_in_without_the_audit_service(world):
    _as_owner("INSERT INTO audit_auditevent (at, action, object_type, object_id, summary, reason, path, "
              "previous_hash, row_hash) VALUES (%s, 'view', 'x', '', 'made up', '', '', '', '')",
              [AuditEvent.objects.latest("id").at])
    slipped = AuditEvent.objects.latest("id")
    with pytest.raises(CommandError, match=f"Broken at audit row {slipped.pk} .*written outside the audit service"):
        _verify()


def test_rows_written_before_the_chain_are_sealed_by_its_migration(world):
    migration = importlib.import_module("doorstep.audit.migrations.0004_seal_existing_rows")
    _as_owner("UPDATE audit_auditevent SET previous_hash = '', row_hash = ''")
    with pytest.raises(CommandError):
        _verify()
    from django.apps import apps

    migration.forwards(apps, SimpleNamespace(connection=connection))
    assert _verify().startswith(f"OK, {AuditEvent.objects.count()} rows")


def test_the_chain_costs_one_query_per_audit_write(world):
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=world.users["involved_practitioner"], action=AuditAction.VIEW, obj=world.family)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 2
    assert statements[1].startswith("INSERT INTO")


@pytest.mark.django_db(transaction=True)
def test_concurrent_audit_writers_keep_one_chain():
    """Each writer holds its transaction open after its row, as a service does while it writes its other rows."""
    if connection.vendor == "sqlite":
        # One writer at a time by construction: the head is read inside the BEGIN IMMEDIATE that took the
        # database's write lock (settings), with the insert in the same transaction.
        with CaptureQueriesContext(connection) as queries:
            audit_record(actor=None, action=AuditAction.VIEW, object_type="test", summary="one")
        statements = [q["sql"] for q in queries.captured_queries]
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert statements[0] == "BEGIN IMMEDIATE"
        assert statements[1].startswith("SELECT") and statements[2].startswith("INSERT INTO")
        assert chain.verify(AuditEvent).ok
        return
    writers, rounds = 4, 5
    start = threading.Barrier(writers)
    failures = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(rounds):
                with transaction.atomic():
                    audit_record(actor=None, action=AuditAction.VIEW, object_type="test", summary=f"{n}.{i}")
                    time.sleep(0.01)  # the rest of the service's work, with its row already written
        except Exception as error:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    verdict = chain.verify(AuditEvent)
    assert (verdict.ok, verdict.problem, verdict.rows) == (True, "", writers * rounds)
    assert AuditEvent.objects.values("previous_hash").distinct().count() == writers * rounds


def test_a_summarys_message_id_and_parameters_are_part_of_the_rows_hash(world):
    """Issue 14: the summary's JSON form is hashed (keys sorted: PostgreSQL's jsonb reorders them), so changing
    the sentence a row shows breaks the chain at that row, while rows from before it verify as they were."""
    from doorstep.core.texts import Text

    event = audit_record(
        actor=world.users["involved_practitioner"], action=AuditAction.EXPORT, obj=world.family, family=world.family,
        summary=Text("Lone-worker alert (%(step)s, round %(round)s) to %(names)s") % {
            "step": "reminder", "round": 1, "names": "A", "count": 12, "when": world.family.created_at, "agency": world.users["involved_practitioner"].agency.name_text})
    assert _verify().startswith("OK")
    stored = AuditEvent.objects.get(pk=event.pk).summary_text
    assert stored["params"]["count"] == 12 and stored["params"]["agency"]["names"]["en"] == world.users["involved_practitioner"].agency.name
    stored["params"]["count"] = 2
    _as_owner("UPDATE audit_auditevent SET summary_text = %s WHERE id = %s", [json.dumps(stored), event.pk])
    with pytest.raises(CommandError, match=f"Broken at audit row {event.pk} .*changed after it was written"):
        _verify()


def test_a_reason_doorstep_writes_is_a_message_id_in_the_rows_hash_and_a_persons_reason_stays_their_words(world):
    """Issue 14: a reason Doorstep gives itself (MTG-3: "their own plan action") is stored as a message id and read
    in the reader's language; it is hashed with the row, and rows without one keep the hashes they had."""
    from django.utils import translation

    from doorstep.core.texts import Text

    worker = world.users["involved_practitioner"]
    own = audit_record(actor=worker, action=AuditAction.VIEW, obj=world.family, family=world.family,
                       summary=Text("case file"), reason="Asked by the family")
    system = audit_record(actor=worker, action=AuditAction.VIEW, obj=world.family, family=world.family,
                          summary=Text("case file"), reason=Text("Their own plan action (MTG-3)"))
    own, system = AuditEvent.objects.get(pk=own.pk), AuditEvent.objects.get(pk=system.pk)
    assert own.reason == "Asked by the family" and own.reason_text is None
    assert system.reason == "Their own plan action (MTG-3)"
    assert system.reason_text == {"msgid": "Their own plan action (MTG-3)", "params": {}}
    with translation.override("cy"):
        assert own.reason_shown == "Asked by the family"
        assert system.reason_shown == "Eu cam gweithredu eu hunain yn y cynllun (MTG-3)"
    assert _verify().startswith("OK")
    _as_owner("UPDATE audit_auditevent SET reason_text = %s WHERE id = %s",
              [json.dumps({"msgid": "Asked by the family", "params": {}}), system.pk])
    with pytest.raises(CommandError, match=f"Broken at audit row {system.pk} .*changed after it was written"):
        _verify()
