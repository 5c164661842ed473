"""Tests of SII/RII, quintile gap, concentration and comparison (indicators.inequality)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import t as scipy_t

from groengezond.indicators.inequality import (
    compare,
    concentration_index,
    low_income_share,
    quintile_gap,
    rank_midpoints,
    slope_index,
)

# ----------------------------------------------------------------- hand-computed example
# Three areas, least to most deprived, 100/200/100 persons with 80/70/60 and SE 1 each.
# Rank midpoints: 50/400 = 0.125, 200/400 = 0.5, 350/400 = 0.875; weighted mean rank 0.5;
# Sxx = 100·0.375² + 0 + 100·0.375² = 28.125; Sxy = 100·(−0.375)(10) + 100·(0.375)(−10) = −750
# SII = −750 / 28.125 = −80/3; mean = 70; RII = −80/3 / 70 = −8/21.
# c = n(x − x̄)/Sxx = (−4/3, 0, 4/3) → Var(SII) = 2·16/9 = 32/9 with SE 1 → exact 95 % interval
# −80/3 ± 1.96·√(32/9).
HAND: dict[str, Any] = {"values": [80.0, 70.0, 60.0], "se": [1.0, 1.0, 1.0],
                        "population": [100, 200, 100], "deprivation": [1.0, 2.0, 3.0]}


def test_rank_midpoints_by_hand() -> None:
    assert rank_midpoints([100, 200, 100]) == pytest.approx([0.125, 0.5, 0.875])
    # PHE's documented example: 12 % then 10 % of the population → 0.06 and 0.17.
    assert rank_midpoints([12, 10, 78])[:2] == pytest.approx([0.06, 0.17])


def test_sii_rii_hand_computed() -> None:
    s = slope_index(**HAND, n_sims=100_000, rng=np.random.default_rng(1))
    assert s.sii == pytest.approx(-80 / 3)
    assert s.mean == pytest.approx(70)
    assert s.rii == pytest.approx(-8 / 21)
    half = 1.96 * np.sqrt(32 / 9)
    assert s.sii_lower == pytest.approx(-80 / 3 - half, abs=0.05)
    assert s.sii_upper == pytest.approx(-80 / 3 + half, abs=0.05)
    assert s.rii_lower < s.rii < s.rii_upper
    assert (s.n_areas, s.persons, s.sims) == (3, 400, 100_000)


def test_sii_order_comes_from_deprivation_not_input_order() -> None:
    shuffled: dict[str, Any] = {k: list(np.asarray(v)[[2, 0, 1]]) for k, v in HAND.items()}
    assert slope_index(**shuffled, n_sims=1000).sii == pytest.approx(-80 / 3)


def test_sii_sign_convention_most_minus_least_deprived() -> None:
    # Worse health (lower value) in the deprived areas gives a negative SII.
    assert slope_index([70, 60], [1, 1], [1, 1], [0, 1], n_sims=1000).sii < 0
    assert slope_index([60, 70], [1, 1], [1, 1], [0, 1], n_sims=1000).sii > 0


# ------------------------------------------------------------------ PHE worked example
# The example data published with PHEindicatormethods::phe_sii (its documentation, "Area1":
# deciles 1 = most deprived to 10 = least deprived, population, value and standard error).
# PHE publishes no output for this example offline, so the reference is PHE's own documented
# regression, y·√a = β0·√a + β1·b·√a (lm without intercept), solved here independently by
# numpy least squares; PHE's SII is β1 (least minus most deprived), ours is −β1.
PHE_POP = np.array([7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534], dtype=float)
PHE_VALUE = np.array([75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3])
PHE_SE = np.array([1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57])


def _phe_reference() -> tuple[float, float]:
    a = PHE_POP / PHE_POP.sum()
    b = np.cumsum(a) - a / 2
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    beta, *_ = np.linalg.lstsq(design, np.sqrt(a) * PHE_VALUE, rcond=None)
    return float(beta[0]), float(beta[1])


def test_sii_matches_phe_formulation() -> None:
    beta0, beta1 = _phe_reference()
    deciles = np.arange(1, 11)
    s = slope_index(PHE_VALUE, PHE_SE, PHE_POP, deprivation=-deciles, n_sims=20_000,
                    rng=np.random.default_rng(5))
    assert s.sii == pytest.approx(-beta1, rel=1e-10)
    # PHE's intercept is the fitted value at the most deprived end; the weighted mean rank is
    # 1/2, so it equals mean + SII/2 in our convention.
    assert beta0 == pytest.approx(s.mean + s.sii / 2, rel=1e-10)
    # PHE's RII is the ratio of the fitted ends (β0 + β1)/β0; ours is SII / mean.
    assert s.rii == pytest.approx(-beta1 / np.average(PHE_VALUE, weights=PHE_POP), rel=1e-10)
    # Interval: PHE simulates; the exact normal SD is sqrt(sum c² SE²).
    assert s.sii_lower < s.sii < s.sii_upper


def test_reduced_draws_equal_direct_draws() -> None:
    """The reduced bivariate draw has the distribution of PHE's per-area draw."""
    deciles = np.arange(1, 11)
    kw: dict[str, Any] = {"values": PHE_VALUE, "se": PHE_SE, "population": PHE_POP,
                          "deprivation": -deciles, "n_sims": 100_000}
    red = slope_index(**kw, rng=np.random.default_rng(2), draws="reduced")
    direct = slope_index(**kw, rng=np.random.default_rng(3), draws="direct")
    for field in ("sii_lower", "sii_upper", "rii_lower", "rii_upper"):
        assert getattr(red, field) == pytest.approx(getattr(direct, field), abs=0.05, rel=0.01)


