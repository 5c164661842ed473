"""Scenario exposures: nothing changes nothing, local updates equal full recomputation."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.signal import fftconvolve

from groengezond.access.entries import green_entries
from groengezond.access.nearest import nearest_green
from groengezond.cooling import run_cooling
from groengezond.errors import InputError
from groengezond.landcover import RADII_M, disc_kernel, green_share, sample
from groengezond.region.model import Landcover, Region
from groengezond.scenario.apply import (
    PLANTABLE,
    CellChange,
    apply_scenario,
    cells_in,
    crown_growth,
)
from groengezond.scenario.exposures import ExposureBaseline, scenario_exposures
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.testing import footbridge_across_river, park_in, ranked_by_income
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def base(region: Region) -> ExposureBaseline:
    return ExposureBaseline.build(region)


def _after_classes(region: Region, change: object) -> np.ndarray:
    assert region.landcover is not None
    classes = region.landcover.classes.copy()
    classes[change.rows, change.cols] = change.new  # type: ignore[attr-defined]
    return classes


def _full_focal(region: Region, classes: np.ndarray, crowns: CellChange,
                base: ExposureBaseline, key: str, radius: float) -> np.ndarray:
    """Focal mean of the per-class value with tree crowns as shares, by a full convolution."""
    assert region.landcover is not None
    lut = base.luts[key]
    vals = lut[classes]
    ok = ~np.isnan(vals)
    vals = np.where(ok, vals, 0.0)
    assert crowns.share is not None or len(crowns) == 0
    if len(crowns):
        assert crowns.share is not None
        np.add.at(vals, (crowns.rows, crowns.cols),
                  crowns.share * (lut[crowns.new] - lut[crowns.old]))
    kernel = disc_kernel(radius, region.landcover.cell_size_m).astype(np.float64)
    num = fftconvolve(vals, kernel, mode="same")
    den = np.round(fftconvolve(ok.astype(np.float64), kernel, mode="same"))
    return np.asarray(num[base.rows, base.cols] / den[base.rows, base.cols])


def test_empty_scenario_changes_nothing(base: ExposureBaseline, region: Region) -> None:
    delta = apply_scenario(region, Scenario(name="nothing"))
    assert delta.is_empty
    ex = scenario_exposures(base, delta)
    np.testing.assert_array_equal(ex.green_network_m_after, ex.green_network_m_before)
    for values in ex.delta.values():
        assert not values.any()


def test_focal_baseline_matches_green_share(base: ExposureBaseline, region: Region) -> None:
    assert region.landcover is not None
    shares = green_share(region.landcover, RADII_M, region.meta.landcover_classes)
    for r in RADII_M:
        expected = sample(shares.share[r], region.landcover, base.xy)
        np.testing.assert_allclose(base.focal[f"green_share_{int(r)}m"], expected, atol=1e-6)


def test_park_exposures_equal_full_recomputation(base: ExposureBaseline, region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 3.0)
    sc = scenario_from_data({"name": "park", "interventions": [
        {"kind": "add_green", "name": "P", "geometry": park.wkt},
        {"kind": "plant_trees", "name": "T", "count": 80,
         "geometry": park.centroid.buffer(500).wkt}]})
    delta = apply_scenario(region, sc)
    assert len(delta.cells) > 0 and len(delta.new_trees) == 80
    ex = scenario_exposures(base, delta)
    assert region.landcover is not None
    after = Landcover(_after_classes(region, delta.cells), region.landcover.transform)
    for r in RADII_M:
        key = f"green_share_{int(r)}m"
        full = _full_focal(region, after.classes, delta.tree_cells, base, key, r)
        np.testing.assert_allclose(base.focal[key] + ex.delta[key], full, atol=1e-5)
    full = _full_focal(region, after.classes, delta.tree_cells, base, "ndvi_500m", 500.0)
    np.testing.assert_allclose(base.focal["ndvi_500m"] + ex.delta["ndvi_500m"], full, atol=1e-5)
    assert ex.delta["green_share_300m"].max() > 0
    # access: equal to a full pass with the park's entries added
    green = region.green[region.green["public"] & (region.green["area_ha"] >= 1.0)]
    import pandas as pd
    allg = pd.concat([green, delta.new_green], ignore_index=True)
    full = nearest_green(base.network, base.snap, green_entries(base.network, allg))
    np.testing.assert_allclose(ex.green_network_m_after, full.dist_m, rtol=1e-9)
    assert (ex.green_network_m_after <= ex.green_network_m_before + 1e-9).all()
    # trees near home and cooling
    assert ex.delta["trees_near"].sum() > 0
    assert ex.delta["t_air_c"].min() < 0


def test_local_cooling_close_to_full_run(base: ExposureBaseline, region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 5.0)
    sc = scenario_from_data({"name": "park", "interventions": [
        {"kind": "add_green", "name": "P", "geometry": park.wkt}]})
    delta = apply_scenario(region, sc)
    ex = scenario_exposures(base, delta)
    assert region.landcover is not None
    full = run_cooling(_after_classes(region, delta.cells), region.landcover.cell_size_m)
    t_after = full.t_air_c[base.rows, base.cols]
    full_delta = t_after - base.t_air_c
    assert np.abs(ex.delta["t_air_c"] - full_delta).max() < 0.05 * max(
        np.abs(full_delta).max(), 1e-6) + 1e-4


def test_footbridge_shortens_distance_on_far_bank(base: ExposureBaseline,
                                                  region: Region) -> None:
    bridge = footbridge_across_river(region)
    sc = scenario_from_data({"name": "bridge", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt}]})
    delta = apply_scenario(region, sc)
    ex = scenario_exposures(base, delta)
    closer = ex.green_network_m_after < ex.green_network_m_before - 1e-6
    assert closer.sum() > 0
    assert (ex.green_network_m_after <= ex.green_network_m_before + 1e-6).all()
    # the addresses that gained are across the river from their new nearest green
    river = region.barriers[region.barriers["kind"] == "river"].geometry.iloc[0]
    near_bridge = shapely.distance(shapely.points(base.xy[closer]), bridge.centroid)
    assert np.median(near_bridge) < 3_000
    assert river.distance(bridge.centroid) < 1.0
    # equal to a full pass on the new network
    net, change = base.network.apply(delta.network)
    full = nearest_green(net, base.snap.remap(net, change),
                         green_entries(net, base.green))
    np.testing.assert_allclose(ex.green_network_m_after, full.dist_m, rtol=1e-9)


def test_dwellings_and_removal(base: ExposureBaseline, region: Region) -> None:
    g = region.green[region.green["public"] & (region.green["area_ha"] >= 1.0)].iloc[0]
    x, y = base.xy[0]
    sc = scenario_from_data({"name": "build", "interventions": [
        {"kind": "remove_green", "name": "Bouw", "geometry": g.geometry.buffer(1).wkt},
        {"kind": "add_dwellings", "name": "Wijk", "dwellings": 20, "residents": 45,
         "geometry": f"POINT ({x + 5} {y + 5})"},
        {"kind": "green_roofs", "name": "Daken", "geometry": shapely.Point(x, y).buffer(300).wkt},
        {"kind": "depave", "name": "Plein", "geometry": shapely.Point(x, y).buffer(100).wkt}]})
    delta = apply_scenario(region, sc)
    assert int(g["green_id"]) in delta.removed_green_ids.tolist()
    assert int(delta.new_addresses["residents"].sum()) == 45
    ex = scenario_exposures(base, delta)
    assert (ex.green_network_m_after >= ex.green_network_m_before - 1e-9).all()
    assert len(ex.new_green_network_m) == len(delta.new_addresses)


def _codes(region: Region) -> dict[str, int]:
    return {name: int(code) for code, name in region.meta.landcover_classes.items()}


def test_trees_stand_on_streets_and_green_never_on_buildings(region: Region) -> None:
    assert region.landcover is not None
    # a built-up square in the worst-off buurt: many of its cells are buildings
    spot = park_in(region, ranked_by_income(region)[0], 3.0).centroid.buffer(300)
    sc = scenario_from_data({"name": "t", "interventions": [
        {"kind": "plant_trees", "name": "Bomen", "count": 200, "geometry": spot.wkt}]})
    delta = apply_scenario(region, sc)
    codes = _codes(region)
    lc = region.landcover
    xy = np.c_[delta.new_trees.geometry.x, delta.new_trees.geometry.y]
    r = np.floor((xy[:, 1] - lc.transform.f) / lc.transform.e).astype(int)
    c = np.floor((xy[:, 0] - lc.transform.c) / lc.transform.a).astype(int)
    under = lc.classes[r, c]
    assert len(delta.new_trees) == 200
    rr, cc = cells_in(spot, lc)
    assert (lc.classes[rr, cc] == codes["building"]).sum() > 50  # there were buildings to avoid
    assert set(under.tolist()) <= {codes[n] for n in PLANTABLE}
    # the crown of a 6 m tree covers 28.3 m² of a 100 m² cell: that share, not the whole cell
    assert delta.tree_cells.share is not None
    single = np.pi * 3.0 ** 2 / 100.0
    assert np.isclose(delta.tree_cells.share.min(), single)
    assert np.isclose(delta.tree_cells.share.sum(), 200 * single)
    assert (delta.tree_cells.new == codes["trees"]).all()
    assert len(delta.cells) == 0


def test_a_tree_on_a_building_is_refused(region: Region) -> None:
    assert region.landcover is not None
    codes = _codes(region)
    lc = region.landcover
    r, c = (int(v[0]) for v in np.nonzero(lc.classes == codes["building"]))
    x = lc.transform.c + (c + 0.5) * lc.transform.a
    y = lc.transform.f + (r + 0.5) * lc.transform.e
    sc = scenario_from_data({"name": "t", "interventions": [
        {"kind": "plant_trees", "name": "Boom", "geometry": f"POINT ({x} {y})"}]})
    with pytest.raises(InputError) as err:
        apply_scenario(region, sc)
    assert "Boom" in str(err.value) and "building" in str(err.value)


def test_crowns_grow_from_planting_to_mature_size() -> None:
    g = crown_growth(30, 2.0, 6.0, 20)
    # year 10 of 20: diameter 2 + 4 * 0.5 = 4 m, area (4/6)² of the mature crown
    assert np.isclose(g[9], (4.0 / 6.0) ** 2)
    assert np.isclose(g[0], ((2.0 + 4.0 / 20) / 6.0) ** 2)
    assert (g[19:] == 1.0).all() and (np.diff(g) >= 0).all()


def test_water_is_nodata_in_the_ndvi_focal_mean(base: ExposureBaseline, region: Region) -> None:
    """Issue 14 point 7: the NDVI mean within 500 m is over land cells only (as InVEST and the
    RIVM do); water still counts as a valid, non-green cell in the green shares. By hand, at
    the homes with the most water around them."""
    from groengezond.landcover import NDVI_BY_CLASS

    lc = region.landcover
    assert lc is not None
    code = {v: k for k, v in region.meta.landcover_classes.items()}
    water = lc.classes == code["water"]
    kernel = disc_kernel(500.0, lc.cell_size_m).astype(bool)
    k = kernel.shape[0] // 2
    h, w = lc.classes.shape
    inner = np.flatnonzero((base.rows >= k) & (base.rows < h - k) & (base.cols >= k)
                           & (base.cols < w - k))
    n_water = np.array([water[base.rows[i] - k:base.rows[i] + k + 1,
                              base.cols[i] - k:base.cols[i] + k + 1][kernel].sum()
                        for i in inner[:: max(len(inner) // 3000, 1)]])
    picks = inner[:: max(len(inner) // 3000, 1)][np.argsort(-n_water)[:5]]
    assert n_water.max() > 100  # homes by the river: water within 500 m
    names = region.meta.landcover_classes
    for i in picks:
        win = lc.classes[base.rows[i] - k:base.rows[i] + k + 1,
                         base.cols[i] - k:base.cols[i] + k + 1][kernel]
        cls = [names[int(c)] for c in win]
        land = [NDVI_BY_CLASS[c] for c in cls if c not in ("water", "nodata")]
        assert np.isnan(NDVI_BY_CLASS["water"])
        assert base.focal["ndvi_500m"][i] == pytest.approx(float(np.mean(land)), rel=1e-5)
        # water in the mean as NDVI 0 would make the home look less green
        with_water = sum(land) / (len(land) + cls.count("water"))
        assert base.focal["ndvi_500m"][i] > with_water + 1e-3
        # the green share counts water as a valid cell that is not green
        valid = [c for c in cls if c != "nodata"]
        green = [c for c in valid if c in ("low_green", "trees", "agriculture")]
        assert base.focal["green_share_500m"][i] == pytest.approx(len(green) / len(valid),
                                                                  abs=1e-6)
