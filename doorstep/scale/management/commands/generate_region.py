import argparse
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from doorstep.families.models import Family


class Command(BaseCommand):
    help = ("Fill the database with a deterministic synthetic region for the benchmark: agencies and staff, "
            "families with their people, involvements, contacts, chronology, audit rows and escalations. "
            "Use an empty database of its own (see `make bench`), never the demo's or a real one.")

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--giant-families", type=int, default=None,
                            help="How many very large families (default: one per 25,000 families, at least one).")
        parser.add_argument("--giant-contacts", type=int, default=5_000,
                            help="Contacts of each very large family, at least (default 5,000).")
        parser.add_argument("--mean-contacts", type=float, default=50)
        parser.add_argument("--anchor", default="",
                            help="The generated world's 'now' (YYYY-MM-DD); default the start of today. The same "
                                 "seed, families and anchor give the same rows.")
        parser.add_argument("--chunk", type=int, default=1_000)
        from doorstep.scale.generate import FAMILIES_PER_AREA

        parser.add_argument("--families-per-area", type=int, default=FAMILIES_PER_AREA,
                            help=f"Families per area; each area is a partnership of its own (issue 21). Default "
                                 f"{FAMILIES_PER_AREA:,}.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database has families.")
        parser.add_argument("--evaluate", action=argparse.BooleanOptionalAction, default=None,
                            help="Evaluate every family once with the escalation engine after loading, as the running "
                                 "system's nightly evaluation has (issue 15). Default: for regions of up to 5,000 "
                                 "families; a first evaluation takes 0.1-0.7 s a family.")
        parser.add_argument("--evaluate-only", action="store_true",
                            help="Generate nothing: evaluate every family of the region already in the database once "
                                 "(a region generated before issue 15's evaluation step; evaluating again is harmless).")
        parser.add_argument("--no-fast-load", action="store_true",
                            help="PostgreSQL: keep indexes and foreign keys in place while loading (slower).")

    def handle(self, *args, **options):
        from doorstep.scale.generate import Plan, run_generation

        if options["evaluate_only"]:
            from doorstep.scale.generate import evaluate_families

            started = time.perf_counter()
            with translation.override("en"):
                n = evaluate_families(progress=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Evaluated {n:,} families in {time.perf_counter() - started:.0f} s."))
            return
        if Family.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has families: nothing generated.")
                return
            raise CommandError("The database already has families: generate into an empty database "
                               "(or pass --if-empty to do nothing).")
        anchor = None
        if options["anchor"]:
            anchor = timezone.make_aware(datetime.strptime(options["anchor"], "%Y-%m-%d"))
        plan = Plan(families=options["families"], seed=options["seed"], anchor=anchor,
                    giant_families=options["giant_families"], giant_contacts=options["giant_contacts"],
                    mean_contacts=options["mean_contacts"], chunk=options["chunk"],
                    families_per_area=options["families_per_area"], evaluate=options["evaluate"])
        self.stdout.write(f"Generating {plan.families:,} families (seed {plan.seed}, {plan.giant_families} of "
                          f"{plan.giant_contacts:,}+ contacts, anchor {plan.anchor:%Y-%m-%d})")
        started = time.perf_counter()
        with translation.override("en"):
            report = run_generation(plan, fast=False if options["no_fast_load"] else None,
                                    progress=self.stdout.write)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Generated {report['total_rows']:,} rows in {seconds:.0f} s ({seconds / 60:.1f} min)."))
        if options["verbosity"] > 1:
            for name, value in report["steps"].items():
                self.stdout.write(f"  step {name:32} {value:8.1f} s (Python)")
            for name, value in report["phases"].items():
                self.stdout.write(f"  {name:37} {value:8.1f} s")
            for table, count in sorted(report["rows"].items(), key=lambda kv: -kv[1]):
                self.stdout.write(f"  {table:45} {count:>12,}")
