"""Shared benchmark harness: timing medians, peak memory, and the JSON shape of DESIGN.

Every ``benchmarks/bench_*.py`` builds a :class:`Report`, adds results and calls
:meth:`Report.write`, which writes ``benchmarks/results/<name>.json``::

    {"benchmark": ..., "commit": ..., "machine": {...}, "workload": {...}, "results": [...]}

Timings are medians over several runs; peak memory is measured in a separate, untimed run with
``tracemalloc`` (numpy reports its buffers to it), or for a whole process from ``ru_maxrss``.
Targets are recorded beside the figures and a missed target is reported as it is.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def git_commit() -> str:
    """Return the current git commit (or 'unknown')."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    """Describe the machine: cores, Python version, platform."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}


def time_runs(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> dict[str, float | int]:
    """Run ``fn`` ``warmup`` + ``runs`` times; return median, min and max wall time (s)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "runs": runs}


def peak_mem_mb(fn: Callable[[], object]) -> float:
    """Peak memory (MB) that one call of ``fn`` allocates, measured with tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


@dataclass
class Report:
    """The results of one benchmark file."""

    benchmark: str
    workload: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, **figures: Any) -> dict[str, Any]:
        """Add a result row ``{"name": name, **figures}``; flags a missed target."""
        row: dict[str, Any] = {"name": name, **figures}
        if "target_s" in row and "median_s" in row:
            row["target_met"] = bool(row["median_s"] <= row["target_s"])
        if "target" in row and "value" in row:
            row["target_met"] = bool(row["value"] >= row["target"])
        self.results.append(row)
        return row

    def write(self, directory: Path = RESULTS_DIR) -> Path:
        """Write ``<directory>/<benchmark>.json`` and return its path."""
        directory.mkdir(parents=True, exist_ok=True)
        out = directory / f"{self.benchmark}.json"
        doc = {"benchmark": self.benchmark, "commit": git_commit(), "machine": machine(),
               "workload": self.workload, "results": self.results}
        tmp = out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
        tmp.replace(out)
        return out
