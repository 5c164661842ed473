"""Benchmark of the Planner (scenario engine) on the synthetic region (DESIGN § Benchmarks).

Writes ``benchmarks/results/plan.json``. Usage::

    python benchmarks/bench_plan.py [--inhabitants 1500000] [--seed 42] [--runs 5]

Workload: one new 5 ha public park built over homes in the wijk with the lowest mean income
(``displace: true``: its buildings, dwellings and residents go, acquisition and demolition are
costed), 500 trees in a 1 km² square around it and a footbridge across the river, all from the
catalogue (one-off costs, maintenance, the build-up of benefits and the sensitivity table),
evaluated end to end (plausibility, apply, exposures, impacts with 1,000 draws, valuation
with its ranges, equity). Results:

- ``baseline``: time to build the Planner's baseline (network, nearest green, focal
  exposures, cooling), one run;
- ``scenario_end_to_end``: median of ``--runs`` runs of :meth:`Planner.run` (target 1 s), peak
  memory in one extra run; beside the wall time the process CPU time of the same runs and the
  load average before them (on a shared, loaded machine the wall time waits for the CPU);
- ``scenario_empty``: the same for a scenario that changes nothing (the fixed cost).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, peak_mem_mb, time_runs
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.plausibility import Plausible
from groengezond.scenario.testing import footbridge_across_river, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inhabitants", type=int, default=1_500_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    region = generate_region(args.inhabitants, args.seed)
    gen_s = time.perf_counter() - t0
    wijk = ranked_by_income(region, "wijk")[0]
    buurten = region.areas[region.areas["parent"] == wijk]["code"]
    home = region.addresses[region.addresses["buurt"].isin(buurten)].geometry.iloc[0]
    half = float(np.sqrt(5e4)) / 2  # a 5 ha square over the homes
    c = home
    park = (f"POLYGON (({c.x - half} {c.y - half}, {c.x + half} {c.y - half}, "
            f"{c.x + half} {c.y + half}, {c.x - half} {c.y + half}, {c.x - half} {c.y - half}))")
    scenario = scenario_from_data({"name": "park over homes, 500 trees, footbridge",
                                   "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park, "displace": True,
         "catalogue_id": "neighbourhood_park"},
        {"kind": "plant_trees", "name": "Bomen", "count": 500, "catalogue_id": "street_trees",
         "geometry": f"POLYGON (({c.x - 500} {c.y - 500}, {c.x + 500} {c.y - 500}, "
                     f"{c.x + 500} {c.y + 500}, {c.x - 500} {c.y + 500}, "
                     f"{c.x - 500} {c.y - 500}))"},
        {"kind": "add_connection", "name": "Brug", "catalogue_id": "footbridge",
         "geometry": footbridge_across_river(region).wkt}]})
    t0 = time.perf_counter()
    planner = Planner(region)
    base_s = time.perf_counter() - t0
    counts = region.counts()
    report = Report("plan", workload={
        "region": "synthetic", "inhabitants": region.inhabitants, "seed": args.seed,
        "addresses": counts["addresses"], "nodes": counts["network_nodes"],
        "landcover_cells": counts["landcover_cells"], "generate_s": round(gen_s, 2),
        "scenario": scenario.model_dump(mode="json"), "draws": 1000})
    report.add("baseline", median_s=base_s, min_s=base_s, max_s=base_s, runs=1)

    cpu: list[float] = []

    def run() -> object:
        c0 = time.process_time()
        out = planner.run(scenario, np.random.default_rng(1), n_draws=1000)
        cpu.append(time.process_time() - c0)
        return out

    def empty() -> object:
        return planner.evaluate(Plausible(Scenario(name="nothing")), np.random.default_rng(1),
                                n_draws=1000)

    result = planner.run(scenario, np.random.default_rng(1), n_draws=1000)
    load_before = os.getloadavg()
    timed = time_runs(run, runs=args.runs)
    timed_cpu = cpu[-args.runs:]
    report.add("scenario_end_to_end", **timed,
               cpu_median_s=statistics.median(timed_cpu), cpu_min_s=min(timed_cpu),
               load_average_1_5_15=[round(x, 2) for x in load_before],
               peak_mem_mb=peak_mem_mb(run), target_s=1.0,
               addresses_closer=result.exposures.addresses_closer,
               gap=result.equity.verdict,
               displaced_residents=sum(d.residents for d in result.displaced),
               benefit_cost_ratio=(result.costs.benefit_cost_ratio.median
                                   if result.costs and result.costs.benefit_cost_ratio
                                   else None))
    report.add("scenario_empty", **time_runs(empty, runs=args.runs))
    out = report.write()
    for row in report.results:
        print(row)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
