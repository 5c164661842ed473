"""Means of a scenario's changes over the non-zero rows equal the full passes (plan_means)."""

from __future__ import annotations

import numpy as np
import pytest

from groengezond.grouping import weighted_mean_by_key
from groengezond.services.plan import weighted_median
from groengezond.services.plan_means import BuurtMeans, WeightedMedian


@pytest.fixture
def rows() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    keys = rng.integers(-1, 40, size=5000)
    weights = rng.integers(0, 6, size=5000).astype(float)
    return keys, weights


def test_per_buurt_means_equal_the_full_pass(rows: tuple[np.ndarray, np.ndarray]) -> None:
    keys, weights = rows
    m = BuurtMeans(keys, weights, 40)
    rng = np.random.default_rng(8)
    v = np.zeros(5000)
    near = rng.choice(5000, 300, replace=False)
    v[near] = rng.normal(-0.2, 0.1, 300)
    np.testing.assert_array_equal(m.per_buurt(v), weighted_mean_by_key(v, keys, weights, 40))
    # an array with nan takes the full pass (its weights' sums differ)
    v[near[:5]] = np.nan
    np.testing.assert_array_equal(m.per_buurt(v), weighted_mean_by_key(v, keys, weights, 40))
    # overall: the residents-weighted mean over all rows, nan as 0
    want = float(np.nansum(v * weights) / weights.sum())
    assert m.overall(v) == pytest.approx(want, rel=1e-12)
    mask = v < -0.25
    np.testing.assert_array_equal(m.share(mask),
                                  weighted_mean_by_key(mask.astype(float), keys, weights, 40))


def test_median_after_a_change_equals_sorting_again() -> None:
    rng = np.random.default_rng(9)
    v0 = np.round(rng.gamma(1.0, 20.0, 4000), 1)
    v0[rng.choice(4000, 1500, replace=False)] = 0.0  # many with no green: ties
    w0 = rng.integers(0, 5, 4000).astype(float)
    wm = WeightedMedian(v0, w0)
    assert wm.median == weighted_median(v0, w0)
    for k in range(20):
        v1 = v0.copy()
        hit = rng.choice(4000, 200 * (k % 5 + 1), replace=False)
        v1[hit] += rng.normal(30.0 * (k % 3 - 1), 10.0, len(hit))
        v1 = np.maximum(v1, 0.0)
        new_v = rng.gamma(1.0, 20.0, k * 10)
        new_w = rng.integers(1, 4, k * 10).astype(float)
        va, wa = np.concatenate([v1, new_v]), np.concatenate([w0, new_w])
        assert wm.after(va, wa) == weighted_median(va, wa)
