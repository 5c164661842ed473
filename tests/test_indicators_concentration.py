"""Tests of the concentration of poor green access (groengezond.indicators.concentration)."""

from __future__ import annotations

import pandas as pd
import pytest

from groengezond.indicators.concentration import ACCESS_INDICATOR, green_concentration
from groengezond.region.testing import tiny_region


def _values(pcts: list[float], indicator: str = ACCESS_INDICATOR) -> pd.DataFrame:
    return pd.DataFrame({"area_code": ["BU99990101", "BU99990102"], "level": "buurt",
                         "indicator": indicator, "year": 2020, "value": pcts,
                         "persons": [6.0, 4.0]})


def test_buurt_level_by_hand() -> None:
    """Tiny region: buurt 1 (6 residents, income deciles 2 and 3: half low income) has no
    green within 300 m, buurt 2 (4 residents, deciles 8 and 9) has it for everybody."""
    out = green_concentration(tiny_region(), _values([0.0, 100.0]))
    row = out.iloc[0]
    assert (row["indicator"], row["method"], row["year"]) == (ACCESS_INDICATOR, "buurten", 2020)
    # Low-income share: 3 of 6 residents in buurt 1, 0 in buurt 2.
    assert row["low_income_share_without_access"] == pytest.approx(0.5)
    assert row["low_income_share_all"] == pytest.approx(0.3)
    assert row["ratio"] == pytest.approx(0.5 / 0.3)
    assert row["persons_without_access"] == pytest.approx(6)
    assert row["concentration_index"] < 0
    assert row["persons"] == 10


def test_no_gradient_when_access_is_equal() -> None:
    row = green_concentration(tiny_region(), _values([50.0, 50.0])).iloc[0]
    assert row["concentration_index"] == pytest.approx(0.0)
    assert row["ratio"] == pytest.approx(1.0)


def test_green_share_gives_index_only() -> None:
    row = green_concentration(tiny_region(), _values([20.0, 80.0], "green_share_300m_pct")
                              ).iloc[0]
    assert row["concentration_index"] < 0
    assert pd.isna(row["ratio"])


def test_address_level() -> None:
    access = pd.DataFrame({"address_id": [0, 1, 2, 3],
                           "green_within_300m": [True, True, False, False]})
    out = green_concentration(tiny_region(), _values([100.0, 0.0]), access)
    row = out[out["method"] == "addresses"].iloc[0]
    # Without access: addresses 2 and 3 (deciles 8, 9): no low-income residents among them.
    assert row["low_income_share_without_access"] == pytest.approx(0.0)
    assert row["concentration_index"] > 0  # the lack is concentrated among the better off


def test_without_income_data_nothing_is_claimed() -> None:
    region = tiny_region()
    region = region.with_layers(addresses=region.addresses.drop(columns=["income_decile"]))
    assert green_concentration(region, _values([0.0, 100.0])).empty
