"""Valuation: euros with price year and source, user overrides, discounting, intervals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import yaml

from groengezond.errors import InputError
from groengezond.health._loading import read_packaged
from groengezond.health.erf import load_erf_registry
from groengezond.health.impact import ImpactDraws, simulate_erf
from groengezond.health.valuation import (
    VALUATION_FILE,
    ValuationSettings,
    annuity_factor,
    load_valuation,
    parse_valuation,
    per_hectare_benefits,
    present_value,
    present_value_summary,
    total_value,
    value_impact,
)

REG = load_erf_registry()


def own() -> ValuationSettings:
    """The packaged values, each left in its own price year (the by-hand figures below)."""
    return load_valuation().in_own_price_years()


def fixed_impact(erf_id: str, cases: float, n_areas: int = 2) -> ImpactDraws:
    """Draws that are the same number in every draw and area (no effect uncertainty)."""
    return ImpactDraws(REG[erf_id], tuple(f"A{i}" for i in range(n_areas)),
                       np.full((1000, n_areas), cases))


def test_every_value_has_currency_price_year_and_source() -> None:
    s = own()
    assert s.version >= 1
    for v in s.values:
        assert v.source.strip() and 1990 <= v.price_year <= 2030, v.id
    vsl = s.value_for("all_cause_mortality")
    assert vsl is not None and vsl.id == "vsl_heat_range"
    # HEAT's two values of a statistical life as the range, their midpoint as the centre
    assert (vsl.low, vsl.amount, vsl.high) == (2_487_000, 2_937_000, 3_387_000)
    assert (vsl.low, vsl.high) == (s.value("vsl_who_europe").amount, s.value("vsl_eu27").amount)
    assert s.value("vsl_eu27").price_year == 2011
    assert s.value("depression_case_invest").currency == "USD_PPP"
    assert s.parameters["usd_ppp_to_eur"].assumption
    assert s.value_for("anxiety") is None


def test_vsl_range_is_drawn() -> None:
    v = value_impact(fixed_impact("green_mortality", 1.0, 1), own(),
                     rng=np.random.default_rng(0)).summary()
    # triangular (2.487 M, 2.937 M, 3.387 M): median at the midpoint, 95 % within the range
    assert v.median[0] == pytest.approx(2_937_000, rel=0.01)
    assert 2_487_000 < v.lower[0] < 2_700_000 and 3_150_000 < v.upper[0] < 3_387_000


def test_vsl_valuation_by_hand() -> None:
    # 2 deaths prevented per area per year x EUR 3,387,000 (2011 prices) = EUR 6,774,000
    eu27 = own().with_outcome_value("all_cause_mortality", "vsl_eu27")
    v = value_impact(fixed_impact("green_mortality", 2.0), eu27,
                     rng=np.random.default_rng(0))
    assert np.allclose(v.draws, 6_774_000)
    assert v.price_year == 2011 and v.unit == "EUR per year (2011 prices)"
    assert v.value.id == "vsl_eu27" and "HEAT" in v.value.source


def test_usd_ppp_value_converted_with_interval() -> None:
    v = value_impact(fixed_impact("green_depression", 1.0, 1), own(),
                     rng=np.random.default_rng(1))
    s = v.summary()
    # US$11,000 PPP x 0.80 (0.75-0.85) EUR per US$: median about EUR 8,800
    assert s.median[0] == pytest.approx(8800, rel=0.02)
    # the case value is a range too (US$7,700-14,300, assumption)
    assert 7_700 * 0.75 <= s.lower[0] < s.median[0] < s.upper[0] <= 14_300 * 0.85
    assert "US$ PPP" in v.note and v.price_year == 2018


def test_user_override_and_alternative_value() -> None:
    s = own().override("vsl_eu27", amount=3_000_000, low=2_500_000,
                                  high=3_500_000, price_year=2020)
    v = s.value("vsl_eu27")
    assert v.amount == 3_000_000 and v.source == "set by the user" and v.price_year == 2020
    out = value_impact(fixed_impact("green_mortality", 1.0, 1), s,
                       rng=np.random.default_rng(2)).summary()
    assert 2_500_000 <= out.lower[0] < out.median[0] < out.upper[0] <= 3_500_000
    dutch = own().with_outcome_value("depression", "depression_case_kpmg")
    kpmg = value_impact(fixed_impact("green_depression", 1.0, 1), dutch,
                        rng=np.random.default_rng(3))
    assert np.allclose(kpmg.draws, 6169)  # 802,000 / 130 (KPMG 2012)
    with pytest.raises(InputError) as err:
        own().override("vsl_eu27", amount=-5)
    assert (err.value.problems[0].location, err.value.problems[0].field) == (
        "values 'vsl_eu27'", "amount")
    with pytest.raises(InputError, match="discount_rate"):
        own().with_parameter("discount_rate", value=0.1, low=0.2)
    assert own().with_parameter("discount_rate", 0.04).parameters[
        "discount_rate"].value == 0.04


def test_unvalued_outcome_raises() -> None:
    with pytest.raises(InputError, match="no money value"):
        value_impact(fixed_impact("green_anxiety_share", 1.0), own(),
                     rng=np.random.default_rng(0))


def test_price_index_brings_money_to_target_year() -> None:
    s = own().with_price_index({2011: 100.0, 2024: 130.0}, 2024).with_outcome_value(
        "all_cause_mortality", "vsl_eu27")
    v = value_impact(fixed_impact("green_mortality", 1.0, 1), s, rng=np.random.default_rng(0))
    assert np.allclose(v.draws, 3_387_000 * 1.3) and v.price_year == 2024
    with pytest.raises(InputError, match="2018"):
        value_impact(fixed_impact("green_depression", 1.0, 1), s, rng=np.random.default_rng(0))


def test_annuity_factor_by_hand() -> None:
    # 3 years at 3 %: 1/1.03 + 1/1.03^2 + 1/1.03^3 = 0.970874 + 0.942596 + 0.915142
    assert annuity_factor(0.03, 3) == pytest.approx(2.828611, abs=1e-6)
    assert annuity_factor(0.0, 10) == 10.0
    assert annuity_factor(0.05, 0) == 0.0
    assert present_value([100.0, 200.0], 0.03, 3) == pytest.approx([282.8611, 565.7223],
                                                                   abs=1e-3)
    with pytest.raises(InputError):
        annuity_factor(0.03, -1)


def test_total_value_and_present_value_of_declared_set() -> None:
    rng = np.random.default_rng(9)
    s = own()
    valued = {e: value_impact(simulate_erf(e, [0.05, 0.02], [5000, 8000], rng=rng), s, rng=rng)
              for e in ("green_mortality", "green_depression")}
    tot = total_value(valued, REG)
    assert tot.summed == ("green_mortality", "green_depression")
    assert "2011 and 2018 prices" in tot.unit
    assert np.allclose(tot.draws, valued["green_mortality"].draws
                       + valued["green_depression"].draws)
    pv = present_value_summary(tot, 10, rate=0.03)
    assert pv.total.median == pytest.approx(tot.summary().total.median * annuity_factor(0.03, 10),
                                            rel=1e-9)
    assert "over 10 years at 3.00%" in pv.unit


def test_per_hectare_benefits_by_hand() -> None:
    # 2 ha x EUR 10,000 and 2 ha x EUR 47,000 per year (Groene Batenplanner)
    out = {b.value.id: b.eur_per_year for b in per_hectare_benefits(2.0, own())}
    assert out == {"green_healthcare_per_ha": 20_000.0, "green_sick_leave_per_ha": 94_000.0}
    # by default in 2024 prices (2018 -> 2024: 130.22 / 103.43)
    dflt = {b.value.id: b.eur_per_year for b in per_hectare_benefits(2.0)}
    assert dflt["green_healthcare_per_ha"] == pytest.approx(20_000 * 130.22 / 103.43)


def test_valuation_error_names_value_and_field() -> None:
    raw: dict[str, Any] = yaml.safe_load(read_packaged("groengezond.health", VALUATION_FILE))
    raw["values"][0]["amount"] = -1
    with pytest.raises(InputError) as err:
        parse_valuation(yaml.safe_dump(raw, allow_unicode=True))
    problem = err.value.problems[0]
    assert (problem.location, problem.field) == ("values 'vsl_eu27'", "amount")


def test_default_money_is_in_2024_prices_by_the_dutch_cpi() -> None:
    s = load_valuation().with_outcome_value("all_cause_mortality", "vsl_eu27")
    assert s.target_price_year == 2024 and "83131NED" in s.price_index_source
    v = value_impact(fixed_impact("green_mortality", 2.0), s, rng=np.random.default_rng(0))
    # EUR 6,774,000 in 2011 prices x CPI 2024 / CPI 2011 (130.22 / 93.68, 2015 = 100)
    assert np.allclose(v.draws, 6_774_000 * 130.22 / 93.68)
    assert v.price_year == 2024 and "indexed from 2011 to 2024" in v.note
    # the chained levels reproduce CBS's published annual changes (one decimal)
    idx = s.price_index
    published = {2012: 2.5, 2016: 0.3, 2018: 1.7, 2022: 10.0, 2024: 3.3}
    for year, pct in published.items():
        assert 100 * (idx[year] / idx[year - 1] - 1) == pytest.approx(pct, abs=0.05)
