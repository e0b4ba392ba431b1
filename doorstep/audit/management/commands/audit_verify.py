"""`manage.py audit_verify`: check the audit hash chain from its first row to its last (issue 13 finding 12).

Exit code 0 and "OK, N rows" when every link holds; exit code 1 and the first broken link otherwise. The last
line names the head of the chain (its id and hash): keep it somewhere the database's owner cannot write (a
ticket, the monitoring system), because someone who can rewrite the table can rewrite the chain after it too; `--anchor ID:HASH` checks that
the chain still holds it."""

from django.core.management.base import BaseCommand, CommandError

from doorstep.audit import chain
from doorstep.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="rows read per query (default 5000)")
        parser.add_argument("--anchor", metavar="ID:HASH", default="",
                            help="a head printed by an earlier run, kept elsewhere: that row must still have that hash")
        parser.add_argument("--database", default="default", help="the database alias to read (default: default)")

    def handle(self, *args, batch: int, anchor: str, database: str, **options):
        verdict = chain.verify(AuditEvent, batch=batch, using=database)
        if not verdict.ok:
            raise CommandError(f"Broken at audit row {verdict.broken_at} (row {verdict.rows} of the chain): "
                               f"{verdict.problem}.")
        if anchor:
            # A chain rewritten from some row onwards is whole again; the head kept elsewhere is not in it.
            anchor_id, _, anchor_hash = anchor.partition(":")
            if not anchor_id.isdigit() or len(anchor_hash) != 64:
                raise CommandError("--anchor is the id and hash of a head line: --anchor 1234:5f3a...")
            found = AuditEvent.objects.using(database).filter(pk=int(anchor_id)).values_list("row_hash", flat=True)
            if list(found) != [anchor_hash]:
                raise CommandError(f"Broken at audit row {anchor_id}: the chain no longer holds the head kept "
                                   f"earlier ({anchor_hash[:12]}...): it was rewritten from that row or before.")
        self.stdout.write(f"OK, {verdict.rows} rows")
        if verdict.head_id is not None:
            self.stdout.write(f"head: row {verdict.head_id} {verdict.head_hash}")
