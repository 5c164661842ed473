"""Cooling model (InVEST Urban Cooling form) against hand-computed grids, and its properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from groengezond.cooling import (
    CoolingParams,
    air_temperature,
    cooling_capacity,
    default_params,
    disk_kernel,
    evapotranspiration_index,
    green_area_within,
    load_cooling_table,
    mix_air_temperature,
    parse_cooling_table,
    run_cooling,
    zonal_mean,
)
from groengezond.errors import InputError
from groengezond.health.impact import heat_deaths_prevented
from groengezond.region.schema import LANDCOVER_CLASSES

# Two classes chosen so that the hand computation is short:
#   1 paved: shade 0,   albedo 0.1, kc 0 -> CC = 0.2 * 0.1 = 0.02
#   2 park:  shade 0.5, albedo 0.2, kc 1 -> CC = 0.6 * 0.5 + 0.2 * 0.2 + 0.2 * 1 = 0.54
HAND_TABLE = """
version: 1
updated: 2026-01-01
classes:
  - {code: 1, name: paved, shade: 0.0, albedo: 0.1, kc: 0.0, green_area: false,
     assumption: true, source: test}
  - {code: 2, name: park, shade: 0.5, albedo: 0.2, kc: 1.0, green_area: true,
     assumption: true, source: test}