def test_fewer_sims_allowed_and_reproducible() -> None:
    a = slope_index(**HAND, n_sims=500, rng=np.random.default_rng(7))
    b = slope_index(**HAND, n_sims=500, rng=np.random.default_rng(7))
    assert a == b
    assert a.sims == 500


def test_missing_se_gives_the_regression_interval_not_a_simulated_one() -> None:
    s = slope_index([80, 70, 60], [1, np.nan, 1], [100, 200, 100], [1, 2, 3])
    assert s.sii == pytest.approx(-80 / 3)
    assert s.sims == 0 and s.interval == "regression"
    assert s.sii_lower <= s.sii <= s.sii_upper


def test_too_few_areas() -> None:
    assert np.isnan(slope_index([1.0], [1.0], [10], [0]).sii)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 100), st.integers(1, 10_000)), min_size=3,
                max_size=15), st.floats(-10, 10), st.floats(0.5, 5))
def test_sii_equals_weighted_polyfit(cells: list[tuple[float, int]], shift: float,
                                     scale: float) -> None:
    y = np.array([c[0] for c in cells])
    n = np.array([c[1] for c in cells], dtype=float)
    x = rank_midpoints(n)
    ref = np.polyfit(x, y, 1, w=np.sqrt(n))[0]
    s = slope_index(y, np.ones_like(y), n, np.arange(len(y)), n_sims=200)
    assert s.sii == pytest.approx(ref, rel=1e-6, abs=1e-6)
    # Shifting the values leaves the SII; scaling scales it.
    assert slope_index(y + shift, np.ones_like(y), n, np.arange(len(y)), n_sims=200).sii \
        == pytest.approx(s.sii, rel=1e-6, abs=1e-6)
    assert slope_index(y * scale, np.ones_like(y), n, np.arange(len(y)), n_sims=200).sii \
        == pytest.approx(s.sii * scale, rel=1e-6, abs=1e-6)


# --------------------------------------------------------------------------- quintiles


def test_quintile_gap_by_hand() -> None:
    q = quintile_gap([10, 20, 30, 40, 50], [1] * 5, [100] * 5, [1, 2, 3, 4, 5])
    assert (q.least, q.most) == (10, 50)
    assert q.gap == pytest.approx(40)
    assert q.gap_lower == pytest.approx(40 - 1.96 * np.sqrt(2))
    assert q.ratio == pytest.approx(5)
    log_se = np.hypot(1 / 50, 1 / 10)
    assert q.ratio_upper == pytest.approx(5 * np.exp(1.96 * log_se))
    assert (q.persons_most, q.persons_least) == (100, 100)


def test_quintiles_are_population_weighted() -> None:
    # A big least-deprived area holds 60 % of the people: it alone is the lowest quintile,
    # the most deprived quintile holds the last two small areas (ranks 0.85 and 0.95).
    q = quintile_gap([10, 20, 30, 40], [1] * 4, [600, 200, 100, 100], [1, 2, 3, 4])
    assert q.least == pytest.approx(10)
    assert q.most == pytest.approx(35)
    assert q.persons_most == 200


# ------------------------------------------------------------------------- comparison


def test_compare_overvecht_noordoost_style() -> None:
    d = compare(60.0, 1.0, 72.0, 1.0)
    assert d.difference == -12
    assert d.lower == pytest.approx(-12 - 1.96 * np.sqrt(2))
    assert d.upper == pytest.approx(-12 + 1.96 * np.sqrt(2))
    assert d.significant
    assert not compare(70.0, 2.0, 71.0, 2.0).significant


