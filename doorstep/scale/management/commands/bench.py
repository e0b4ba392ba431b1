import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation


class Command(BaseCommand):
    help = ("Measure Doorstep on the generated region (manage.py generate_region first): pages and API endpoints "
            "of the largest family against their SQL floor, the rules, the worker's latency, and HTTP load "
            "(gunicorn + wrk). Prints Markdown tables and writes a JSON file.")

    def add_arguments(self, parser):
        parser.add_argument("--json", default=str(settings.BASE_DIR / "var" / "bench.json"))
        parser.add_argument("--repeat", type=int, default=30, help="Requests per page (at least 30).")
        parser.add_argument("--load-seconds", type=int, default=30)
        parser.add_argument("--port", type=int, default=8099, help="Port for gunicorn on 127.0.0.1.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
        parser.add_argument("--connections", type=int, default=8, help="wrk connections.")
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--skip-worker", action="store_true")
        parser.add_argument("--explain", type=int, default=0, metavar="N",
                            help="EXPLAIN (ANALYZE, BUFFERS) the N slowest queries of each page, into the JSON.")

    def handle(self, *args, **options):
        from doorstep.scale import bench, loadtest
        from doorstep.scale.measures import LOAD, PAGES, RULES, WORKER, current

        if options["repeat"] < 30:
            raise CommandError("--repeat must be at least 30")
        settings.DEBUG = False  # time what production runs, not Django's query log
        say = self.stdout.write
        with translation.override("en"):
            report = {"started": bench.wall_clock(), "machine": bench.machine()}
            say("Counting the region ...")
            report["region"] = bench.region_figures()
            largest, typical = bench.subjects()
            report["subjects"] = [bench.subject_dict(largest), bench.subject_dict(typical)]
            say(f"Largest family {largest.family_id} ({largest.contacts:,} contacts); typical family "
                f"{typical.family_id} ({typical.contacts} contacts).")
            say("Pages and endpoints ...")
            report["pages"] = bench.run_pages(current(PAGES), [largest, typical], repeat=options["repeat"],
                                              explain_top=options["explain"])
            say("Rules ...")
            report["rules"] = bench.run_rules(current(RULES), largest)
            report["worker"] = []
            if not options["skip_worker"]:
                say("Worker (starts manage.py run_worker) ...")
                for measure in current(WORKER):
                    if measure.pending:
                        report["worker"].append({"name": measure.name, "pending": measure.pending,
                                                 "target_seconds": measure.target_seconds})
                    else:
                        report["worker"].append({"name": measure.name, "target_seconds": measure.target_seconds,
                                                 **measure.run(report)})
            report["load"] = []
            if not options["skip_load"]:
                say("HTTP load (gunicorn + wrk) ...")
                report["load"] = loadtest.run_load(
                    current(LOAD), largest, port=options["port"], seconds=options["load_seconds"],
                    workers=options["workers"], connections=options["connections"], say=say)
            report["finished"] = bench.wall_clock()
            report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, default=str))
        say("")
        say(render(report))
        say(f"\nJSON: {path}")
        failures = [p["name"] for p in report["load"] if p.get("errors")]
        if failures:
            raise CommandError(f"HTTP errors under load: {', '.join(failures)}")


def _ms(value) -> str:
    return "" if value is None else f"{value:,.1f}"


def render(report: dict) -> str:
    """The report as Markdown tables (docs/performance.md quotes them)."""
    m = report["machine"]
    r = report["region"]
    lines = ["## Machine", ""]
    lines.append(f"{m['cores']} cores ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB memory; "
                 f"load average {m['load_average'][0]} at the start, {m.get('load_average_end', ['?'])[0]} at the "
                 f"end. {m['database']} {m.get('postgresql', '')} (shared_buffers {m.get('shared_buffers', '?')}), "
                 f"database {m.get('database_size', '?')}. Python {m['python']}, Django {m['django']}.")
    lines += ["", "## Region", "", "| what | rows |", "| --- | ---: |"]
    for key in ("families", "people", "involvements", "contacts", "contact_children", "chronology_entries",
                "audit_events", "escalations", "escalations_active", "agencies", "staff"):
        lines.append(f"| {key.replace('_', ' ')} | {r[key]:,} |")
    generated = r.get("generated")
    if generated:
        lines += ["", f"Generated with seed {generated['seed']} in {generated['seconds']:,.0f} s "
                      f"({generated['seconds'] / 60:.1f} min), {generated['report'].get('total_rows', 0):,} rows."]
    lines += ["", "## Pages and endpoints (largest and typical family)", "",
              "| page | family (contacts) | queries | median ms | p95 ms | SQL in page, median ms | "
              "SQL floor, median ms | ratio to floor |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in report["pages"]:
        if p.get("pending"):
            lines.append(f"| {p['name']} | not built yet ({p['pending']}) | | | | | | |")
            continue
        floor = p.get("floor") or {}
        lines.append(
            f"| {p['name']} | {p['family']} ({p['contacts']:,}) | {p['queries']}{' (varies)' if p['queries_vary'] else ''}"
            f" | {_ms(p['server']['median_ms'])} | {_ms(p['server']['p95_ms'])} | {_ms(p['sql_in_page']['median_ms'])}"
            f" | {_ms(floor.get('median_ms'))} | {p.get('ratio', '')}x |")
    lines += ["", "## Rules", "", "| measure | median ms | p95 ms | target | work found | note |",
              "| --- | ---: | ---: | --- | --- | --- |"]
    for p in report["rules"]:
        if p.get("pending"):
            lines.append(f"| {p['name']} | | | | | not built yet ({p['pending']}) |")
            continue
        target = f"< {p['target_seconds']} s" if p.get("target_seconds") else ""
        lines.append(f"| {p['name']} | {_ms(p['median_ms'])} | {_ms(p['p95_ms'])} | {target} | "
                     f"{p['work_found'] or 0} | {p['note']} |")
    if report["worker"]:
        lines += ["", "## Worker latency", "", "| measure | sweep setting s | measured interval s | pick-up s | "
                  "run s | typical s | worst s | target |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for p in report["worker"]:
            target = f"< {p['target_seconds']:.0f} s" if p.get("target_seconds") else ""
            if p.get("pending"):
                lines.append(f"| {p['name']} | not built yet ({p['pending']}) | | | | | | {target} |")
                continue
            lines.append(f"| {p['name']} | {p['sweep_seconds_setting']} | {p['interval_s']} | {p['pickup_s']} | "
                         f"{p['run_s']} | {p['typical_s']} | {p['worst_s']} | {target} |")
    if report["load"]:
        lines += ["", "## HTTP load (gunicorn, wrk)", "",
                  "| endpoint | workers / connections | seconds | requests | requests/s | p50 ms | p95 ms | p99 ms | "
                  "errors |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for p in report["load"]:
            if p.get("pending"):
                lines.append(f"| {p['name']} | not built yet ({p['pending']}) | | | | | | | |")
                continue
            lines.append(f"| {p['name']} | {p['workers']} / {p['connections']} | {p['seconds']} | "
                         f"{p['requests']:,} | {p['requests_per_second']:,.1f} | {p['p50_ms']:.1f} | "
                         f"{p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {p['errors']} |")
    return "\n".join(lines)
