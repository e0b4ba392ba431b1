"""`manage.py db_roles --app-role doorstep_app`: the grants that keep the audit log append-only in production.

Issue 13 finding 12. Migrations run as the role that owns the tables (`DATABASE_MIGRATE_URL`, the `migrate`
alias); the application connects as another role (`DATABASE_URL`) that gets full DML on every table but two:
the audit table, where it may only INSERT and SELECT, and `django_migrations`, which it may only read. It owns
nothing, so it cannot drop the triggers either. Prints the SQL; `--apply` runs it, in one transaction, as the
connection of `--database` (the owner). Idempotent: run it again after every `migrate`, so new tables get grants.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from doorstep.audit.models import AuditEvent

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(*, app_role: str, database: str, schema: str) -> list[str]:
    role, schema, audit = quote(app_role), quote(schema), quote(AuditEvent._meta.db_table)
    return [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {role};",
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
        # Start from nothing, so a privilege granted by hand earlier (UPDATE on the audit table) does not survive.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};",
        f"REVOKE UPDATE, DELETE ON {audit} FROM {role};",
        f"REVOKE INSERT, UPDATE, DELETE ON {quote('django_migrations')} FROM {role};",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};",
        f"GRANT EXECUTE ON FUNCTION {schema}.audit_chain_head() TO {role};",
    ]


class Command(BaseCommand):
    help = "Print (or --apply) the GRANTs for the application's PostgreSQL role: INSERT and SELECT only on the audit table."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="the role the application connects as (DATABASE_URL)")
        parser.add_argument("--database", default="default",
                            help="the alias to connect with, as the owner of the tables (e.g. migrate)")
        parser.add_argument("--apply", action="store_true", help="run the statements instead of printing them")

    def handle(self, *args, app_role: str, database: str, apply: bool, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; the SQLite demo relies on the model's guards.")
        if not ROLE_NAME.match(app_role):
            raise CommandError(f"{app_role!r} is not a plain role name (lower case letters, digits and _).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_schema(), "
                           "(SELECT tableowner FROM pg_tables WHERE tablename = %s AND schemaname = current_schema())",
                           [AuditEvent._meta.db_table])
            db_name, schema, owner = cursor.fetchone()
            if owner is None:
                raise CommandError("The audit table does not exist yet: run migrate first.")
            cursor.execute("SELECT rolsuper, pg_has_role(rolname, %s, 'USAGE') FROM pg_roles WHERE rolname = %s",
                           [owner, app_role])
            role = cursor.fetchone()
        if role is None:
            raise CommandError(f"There is no role {app_role}: CREATE ROLE {app_role} LOGIN PASSWORD '...'; first.")
        if role[0] or role[1]:
            raise CommandError(f"{app_role} is a superuser, or is (or is a member of) {owner}, who owns the tables: "
                               f"its grants would not limit it. Use a role of its own.")
        statements = grant_statements(app_role=app_role, database=db_name, schema=schema)
        if not apply:
            self.stdout.write("\n".join(statements))
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Applied {len(statements)} statements: {app_role} may only INSERT and SELECT audit rows.")
