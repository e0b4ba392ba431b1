from django.core.management.base import BaseCommand

from doorstep.escalations.index import OUTPUT, rules_index_write


class Command(BaseCommand):
    help = "Write docs/rules.md, the rule index, from the registry of rules and the tests that cite them."

    def handle(self, *args, **options):
        changed = rules_index_write()
        self.stdout.write(f"{OUTPUT} {'written' if changed else 'already up to date'}")
