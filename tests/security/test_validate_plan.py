"""Issue 15, Low findings 'validation and the Planner agree': ``validate`` passed a region
without network edges, which ``plan`` then crashed on; removing all green crashed ``plan`` and
the API. Replayed: ``validate`` cross-checks layer pairs (and region.json) and refuses such a
region; a property test over random small synthetic regions that validate and random
scenarios (removing all green among them) shows the Planner answers or refuses, never crashes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from groengezond.cli import app
from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.quality import LayerQuality
from groengezond.region.store import read_region, write_region
from groengezond.scenario.model import scenario_from_data
from groengezond.services.plan import Planner
from groengezond.synth import generate_region

runner = CliRunner()


def test_validate_refuses_nodes_without_edges(tmp_path: Path, tiny: Region) -> None:
    broken = tiny.with_layers(network_edges=tiny.network_edges.iloc[0:0])
    folder = write_region(broken, tmp_path / "region")
    with pytest.raises(InputError, match="has no edges"):
        read_region(folder)


def test_validate_cli_exits_2_on_a_region_without_edges(tmp_path: Path, tiny_dir: Path) -> None:
    edges = gpd.read_parquet(tiny_dir / "network_edges.parquet")
    edges.iloc[0:0].to_parquet(tiny_dir / "network_edges.parquet")
    r = runner.invoke(app, ["validate", str(tiny_dir)])
    assert r.exit_code == 2 and "has no edges" in r.output


def test_validate_checks_region_json_quality_against_the_layers(tmp_path: Path,
                                                               tiny: Region) -> None:
    meta = tiny.meta.model_copy(update={"quality": {
        "trees": LayerQuality(status="real", reason="from the municipality"),
        "green": LayerQuality(status="real", figures={"rows": len(tiny.green) + 5})}})
    folder = write_region(tiny.with_layers(meta=meta, trees=tiny.trees.iloc[0:0]),
                          tmp_path / "r")
    with pytest.raises(InputError) as exc:
        read_region(folder)
    text = str(exc.value)
    assert "says real but trees.parquet is empty" in text
    assert f"says {len(tiny.green) + 5:,} rows" in text


@lru_cache(maxsize=8)
def _planner(inhabitants: int, seed: int, tmp: str) -> tuple[Planner, Region]:
    region = generate_region(inhabitants, seed)
    folder = write_region(region, Path(tmp) / f"r{inhabitants}-{seed}")
    valid = read_region(folder)  # the region validates
    return Planner(valid), valid


def _box(bounds: tuple[float, ...], fx: float, fy: float, fw: float, fh: float) -> str:
    x0, y0, x1, y1 = bounds
    w, h = x1 - x0, y1 - y0
    ax, ay = x0 + fx * w, y0 + fy * h
    return shapely.box(ax, ay, min(x1, ax + max(fw * w, 5.0)),
                       min(y1, ay + max(fh * h, 5.0))).wkt


frac = st.floats(0.0, 0.9)
size = st.floats(0.001, 0.3)


@st.composite
def interventions(draw: Any, bounds: tuple[float, ...]) -> dict[str, Any]:
    kind = draw(st.sampled_from(["add_green", "remove_green", "plant_trees", "green_roofs",
                                 "depave", "add_dwellings", "add_connection", "remove_all"]))
    geom = _box(bounds, draw(frac), draw(frac), draw(size), draw(size))
    if kind == "remove_all":
        return {"kind": "remove_green", "geometry": shapely.box(*bounds).wkt,
                "becomes": draw(st.sampled_from(["paved", "building"]))}
    if kind == "plant_trees":
        return {"kind": kind, "geometry": geom, "count": draw(st.integers(0, 200))}
    if kind == "add_dwellings":
        n = draw(st.integers(0, 300))
        return {"kind": kind, "geometry": geom, "dwellings": n,
                "residents": draw(st.integers(0, 2 * n))}
    if kind == "add_connection":
        x0, y0, x1, y1 = bounds
        a, b = draw(frac), draw(frac)
        return {"kind": kind, "geometry": shapely.LineString(
            [(x0 + a * (x1 - x0), y0 + b * (y1 - y0)),
             (x0 + b * (x1 - x0), y0 + a * (y1 - y0) + 1.0)]).wkt}
    return {"kind": kind, "geometry": geom}


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), inhabitants=st.sampled_from([2_000, 3_000]),
       seed=st.integers(0, 3))
def test_plan_never_crashes_on_a_region_that_validates(data: Any, inhabitants: int, seed: int,
                                                       tmp_path_factory: Any) -> None:
    planner, region = _planner(inhabitants, seed, str(tmp_path_factory.getbasetemp()))
    bounds = tuple(float(v) for v in region.areas.total_bounds)
    items = data.draw(st.lists(interventions(bounds), min_size=0, max_size=4))
    try:
        scenario = scenario_from_data({"name": "random", "interventions": items})
        result = planner.run(scenario, np.random.default_rng(0), n_draws=1000, seed=0)
    except InputError:
        return  # a refusal that names the problem is an answer, not a crash
    assert result.scenario == "random"
