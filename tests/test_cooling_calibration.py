"""The cooling model is calibrated to the park cool island of the literature (issue 14).

Bowler et al. (2010): parks were on average 0.94 °C cooler than their surroundings by day.
Iungman et al. (2023): raising European cities' tree cover to 30 % cools by about 0.4 °C
(0.0-1.3). The test builds a matrix of streets and buildings (one row in three built), lays out
a park with 30 % tree canopy, and checks the change of the model's air temperature: inside the
park, with distance from its edge, and for a uniform rise of tree cover.
"""

from __future__ import annotations

import numpy as np
import pytest

from groengezond.cooling import default_params, run_cooling

BUILDING, PAVED, LOW_GREEN, TREES = 1, 2, 3, 4
CELL_M = 10.0


def _matrix(n: int) -> np.ndarray:
    base = np.full((n, n), PAVED, np.uint8)
    base[::3, :] = BUILDING
    return base


def _park_change(side_cells: int, canopy: float, n: int = 240
                 ) -> tuple[float, dict[int, float]]:
    """Mean change inside the park (°C) and the change at distances (m) from its edge."""
    rng = np.random.default_rng(0)
    base = _matrix(n)
    park = base.copy()
    c, h = n // 2, side_cells // 2
    block = np.where(rng.random((2 * h + 1, 2 * h + 1)) < canopy, TREES, LOW_GREEN)
    park[c - h:c + h + 1, c - h:c + h + 1] = block
    d = run_cooling(park, CELL_M).t_air_c - run_cooling(base, CELL_M).t_air_c
    inside = float(d[c - h:c + h + 1, c - h:c + h + 1].mean())
    # along the row through the centre, averaged with the column (both sides)
    prof = {m: float(np.mean([d[c, c + h + m // 10], d[c, c - h - m // 10],
                              d[c + h + m // 10, c], d[c - h - m // 10, c]]))
            for m in (0, 50, 100, 200, 300)}
    return inside, prof


@pytest.mark.parametrize("area_ha", [2.0, 3.0, 5.0])
def test_a_2_to_5_ha_park_cools_itself_about_as_bowler_reports(area_ha: float) -> None:
    side = round(float(np.sqrt(area_ha * 1e4)) / CELL_M)
    inside, prof = _park_change(side, 0.30)
    # Bowler et al. 2010: 0.94 °C on average by day; accept 0.7-1.2 °C for 2-5 ha
    assert -1.2 <= inside <= -0.7, inside
    # the effect fades with distance from the edge and is gone a few hundred metres out
    assert prof[0] < prof[50] < prof[100] <= 0.0
    assert abs(prof[100]) < 0.1 and abs(prof[300]) < 0.005


def test_a_grass_only_park_cools_less_than_one_with_trees() -> None:
    grass, _ = _park_change(17, 0.0)
    treed, _ = _park_change(17, 0.30)
    assert treed < grass < -0.2


def test_more_tree_cover_cools_of_the_order_iungman_reports() -> None:
    rng = np.random.default_rng(1)
    n = 200
    base = _matrix(n)
    new = base.copy()
    new[(rng.random((n, n)) < 0.15) & (base == PAVED)] = TREES  # +15 pp of canopy on paved
    d = run_cooling(new, CELL_M).t_air_c - run_cooling(base, CELL_M).t_air_c
    mean = float(d[50:150, 50:150].mean())
    # Iungman et al. 2023: 0.4 °C (0.0-1.3) for tree cover raised to 30 %
    assert -1.3 <= mean <= -0.3, mean


def test_calibrated_parameters_are_the_packaged_defaults() -> None:
    p = default_params()
    assert (p.mixing_radius_m, p.uhi_max_c) == (50.0, 4.5)
