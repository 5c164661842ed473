"""Benchmark of the U-Cloud hub: ingest, pseudonymise, link, aggregate to buurt and protect.

Writes ``benchmarks/results/ucloud.json``. Usage::

    python benchmarks/bench_ucloud.py [--inhabitants 1500000] [--seed 42] [--runs 1]

The synthetic region and its population (one person per resident, about 6.7 care events per
person, Wmo/Jeugdwet/Participatiewet extracts; :mod:`groengezond.ucloud.synthpop`) are made
first and not timed. ``ingest_link_aggregate_<N>`` times
:func:`groengezond.ucloud.pipeline.ingest_link_aggregate`: address table → buurt, HMAC
pseudonyms of every BSN and the hub's link key of every register person (the vault), the
11-test and row checks of the social extracts, linkage with rates,
person-level aggregation, the linked tables of four releases over buurt/wijk/gemeente with
primary and secondary suppression, and the indicators. Peak memory is the process's maximum
resident set (``ru_maxrss``), region and population included: an upper bound of the step's.
The address table carries no exposure bands and the care events come as the columnar extract
(no FHIR), as before.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report
from groengezond.ucloud.pipeline import ingest_link_aggregate
from groengezond.ucloud.pseudonym import Pseudonymiser
from groengezond.ucloud.synthpop import generate_population

TARGET_S = 60.0
TARGET_PEAK_MB = 8000.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inhabitants", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from groengezond.synth import generate_region

    t0 = time.perf_counter()
    region = generate_region(inhabitants=args.inhabitants, seed=args.seed)
    t_region = time.perf_counter() - t0
    t0 = time.perf_counter()
    pop = generate_population(region, np.random.default_rng(args.seed))
    t_pop = time.perf_counter() - t0
    pz = Pseudonymiser(bytes(range(32)), "bench")
    times = []
    run = None
    steps: dict[str, float] = {}
    for _ in range(args.runs):
        last = [time.perf_counter()]
        name = ["start"]

        def progress(step: str, last: list[float] = last, name: list[str] = name) -> None:
            now = time.perf_counter()
            steps[name[0]] = round(now - last[0], 3)
            last[0], name[0] = now, step

        t0 = time.perf_counter()
        run = ingest_link_aggregate(pop.register, pop.care_events, pop.social, pop.addresses,
                                    region.areas, pz, year=2024, progress=progress)
        times.append(time.perf_counter() - t0)
        steps[name[0]] = round(time.perf_counter() - last[0], 3)
    assert run is not None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    summary = run.summary()
    report = Report("ucloud", workload={
        "region": "synthetic", "inhabitants": args.inhabitants, "seed": args.seed,
        "persons": len(pop.register), "care_events": len(pop.care_events),
        "social_rows": {k: len(v) for k, v in pop.social.items()},
        "buurten": int((region.areas["level"] == "buurt").sum()),
        "untimed_region_s": round(t_region, 1), "untimed_population_s": round(t_pop, 1)})
    med = float(np.median(times))
    report.add(f"ingest_link_aggregate_{args.inhabitants}", median_s=round(med, 3),
               min_s=round(min(times), 3), max_s=round(max(times), 3), runs=len(times),
               peak_mem_mb=round(peak_mb, 1), target_s=TARGET_S,
               target_peak_mb=TARGET_PEAK_MB, peak_target_met=bool(peak_mb <= TARGET_PEAK_MB),
               steps_s=steps, releases=summary["releases"])
    out = report.write()
    print(out.read_text())


if __name__ == "__main__":
    main()
