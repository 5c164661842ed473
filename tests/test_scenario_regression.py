"""The Planner's key outputs on a small synthetic region stay what they were (issue 14).

``tests/data/plan_regression_20k.json`` holds a synthetic region of 20,000 inhabitants (seed
1), the example plans of ``examples/scenarios`` placed on it (their interventions and
parameters as in the examples, their geometries on this region: the park on open land beside
the worst-off buurt, the 400 trees in a square of the same size in the worst-off wijk, the
footbridge with its walking volume where the river divides most), one plan that builds a park
over homes with ``displace: true`` (as the benchmark does), and each plan's key outputs
(exposures, pathway totals, euros, benefit-cost ratio, the gap, cooling, per-buurt figures of
the buurt that changes most) with the tolerances they are compared at. A speed-up of the
Planner must leave them as they are; a change of the model that moves them on purpose is
recorded by regenerating the file::

    PYTHONPATH=src python tests/test_scenario_regression.py

which rewrites the fixture from the current code and prints what moved (review the diff of the
JSON in the commit that changes the model).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import yaml

from groengezond.region.model import Region
from groengezond.scenario.model import scenario_from_data
from groengezond.scenario.result import ScenarioResult
from groengezond.scenario.testing import footbridge_across_river, park_in, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "plan_regression_20k.json"
EXAMPLES = ROOT / "examples" / "scenarios"
INHABITANTS, REGION_SEED, DRAWS, SEED = 20_000, 1, 1000, 42
REL, ABS = 1e-6, 1e-9
"""Outputs are compared at a relative tolerance of 1e-6 (and 1e-9 absolute near zero): the
Monte Carlo is seeded, so only floating-point order may move them."""


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def plans(region: Region) -> list[dict[str, Any]]:
    """The example plans placed on ``region`` (see module docstring)."""
    park_ex = _example("park_worst_off_wijk.yaml")
    park = dict(park_ex["interventions"][0])
    park["geometry"] = park_in(region, ranked_by_income(region)[0], 5.0).wkt
    trees_ex = _example("street_trees_footbridge.yaml")
    trees, bridge = (dict(i) for i in trees_ex["interventions"])
    side = shapely.from_wkt(trees["geometry"]).bounds
    half = (side[2] - side[0]) / 2
    wijk = ranked_by_income(region, "wijk")[0]
    c = region.areas.set_index("code").geometry[wijk].representative_point()
    trees["geometry"] = shapely.box(c.x - half, c.y - half, c.x + half, c.y + half).wkt
    bridge["geometry"] = footbridge_across_river(region).wkt
    home = region.addresses[region.addresses["buurt"] == ranked_by_income(region)[0]]
    h = home.geometry.iloc[0]
    s = math.sqrt(2.5e4) / 2
    over_homes = {"kind": "add_green", "name": "Park over woningen", "displace": True,
                  "catalogue_id": "neighbourhood_park",
                  "geometry": shapely.box(h.x - s, h.y - s, h.x + s, h.y + s).wkt}
    return [
        {"source": "examples/scenarios/park_worst_off_wijk.yaml",
         "scenario": {"name": park_ex["name"], "interventions": [park],
                      "appraisal_years": park_ex.get("appraisal_years", 30)}},
        {"source": "examples/scenarios/street_trees_footbridge.yaml",
         "scenario": {"name": trees_ex["name"], "interventions": [trees, bridge],
                      "appraisal_years": trees_ex.get("appraisal_years", 30)}},
        {"source": "benchmarks/bench_plan.py (a park over homes, displace: true)",
         "scenario": {"name": "Park over woningen", "interventions": [over_homes]}},
    ]


def key_outputs(r: ScenarioResult) -> dict[str, float | None]:
    """The figures a council would quote, flattened to name -> number (None: not given)."""
    out: dict[str, float | None] = {}
    for k, v in r.exposures.model_dump().items():
        if isinstance(v, (int, float)) or v is None:
            out[f"exposures.{k}"] = None if v is None else float(v)
    for p in r.pathways:
        for q in ("median", "lower", "upper"):
            out[f"pathways.{p.erf_id}.{q}"] = None if p.total is None else getattr(p.total, q)
    for q in ("median", "lower", "upper"):
        out[f"money.{q}"] = None if r.money.total is None else getattr(r.money.total, q)
    bcr = r.costs.benefit_cost_ratio if r.costs is not None else None
    for q in ("median", "lower", "upper"):
        out[f"costs.benefit_cost_ratio.{q}"] = None if bcr is None else getattr(bcr, q)
    if r.costs is not None:
        out["costs.total_low_eur"] = r.costs.total_low_eur
        out["costs.total_high_eur"] = r.costs.total_high_eur
        cpv = r.costs.costs_present_value_eur
        out["costs.costs_present_value_eur.median"] = None if cpv is None else cpv.median
    out["equity.sii_change"] = r.equity.sii_change
    out["equity.sii_after"] = r.equity.sii_after
    out["displaced.residents"] = float(sum(d.residents for d in r.displaced))
    cells = r.cooling_map.cells if r.cooling_map is not None else []
    out["cooling_map.blocks"] = float(len(cells))
    out["cooling_map.coolest_c"] = float(min((c[2] for c in cells), default=0.0))
    top = max(r.buurten, key=lambda b: abs(b.d_ndvi_500m or 0.0) + abs(b.d_t_air_c or 0.0))
    for k in ("residents", "d_ndvi_500m", "d_t_air_c", "within_300m_after",
              "green_m2_per_inhabitant_after"):
        v = getattr(top, k)
        out[f"buurt[{top.code}].{k}"] = None if v is None else float(v)
    for k in ("deaths_prevented", "heat_deaths_prevented", "value_eur_per_year"):
        v = getattr(top, k)
        out[f"buurt[{top.code}].{k}"] = None if v is None else float(v.median)
    out["buurten.sum_d_t_air_c"] = float(sum(b.d_t_air_c or 0.0 for b in r.buurten))
    return out


def compute(region: Region | None = None,
            scenarios: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Run the plans and return the fixture's content."""
    region = region or generate_region(INHABITANTS, REGION_SEED)
    planner = Planner(region)
    items = scenarios if scenarios is not None else plans(region)
    out = []
    for item in items:
        r = planner.run(scenario_from_data(item["scenario"]), np.random.default_rng(SEED),
                        n_draws=DRAWS, seed=SEED)
        out.append({**item, "outputs": key_outputs(r)})
    return {"region": {"generator": {"inhabitants": INHABITANTS, "seed": REGION_SEED}},
            "draws": DRAWS, "seed": SEED, "tolerance": {"rel": REL, "abs": ABS},
            "regenerate": "PYTHONPATH=src python tests/test_scenario_regression.py",
            "plans": out}