# ---------------------------------------------------------------------- concentration


def test_concentration_index_by_hand() -> None:
    # Poor half lacks green (1), rich half has it (0): ranks 0.25 / 0.75, mean 0.5,
    # cov = −0.125, C = 2·(−0.125)/0.5 = −0.5.
    assert concentration_index([1, 0], [1, 2], [1, 1]) == pytest.approx(-0.5)
    assert concentration_index([0, 1], [1, 2], [1, 1]) == pytest.approx(0.5)
    assert concentration_index([1, 1, 1], [1, 2, 3], [1, 1, 1]) == pytest.approx(0.0)


def test_concentration_ties_share_rank() -> None:
    # Same income everywhere: no gradient whatever the outcome order.
    assert concentration_index([1, 0, 1, 0], [5, 5, 5, 5], [1, 1, 1, 1]) == pytest.approx(0)


def test_low_income_share_by_hand() -> None:
    # 3 addresses: low-income without access (2 residents), rich without (2), rich with (4).
    s = low_income_share([1, 1, 0], [1, 0, 0], [2, 2, 4])
    assert s.share_without == pytest.approx(0.5)
    assert s.share_all == pytest.approx(0.25)
    assert s.ratio == pytest.approx(2.0)
    assert s.persons_without == 4


def test_quintile_gap_with_zero_values() -> None:
    q = quintile_gap([0, 0, 5, 10, 20], [0] * 5, [100] * 5, [1, 2, 3, 4, 5])
    assert q.gap == 20 and q.least == 0
    assert np.isnan(q.ratio) and np.isnan(q.ratio_lower)


def test_gap_weights_reproduce_sii_and_quintile_gap() -> None:
    from groengezond.indicators.inequality import gap_weights

    rng = np.random.default_rng(11)
    n = rng.integers(50, 5000, 60).astype(float)
    n[3] = 0.0  # an empty area weighs nothing
    dep = rng.normal(size=60)
    dep[7] = np.nan  # so does an unranked one
    y = rng.normal(60, 5, 60)
    w = gap_weights(n, dep)
    keep = ~np.isnan(dep) & (n > 0)
    si = slope_index(y[keep], np.zeros(keep.sum()), n[keep], dep[keep], n_sims=10)
    qg = quintile_gap(y[keep], np.zeros(keep.sum()), n[keep], dep[keep])
    assert w.sii @ y == pytest.approx(si.sii, rel=1e-12)
    assert w.gap @ y == pytest.approx(qg.gap, rel=1e-12)
    assert w.sii[3] == w.sii[7] == w.gap[3] == w.gap[7] == 0.0
    # many draws at once: rows of a matrix
    draws = rng.normal(60, 5, (4, 60))
    assert np.allclose(draws @ w.sii, [slope_index(d[keep], np.zeros(keep.sum()), n[keep],
                                                   dep[keep], n_sims=10).sii for d in draws])


def test_sii_without_area_intervals_uses_the_regression_interval() -> None:
    """Point estimates only (RIVM 50090NED): the WLS slope's own t interval, by hand."""
    values = np.array([62.0, 66.5, 70.1, 71.0, 75.4, 77.2, 80.3, 79.9])
    population = np.array([900.0, 1200.0, 800.0, 1500.0, 1100.0, 700.0, 1300.0, 1000.0])
    deprivation = np.arange(8, 0, -1, dtype=float)  # first area most deprived
    res = slope_index(values, np.full(8, np.nan), population, deprivation)
    order = np.argsort(deprivation, kind="stable")
    y, n = values[order], population[order]
    x = (np.cumsum(n) - n / 2) / n.sum()
    w = np.sqrt(n)
    design = np.c_[w, w * x]
    beta, *_ = np.linalg.lstsq(design, w * y, rcond=None)
    resid = w * y - design @ beta
    sigma2 = resid @ resid / (len(y) - 2)
    cov = sigma2 * np.linalg.inv(design.T @ design)
    half = scipy_t.ppf(0.975, len(y) - 2) * np.sqrt(cov[1, 1])
    assert res.interval == "regression" and res.sims == 0
    assert res.sii == pytest.approx(beta[1], rel=1e-10)
    assert (res.sii_lower, res.sii_upper) == pytest.approx((beta[1] - half, beta[1] + half),
                                                           rel=1e-10)
    assert slope_index(values[:2], [np.nan] * 2, population[:2], deprivation[:2]).interval \
        == "none"
