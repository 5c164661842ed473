"""Benchmark the web app: API latency under load, and the first render of the 3D view.

1. ``api_load``: 50 concurrent keep-alive clients on loopback ask a shuffled mix of Monitor
   and area requests (values per area, one area's series, the gap, area lists and details)
   for 30 s from a real uvicorn process serving the synthetic demo region (150,000
   inhabitants, seed 42). Latency percentiles and errors (non-200 answers, broken
   connections). Target: p95 under 100 ms with zero errors. Each URL is asked once before
   the clock starts (the server builds its caches on first use; ``warm_up_s`` is that pass).
2. ``first_render_3d``: time from navigation start to the first complete render of the 3D
   view with buildings (``window.__gg.firstRender3dMs``, set on the map's first ``idle``
   with buildings drawn) in headless Debian chromium with software WebGL, fresh profile per
   run. The first run also finds the server's tile cache cold.

Run: ``python benchmarks/bench_api.py`` (needs the built front end for part 2, ``make web``,
``/usr/bin/chromium`` and ``pip install playwright``; part 2 is reported as skipped without).
Writes ``benchmarks/results/api.json``.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Report

CLIENTS = 50
DURATION_S = 30.0
TARGET_P95_S = 0.100
INHABITANTS = int(os.environ.get("BENCH_API_INHABITANTS", "150000"))
SEED = 42
RENDER_RUNS = 3
INDICATORS = ("healthy_life_expectancy_years", "perceived_health_good_pct",
              "depression_anxiety_risk_pct", "overweight_pct", "green_share_300m_pct",
              "income_mean_eur")
LEVELS = ("buurt", "wijk", "gemeente")


def _get(url: str) -> Any:
    import json
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


def workload(base: str, rng: random.Random) -> list[str]:
    """The shuffled list of request paths the clients cycle through."""
    have = {i["id"]: i for i in _get(f"{base}/api/indicators")["indicators"]}
    inds = [i for i in INDICATORS if i in have] or list(have)[:4]
    buurten = [a["code"] for a in _get(f"{base}/api/areas?level=buurt")["areas"]]
    picked = rng.sample(buurten, min(60, len(buurten)))
    paths: list[str] = []
    for ind in inds:
        for level in LEVELS:
            paths += [f"/api/indicators/{ind}/values?level={level}&year={y}"
                      for y in have[ind]["years"]]
            paths.append(f"/api/indicators/{ind}/inequality?level={level}")
        paths += [f"/api/indicators/{ind}/areas/{code}" for code in picked]
    paths += [f"/api/areas?level={level}" for level in LEVELS]
    paths += [f"/api/areas/{code}" for code in picked]
    rng.shuffle(paths)
    return paths


async def _read_response(reader: asyncio.StreamReader) -> int:
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


async def _client(port: int, paths: list[str], start: int, deadline: float,
                  latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = start
    try:
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Accept-Encoding: gzip\r\n\r\n".encode())
            try:
                status = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                errors.append(f"{path}: {type(exc).__name__}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
    finally:
        writer.close()


async def load(port: int, paths: list[str]) -> tuple[list[float], list[str], float]:
    """Run the clients for DURATION_S; return latencies, errors and the wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    deadline = t0 + DURATION_S
    step = max(1, len(paths) // CLIENTS)
    await asyncio.gather(*(_client(port, paths, k * step, deadline, latencies, errors)
                           for k in range(CLIENTS)))
    return latencies, errors, time.perf_counter() - t0


def first_render_runs(base: str) -> list[float] | str:
    """Seconds from navigation start to the first 3D render with buildings, per run."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return "no /usr/bin/chromium (apt-get install -y chromium)"
    from groengezond.api.static import WEB_DIST

    if not (WEB_DIST / "index.html").exists():
        return "front end not built (make web)"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    times: list[float] = []
    with sync_playwright() as p:
        for _ in range(RENDER_RUNS):
            with tempfile.TemporaryDirectory() as profile:
                ctx = p.chromium.launch_persistent_context(
                    profile, executable_path=str(chromium), args=args, headless=True,
                    viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                page.goto(f"{base}/#3d")
                deadline = time.monotonic() + 180
                # polled with evaluate: the app's CSP forbids wait_for_function's eval
                while not page.evaluate("window.__gg && window.__gg.firstRender3dMs"):
                    if time.monotonic() > deadline:
                        raise TimeoutError("the 3D view did not render in 180 s")
                    time.sleep(0.05)
                times.append(float(page.evaluate("window.__gg.firstRender3dMs")) / 1000)
                ctx.close()
    return times


def tile_figures(region: Any, report: Report) -> None:
    """Cold encode time and size of vector tiles around the largest gemeente, per zoom, and
    the size of the buurt polygons served as one GeoJSON."""
    from groengezond.api.context import tile_layers
    from groengezond.api.geojson import FeatureStore, Payload
    from groengezond.api.mvt import encode_tile, lonlat_to_tile

    t0 = time.perf_counter()
    layers = tile_layers(region)
    prepare = time.perf_counter() - t0
    gm = region.areas_at("gemeente").sort_values("inhabitants").iloc[-1:]
    lon, lat = gm.to_crs(4326).geometry.representative_point().iloc[0].coords[0]
    for z in (12, 13, 14, 15, 16):
        cx, cy = lonlat_to_tile(lon, lat, z)
        times, sizes = [], []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                t0 = time.perf_counter()
                tile = encode_tile(layers, z, cx + dx, cy + dy)
                times.append(time.perf_counter() - t0)
                sizes.append(len(Payload.of(tile, "x").gzipped))
        report.add(f"vector_tile_z{z}", median_s=statistics.median(times), max_s=max(times),
                   runs=len(times), median_gzip_kb=statistics.median(sizes) / 1000,
                   max_gzip_kb=max(sizes) / 1000)
    t0 = time.perf_counter()
    store = FeatureStore.build("buurt", region.areas_at("buurt"), "code", ("code", "name"),
                               simplify_m=5)
    payload = Payload.of(store.collection(), "application/geo+json")
    report.add("areas_geojson_buurt", median_s=time.perf_counter() - t0, runs=1,
               raw_kb=len(payload.body) / 1000, gzip_kb=len(payload.gzipped) / 1000,
               prepare_tile_layers_s=prepare)


def main() -> None:
    from groengezond.api.testing import free_port, start_server, stop_server
    from groengezond.region.store import write_region
    from groengezond.synth import generate_region

    report = Report("api", workload={"region": "synthetic", "inhabitants": INHABITANTS,
                                     "seed": SEED, "clients": CLIENTS,
                                     "duration_s": DURATION_S, "server": "uvicorn, 1 worker"})
    with tempfile.TemporaryDirectory() as tmp:
        region = generate_region(INHABITANTS, SEED)
        folder = write_region(region, Path(tmp) / "region")
        report.workload.update({k: v for k, v in region.counts().items()
                                if k in ("buildings", "trees", "areas_buurt", "addresses")})
        tile_figures(region, report)
        port = free_port()
        t_start = time.perf_counter()
        proc = start_server(folder, port)
        startup = time.perf_counter() - t_start
        base = f"http://127.0.0.1:{port}"
        try:
            paths = workload(base, random.Random(SEED))
            t0 = time.perf_counter()
            for path in dict.fromkeys(paths):
                _get(f"{base}{path}")
            warm = time.perf_counter() - t0
            latencies, errors, wall = asyncio.run(load(port, paths))
            lat = np.asarray(latencies)
            p50, p95, p99 = (float(np.percentile(lat, q)) for q in (50, 95, 99))
            report.add("api_load", p50_s=p50, p95_s=p95, p99_s=p99, max_s=float(lat.max()),
                       errors=len(errors), requests=len(latencies),
                       throughput_rps=len(latencies) / wall, distinct_urls=len(set(paths)),
                       warm_up_s=warm, server_start_s=startup, target_p95_s=TARGET_P95_S,
                       target_met=bool(p95 < TARGET_P95_S and not errors),
                       error_examples=sorted(set(errors))[:5])
            print(f"api_load: {len(latencies)} requests, p50 {p50 * 1000:.1f} ms, "
                  f"p95 {p95 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, errors {len(errors)}")
            runs = first_render_runs(base)
            if isinstance(runs, str):
                report.add("first_render_3d", skipped=runs)
                print(f"first_render_3d: skipped ({runs})")
            else:
                report.add("first_render_3d", median_s=statistics.median(runs),
                           min_s=min(runs), max_s=max(runs), runs=len(runs),
                           first_run_s=runs[0],
                           note="navigation start to first idle map with buildings; "
                                "software WebGL (SwiftShader), fresh profile per run; the "
                                "first run also finds the server's tile cache cold")
                print(f"first_render_3d: {', '.join(f'{r:.2f}' for r in runs)} s")
        finally:
            stop_server(proc)
    print(f"wrote {report.write()}")


if __name__ == "__main__":
    main()
