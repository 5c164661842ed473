"""Benchmark of the green accessibility engine on the synthetic region (DESIGN § Benchmarks).

Writes ``benchmarks/results/access.json``. Usage::

    python benchmarks/bench_access.py [--inhabitants 1500000] [--seed 42] [--region DIR]

``--region DIR`` reads a region folder (e.g. one written earlier by ``groengezond synth``)
instead of generating one. Preparation (building the network, snapping addresses, entry
points, networkx graph) is not timed; each timed figure is the median of several runs, and
peak memory is measured in one extra run with tracemalloc.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, peak_mem_mb, time_runs
from groengezond.access.entries import Entries, green_entries, select_green
from groengezond.access.incremental import add_green
from groengezond.access.nearest import multi_source, nearest_green, point_distance
from groengezond.access.supply import catchments, two_step_fca
from groengezond.landcover import (
    RADII_M,
    apply_patches,
    green_share,
    update_green_share,
)
from groengezond.network import WalkNetwork
from groengezond.region.model import Landcover, Region

TARGETS = {
    "nearest_green_full": 0.5,
    "add_park_update": 0.020,
    "supply_2sfca": 1.0,
    "green_share_raster": 3.0,
    "green_share_local_update": 0.100,
}


def load_region(args: argparse.Namespace) -> Region:
    if args.region:
        from groengezond.region.store import read_region

        return read_region(Path(args.region), validate=False)
    from groengezond.synth import generate_region

    return generate_region(inhabitants=args.inhabitants, seed=args.seed)


def new_park(network: WalkNetwork, region: Region, n_entries: int = 8) -> tuple[Any, Entries]:
    """A square 5 ha public park centred on the node nearest the residents' mean position."""
    import geopandas as gpd
    from shapely.geometry import box

    xy = np.c_[region.addresses.geometry.x, region.addresses.geometry.y]
    w = region.addresses["residents"].to_numpy(dtype=float)
    centre = (xy * w[:, None]).sum(axis=0) / w.sum()
    node = int(np.argmin(((network.node_xy - centre) ** 2).sum(axis=1)))
    cx, cy = network.node_xy[node]
    half = np.sqrt(50_000.0) / 2
    park = gpd.GeoDataFrame({"green_id": [10**9], "kind": ["park"], "public": [True],
                             "area_ha": [5.0]},
                            geometry=[box(cx - half, cy - half, cx + half, cy + half)],
                            crs="EPSG:28992")
    entries = green_entries(network, park)
    if len(entries) > n_entries:
        keep = np.linspace(0, len(entries) - 1, n_entries).round().astype(int)
        entries = entries.subset(np.isin(np.arange(len(entries)), keep))
    return park, entries


def networkx_nearest(network: WalkNetwork, entries: Entries) -> tuple[Any, Any]:
    """networkx graph with one virtual source per green (prepared outside the timing)."""
    import networkx as nx

    graph = network.to_networkx()
    nodes, dist, group = entries.seeds(network)
    for n, d, g in zip(nodes, dist, group, strict=True):
        key = ("green", int(g))
        if graph.has_edge(key, int(n)) and graph[key][int(n)]["weight"] <= d:
            continue
        graph.add_edge(key, int(n), weight=float(d))
    sources = {("green", int(g)) for g in np.unique(group)}
    return nx, (graph, sources)


