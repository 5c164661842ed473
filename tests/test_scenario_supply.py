"""Green per inhabitant after a scenario: the local 2SFCA update equals a full recomputation."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from groengezond.access.entries import green_entries, select_green
from groengezond.access.supply import green_per_inhabitant
from groengezond.region.model import Region
from groengezond.scenario.apply import apply_scenario
from groengezond.scenario.exposures import ExposureBaseline, scenario_exposures
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.supply_change import with_new_points
from groengezond.scenario.testing import footbridge_across_river, park_in, ranked_by_income
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def base(region: Region) -> ExposureBaseline:
    return ExposureBaseline.build(region)


def full_after(base: ExposureBaseline, region: Region, sc: Scenario) -> np.ndarray:
    """A from-scratch 2SFCA (500 m, dichotomy) on the scenario's network, greens and homes."""
    delta = apply_scenario(region, sc)
    net, snap = base.network, base.snap
    if len(delta.network.add):
        net, change = base.network.apply(delta.network)
        snap = snap.remap(net, change)
    green = region.green[~region.green["green_id"].isin(delta.removed_green_ids)]
    green = select_green(green, base.options.min_size_ha, base.options.public_only)
    new = select_green(delta.new_green, base.options.min_size_ha, base.options.public_only)
    entries = green_entries(net, green)
    if len(new):
        entries = entries.concat(green_entries(net, new))
    nxy = np.c_[delta.new_addresses.geometry.x.to_numpy(),
                delta.new_addresses.geometry.y.to_numpy()] if len(delta.new_addresses) else \
        np.zeros((0, 2))
    res = np.concatenate([base.residents,
                          delta.new_addresses["residents"].to_numpy(dtype=np.float64)
                          if len(delta.new_addresses) else np.zeros(0)])
    out = green_per_inhabitant(net, with_new_points(snap, net, nxy), entries, res)
    return out.green_m2_per_inhabitant


def scenarios(region: Region, base: ExposureBaseline) -> dict[str, Scenario]:
    worst = ranked_by_income(region)[0]
    park = park_in(region, worst, 5.0)
    bridge = footbridge_across_river(region)
    g = region.green[region.green["public"] & (region.green["area_ha"] >= 1.0)].iloc[0]
    x, y = base.xy[100]
    homes = {"kind": "add_dwellings", "name": "Wijk", "dwellings": 400, "residents": 900,
             "geometry": shapely.Point(x, y).buffer(150).wkt}
    return {
        "park": scenario_from_data({"name": "park", "interventions": [
            {"kind": "add_green", "name": "Park", "geometry": park.wkt}]}),
        "bridge": scenario_from_data({"name": "bridge", "interventions": [
            {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt}]}),
        "homes": scenario_from_data({"name": "homes", "interventions": [homes]}),
        "build on green": scenario_from_data({"name": "bouw", "interventions": [
            {"kind": "remove_green", "name": "Bouw", "geometry": g.geometry.buffer(1).wkt},
            homes]}),
        "all": scenario_from_data({"name": "all", "interventions": [
            {"kind": "add_green", "name": "Park", "geometry": park.wkt},
            {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt}, homes]}),
    }


def test_nothing_changes_nothing_exactly(base: ExposureBaseline, region: Region) -> None:
    ex = scenario_exposures(base, apply_scenario(region, Scenario(name="nothing")))
    assert np.array_equal(ex.green_m2_after, ex.green_m2_before)
    assert np.array_equal(ex.green_m2_before, base.supply.per_capita)


@pytest.mark.parametrize("name", ["park", "bridge", "homes", "build on green", "all"])
def test_local_update_equals_full_recomputation(base: ExposureBaseline, region: Region,
                                                name: str) -> None:
    sc = scenarios(region, base)[name]
    ex = scenario_exposures(base, apply_scenario(region, sc))
    full = full_after(base, region, sc)
    assert len(ex.green_m2_after) == len(full)
    np.testing.assert_allclose(ex.green_m2_after, full, rtol=1e-9, atol=1e-7)
    assert not np.array_equal(ex.green_m2_after[: len(ex.green_m2_before)], ex.green_m2_before)


def test_homes_share_the_green_and_a_park_adds_to_it(base: ExposureBaseline,
                                                     region: Region) -> None:
    sc = scenarios(region, base)
    res = base.residents
    homes = scenario_exposures(base, apply_scenario(region, sc["homes"]))
    park = scenario_exposures(base, apply_scenario(region, sc["park"]))
    n = len(res)
    # more people on the same green: nobody existing gains
    assert (homes.green_m2_after[:n] <= homes.green_m2_before + 1e-9).all()
    assert (homes.green_m2_after[:n] < homes.green_m2_before - 1e-9).any()
    # a new park: nobody loses, some gain
    assert (park.green_m2_after >= park.green_m2_before - 1e-9).all()
    assert (park.green_m2_after > park.green_m2_before + 1e-9).any()


@pytest.mark.parametrize("seed", range(8))
def test_random_parks_and_homes_equal_full_recomputation(base: ExposureBaseline,
                                                         region: Region, seed: int) -> None:
    rng = np.random.default_rng(seed)
    codes = region.areas_at("buurt")["code"].to_numpy()
    park = park_in(region, str(rng.choice(codes)), float(rng.uniform(1.0, 8.0)))
    x, y = base.xy[int(rng.integers(len(base.xy)))]
    sc = scenario_from_data({"name": f"random {seed}", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt},
        {"kind": "add_dwellings", "name": "Wijk", "dwellings": int(rng.integers(1, 300)),
         "residents": int(rng.integers(1, 700)),
         "geometry": shapely.Point(x, y).buffer(float(rng.uniform(20, 200))).wkt}]})
    ex = scenario_exposures(base, apply_scenario(region, sc))
    np.testing.assert_allclose(ex.green_m2_after, full_after(base, region, sc), rtol=1e-9,
                               atol=1e-7)
