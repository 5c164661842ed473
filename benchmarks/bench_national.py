"""Benchmark of the distributed (Dask) access run and the national Monitor (issue 20).

Writes ``benchmarks/results/national.json``. Usage::

    python benchmarks/bench_national.py [--inhabitants 1500000] [--partitions 26]
                                        [--workers 1 2] [--runs 3] [--national DIR]

Side by side in one run, on one synthetic region:

- ``access_single``: :func:`compute_access` in this process;
- ``access_dask_<n>w``: the same with the catchments in ``--partitions`` partitions on a local
  Dask cluster of ``n`` worker processes (cluster start-up not timed), with the peak resident
  memory per worker and a check that every per-address column is identical to the single run;
- ``scaling``: the speed-up over the workers measured, and Amdahl's law fitted to it
  (serial fraction ``s`` from :math:`T_n = T_1 (s + (1 - s)/n)`) to model more workers;
- ``monitor_national``: the gemeente Monitor of perceived good health on the national region
  built from ``examples/nederland-sources.yaml`` (342 gemeenten, RIVM 50090NED), when
  ``--national DIR`` (a built region) is given or ../shared/data exists.

``synth_national`` (a 17.9M-inhabitant synthetic region generated per partition) is recorded as
not built yet, with the reason.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, time_runs
from groengezond.region.store import read_region
from groengezond.services.access import AccessResult, compute_access
from groengezond.services.distributed import (
    DaskSettings,
    dask_client,
    distributed_mapper,
    worker_memory,
)
from groengezond.synth import generate_region

REPO = Path(__file__).resolve().parent.parent
NATIONAL_CONFIG = REPO / "examples" / "nederland-sources.yaml"


def identical(a: AccessResult, b: AccessResult) -> bool:
    """Whether every non-geometry column of the address and area tables is equal."""
    for left, right in ((a.addresses, b.addresses), (a.areas, b.areas)):
        try:
            pd.testing.assert_frame_equal(pd.DataFrame(left.drop(columns="geometry")),
                                          pd.DataFrame(right.drop(columns="geometry")),
                                          check_exact=True)
        except AssertionError:
            return False
    return True


def bench_access(report: Report, args: argparse.Namespace) -> None:
    region = generate_region(inhabitants=args.inhabitants, seed=args.seed)
    holder: dict[str, AccessResult] = {}

    def single() -> object:
        holder["single"] = compute_access(region)
        return holder["single"]

    t1 = time_runs(single, runs=args.runs, warmup=0)
    report.add("access_single", **t1)
    medians: dict[int, float] = {}
    for n in args.workers:
        with dask_client(DaskSettings(workers=n, memory_limit="4GB")) as client:
            mapper = distributed_mapper(client, args.partitions)

            def on_dask(mapper: Any = mapper) -> object:
                holder["dask"] = compute_access(region, tile_mapper=mapper)
                return holder["dask"]

            timing = time_runs(on_dask, runs=args.runs, warmup=0)
            rss = worker_memory(client)
        same = identical(holder["single"], holder["dask"])
        peak = max(rss.values()) / 1e9
        medians[n] = float(timing["median_s"])
        report.add(f"access_dask_{n}w", **timing, partitions=args.partitions, workers=n,
                   identical_to_single=same, worker_rss_max_gb=round(peak, 3),
                   worker_memory_target_gb=4.0, worker_memory_met=bool(peak <= 4.0))
    if len(medians) >= 2:
        ns = sorted(medians)
        t_1 = medians[ns[0]] * ns[0]  # time of one worker (scaled if the first is not 1)
        speedup = {n: medians[ns[0]] / medians[n] for n in ns}
        # Amdahl: T_n / T_1 = s + (1 - s) / n, least squares over the measured n
        x = np.array([1 - 1 / n for n in ns])
        y = np.array([1 - medians[n] / medians[ns[0]] for n in ns])
        parallel = float(np.clip((x @ y) / (x @ x), 0.0, 1.0)) if (x @ x) > 0 else 0.0
        model = {str(n): round(1 / ((1 - parallel) + parallel / n), 2) for n in (4, 8, 16, 32)}
        report.add("scaling", speedup={str(n): round(v, 2) for n, v in speedup.items()},
                   serial_fraction=round(1 - parallel, 3), modelled_speedup=model,
                   one_worker_s=round(t_1, 3), note="2 cores: beyond 2 workers is a model")


def bench_monitor(report: Report, args: argparse.Namespace) -> None:
    from groengezond.services.monitor import MonitorQuery, run_monitor

    if args.national:
        region_dir = Path(args.national)
    else:
        shared = REPO.parent / "shared" / "data"
        if not shared.exists():
            report.add("monitor_national", skipped="../shared/data is absent; give --national")
            return
        from groengezond.services.build import build_to_folder

        region_dir = Path(args.scratch) / "nederland"
        t0 = time.perf_counter()
        build_to_folder(NATIONAL_CONFIG, region_dir)
        report.add("build_national", median_s=time.perf_counter() - t0, runs=1)
    region = read_region(region_dir)
    query = MonitorQuery(indicator="perceived_health_good_pct", level="gemeente", year=2020)
    timing = time_runs(lambda: run_monitor(region, query), runs=args.runs, warmup=1)
    report.add("monitor_national", **timing, gemeenten=len(region.areas_at("gemeente")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inhabitants", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--partitions", type=int, default=26)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--national", default=None, help="A built national region folder.")
    parser.add_argument("--scratch", default="/tmp/groengezond-bench-national")
    args = parser.parse_args()
    report = Report("national", workload={"inhabitants": args.inhabitants,
                                          "partitions": args.partitions,
                                          "workers": args.workers})
    report.add("synth_national", skipped="not built yet: the national synthetic region "
               "(17.9M inhabitants, generated per gemeente partition) is open work of issue 20")
    bench_access(report, args)
    bench_monitor(report, args)
    print(report.write())


if __name__ == "__main__":
    main()
