"""Benchmark of the synthetic region generator (``groengezond.synth.generate_region``).

Generates the demo region (150,000 inhabitants) and the benchmark region (1,500,000) in a fresh
subprocess each, so that the peak memory is that process's ``ru_maxrss`` (imports included),
and writes ``benchmarks/results/synth.json``. Targets: 1,500,000 inhabitants in at most 120 s
and 6,000 MB on a 2-core machine.

Run: ``.venv/bin/python benchmarks/bench_synth.py`` (add ``--quick`` to skip the large region).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report

SIZES: tuple[tuple[int, int, float, float], ...] = (
    # inhabitants, runs, target_s, target_mem_mb
    (150_000, 3, 15.0, 2_000.0),
    (1_500_000, 3, 120.0, 6_000.0),
)
SEED = 42


def child(inhabitants: int, runs: int) -> dict[str, Any]:
    """Generate the region ``runs`` times in this process; return times, memory and counts."""
    from groengezond.synth import generate_region, summary

    times = []
    counts: dict[str, int] = {}
    for _ in range(runs):
        t0 = time.perf_counter()
        region = generate_region(inhabitants, seed=SEED)
        times.append(time.perf_counter() - t0)
        counts = {k: int(v) for k, v in summary(region).items()}
        del region
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"times": times, "peak_mem_mb": peak_mb, "counts": counts}


def main(quick: bool = False) -> Path:
    """Run every size in its own subprocess and write the report."""
    report = Report("synth")
    for inhabitants, runs, target_s, target_mem in SIZES:
        if quick and inhabitants > 150_000:
            continue
        out = subprocess.run([sys.executable, __file__, "--child", str(inhabitants), str(runs)],
                             capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        times = res["times"]
        report.add(f"synth_{inhabitants}", median_s=statistics.median(times), min_s=min(times),
                   max_s=max(times), runs=len(times), peak_mem_mb=round(res["peak_mem_mb"], 1),
                   target_s=target_s, target_mem_mb=target_mem,
                   mem_target_met=bool(res["peak_mem_mb"] <= target_mem), counts=res["counts"])
        report.workload = {"region": "synthetic", "seed": SEED, **res["counts"]}
        print(f"synth_{inhabitants}: median {statistics.median(times):.1f} s over {len(times)} "
              f"runs, peak {res['peak_mem_mb']:.0f} MB, {res['counts']}", file=sys.stderr)
    return report.write()


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        path = main(quick="--quick" in sys.argv)
        print(path)
