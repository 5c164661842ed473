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

3. ``health_under_planner_load``: three maximal scenario runs in flight at once (a park over
   the whole region, the attack of issue 15, with ``n_draws`` at its bound of 10,000), sent to
   the same server by three clients; meanwhile ``/health`` is asked every 50 ms. Target: p95
   of ``/health`` under 100 ms. A fourth maximal run sent while the three are in flight is
   answered at once with 503 and ``Retry-After`` (pool of 2 workers and a queue of 1, the
   defaults) or queued; its status is recorded, with each run's status and time (a run past
   the 30 s deadline answers 503) and the server's resident memory before, at its peak and
   after the runs (the runs compute in worker processes, so their memory goes back to the
   operating system).

4. ``first_render_3d_cold``: as 2, but every run starts a new server process (empty caches)
   and a new browser profile, over the region with its baseline computed, so its tiles are
   pre-built (``baseline/tiles.mbtiles``, :mod:`groengezond.api.tile_store`); median of 5
   runs, target 2 s. ``first_render_3d_cold_without_store`` is the same without the store.

Run: ``python benchmarks/bench_api.py`` (needs the built front end for part 2, ``make web``,
``/usr/bin/chromium`` and ``pip install playwright``; part 2 is reported as skipped without).
``python benchmarks/bench_api.py --only planner_load`` runs part 3 alone and updates its row
in the existing results (the row carries its own ``commit``); ``--only first_render_cold``
does the same for part 4.
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
COLD_RUNS = 5
COLD_TARGET_S = 2.0
"""Issue 16: the first 3D render on a freshly started server within 2 s (median)."""
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


def _render_once(p: Any, base: str) -> float:
    """One first 3D render in a fresh browser profile: seconds from navigation start."""
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]
    with tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", args=args, headless=True,
            viewport={"width": 1280, "height": 800})
        try:
            page = ctx.new_page()
            page.goto(f"{base}/#3d")
            deadline = time.monotonic() + 180
            while not page.evaluate("window.__gg && window.__gg.firstRender3dMs"):
                if time.monotonic() > deadline:
                    raise TimeoutError("the 3D view did not render in 180 s")
                time.sleep(0.05)
            return float(page.evaluate("window.__gg.firstRender3dMs")) / 1000
        finally:
            ctx.close()


