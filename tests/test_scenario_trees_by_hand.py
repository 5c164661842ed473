"""The 400 street trees of examples/scenarios/street_trees_footbridge.yaml, computed by hand.

Independent of the Planner's convolutions and Monte Carlo: each tree's crown (6 m, 28.3 m²)
changes its 10 m cell's NDVI proxy by 0.283 × (0.80 − NDVI of the class under it); the mean
NDVI within 500 m of a home changes by the sum of those changes over the cells whose centre
lies within 500 m of the home's cell centre, divided by the number of valid cells there
(counted directly on the raster). Per buurt, deaths prevented = (1 − 0.96^(Δ/0.1)) × the
deaths expected at the reference age-specific rates (18-64 and 65+) among its adults
(Rojas-Rueda et al. 2019; baseline_rates.yaml).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from groengezond.health.baseline import load_baseline_rates
from groengezond.landcover import NDVI_BY_CLASS
from groengezond.scenario.apply import apply_scenario
from groengezond.scenario.io import load_scenario
from groengezond.scenario.model import Scenario
from groengezond.services.plan import Planner, base_region

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / \
    "street_trees_footbridge.yaml"


@pytest.fixture(scope="module")
def trees_only() -> Scenario:
    sc = load_scenario(EXAMPLE)
    return sc.model_copy(update={"interventions": tuple(
        i for i in sc.interventions if i.kind == "plant_trees")})


def test_400_street_trees_by_hand(trees_only: Scenario) -> None:
    region = base_region(trees_only)
    lc = region.landcover
    assert lc is not None and len(trees_only.interventions) == 1
    tree = trees_only.interventions[0]
    assert tree.kind == "plant_trees" and tree.count == 400 and tree.crown_diameter_m == 6.0
    delta = apply_scenario(region, trees_only)
    names = region.meta.landcover_classes
    cell = lc.cell_size_m
    # where the trees stand (placement is tested elsewhere): their cells
    xy = np.c_[delta.new_trees.geometry.x, delta.new_trees.geometry.y]
    tr = lc.transform
    tr_rows = np.floor((xy[:, 1] - tr.f) / tr.e).astype(int)
    tr_cols = np.floor((xy[:, 0] - tr.c) / tr.a).astype(int)
    assert len(xy) == 400
    under = [names[int(k)] for k in lc.classes[tr_rows, tr_cols]]
    assert "building" not in under and "water" not in under
    # NDVI change per tree cell: crown share × (trees − class under it)
    crown = np.pi * 3.0 ** 2 / cell ** 2
    assert crown == pytest.approx(0.2827, abs=1e-4)
    dv: dict[tuple[int, int], float] = {}
    for r, c, name in zip(tr_rows.tolist(), tr_cols.tolist(), under, strict=True):
        dv[(r, c)] = dv.get((r, c), 0.0) + crown * (NDVI_BY_CLASS["trees"] - NDVI_BY_CLASS[name])
    cells = np.asarray(list(dv.keys()))
    change = np.asarray(list(dv.values()))
    # homes: mean NDVI within 500 m = sum over the cells whose centre is within 500 m
    addr = region.addresses
    hxy = np.c_[addr.geometry.x, addr.geometry.y]
    h_rows = np.floor((hxy[:, 1] - tr.f) / tr.e).astype(int)
    h_cols = np.floor((hxy[:, 0] - tr.c) / tr.a).astype(int)
    k = int(500 // cell)
    near = cKDTree(cells).query_ball_point(np.c_[h_rows, h_cols], k + 0.5)
    valid = lc.classes != 0
    n_rows, n_cols = valid.shape
    off = np.arange(-k, k + 1)
    disc = (off[:, None] ** 2 + off[None, :] ** 2) * cell ** 2 <= 500.0 ** 2
    d_home = np.zeros(len(hxy))
    for i, hits in enumerate(near):
        if not hits:
            continue
        d = cells[hits] - [h_rows[i], h_cols[i]]
        inside = (d ** 2).sum(axis=1) * cell ** 2 <= 500.0 ** 2
        if not inside.any():
            continue
        r0, c0 = h_rows[i] - k, h_cols[i] - k
        win = np.zeros_like(disc)
        rs, cs = max(r0, 0), max(c0, 0)
        re_, ce = min(r0 + 2 * k + 1, n_rows), min(c0 + 2 * k + 1, n_cols)
        win[rs - r0:re_ - r0, cs - c0:ce - c0] = valid[rs:re_, cs:ce]
        d_home[i] = change[np.asarray(hits)[inside]].sum() / float((win & disc).sum())
    # per buurt, residents-weighted; deaths at the reference age-specific rates
    res = addr["residents"].to_numpy(float)
    buurt = addr["buurt"].to_numpy()
    _, inv = np.unique(buurt, return_inverse=True)
    d_buurt = np.bincount(inv, weights=d_home * res) / np.bincount(inv, weights=res)
    rates = load_baseline_rates()
    m1, m2 = rates["mortality_18_64"].value, rates["mortality_65_plus"].value
    expected_deaths = (np.bincount(inv, weights=addr["age_18_64"].to_numpy(float)) * m1
                       + np.bincount(inv, weights=addr["age_65_plus"].to_numpy(float)) * m2)
    deaths = float(((1.0 - 0.96 ** (d_buurt / 0.1)) * expected_deaths).sum())
    mean_d = float((d_home * res).sum() / res.sum())
    # the Planner
    result = Planner(region).run(trees_only, np.random.default_rng(42))
    assert result.exposures.d_ndvi_500m == pytest.approx(mean_d, rel=1e-4)
    got = next(p for p in result.pathways if p.erf_id == "green_mortality").total
    assert got is not None
    assert got.median == pytest.approx(deaths, rel=0.05)
    # the estimate at real crown size: about 0.10 deaths a year (not 0.34)
    assert 0.07 < deaths < 0.16
    growth = result.canopy_growth
    assert growth is not None and growth.trees == 400
    assert growth.benefit_by_year[0] == pytest.approx(((2 + 4 / 30) / 6) ** 2, rel=1e-6)
    assert growth.present_value_factor < 1.0
