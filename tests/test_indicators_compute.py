"""Tests of values per area and aggregation (groengezond.indicators.compute)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.indicators.compute import (
    VALUE_COLUMNS,
    aggregate,
    ancestors,
    area_values,
    se_from_interval,
)
from groengezond.indicators.registry import load_registry
from groengezond.indicators.testing import monitor_region
from groengezond.region.checks import check_layers
from groengezond.region.model import Region
from groengezond.region.testing import tiny_region


def _row(table: pd.DataFrame, code: str, indicator: str, year: int = 2020) -> pd.Series:
    sel = table[(table["area_code"] == code) & (table["indicator"] == indicator)
                & (table["year"] == year)]
    assert len(sel) == 1, (code, indicator, year)
    return sel.iloc[0]


def _with_indicators(region: Region, rows: list[tuple[str, str, int, float, float, float]]
                     ) -> Region:
    frame = pd.DataFrame(rows, columns=["area_code", "indicator", "year", "value", "lower",
                                        "upper"])
    frame["year"] = frame["year"].astype("int64")
    frame["source"] = "test"
    return region.with_layers(indicators=frame)


def test_se_from_interval() -> None:
    assert se_from_interval(65.0, 75.0) == pytest.approx(10 / 3.92)
    assert np.isnan(se_from_interval(np.nan, 1.0))


def test_weighted_mean_by_hand() -> None:
    """Tiny region: buurten of 6 and 4 inhabitants, 70 (65-75) and 80 (75-85)."""
    table = area_values(tiny_region()).table
    wijk = _row(table, "WK999901", "perceived_health_good_pct")
    assert wijk["value"] == pytest.approx((6 * 70 + 4 * 80) / 10)  # 74
    se_b = 10 / 3.92
    se = np.sqrt((6 * se_b) ** 2 + (4 * se_b) ** 2) / 10
    assert wijk["se"] == pytest.approx(se)
    assert wijk["lower"] == pytest.approx(74 - 1.96 * se)
    assert wijk["upper"] == pytest.approx(74 + 1.96 * se)
    assert wijk["derivation"] == "aggregated"
    assert wijk["persons"] == 10
    assert wijk["coverage"] == 1.0
    for level_code in ("GM9999", "NL9999"):
        assert _row(table, level_code, "perceived_health_good_pct")["value"] == pytest.approx(74)
    buurt = _row(table, "BU99990101", "perceived_health_good_pct")
    assert (buurt["value"], buurt["lower"], buurt["upper"]) == (70, 65, 75)
    assert buurt["derivation"] == "source"
    assert list(table.columns) == VALUE_COLUMNS


def test_sum_ratio_and_land_area_by_hand() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "inhabitants", 2020, 6, np.nan, np.nan),
        ("BU99990102", "inhabitants", 2020, 4, np.nan, np.nan),
        ("BU99990101", "households", 2020, 3, np.nan, np.nan),
        ("BU99990102", "households", 2020, 1, np.nan, np.nan),
        ("BU99990101", "low_income_households_pct", 2020, 100 / 3, np.nan, np.nan),
        ("BU99990102", "low_income_households_pct", 2020, 0, np.nan, np.nan),
        ("BU99990101", "canopy_pct", 2020, 10, np.nan, np.nan),
        ("BU99990102", "canopy_pct", 2020, 30, np.nan, np.nan),
        ("BU99990101", "green_m2_per_inhabitant", 2020, 50, np.nan, np.nan),
        ("BU99990102", "green_m2_per_inhabitant", 2020, 100, np.nan, np.nan),
    ])
    av = area_values(region)
    table = av.table
    assert _row(table, "WK999901", "inhabitants")["value"] == 10
    # 1 low-income household of 3 plus 0 of 1: 1 of 4 households = 25 %.
    assert _row(table, "WK999901", "low_income_households_pct")["value"] == pytest.approx(25)
    # Equal land areas (500 m × 500 m): plain mean of 10 and 30.
    assert _row(table, "WK999901", "canopy_pct")["value"] == pytest.approx(20)
    # 6 × 50 + 4 × 100 m² over 10 inhabitants.
    assert _row(table, "WK999901", "green_m2_per_inhabitant")["value"] == pytest.approx(70)
    assert np.isnan(_row(table, "WK999901", "canopy_pct")["lower"])
    assert not any("households" in n for n in av.notes)


def test_missing_weight_falls_back_and_says_so() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "low_income_households_pct", 2020, 10, np.nan, np.nan),
        ("BU99990102", "low_income_households_pct", 2020, 20, np.nan, np.nan),
    ])
    av = area_values(region)
    assert _row(av.table, "WK999901", "low_income_households_pct")["value"] == pytest.approx(14)
    assert any("households" in n for n in av.notes)


def test_missing_buurt_lowers_coverage() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "perceived_health_good_pct", 2020, 70, 65, 75),
        ("BU99990102", "perceived_health_good_pct", 2020, np.nan, np.nan, np.nan),
    ])
    wijk = _row(area_values(region).table, "WK999901", "perceived_health_good_pct")
    assert wijk["value"] == pytest.approx(70)
    assert wijk["coverage"] == pytest.approx(0.6)


def test_source_value_at_higher_level_wins() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "perceived_health_good_pct", 2020, 70, 65, 75),
        ("BU99990102", "perceived_health_good_pct", 2020, 80, 75, 85),
        ("WK999901", "perceived_health_good_pct", 2020, 71, 69, 73),
    ])
    table = area_values(region).table
    wijk = _row(table, "WK999901", "perceived_health_good_pct")
    assert (wijk["value"], wijk["lower"], wijk["derivation"]) == (71, 69, "source")
    assert _row(table, "GM9999", "perceived_health_good_pct")["value"] == pytest.approx(74)


def test_unknown_indicator_is_named_not_dropped_silently() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "made_up_indicator", 2020, 1, np.nan, np.nan)])
    av = area_values(region)
    assert "made_up_indicator" not in set(av.table["indicator"])
    assert any("made_up_indicator" in n for n in av.notes)


def test_per_year_inhabitants_weight_and_persons() -> None:
    region = _with_indicators(tiny_region(), [
        ("BU99990101", "inhabitants", 2020, 30, np.nan, np.nan),
        ("BU99990102", "inhabitants", 2020, 10, np.nan, np.nan),
        ("BU99990101", "perceived_health_good_pct", 2020, 70, 65, 75),
        ("BU99990102", "perceived_health_good_pct", 2020, 80, 75, 85),
    ])
    table = area_values(region).table
    wijk = _row(table, "WK999901", "perceived_health_good_pct")
    assert wijk["value"] == pytest.approx((30 * 70 + 10 * 80) / 40)
    assert wijk["persons"] == 40


def test_ancestors() -> None:
    tree = ancestors(tiny_region().areas)
    assert tree.loc["BU99990102", "wijk"] == "WK999901"
    assert tree.loc["BU99990102", "gemeente"] == "GM9999"
    assert tree.loc["BU99990102", "region"] == "NL9999"


def test_monitor_region_is_valid_and_aggregates_consistently() -> None:
    region = monitor_region()
    assert check_layers({"areas": region.areas, "indicators": region.indicators}, None,
                        region.meta) == []
    table = area_values(region).table
    inh = table[(table["indicator"] == "inhabitants") & (table["year"] == 2022)]
    by_level = inh.groupby("level")["value"].sum()
    assert by_level["wijk"] == by_level["gemeente"] == by_level["region"] == by_level["buurt"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.1, 5), st.integers(0, 5000)),
                min_size=1, max_size=12))
def test_aggregate_matches_direct_formula(cells: list[tuple[float, float, int]]) -> None:
    codes = [f"B{i}" for i in range(len(cells))]
    values = pd.DataFrame({
        "area_code": codes, "indicator": "perceived_health_good_pct", "year": 2020,
        "value": [c[0] for c in cells], "se": [c[1] for c in cells], "source": "t"})
    weights = pd.DataFrame({"area_code": codes, "year": 2020,
                            "inhabitants": [float(c[2]) for c in cells]}
                           ).set_index(["area_code", "year"])
    out = aggregate(values, pd.Series("W", index=codes), weights, load_registry())
    w = np.array([c[2] for c in cells], dtype=float)
    v = np.array([c[0] for c in cells])
    se = np.array([c[1] for c in cells])
    if w.sum() == 0:
        assert np.isnan(out["value"].iloc[0])
        return
    assert out["value"].iloc[0] == pytest.approx(w @ v / w.sum(), rel=1e-9, abs=1e-9)
    assert out["se"].iloc[0] == pytest.approx(np.sqrt(((w * se) ** 2).sum()) / w.sum(),
                                              rel=1e-9, abs=1e-12)
    lo, hi = v.min(), v.max()
    assert lo - 1e-9 <= out["value"].iloc[0] <= hi + 1e-9
