"""Benchmark of the Monitor: all indicators at all levels, inequality and trends.

Result ``monitor_all``: :func:`groengezond.services.monitor.compute_monitor` (every registry
indicator at buurt, wijk, gemeente and region level for every year, SII/RII with 100,000
simulations and the quintile gap per indicator, level and year, trends of every area, the
concentration of poor green access) plus disclosure control of all of it
(:func:`~groengezond.services.monitor.publish_all`), on the default 1.5 M synthetic region
(generated once per run, not timed), with the green-access indicators of the access engine
(:func:`~groengezond.services.access.compute_access`, computed once, not timed: it has its
own benchmark) as Monitor input. Target: under 5 s (median of at least 3 runs); peak
memory from tracemalloc in a separate run. Also ``monitor_query``: one
:func:`~groengezond.services.monitor.run_monitor` call as the CLI makes it.

Run: ``.venv/bin/python benchmarks/bench_monitor.py [--inhabitants N] [--runs R]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, peak_mem_mb, time_runs
from groengezond.services.monitor import (
    MonitorQuery,
    MonitorTables,
    access_inputs,
    compute_monitor,
    publish_all,
    run_monitor,
)

TARGET_S = 5.0


def main(argv: list[str] | None = None) -> Path:
    """Generate the region, time the Monitor and write ``benchmarks/results/monitor.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inhabitants", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sims", type=int, default=100_000)
    args = parser.parse_args(argv)

    from groengezond.synth import generate_region

    t0 = time.perf_counter()
    region = generate_region(args.inhabitants, args.seed)
    generate_s = time.perf_counter() - t0
    counts = region.counts()
    from groengezond.services.access import compute_access

    t0 = time.perf_counter()
    access = compute_access(region)
    access_s = time.perf_counter() - t0
    extra, address_access = access_inputs(access.areas, access.addresses, max(region.meta.years))

    def tables_all() -> MonitorTables:
        return compute_monitor(region, n_sims=args.sims, seed=args.seed, extra=extra,
                               address_access=address_access)

    def monitor_all() -> object:
        return publish_all(tables_all())

    def monitor_query() -> object:
        return run_monitor(region, MonitorQuery(n_sims=args.sims, seed=args.seed),
                           extra=extra, address_access=address_access)

    tables = tables_all()
    report = Report("monitor", workload={
        "region": "synthetic", "inhabitants": region.inhabitants, "seed": args.seed,
        "buurten": counts["areas_buurt"], "wijken": counts["areas_wijk"],
        "gemeenten": counts["areas_gemeente"], "indicator_rows": counts["indicators"],
        "indicators": int(region.indicators["indicator"].nunique()),
        "values_out": len(tables.values), "inequality_rows": len(tables.inequality),
        "trend_series": len(tables.trends), "sims": args.sims,
        "addresses": counts["addresses"], "generate_s": round(generate_s, 1),
        "access_s": round(access_s, 1)})
    timing = time_runs(monitor_all, runs=args.runs)
    report.add("monitor_all", **timing, peak_mem_mb=round(peak_mem_mb(monitor_all), 1),
               target_s=TARGET_S)
    report.add("monitor_query", **time_runs(monitor_query, runs=args.runs),
               peak_mem_mb=round(peak_mem_mb(monitor_query), 1))
    out = report.write()
    for row in report.results:
        print(row)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main()
