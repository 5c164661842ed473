"""Tests of trends and quartile positions (groengezond.indicators.trends)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.indicators.trends import (
    ARROWS,
    fit_trends,
    quartile_positions,
    quartiles,
    trend_colour,
)

YEARS = [2012, 2016, 2020, 2022]


def _series(values: list[float], se: list[float] | float, area: str = "A") -> pd.DataFrame:
    ses = se if isinstance(se, list) else [se] * len(values)
    return pd.DataFrame({"indicator": "x", "area_code": area, "year": YEARS[:len(values)],
                         "value": values, "se": ses})


def test_clear_rise() -> None:
    t = fit_trends(_series([60, 62, 64, 65], 0.3), ["indicator", "area_code"]).iloc[0]
    assert t["direction"] == "rising"
    assert t["significant"]
    assert t["slope_per_year"] == pytest.approx(0.5, abs=0.02)
    assert t["change"] == pytest.approx(t["slope_per_year"] * 10)
    assert (t["first_year"], t["last_year"], t["n_years"]) == (2012, 2022, 4)


def test_clear_fall() -> None:
    t = fit_trends(_series([30, 27, 24, 22.5], 0.5), ["area_code"]).iloc[0]
    assert t["direction"] == "falling"


def test_flat_noisy_series_is_not_significant() -> None:
    """Values scatter far beyond their intervals: the dispersion factor widens the SE."""
    t = fit_trends(_series([50, 53, 48, 52], 0.5), ["area_code"]).iloc[0]
    assert t["direction"] == "no_significant_change"
    assert not t["significant"]
    assert t["slope_lower"] < 0 < t["slope_upper"]


def test_known_se_slope_by_hand() -> None:
    # Two years, SE 1 each: slope (62 − 60)/4 = 0.5, SE = √(1/Σ(t − t̄)²) = √(1/8).
    t = fit_trends(_series([60, 62], 1.0), ["area_code"]).iloc[0]
    assert t["slope_per_year"] == pytest.approx(0.5)
    assert t["slope_se"] == pytest.approx(np.sqrt(1 / 8))
    assert t["direction"] == "no_significant_change"  # 0.5 < 1.96·0.354


def test_without_intervals_ols_and_t_test() -> None:
    t = fit_trends(_series([10, 12, 14, 15.1], np.nan), ["area_code"]).iloc[0]
    assert t["direction"] == "rising"
    two = fit_trends(_series([10, 12], np.nan), ["area_code"]).iloc[0]
    assert two["direction"] == "insufficient_data"
    flat = fit_trends(_series([5, 5, 5, 5], np.nan), ["area_code"]).iloc[0]
    assert flat["direction"] == "no_significant_change"
    assert flat["slope_per_year"] == 0


def test_single_year_is_insufficient() -> None:
    t = fit_trends(_series([10], 1.0), ["area_code"]).iloc[0]
    assert t["direction"] == "insufficient_data"
    assert ARROWS[t["direction"]] == "·"


def test_many_series_at_once_match_one_by_one() -> None:
    a = _series([60, 62, 64, 65], 0.3, "A")
    b = _series([50, 53, 48, 52], 0.5, "B")
    both = fit_trends(pd.concat([b, a]), ["area_code"]).set_index("area_code")
    for s, code in ((a, "A"), (b, "B")):
        one = fit_trends(s, ["area_code"]).iloc[0]
        assert both.loc[code, "slope_per_year"] == pytest.approx(one["slope_per_year"])
        assert both.loc[code, "direction"] == one["direction"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=3, max_size=4),
       st.lists(st.floats(0.1, 5), min_size=4, max_size=4))
def test_slope_equals_weighted_polyfit(values: list[float], ses: list[float]) -> None:
    frame = _series(values, ses[:len(values)])
    t = fit_trends(frame, ["area_code"]).iloc[0]
    ref = np.polyfit(frame["year"], frame["value"], 1, w=1 / frame["se"])[0]
    assert t["slope_per_year"] == pytest.approx(ref, rel=1e-6, abs=1e-8)


def test_colour_follows_good_direction() -> None:
    directions = ["rising", "falling", "rising", "falling", "no_significant_change", "rising"]
    signs = [1, 1, -1, -1, 1, 0]
    assert list(trend_colour(directions, signs)) == ["green", "red", "red", "green", "grey",
                                                     "grey"]


def test_quartiles() -> None:
    assert list(quartiles([1, 2, 3, 4, 5, 6, 7, 8])) == [1, 1, 2, 2, 3, 3, 4, 4]
    q = quartiles([5.0, np.nan, 1.0, 3.0])
    assert q[2] == 1 and np.isnan(q[1]) and q[0] == 3
    frame = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "value": [4, 3, 2, 1, 10, 20, 30, 40]})
    assert list(quartile_positions(frame, ["g"])) == [4, 3, 2, 1, 1, 2, 3, 4]