@pytest.fixture(scope="module")
def stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def now(stored: dict[str, Any]) -> dict[str, Any]:
    return compute(scenarios=[{k: v for k, v in p.items() if k != "outputs"}
                              for p in stored["plans"]])


def test_fixture_covers_the_examples(stored: dict[str, Any]) -> None:
    sources = {p["source"] for p in stored["plans"]}
    for f in EXAMPLES.glob("*.yaml"):
        if "generator" in (_example(f.name).get("region") or {}):  # synthetic-region examples
            assert f"examples/scenarios/{f.name}" in sources
    assert all(p["outputs"] for p in stored["plans"])


@pytest.mark.parametrize("i", [0, 1, 2])
def test_key_outputs_unchanged(stored: dict[str, Any], now: dict[str, Any], i: int) -> None:
    want, got = stored["plans"][i]["outputs"], now["plans"][i]["outputs"]
    assert set(got) == set(want), "the key outputs differ: regenerate the fixture on purpose"
    moved = {k: (want[k], got[k]) for k in want
             if (want[k] is None) != (got[k] is None)
             or (want[k] is not None
                 and not math.isclose(got[k], want[k], rel_tol=REL, abs_tol=ABS))}
    assert not moved, f"{stored['plans'][i]['source']}: moved {moved}"
    # the plans do something: a regression test of zeros would guard nothing
    assert any(v for k, v in want.items() if k.startswith("pathways.") and v)


def _main() -> None:
    old = json.loads(FIXTURE.read_text(encoding="utf-8")) if FIXTURE.exists() else None
    data = compute()
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")
    if old is None:
        return
    for p_old, p_new in zip(old["plans"], data["plans"], strict=False):
        for k, v in p_new["outputs"].items():
            w = p_old["outputs"].get(k)
            if (v is None) != (w is None) or (v is not None and not math.isclose(
                    v, w, rel_tol=REL, abs_tol=ABS)):
                print(f"{p_new['source']}: {k}: {w} -> {v}")


if __name__ == "__main__":
    sys.exit(_main())
