"""Heat in the Planner: the park cools (per buurt and as a map layer), heat deaths use the
natural-cause baseline net of mortality displacement (issue 14)."""

from __future__ import annotations

import numpy as np
import pytest

from groengezond.cooling import CoolingChange, change_layer
from groengezond.health.baseline import load_baseline_rates
from groengezond.health.erf import load_erf_registry
from groengezond.region.model import Region
from groengezond.scenario.model import scenario_from_data
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


def test_heat_deaths_use_natural_causes_net_of_displacement() -> None:
    erf = load_erf_registry().get("heat_mortality")
    rate = load_baseline_rates().get(erf.baseline_rate)
    crude = load_baseline_rates().get("mortality_all_ages")
    assert rate.id == "mortality_natural_heat_net"
    # crude rate x natural-cause share 0.95 x not displaced 0.70
    assert rate.value == pytest.approx(crude.value * 0.95 * 0.70, rel=0.01)
    assert rate.low < rate.value < rate.high < crude.value
    assert "displacement" in rate.source and "natural-cause" in rate.source


def test_change_layer_blocks_by_hand() -> None:
    d = np.zeros((10, 10))
    d[0:5, 5:10] = -0.5  # one 50 m block in the window's top right
    d[5, 0] = -0.01      # a block whose mean (-0.0004) is below the threshold
    cells = change_layer(CoolingChange(2, 3, d), 1000.0, 5000.0, 10.0)
    # window origin: x = 1000 + 3 * 10, y = 5000 - 2 * 10; block (0, 1) centre +75 m, -25 m
    assert cells == [(1000.0 + 30 + 75, 5000.0 - 20 - 25, -0.5)]


def test_park_cools_its_buurt_and_the_map_shows_where(region: Region) -> None:
    code = ranked_by_income(region)[0]
    park = park_in(region, code, 5.0)
    sc = scenario_from_data({"name": "p", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt}]})
    r = Planner(region).run(sc, np.random.default_rng(1))
    assert r.cooling_map is not None and r.cooling_map.block_m == 50.0
    cells = np.asarray(r.cooling_map.cells)
    assert (cells[:, 2] < 0).all()  # open land, partly farmland already green: modest
    # the coolest block lies in the park, and the cooling fades away from it
    cx, cy = park.centroid.x, park.centroid.y
    dist = np.hypot(cells[:, 0] - cx, cells[:, 1] - cy)
    assert dist[np.argmin(cells[:, 2])] < 160.0
    assert dist.max() < 160.0 + 2400.0
    far = cells[dist > 400.0, 2]
    assert far.size == 0 or far.min() > cells[:, 2].min() / 3
    assert min(b.d_t_air_c for b in r.buurten) < 0.0
    heat = next(p for p in r.pathways if p.erf_id == "heat_mortality")
    assert heat.total.median > 0.0


def test_heat_baseline_is_natural_causes_standardised_by_age_per_buurt(region: Region) -> None:
    """Point 7 and 9 of issue 14: b_i = sum_a m_a P_ia / P_i with the natural-cause rates
    net of displacement per age group (0-17, 18-64, 65+), by hand."""
    rates = load_baseline_rates()
    parent = rates.get("mortality_natural_heat_net")
    parts = [rates.get(i) for i in parent.by_age]
    assert [(p.age.min_years, p.age.max_years) for p in parts] == [(0, 17), (18, 64), (65, None)]
    for p, crude in zip(parts, ("mortality_0_17", "mortality_18_64", "mortality_65_plus"),
                        strict=True):
        allc = rates.get(crude)
        # natural-cause share (80-98 %) x not displaced (70 %) of the age group's all-cause rate
        assert 0.80 * 0.70 * allc.value <= p.value <= 0.98 * 0.70 * allc.value
        assert p.low < p.value < p.high < allc.high
        assert "natural-cause" in p.source and "brought forward" in p.source
        assert p.assumption and "CBS" in (p.replace_with or "")
    planner = Planner(region)
    young, mid, old = (planner.age_groups[g] for g in ("age_0_17", "age_18_64", "age_65_plus"))
    tot = young + mid + old
    ok = tot > 0
    m = [p.value for p in parts]
    expected = (m[0] * young + m[1] * mid + m[2] * old)[ok] / tot[ok]
    heat = planner.baselines["heat_mortality"]
    np.testing.assert_allclose(heat.value[ok], expected, rtol=1e-12)
    lows = (parts[0].low * young + parts[1].low * mid + parts[2].low * old)[ok] / tot[ok]
    np.testing.assert_allclose(heat.low[ok], lows, rtol=1e-12)
    # a buurt with more older residents has a higher heat baseline
    share_old = old[ok] / tot[ok]
    assert np.corrcoef(share_old, heat.value[ok])[0, 1] > 0.99
    # the region-wide mean is near the all-ages figure the heat ERF was built on
    mean = float((heat.value[ok] * tot[ok]).sum() / tot[ok].sum())
    assert 0.5 * parent.value < mean < 1.5 * parent.value


