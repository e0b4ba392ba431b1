"""Issue 13 finding 12, on PostgreSQL (SQLite, the demo database, keeps the model and queryset guards alone):

- a statement-level trigger refuses TRUNCATE of the audit table (row triggers do not fire for it), so neither
  `manage.py flush` nor a `TRUNCATE ... CASCADE` from another table can empty it;
- `audit_chain_head()`, which `audit_record` calls before it inserts: it takes the chain's transaction-level
  advisory lock, then reads the last row (a VOLATILE function reads with a fresh snapshot after the wait), so two
  writers never chain onto the same row. Under REPEATABLE READ the read would be of the snapshot before the wait,
  so it refuses to run there rather than fork the chain."""

from django.db import migrations

# The advisory lock's key: the bytes of "DrAu", any constant no other lock in Doorstep uses.
CHAIN_LOCK = 0x44724175

FORWARDS = f"""
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

CREATE FUNCTION audit_chain_head(OUT head_id bigint, OUT head_hash varchar) AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit rows are written under READ COMMITTED only (the hash chain would fork)';
    END IF;
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT id, row_hash INTO head_id, head_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1;
END; $$ LANGUAGE plpgsql VOLATILE;
"""

BACKWARDS = """
DROP FUNCTION IF EXISTS audit_chain_head();
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_existing_rows")]
    operations = [migrations.RunPython(forwards, backwards)]