def first_render_cold(folder: Path, report: Report, runs: int = COLD_RUNS) -> None:
    """``first_render_3d_cold``: a freshly started server process and a fresh browser profile
    for every run, over the region with its baseline (and so its pre-built tiles); then the
    same without the tile store, for comparison (``first_render_3d_cold_without_store``)."""
    from groengezond.api.testing import free_port, start_server, stop_server
    from groengezond.api.tile_store import STORE_FILE
    from groengezond.services.baseline import compute_baseline

    skipped = _render_prerequisites()
    if skipped:
        report.add("first_render_3d_cold", skipped=skipped)
        print(f"first_render_3d_cold: skipped ({skipped})")
        return
    from playwright.sync_api import sync_playwright

    t0 = time.perf_counter()
    lines = compute_baseline(folder)
    baseline_s = time.perf_counter() - t0
    tiles_line = next((ln.strip() for ln in lines if "map tiles" in ln), "")
    store = folder / "baseline" / STORE_FILE
    for name, with_store, n in (("first_render_3d_cold", True, runs),
                                ("first_render_3d_cold_without_store", False, max(3, runs // 2))):
        aside = store.with_suffix(".aside")
        if not with_store:
            store.rename(aside)
        times: list[float] = []
        starts: list[float] = []
        try:
            with sync_playwright() as p:
                for _ in range(n):
                    port = free_port()
                    s0 = time.perf_counter()
                    proc = start_server(folder, port, timeout_s=300, env=PLANNER_ENV)
                    starts.append(time.perf_counter() - s0)
                    try:
                        times.append(_render_once(p, f"http://127.0.0.1:{port}"))
                    finally:
                        stop_server(proc)
        finally:
            if not with_store:
                aside.rename(store)
        row = report.add(name, median_s=statistics.median(times), min_s=min(times),
                         max_s=max(times), runs=len(times),
                         run_seconds=[round(t, 2) for t in times],
                         server_start_s=round(statistics.median(starts), 2),
                         note="each run: a newly started server process (its caches empty) "
                              "and a fresh browser profile; navigation start to the first idle "
                              "map with buildings, headless chromium, software WebGL "
                              "(SwiftShader)" + ("; tiles from baseline/tiles.mbtiles"
                                                 if with_store else "; no tile store: every "
                                                 "tile encoded on demand"),
                         **({"target_s": COLD_TARGET_S, "baseline_s": round(baseline_s, 1),
                             "tile_store": tiles_line} if with_store else {}))
        print(f"{name}: {', '.join(f'{t:.2f}' for t in times)} s "
              f"(median {row['median_s']:.2f} s)")


def _render_prerequisites() -> str:
    """Why the browser part cannot run here, or '' when it can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not Path("/usr/bin/chromium").exists():
        return "no /usr/bin/chromium (apt-get install -y chromium)"
    from groengezond.api.static import WEB_DIST

    if not (WEB_DIST / "index.html").exists():
        return "front end not built (make web)"
    return ""


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


PLANNER_RUNS = 3
HEALTH_EVERY_S = 0.05


def _post(url: str, body: dict[str, Any], timeout: float = 180.0) -> tuple[int, float, str]:
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return int(r.status), time.perf_counter() - t0, ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), time.perf_counter() - t0, exc.headers.get("Retry-After") or ""


def _rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and its children (the Planner's workers)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def maximal_scenario(region: Any) -> dict[str, Any]:
    """A park over the whole region (within the request bounds) with 10,000 draws.

    ``displace: true``: a park over buildings is refused without it (issue 14), which would
    make the run cheap; with it the Planner demolishes every building under the park.
    """
    import shapely
    from shapely.geometry import mapping

    from groengezond.api.scenario_limits import MAX_DRAWS, MAX_VERTICES

    whole = shapely.union_all(np.asarray(region.areas_at("buurt").geometry.array, dtype=object))
    park = whole.buffer(-40.0)  # simplifying must not push it outside the region
    tolerance = 10.0
    while shapely.get_num_coordinates(park) > MAX_VERTICES // 2:
        park = park.simplify(tolerance)
        tolerance *= 2
    return {"name": "Park over the whole region", "crs": "EPSG:28992", "n_draws": MAX_DRAWS,
            "interventions": [{"kind": "add_green", "geometry": mapping(park),
                               "displace": True}]}


def planner_load(base: str, pid: int, region: Any, report: Report) -> None:
    """Part 3: /health while three maximal runs are in flight, and a fourth run's answer."""
    import threading
    import urllib.request

    small = {"name": "warm", "crs": "EPSG:28992", "interventions": []}
    t0 = time.perf_counter()
    warm = _post(f"{base}/api/scenarios/run", small)
    planner_warm_s = time.perf_counter() - t0
    body = maximal_scenario(region)
    rss_before = _rss_mb(pid)
    runs: list[tuple[int, float, str]] = []
    threads = [threading.Thread(target=lambda: runs.append(_post(f"{base}/api/scenarios/run",
                                                                 body)))
               for _ in range(PLANNER_RUNS)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # the three are in flight (computing or queued)
    fourth = _post(f"{base}/api/scenarios/run", body)
    health: list[float] = []
    health_errors = 0
    rss_peak = rss_before
    while any(t.is_alive() for t in threads) and len(runs) == 0:
        h0 = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=10) as r:
                r.read()
                if r.status != 200:
                    health_errors += 1
        except OSError:
            health_errors += 1
        health.append(time.perf_counter() - h0)
        rss_peak = max(rss_peak, _rss_mb(pid))
        time.sleep(HEALTH_EVERY_S)
    for t in threads:
        t.join()
    time.sleep(1.0)
    rss_after = _rss_mb(pid)
    lat = np.asarray(health) if health else np.asarray([np.nan])
    p50, p95 = float(np.percentile(lat, 50)), float(np.percentile(lat, 95))
    row = report.add(
        "health_under_planner_load", p50_s=p50, p95_s=p95, max_s=float(np.nanmax(lat)),
        health_requests=len(health), health_errors=health_errors, target_p95_s=TARGET_P95_S,
        target_met=bool(p95 < TARGET_P95_S and not health_errors),
        runs_in_flight=PLANNER_RUNS,
        run_statuses=sorted(r[0] for r in runs), run_seconds=sorted(round(r[1], 2) for r in runs),
        fourth_run_status=fourth[0], fourth_run_retry_after=fourth[2],
        fourth_run_answered_s=round(fourth[1], 3),
        fourth_run_outcome="503 (pool full)" if fourth[0] == 503 else
        ("queued" if fourth[0] == 200 else f"HTTP {fourth[0]}"),
        warm_run_status=warm[0], planner_warm_s=planner_warm_s,
        server_rss_before_mb=round(rss_before), server_rss_peak_mb=round(rss_peak),
        server_rss_after_mb=round(rss_after),
        scenario="add_green over the whole region (buurten union, -10 m, simplified), "
                 "n_draws 10,000",
        pool="GG_PLANNER_WORKERS=2, GG_PLANNER_QUEUE=1, GG_PLANNER_DEADLINE_S=30 (defaults)",
        note="health asked every 50 ms while all three runs were in flight (until the first "
             "answered); memory is the server process plus its worker processes")
    print(f"health_under_planner_load: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over "
          f"{len(health)} requests; runs {row['run_statuses']} in {row['run_seconds']} s; "
          f"fourth run {fourth[0]} after {fourth[1]:.2f} s; RSS {rss_before:.0f} -> "
          f"{rss_peak:.0f} -> {rss_after:.0f} MB")


def _merge_into_existing(report: Report) -> Path:
    """Replace this report's rows in the existing results file (other rows are kept)."""
    import json

    from harness import RESULTS_DIR, git_commit

    out = RESULTS_DIR / "api.json"
    doc = json.loads(out.read_text("utf-8")) if out.exists() else {
        "benchmark": "api", "commit": git_commit(), "machine": {}, "workload": {},
        "results": []}
    names = {r["name"] for r in report.results}
    doc["results"] = [r for r in doc["results"] if r["name"] not in names] + [
        {**r, "commit": git_commit()} for r in report.results]
    out.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    return out


def main() -> None:
    from groengezond.api.testing import free_port, start_server, stop_server

    if "--only" in sys.argv and sys.argv[-1] == "first_render_cold":
        from groengezond.region.store import write_region
        from groengezond.synth import generate_region

        report = Report("api")
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_region(generate_region(INHABITANTS, SEED), Path(tmp) / "region")
            first_render_cold(folder, report)
        print(f"wrote {_merge_into_existing(report)}")
        return
    if "--only" in sys.argv and sys.argv[-1] == "planner_load":
        from groengezond.region.store import write_region
        from groengezond.synth import generate_region

        report = Report("api")
        with tempfile.TemporaryDirectory() as tmp:
            region = generate_region(INHABITANTS, SEED)
            folder = write_region(region, Path(tmp) / "region")
            port = free_port()
            proc = start_server(folder, port, timeout_s=300, env=PLANNER_ENV)
            try:
                planner_load(f"http://127.0.0.1:{port}", proc.pid, region, report)
            finally:
                stop_server(proc)
        print(f"wrote {_merge_into_existing(report)}")
        return
    _full(free_port, start_server, stop_server)


PLANNER_ENV = {"GG_PLANNER_BURST": "1000", "GG_PLANNER_PER_MINUTE": "1000",
               "GG_LOG_LEVEL": "WARNING"}
"""The benchmark measures the pool, not the per-client limit (one client sends every run)."""


def _full(free_port: Any, start_server: Any, stop_server: Any) -> None:
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
        proc = start_server(folder, port, env=PLANNER_ENV)
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
            planner_load(base, proc.pid, region, report)
        finally:
            stop_server(proc)
        first_render_cold(folder, report)
    print(f"wrote {report.write()}")


if __name__ == "__main__":
    main()