def test_heat_deaths_per_buurt_follow_the_age_standardised_baseline(region: Region) -> None:
    """Heat deaths prevented per buurt = PF x b_i x hot days / 365 x P_i with the buurt's
    age-standardised b_i: at the median of the draws, the deaths per resident and per °C of
    cooling are higher where more residents are old."""
    code = ranked_by_income(region)[0]
    park = park_in(region, code, 5.0)
    sc = scenario_from_data({"name": "p", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt}]})
    planner = Planner(region)
    r = planner.run(sc, np.random.default_rng(1))
    rows = [(b, i) for i, b in enumerate(r.buurten)
            if b.d_t_air_c and b.d_t_air_c < -1e-4 and b.residents > 0
            and b.heat_deaths_prevented is not None]
    assert len(rows) >= 3
    per = np.array([b.heat_deaths_prevented.median / (b.residents * -b.d_t_air_c)
                    for b, _ in rows])
    base = np.array([planner.baselines["heat_mortality"].value[i] for _, i in rows])
    # cases / (P x dT) is proportional to the buurt's baseline (the same ERF and hot days)
    ratio = per / base
    np.testing.assert_allclose(ratio, ratio[0], rtol=0.02)


def test_degrees_per_buurt_and_the_map_layer_by_hand(region: Region) -> None:
    """Issue 14 point 7: the °C change is in the result per buurt (``buurten[].d_t_air_c``,
    keyed by buurt code so a map can colour the buurten) and as a map layer (50 m blocks);
    both equal a hand computation from the per-address and per-cell changes."""
    from groengezond.scenario.apply import apply_scenario
    from groengezond.scenario.exposures import scenario_exposures

    code = ranked_by_income(region)[0]
    park = park_in(region, code, 5.0)
    sc = scenario_from_data({"name": "p", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt}]})
    planner = Planner(region)
    r = planner.run(sc, np.random.default_rng(1))
    ex = scenario_exposures(planner.baseline, apply_scenario(region, sc))
    dt = ex.delta["t_air_c"]
    res = planner.baseline.residents
    idx = planner.baseline.buurt_index
    by_code = {b.code: b for b in r.buurten}
    assert set(by_code) == set(planner.codes)
    touched = 0
    for i, c in enumerate(planner.codes):
        rows = idx == i
        w = res[rows].sum()
        want = float((dt[rows] * res[rows]).sum() / w) if w > 0 else 0.0
        assert by_code[c].d_t_air_c == pytest.approx(want, abs=1e-12)
        touched += want < 0
    assert touched >= 2
    # the result's JSON carries the field per buurt code (what the web joins to its geometry)
    dumped = r.model_dump(mode="json")["buurten"]
    assert all("code" in b and "d_t_air_c" in b for b in dumped)
    # the map layer: each block is the mean of its 5 x 5 cells of the window's change
    win = ex.t_air_window
    assert win is not None and r.cooling_map is not None
    lc = region.landcover
    assert lc is not None
    x, y, v = min(r.cooling_map.cells, key=lambda cell: cell[2])
    c0 = round((x - lc.transform.c) / lc.cell_size_m - 2.5) - win.col0
    r0 = round((lc.transform.f - y) / lc.cell_size_m - 2.5) - win.row0
    block = np.nan_to_num(win.d_t_air_c[r0:r0 + 5, c0:c0 + 5])
    assert v == pytest.approx(round(float(block.mean()), 3), abs=1e-12)
    assert v < 0
