"""`make demo-utrecht`, the Utrecht example scenarios, and scenarios outside the region.

The refusal paths need no data; the rest builds the real Gemeente Utrecht from ../shared/data
and is skipped where that folder is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.region.testing import tiny_region
from groengezond.scenario.io import load_scenario
from groengezond.scenario.model import Scenario, parse_geometry
from groengezond.services.plan import Planner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
SCENARIOS = REPO / "examples" / "scenarios"
MAKE = shutil.which("make")
GROENGEZOND = Path(sys.executable).parent / "groengezond"
needs_data = pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at "
                                f"{SHARED} (CI clones the repository next to shared/)")


def make(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MAKE), "-s", "-C", str(REPO), *args], capture_output=True,
                          text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src"), **env})


@pytest.mark.skipif(MAKE is None, reason="no make on this machine")
def test_demo_utrecht_without_shared_data_says_so_and_exits_2(tmp_path: Path) -> None:
    done = make("demo-utrecht", f"SHARED_DATA={tmp_path / 'absent'}",
                f"UTRECHT_DIR={tmp_path / 'utrecht'}")
    assert done.returncode == 2
    assert "not found" in done.stderr and "shared/data" in done.stderr
    assert not (tmp_path / "utrecht").exists()


def test_scenario_outside_the_region_outline_is_refused() -> None:
    region = tiny_region()
    x0, y0, x1, _ = region.areas.total_bounds
    # the region's outline is its west half; its bounding box (areas) still covers the east
    areas = region.areas.copy()
    west = shapely.box(x0, y0, (x0 + x1) / 2, y0 + 500)
    areas.loc[areas["level"] == "region", "geometry"] = west
    region = region.with_layers(areas=areas)

    def park(name: str, x: float) -> Scenario:
        return Scenario.model_validate({"name": name, "interventions": [{
            "name": name, "kind": "add_green", "green_kind": "park", "public": True,
            "geometry": shapely.to_wkt(shapely.box(x, y0 + 10, x + 50, y0 + 60))}]})

    planner = Planner(region)
    planner.run(park("West park", x0 + 10), np.random.default_rng(1))
    with pytest.raises(InputError, match=r"'East park'.*outside the region 'Tiny test region'"):
        planner.run(park("East park", x1 - 100), np.random.default_rng(1))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Region]:
    if not SHARED.exists() or MAKE is None or not GROENGEZOND.exists():
        pytest.skip("needs ../shared/data, make and the groengezond console script")
    out = tmp_path_factory.mktemp("demo") / "utrecht"
    done = make("demo-utrecht-build", f"UTRECHT_DIR={out}", f"GROENGEZOND={GROENGEZOND}",
                "UTRECHT_DEPS=")
    assert done.returncode == 0, done.stderr[-2000:]
    return out, read_region(out)


@needs_data
def test_make_target_builds_the_real_region(built: tuple[Path, Region]) -> None:
    _, region = built
    assert region.counts()["areas_buurt"] == 111 and not region.meta.synthetic
    assert region.meta.quality["areas"].status == "derived"


@needs_data
@pytest.mark.parametrize(("file", "wijk", "buurten"), [
    ("utrecht_overvecht_park.yaml", "WK034403", {"BU03440322"}),
    ("utrecht_binnenstad_street_trees.yaml", "WK034406", {"BU03440612", "BU03440621"}),
])
def test_utrecht_scenarios_lie_on_open_or_paved_land(built: tuple[Path, Region], file: str,
                                                     wijk: str, buurten: set[str]) -> None:
    _, region = built
    scenario = load_scenario(SCENARIOS / file)
    geom = parse_geometry(scenario.interventions[0].geometry)
    areas = region.areas.set_index("code")
    assert shapely.covered_by(geom, areas.loc[wijk, "geometry"])
    hit = {c for c, g in zip(region.areas_at("buurt")["code"],
                             region.areas_at("buurt").geometry, strict=True)
           if g.intersection(geom).area > 1.0}
    assert hit == buurten
    parks = region.green[region.green["kind"] == "park"]
    assert not parks.intersects(geom).any()  # not on an existing park
    bag = gpd.read_file(SHARED / "bag" / "bag_panden_utrecht_binnenstad_sample_2019_rd.geojson")
    assert not bag.intersects(geom).any()  # not on a building (centre sample)
    result = Planner(region).run(scenario, np.random.default_rng(7))
    assert result.scenario == scenario.name


@needs_data
def test_synthetic_example_is_refused_on_the_real_region(built: tuple[Path, Region]) -> None:
    _, region = built
    scenario = load_scenario(SCENARIOS / "park_worst_off_wijk.yaml")
    with pytest.raises(InputError, match=r"outside the region 'Gemeente Utrecht"):
        Planner(region).run(scenario, np.random.default_rng(1))


@needs_data
def test_the_built_region_serves(built: tuple[Path, Region]) -> None:
    from groengezond.api.testing import free_port, start_server, stop_server

    folder, _ = built
    proc = start_server(folder, free_port(), timeout_s=120)
    try:
        args = [str(a) for a in proc.args]  # type: ignore[union-attr]
        port = args[args.index("--port") + 1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/areas.geojson?level=buurt",
                                    timeout=60) as r:
            doc = json.loads(r.read())
        assert len(doc["features"]) == 111
        assert {f["properties"]["geometry_quality"] for f in doc["features"]} == {"real"}
    finally:
        stop_server(proc)
