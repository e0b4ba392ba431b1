"""Issue 13 finding 12: give the rows written before the hash chain their hashes, in id order.

Run it with the application stopped: a row written meanwhile by the old code would have no hash, and
`manage.py audit_verify` would report it. On PostgreSQL the append-only trigger is lifted for this transaction
only (the migration runs as the owner, in one transaction: if it fails, the trigger is still there)."""

from django.db import migrations

from doorstep.audit import chain

BATCH = 5000


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    postgres = connection.vendor == "postgresql"
    fields = chain.hashed_fields(AuditEvent)
    names = [f.attname for f in fields]
    previous, after = chain.GENESIS, 0
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_no_update")
        while True:
            rows = list(AuditEvent.objects.using(connection.alias).filter(id__gt=after).order_by("id")
                        .values_list("id", *names)[:BATCH])
            if not rows:
                break
            updates = []
            for row in rows:
                previous_hash = previous
                previous = chain.row_hash(fields, dict(zip(names, row[1:], strict=True)), previous_hash)
                updates.append((previous_hash, previous, row[0]))
            cursor.executemany(f"UPDATE {table} SET previous_hash = %s, row_hash = %s WHERE id = %s", updates)
            after = rows[-1][0]
        if postgres:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_no_update")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_hashes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
