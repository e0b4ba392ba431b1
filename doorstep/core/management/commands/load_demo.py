from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doorstep.agencies.models import Agency
from doorstep.core.demo import DEMO_LOADERS, DEMO_PASSWORD, DemoRegion


class Command(BaseCommand):
    help = "Load the deterministic synthetic demo region (agencies, staff, families and their histories)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if agencies already exist.")

    def handle(self, *args, **options):
        if Agency.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The demo region is already loaded.")
                self.print_logins()
                return
            raise CommandError("The database already has agencies: use a fresh database for the demo.")
        region = DemoRegion()
        with transaction.atomic():
            for loader in DEMO_LOADERS:
                loader(region)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(region.agencies)} agencies, {len(region.staff)} staff "
                                             f"and {len(region.families)} families."))
        self.print_logins()

    def print_logins(self):
        from doorstep.agencies.models import Professional

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for p in Professional.objects.filter(username__contains=".").exclude(role="system").select_related("agency").order_by(
            "agency__name", "role", "username"
        ):
            extra = " (designated postholder)" if p.is_designated_postholder else ""
            extra += " (records manager)" if p.is_records_manager else ""
            extra += " (disclosure officer)" if p.is_disclosure_officer else ""
            where = p.agency.name if p.agency else "Partnership"
            self.stdout.write(f"  {p.username:32} {p.get_role_display()}{extra}, {where}")
