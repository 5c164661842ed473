"""The Planner's cooling change equals two full cooling runs (cooling_change.py)."""

from __future__ import annotations

import numpy as np
import pytest

from groengezond.cooling import run_cooling
from groengezond.cooling_change import unmixed_change


def _raster(seed: int, n: int = 160) -> np.ndarray:
    rng = np.random.default_rng(seed)
    grid = rng.choice(np.array([1, 2, 2, 3, 4, 6, 7], dtype=np.uint8), size=(n, n))
    grid[:, 70:76] = 5  # a river
    grid[:4, :4] = 0    # nodata in a corner
    return grid


def _full(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    r0 = run_cooling(before, 10.0, mix=False)
    r1 = run_cooling(after, 10.0, mix=False)
    return np.asarray(r1.t_air_nomix_c - r0.t_air_nomix_c)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_park_and_paving_equal_two_full_runs(seed: int) -> None:
    before = _raster(seed)
    after = before.copy()
    after[30:60, 20:50] = 3   # a 9 ha park of grass (greens the green area of its cells)
    after[100:110, 120:125] = 2  # green paved over (the green area count falls)
    got, _ = unmixed_change(before, after, 10.0)
    want = _full(before, after)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=0, atol=1e-12)
    assert np.nanmin(got) < -0.1  # the park cools


def test_nothing_changes_nothing() -> None:
    before = _raster(3)
    got, _ = unmixed_change(before, before.copy(), 10.0)
    assert not np.nan_to_num(got).any()


def test_other_valid_cells_fall_back_to_two_runs() -> None:
    before = _raster(4)
    after = before.copy()
    after[80:90, 80:90] = 0  # cells become nodata: the shared denominator would be wrong
    after[10:20, 100:120] = 4
    got, _ = unmixed_change(before, after, 10.0)
    want = _full(before, after)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=0, atol=1e-12)


def test_same_convolution_is_fftconvolve_to_the_last_bit() -> None:
    from scipy.signal import fftconvolve

    from groengezond.cooling import exponential_kernel
    from groengezond.cooling_change import SameConvolution

    rng = np.random.default_rng(0)
    for shape, kernel in [((230, 241), exponential_kernel(20.0, 100.0)),
                          ((64, 90), np.ones((31, 31)))]:
        conv = SameConvolution(shape, kernel)
        for _ in range(2):
            a = rng.random(shape)
            np.testing.assert_array_equal(conv(a), fftconvolve(a, kernel, mode="same"))
    with pytest.raises(ValueError):
        SameConvolution((10, 10), np.ones((3, 3)))(np.zeros((9, 10)))