parameters: {}
"""
HAND_GRID = np.array([[2, 2, 1],
                      [2, 1, 1],
                      [1, 1, 1]], dtype=np.uint8)
# 100 m cells (1 ha each); d_cool = 100 m (one cell) and the park kernel reaching one cell:
# weights 1 (self) and e^-1 (the four edge neighbours; diagonals are 141 m away, out of reach).
HAND_PARAMS = CoolingParams(cooling_distance_m=100.0, park_kernel_cutoff=1.0,
                            green_area_threshold_ha=2.0, mixing_radius_m=0.0,
                            uhi_max_c=2.0, t_ref_c=20.0)


def test_cooling_capacity_and_eti_by_hand() -> None:
    assert cooling_capacity(0.5, 0.2, 1.0) == pytest.approx(0.54)
    assert cooling_capacity(0.0, 0.1, 0.0) == pytest.approx(0.02)
    # weights are normalised (InVEST): (3, 1, 1) is the same as (0.6, 0.2, 0.2)
    assert cooling_capacity(0.5, 0.2, 1.0, (3, 1, 1)) == pytest.approx(0.54)
    # ETI = kc * ET0 / ET_max, clipped to 1
    assert evapotranspiration_index([0.9, 1.2], [4.0, 2.0]).tolist() == pytest.approx(
        [0.9, 0.6])
    assert evapotranspiration_index(1.2, 4.0) == 1.0


def test_hand_computed_grid() -> None:
    res = run_cooling(HAND_GRID, 100.0, HAND_PARAMS, parse_cooling_table(HAND_TABLE))
    assert np.allclose(res.cc, [[0.54, 0.54, 0.02], [0.54, 0.02, 0.02], [0.02, 0.02, 0.02]])
    # GA (ha): park cells among self and the four neighbours, 1 ha each
    assert res.green_area_ha.tolist() == [[3, 2, 1], [2, 2, 0], [1, 0, 0]]
    e = math.exp(-1)
    # centre: park neighbours up and left: CC_park = 2 e 0.54 / (1 + 4 e) = 0.160755
    assert res.cc_park[1, 1] == pytest.approx(2 * e * 0.54 / (1 + 4 * e))
    assert res.cc_park[1, 1] == pytest.approx(0.160755, abs=1e-6)
    # top-right corner (3 cells in reach): e 0.54 / (1 + 2 e) = 0.114448, but GA = 1 ha < 2
    assert res.cc_park[0, 2] == pytest.approx(0.114448, abs=1e-6)
    # HM: park cells keep CC 0.54 (above CC_park); the centre takes CC_park (GA = 2 ha);
    # every other paved cell keeps 0.02 (GA below 2 ha)
    expected_hm = [[0.54, 0.54, 0.02], [0.54, 0.160755, 0.02], [0.02, 0.02, 0.02]]
    assert np.allclose(res.hm, expected_hm, atol=1e-6)
    # T = 20 + (1 - HM) * 2: 20.92, 21.96 and 21.678489 at the centre
    assert res.t_air_nomix_c[0, 0] == pytest.approx(20.92)
    assert res.t_air_nomix_c[2, 2] == pytest.approx(21.96)
    assert res.t_air_nomix_c[1, 1] == pytest.approx(21.678489, abs=1e-6)
    assert np.allclose(res.t_air_c, res.t_air_nomix_c)  # no mixing (radius 0)


def test_gaussian_mixing_by_hand() -> None:
    # sigma = 1 cell, reach 1 sigma: 1-D weights (a, 1, a) with a = e^-0.5 = 0.606531
    t = np.zeros((3, 3))
    t[1, 1] = 10.0
    valid = np.ones((3, 3), dtype=bool)
    mixed = mix_air_temperature(t, valid, 10.0, 10.0, "gaussian", truncate=1.0)
    a = math.exp(-0.5)
    # centre: 10 / (1 + 2a)^2 = 10 / 4.897640 = 2.041800
    assert mixed[1, 1] == pytest.approx(10 / (1 + 2 * a) ** 2)
    assert mixed[1, 1] == pytest.approx(2.041800, abs=1e-6)
    # corner: only 4 cells in reach, weights 1, a, a, a^2: 10 a^2 / (1 + a)^2 = 1.425370
    assert mixed[0, 0] == pytest.approx(10 * a**2 / (1 + a) ** 2)
    assert mixed[0, 0] == pytest.approx(1.425370, abs=1e-6)


def test_mixing_keeps_uniform_field_and_nodata() -> None:
    t = np.full((20, 30), 25.0)
    valid = np.ones_like(t, dtype=bool)
    valid[5, 5] = False
    for kernel in ("gaussian", "exponential"):
        mixed = mix_air_temperature(t, valid, 10.0, 50.0, kernel)  # type: ignore[arg-type]
        assert np.isnan(mixed[5, 5])
        assert np.allclose(mixed[valid], 25.0)


def test_green_area_two_hectares_with_10m_cells() -> None:
    # a 140 m x 150 m block of green (2.1 ha) lies within 450 m of its centre
    green = np.zeros((120, 120), dtype=bool)
    green[50:64, 50:65] = True
    ga = green_area_within(green, 10.0, 450.0)
    assert ga[57, 57] == pytest.approx(2.1)
    assert ga[0, 0] == 0.0
    assert disk_kernel(1.0).sum() == 5 and disk_kernel(1.5).sum() == 9


def test_default_table_covers_region_classes_with_sources() -> None:
    table = load_cooling_table()
    codes = {c.code for c in table.classes}
    assert codes == {k for k in LANDCOVER_CLASSES if k != 0}
    for c in table.classes:
        assert c.source.strip()
    for name, param in table.parameters.items():
        assert param.source.strip(), name
    p = default_params()
    assert p.weights == (0.6, 0.2, 0.2)
    assert p.cooling_distance_m == 450 and p.green_area_threshold_ha == 2.0
    assert p.mixing_radius_m == 50.0  # calibrated: tests/test_cooling_calibration.py
    assert table.parameters["mixing_radius_m"].assumption
    assert table.parameters["uhi_max_c"].assumption


def test_unknown_class_and_bad_input() -> None:
    with pytest.raises(InputError, match=r"\[9\]"):
        run_cooling(np.array([[1, 9]], dtype=np.uint8), 10.0)
    with pytest.raises(InputError, match="2-D"):
        run_cooling(np.array([1, 2, 3], dtype=np.uint8), 10.0)
    with pytest.raises(InputError, match="cell"):
        run_cooling(np.array([[1, 2]], dtype=np.uint8), 0.0)


def test_nodata_cells_are_nan_and_ignored() -> None:
    grid = np.array([[0, 4, 4], [2, 2, 0]], dtype=np.uint8)
    res = run_cooling(grid, 10.0)
    assert np.isnan(res.t_air_c[0, 0]) and np.isnan(res.hm[1, 2])
    assert np.isfinite(res.t_air_c[0, 1])


def test_zonal_mean_by_hand() -> None:
    values = np.array([[1.0, 2.0], [3.0, np.nan]])
    zones = np.array([[0, 0], [1, 1]])
    assert zonal_mean(values, zones, 3).tolist()[:2] == [1.5, 3.0]
    assert np.isnan(zonal_mean(values, zones, 3)[2])


grids = hnp.arrays(np.uint8, st.tuples(st.integers(3, 12), st.integers(3, 12)),
                   elements=st.integers(1, 7))


@settings(max_examples=30, deadline=None)
@given(grid=grids)
def test_temperature_between_reference_and_reference_plus_uhi(grid: np.ndarray) -> None:
    p = default_params().model_copy(update={"mixing_radius_m": 20.0})
    res = run_cooling(grid, 10.0, p)
    assert np.all(res.t_air_c >= p.t_ref_c - 1e-9)
    assert np.all(res.t_air_c <= p.t_ref_c + p.uhi_max_c + 1e-9)
    assert np.all((res.hm >= 0) & (res.hm <= 1))


@settings(max_examples=30, deadline=None)
@given(grid=grids, data=st.data())
def test_planting_trees_never_warms_any_cell(grid: np.ndarray, data: st.DataObject) -> None:
    p = default_params().model_copy(update={"mixing_radius_m": 20.0,
                                            "cooling_distance_m": 20.0})
    r = data.draw(st.integers(0, grid.shape[0] - 1))
    c = data.draw(st.integers(0, grid.shape[1] - 1))
    after = grid.copy()
    after[r, c] = 4  # trees
    before_t = run_cooling(grid, 10.0, p).t_air_c
    after_t = run_cooling(after, 10.0, p).t_air_c
    assert np.all(after_t <= before_t + 1e-9)


def test_cooling_to_heat_deaths() -> None:
    """Trees on a paved block cool it; the change per area feeds heat -> mortality."""
    grid = np.full((40, 40), 2, dtype=np.uint8)
    after = grid.copy()
    after[10:30, 10:30] = 4  # 4 ha of trees
    p = default_params().model_copy(update={"mixing_radius_m": 50.0})
    zones = np.zeros(grid.shape, dtype=int)
    zones[:, 20:] = 1
    dt = zonal_mean(run_cooling(after, 10.0, p).t_air_c - run_cooling(grid, 10.0, p).t_air_c,
                    zones, 2)
    assert np.all(dt < 0)
    deaths = heat_deaths_prevented(dt, [5000, 5000], 0.009, 20)
    assert np.all(deaths > 0)
    assert air_temperature(0.5, 28.0, 3.0) == pytest.approx(29.5)
