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
        parser.add_argument("--largest-only", action="store_true",
                            help="Time the pages for the largest family only (the targets' family), not the typical.")
        parser.add_argument("--explain", type=int, default=0, metavar="N",
                            help="EXPLAIN (ANALYZE, BUFFERS) the N slowest queries of each page, into the JSON.")

    def handle(self, *args, **options):
        from doorstep.scale import bench, loadtest
        from doorstep.scale.measures import LOAD, PAGES, RULES, WORKER

        if options["repeat"] < 30:
            raise CommandError("--repeat must be at least 30")
        settings.DEBUG = False  # time what production runs, not Django's query log
        say = self.stdout.write
        loads = {}

        def load(section: str) -> None:
            loads[section] = [round(x, 2) for x in os.getloadavg()]
            say(f"{section} (load average {loads[section][0]}) ...")

        with translation.override("en"):
            report = {"started": bench.wall_clock(), "machine": bench.machine(), "load_by_section": loads}
            say("Counting the region ...")
            report["region"] = bench.region_figures()
            largest, typical = bench.subjects()
            report["subjects"] = [bench.subject_dict(largest), bench.subject_dict(typical)]
            say(f"Largest family {largest.family_id} ({largest.contacts:,} contacts); typical family "
                f"{typical.family_id} ({typical.contacts} contacts).")
            load("Pages and endpoints")
            measured = [largest] if options["largest_only"] else [largest, typical]
            report["pages"] = bench.run_pages(PAGES, measured, repeat=options["repeat"],
                                              explain_top=options["explain"], say=say)
            load("Rules")
            report["rules"] = bench.run_rules(RULES, largest)
            report["worker"] = []
            if not options["skip_worker"]:
                load("Worker (starts manage.py run_worker)")
                for measure in WORKER:
                    figures = measure.run(report)
                    report["worker"].append({"name": measure.name, "what": measure.what,
                                             "target_seconds": measure.target_seconds, **figures,
                                             "met": figures["worst_s"] <= measure.target_seconds})
                    say(f"  {measure.name}: worst {figures['worst_s']} s")
            report["load"] = []
            if not options["skip_load"]:
                load("HTTP load (gunicorn + wrk)")
                report["load"] = loadtest.run_load(
                    LOAD, largest, port=options["port"], seconds=options["load_seconds"],
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


def _met(value) -> str:
    return {True: "met", False: "**missed**", None: ""}[value]


def render(report: dict) -> str:
    """The report as Markdown tables (docs/performance.md quotes them): every figure beside its target and floor."""
    m = report["machine"]
    r = report["region"]
    loads = report.get("load_by_section", {})
    lines = ["## Machine", ""]
    lines.append(f"{m['cores']} cores ({m.get('cpu', '?')}), {m.get('memory_gib', '?')} GiB memory; "
                 f"load average {m['load_average'][0]} at the start, {m.get('load_average_end', ['?'])[0]} at the "
                 f"end. {m['database']} {m.get('postgresql', '')} (shared_buffers {m.get('shared_buffers', '?')}), "
                 f"database {m.get('database_size', '?')}. Python {m['python']}, Django {m['django']}.")
    if loads:
        lines.append("Load average (1, 5, 15 min) as each part began: " + "; ".join(
            f"{name.split(' (')[0].lower()} {', '.join(str(x) for x in values)}" for name, values in loads.items())
            + ".")
    lines += ["", "## Region", "", "| what | rows |", "| --- | ---: |"]
    for key in ("families", "people", "involvements", "contacts", "contact_children", "chronology_entries",
                "audit_events", "escalations", "escalations_active", "agencies", "staff"):
        lines.append(f"| {key.replace('_', ' ')} | {r[key]:,} |")
    generated = r.get("generated")
    if generated:
        lines += ["", f"Generated with seed {generated['seed']} in {generated['seconds']:,.0f} s "
                      f"({generated['seconds'] / 60:.1f} min), {generated['report'].get('total_rows', 0):,} rows."]
    fixed = next((p for p in report["pages"] if p["name"].startswith("Cheapest")), None)
    lines += ["", "## Pages and endpoints (largest and typical family)", ""]
    if fixed:
        lines.append(f"Fixed cost: the cheapest signed-in request (API notifications) takes "
                     f"{_ms(fixed['server']['median_ms'])} ms median, {fixed['queries']} queries.")
        lines.append("")
    lines += ["| page | family (contacts) | queries | median ms | p95 ms | target | SQL in page, median ms | "
              "SQL floor, median ms | ratio to floor | |",
              "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |"]
    for p in report["pages"]:
        floor = p.get("floor") or {}
        target = " and ".join(x for x in (
            f"<= {p['target_ms']:g} ms" if p.get("target_ms") is not None else "",
            f"<= {p['target_queries']} queries" if p.get("target_queries") is not None else "") if x)
        ratio = f"{p['ratio']}x" if p.get("ratio") is not None else ""
        lines.append(
            f"| {p['name']} | {p['family']} ({p['contacts']:,}) | {p['queries']}{' (varies)' if p['queries_vary'] else ''}"
            f" | {_ms(p['server']['median_ms'])} | {_ms(p['server']['p95_ms'])} | {target} "
            f"| {_ms(p['sql_in_page']['median_ms'])} | {_ms(floor.get('median_ms'))} | {ratio} | {_met(p.get('met'))} |")
    lines += ["", "## Rules", "", "| measure | median ms | p95 ms | target | work found | note | |",
              "| --- | ---: | ---: | --- | --- | --- | --- |"]
    for p in report["rules"]:
        target = f"<= {p['target_seconds']:g} s" if p.get("target_seconds") else ""
        lines.append(f"| {p['name']} | {_ms(p['median_ms'])} | {_ms(p['p95_ms'])} | {target} | "
                     f"{p['work_found'] or 0} | {p['note']} | {_met(p.get('met'))} |")
    if report["worker"]:
        lines += ["", "## Through the worker", "", "| measure | what | median s | worst s | target | details | |",
                  "| --- | --- | ---: | ---: | --- | --- | --- |"]
        for p in report["worker"]:
            details = ", ".join(f"{k} {v}" for k, v in p.items() if k not in {
                "name", "what", "target_seconds", "median_s", "worst_s", "met", "runs", "delays_s"})
            if p.get("delays_s"):
                details += f"; each: {', '.join(str(d) for d in p['delays_s'])}"
            if p.get("runs"):
                details += "; each: " + ", ".join(f"{x['ready_s']} s ({x['entries']:,} entries, {x['pages']} pages, "
                                                  f"queued {x['queue_s']} s)" for x in p["runs"])
            median = p.get("median_s", p.get("typical_s"))
            lines.append(f"| {p['name']} | {p.get('what', '')} | {median} | {p['worst_s']} | "
                         f"<= {p['target_seconds']:g} s | {details} | {_met(p.get('met'))} |")
    if report["load"]:
        lines += ["", "## HTTP load (gunicorn, wrk)", "",
                  "| endpoint | workers / connections | seconds | requests | requests/s | target | p50 ms | p95 ms | "
                  "p99 ms | errors | load average | |",
                  "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |"]
        for p in report["load"]:
            target = f">= {p['target_rps']:g}/s" if p.get("target_rps") else ""
            load_avg = " -> ".join(str(x) for x in p.get("load_average", []))
            lines.append(f"| {p['name']} | {p['workers']} / {p['connections']} | {p['seconds']} | "
                         f"{p['requests']:,} | {p['requests_per_second']:,.1f} | {target} | {p['p50_ms']:.1f} | "
                         f"{p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {p['errors']} | {load_avg} | {_met(p.get('met'))} |")
    return "\n".join(lines)