def supply_pairwise_check(catch: Any, residents: Any, entries: Entries) -> float:
    """Largest relative difference of A_i from the same 2SFCA summed over listed pairs (untimed).

    ``two_step_fca`` sums the exponential decay per (green, edge) run; here every
    (green, address) pair is listed with its distance and summed with ``np.bincount``.
    """
    area = entries.green_area_ha * 1e4
    demand = np.zeros(len(area))
    for green, address, dist in catch.iter_pairs():
        demand += np.bincount(green, weights=residents[address] * np.exp(-dist / 2000.0),
                              minlength=len(area))
    ratio = np.divide(area, demand, out=np.zeros(len(area)), where=demand > 0)
    want = np.zeros(len(residents))
    for green, address, dist in catch.iter_pairs():
        want += np.bincount(address, weights=ratio[green] * np.exp(-dist / 2000.0),
                            minlength=len(residents))
    got = two_step_fca(catch, residents, area, "exponential").green_m2_per_inhabitant
    scale = np.where(want > 0, want, 1.0)
    return float(np.max(np.abs(got - want) / scale, initial=0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inhabitants", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--region", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    region = load_region(args)
    print(f"region ready in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    network = WalkNetwork.from_region(region)
    points = np.asarray(region.addresses.geometry.array, dtype=object)
    snap = network.snap(points)
    green = select_green(region.green, 1.0)
    entries = green_entries(network, green)
    residents = region.addresses["residents"].to_numpy(dtype=float)
    prep_s = time.perf_counter() - t0
    print(f"network, snapping and entries in {prep_s:.1f} s", flush=True)

    report = Report("access", workload={
        "region": "synthetic" if region.meta.synthetic else region.meta.name,
        "inhabitants": int(region.inhabitants),
        "addresses": len(region.addresses),
        "nodes": network.n_nodes,
        "edges": int(network.edge_alive.sum()),
        "green_spaces_min_1ha": int(entries.n_greens),
        "entries": len(entries),
        "landcover_cells": 0 if region.landcover is None else int(region.landcover.classes.size),
        "preparation_s": round(prep_s, 2),
    })
    runs = args.runs

    # 1. nearest green, full pass --------------------------------------------------------
    def ours() -> object:
        return nearest_green(network, snap, entries)

    timing = time_runs(ours, runs=runs)
    report.add("nearest_green_full", **timing, peak_mem_mb=peak_mem_mb(ours),
               target_s=TARGETS["nearest_green_full"])
    print("nearest_green_full", timing, flush=True)

    # 2. the same with networkx ----------------------------------------------------------
    nx, (graph, sources) = networkx_nearest(network, entries)

    def with_networkx() -> object:
        lengths = nx.multi_source_dijkstra_path_length(graph, sources, weight="weight")
        node_dist = np.full(network.n_nodes, np.inf)
        ids = np.fromiter((k for k in lengths if isinstance(k, int)), dtype=np.int64)
        node_dist[ids] = np.fromiter((lengths[int(k)] for k in ids), dtype=float)
        return point_distance(network, node_dist, np.zeros(network.n_nodes, dtype=np.int64),
                              entries, snap.edge, snap.offset_m)

    nx_runs = max(2, min(3, runs))
    nx_timing = time_runs(with_networkx, runs=nx_runs, warmup=0)
    report.add("nearest_green_full_networkx", **nx_timing)
    ratio = nx_timing["median_s"] / timing["median_s"]
    report.add("ratio_networkx_over_ours", value=round(ratio, 1), target=20,
               note="full pass: graph search plus the same numpy address stage in both")
    print("networkx", nx_timing, "ratio", ratio, flush=True)

    # the graph search alone (no address stage), for insight into where the time goes
    seed_nodes, seed_dist, seed_group = entries.seeds(network)
    ours_nodes = time_runs(lambda: multi_source(network.graph, seed_nodes, seed_dist,
                                                seed_group, entries.n_greens), runs=runs)
    nx_nodes = time_runs(lambda: nx.multi_source_dijkstra_path_length(graph, sources,
                                                                      weight="weight"),
                         runs=nx_runs, warmup=0)
    report.add("nearest_green_nodes", **ours_nodes)
    report.add("nearest_green_nodes_networkx", **nx_nodes)
    report.add("ratio_networkx_over_ours_nodes",
               value=round(nx_nodes["median_s"] / ours_nodes["median_s"], 1))

    # pandana (AGPL: benchmark only, never a dependency) ---------------------------------
    try:
        import pandana  # type: ignore[import-not-found]
    except ImportError:
        report.add("nearest_green_full_pandana", skipped="pandana is not installed")
    else:  # pragma: no cover - depends on an optional install
        try:
            import pandas as pd

            alive = network.alive_edges
            idx = pd.RangeIndex(network.n_nodes)
            net_p = pandana.Network(
                pd.Series(network.node_xy[:, 0], index=idx),
                pd.Series(network.node_xy[:, 1], index=idx),
                pd.Series(network.edge_u[alive]), pd.Series(network.edge_v[alive]),
                pd.DataFrame({"length_m": network.edge_length_m[alive]}), twoway=True)
            pnodes, _, _ = entries.seeds(network)
            net_p.set_pois("green", 1e7, 1, pd.Series(network.node_xy[pnodes, 0]),
                           pd.Series(network.node_xy[pnodes, 1]))
            p_timing = time_runs(lambda: net_p.nearest_pois(1e7, "green", num_pois=1),
                                 runs=runs)
            report.add("nearest_green_full_pandana", **p_timing,
                       note="pandana 0.8 (AGPL, benchmark only): node-level nearest POI, "
                            "entries at their nodes without offsets, no address stage")
            print("pandana", p_timing, flush=True)
        except Exception as exc:  # pandana's own failures must not stop the benchmark
            report.add("nearest_green_full_pandana", skipped=f"pandana failed: {exc}")

    # 3. add one 5 ha park with 8 entries -------------------------------------------------
    base = nearest_green(network, snap, entries)
    park, park_entries = new_park(network, region)
    network.incident_edges(np.zeros(1, dtype=np.int64))  # build the cached incidence index
    _ = snap.by_edge

    def add_park() -> object:
        return add_green(network, snap, entries, base, park_entries)

    add_timing = time_runs(add_park, runs=max(runs, 7))
    merged, updated = add_park()  # type: ignore[misc]
    full = nearest_green(network, snap, merged)
    report.add("add_park_update", **add_timing, peak_mem_mb=peak_mem_mb(add_park),
               target_s=TARGETS["add_park_update"], entries=len(park_entries),
               addresses_improved=int((updated.dist_m < base.dist_m).sum()),
               equals_full_recompute=bool(np.allclose(updated.dist_m, full.dist_m)))
    print("add_park_update", add_timing, flush=True)

    # 4. supply per inhabitant, 2SFCA 2 km exponential ------------------------------------
    def supply() -> object:
        catch = catchments(network, snap, entries, 2000.0)
        return two_step_fca(catch, residents, entries.green_area_ha * 1e4, "exponential")

    s_timing = time_runs(supply, runs=runs)
    catch = catchments(network, snap, entries, 2000.0)
    report.add("supply_2sfca", **s_timing, peak_mem_mb=peak_mem_mb(supply),
               target_s=TARGETS["supply_2sfca"], pairs=catch.n_pairs,
               green_edge_pairs=len(catch.pair_green),
               max_rel_diff_vs_pairwise=supply_pairwise_check(catch, residents, entries))
    print("supply_2sfca", s_timing, flush=True)

    # 5. green share within 300/500/1,000 m, and a local update for one new park ----------
    if region.landcover is not None:
        lc = region.landcover
        classes = region.meta.landcover_classes

        def share() -> object:
            return green_share(lc, RADII_M, classes)

        g_timing = time_runs(share, runs=runs)
        report.add("green_share_raster", **g_timing, peak_mem_mb=peak_mem_mb(share),
                   target_s=TARGETS["green_share_raster"], cells=int(lc.classes.size))
        print("green_share_raster", g_timing, flush=True)
        before = green_share(lc, RADII_M, classes)
        tr = lc.transform
        new_classes = lc.classes.copy()
        minx, miny, maxx, maxy = park.total_bounds
        r0, r1 = int((maxy - tr.f) / tr.e), int((miny - tr.f) / tr.e)
        c0, c1 = int((minx - tr.c) / tr.a), int((maxx - tr.c) / tr.a)
        low_green = next(code for code, name in classes.items() if name == "low_green")
        new_classes[max(r0, 0):r1, max(c0, 0):c1] = low_green
        after_lc = Landcover(new_classes, tr)

        def local() -> object:
            return update_green_share(before, lc, after_lc, classes)

        l_timing = time_runs(local, runs=max(runs, 7))
        patched = apply_patches(before, update_green_share(before, lc, after_lc, classes))
        check = green_share(after_lc, RADII_M, classes)
        equal = all(np.allclose(patched.share[r], check.share[r], equal_nan=True, atol=1e-6)
                    for r in RADII_M)
        report.add("green_share_local_update", **l_timing, peak_mem_mb=peak_mem_mb(local),
                   target_s=TARGETS["green_share_local_update"], equals_full_recompute=equal,
                   note="computes the patched windows; writing them into copies of the full "
                        "rasters (apply_patches) is not included")
        print("green_share_local_update", l_timing, flush=True)
    else:
        report.add("green_share_raster", skipped="region has no land-cover raster")

    path = report.write()
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
