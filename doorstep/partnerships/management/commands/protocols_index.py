from django.core.management.base import BaseCommand

from doorstep.partnerships.index import OUTPUT, protocols_index_write


class Command(BaseCommand):
    help = "Write docs/protocols.md, which protocol presets include each requirement of PROTOCOL.md, and where."

    def handle(self, *args, **options):
        changed = protocols_index_write()
        self.stdout.write(f"{OUTPUT} {'written' if changed else 'already up to date'}")
