"""Benchmark of the Versneller reports: area report and half-year programme report as PDF.

Results:

- ``area_report_pdf``: :func:`~groengezond.reports.area.area_report` plus
  :func:`~groengezond.reports.area.render_area_report` as a tagged PDF (map, trend charts,
  WeasyPrint) for one wijk of the synthetic region, from the Monitor's published tables
  (computed once, not timed: the Monitor has its own benchmark and the API caches them).
  Target 3 s. Also ``area_report_html`` (no target).
- ``programme_report_pdf``: load the example programme of 20 projects from its SQLite store,
  check the rules, assemble and render the half-year report as a tagged PDF. Target 5 s.
- ``scenario_report_pdf``: :func:`~groengezond.reports.scenario.scenario_report` plus
  :func:`~groengezond.reports.scenario.render_scenario_report` as a tagged PDF (plan map,
  effects per buurt, money, gap, assumptions) for a 5 ha park in the poorest wijk, from its
  Planner result (the Planner's baseline and run are timed once beside it, not in the figure:
  the Planner has its own benchmark, ``bench_plan.py``). Target 3 s.

Run: ``.venv/bin/python benchmarks/bench_reports.py [--inhabitants N] [--runs R]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, peak_mem_mb, time_runs

AREA_TARGET_S = 3.0
SCENARIO_TARGET_S = 3.0
PROGRAMME_TARGET_S = 5.0
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "programme" / "programme.xlsx"


def main(argv: list[str] | None = None) -> Path:
    """Time the reports and write ``benchmarks/results/reports.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inhabitants", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from groengezond.indicators.registry import load_registry
    from groengezond.programme.db import ProgrammeDatabase
    from groengezond.programme.report import progress_report, render_progress_report
    from groengezond.programme.store import import_programme, load_programme
    from groengezond.programme.xlsx import read_programme
    from groengezond.reports.area import area_report, render_area_report
    from groengezond.reports.gather import monitor_tables
    from groengezond.synth import generate_region

    t0 = time.perf_counter()
    region = generate_region(args.inhabitants, args.seed)
    generate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    values, trends = monitor_tables(region)
    monitor_s = time.perf_counter() - t0
    reg = load_registry()
    wijken = region.areas[region.areas["level"] == "wijk"]
    code = str(wijken.sort_values("inhabitants").iloc[len(wijken) // 2]["code"])

    def area(fmt: str) -> bytes:
        rep = area_report(code, region.meta, region.areas, values, trends, reg)
        return render_area_report(rep, region.areas, "nl", fmt)  # type: ignore[arg-type]

    report = Report("reports", workload={
        "region": "synthetic", "inhabitants": int(region.inhabitants), "seed": args.seed,
        "areas": len(region.areas), "area": code,
        "generate_s": round(generate_s, 2), "monitor_tables_s": round(monitor_s, 2),
        "programme": "examples/programme/programme.xlsx (20 projects)"})
    timing = time_runs(lambda: area("pdf"), runs=args.runs)
    report.add("area_report_pdf", **timing, peak_mem_mb=round(peak_mem_mb(lambda: area("pdf")),
                                                              1), target_s=AREA_TARGET_S)
    report.add("area_report_html", **time_runs(lambda: area("html"), runs=args.runs))

    import numpy as np

    from groengezond.reports.scenario import render_scenario_report, scenario_report
    from groengezond.scenario.model import scenario_from_data
    from groengezond.scenario.testing import park_in, ranked_by_income
    from groengezond.services.plan import Planner

    t0 = time.perf_counter()
    planner = Planner(region)
    baseline_s = time.perf_counter() - t0
    plan = scenario_from_data({"name": "Buurtpark", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "catalogue_id": "neighbourhood_park",
         "geometry": park_in(region, ranked_by_income(region)[0], 5.0).wkt}]})
    t0 = time.perf_counter()
    result = planner.run(plan, np.random.default_rng(42), n_draws=1000, seed=42)
    run_s = time.perf_counter() - t0
    report.workload.update({"planner_baseline_s": round(baseline_s, 2),
                            "planner_run_s": round(run_s, 2)})

    def scenario() -> bytes:
        rep = scenario_report(plan, result, region.meta)
        return render_scenario_report(rep, plan, region.areas, "nl", "pdf")

    timing = time_runs(scenario, runs=args.runs)
    report.add("scenario_report_pdf", **timing,
               peak_mem_mb=round(peak_mem_mb(scenario), 1), target_s=SCENARIO_TARGET_S)

    with tempfile.TemporaryDirectory() as tmp:
        db = ProgrammeDatabase.from_url(f"sqlite:///{Path(tmp) / 'programme.sqlite'}")
        import_programme(db, read_programme(EXAMPLE))

        def programme() -> bytes:
            rep = progress_report(load_programme(db), "2026H2")
            return render_progress_report(rep, "nl", "pdf")

        timing = time_runs(programme, runs=args.runs)
        report.add("programme_report_pdf", **timing,
                   peak_mem_mb=round(peak_mem_mb(programme), 1), target_s=PROGRAMME_TARGET_S)
        db.dispose()
    out = report.write()
    for row in report.results:
        print(row)
    return out


if __name__ == "__main__":
    main()
