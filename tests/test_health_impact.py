"""Health impact: hand-computed examples, Monte Carlo against the analytical interval, totals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.errors import InputError
from groengezond.health.erf import load_erf_registry
from groengezond.health.impact import (
    MIN_DRAWS,
    BaselineInput,
    heat_deaths_prevented,
    linear_capped_cases,
    linear_capped_rr,
    or_to_rr,
    preventable_cases,
    preventable_fraction,
    rr_for_change,
    simulate_erf,
    simulate_impact,
    split_triangular_quantile,
    triangular_quantile,
)
from groengezond.health.totals import sum_declared, total_by_outcome

REG = load_erf_registry()


# --------------------------------------------------------------------------- hand examples


def test_or_to_rr_by_hand() -> None:
    # OR 0.931 at p0 = 0.10: RR = 0.931 / (1 - 0.10 + 0.10 * 0.931) = 0.931 / 0.9931
    assert or_to_rr(0.931, 0.10) == pytest.approx(0.93746853, abs=1e-8)
    # rare outcome: RR -> OR; p0 = 0 gives the OR itself
    assert or_to_rr(0.931, 0.0) == pytest.approx(0.931)


def test_paf_formula_by_hand() -> None:
    # green -> mortality, HR 0.96 per 0.1 NDVI; NDVI +0.05 around 10,000 adults, 11.3/1000/yr
    rr = rr_for_change(0.96, 0.05, 0.1)          # exp(ln 0.96 * 0.5) = sqrt(0.96)
    assert rr == pytest.approx(0.97979590, abs=1e-8)
    pf = preventable_fraction(rr)                 # 1 - 0.97979590 = 0.02020410
    assert pf == pytest.approx(0.02020410, abs=1e-8)
    deaths = preventable_cases(pf, 0.0113, 10_000)  # 0.02020410 * 0.0113 * 10,000 = 2.28306
    assert deaths == pytest.approx(2.283063, abs=1e-6)


def test_invest_urban_mental_health_example_by_hand() -> None:
    """InVEST UMH: PC = (1 - exp(ln(RR_0.1NE) * 10 * dNDVI)) * BC, with BC = prevalence * pop."""
    population, p0, d_ndvi = 10_000, 0.10, 0.05
    baseline_cases = p0 * population              # 1,000 cases
    # (a) effect size given as an RR (InVEST input): RR 0.931
    #     1 - 0.931 ** 0.5 = 1 - 0.96488341 = 0.03511659 -> 35.11659 cases
    invest = (1 - math.exp(math.log(0.931) * 10 * d_ndvi)) * baseline_cases
    ours = preventable_cases(preventable_fraction(rr_for_change(0.931, d_ndvi, 0.1)), p0,
                             population)
    assert invest == pytest.approx(35.11659, abs=1e-5)
    assert ours == pytest.approx(invest, rel=1e-12)
    # (b) Liu et al. 2023 OR 0.931 converted at p0 = 0.10 first: RR0 = 0.93746853,
    #     RR = sqrt(0.93746853) = 0.96822959, PF = 0.03177041 -> 31.77041 cases
    rr0 = or_to_rr(0.931, p0)
    cases = preventable_cases(preventable_fraction(rr_for_change(rr0, d_ndvi, 0.1)), p0,
                              population)
    assert cases == pytest.approx(31.77041, abs=1e-4)


def test_who_heat_walking_textbook_case() -> None:
    """HEAT walking: RR 0.89 at 168 min/week, linear, risk reduction capped at 30 %.

    1,000 adults aged 20-74 start walking 84 min/week (half the reference), mortality
    5 per 1,000 per year: RR(84) = 1 - 0.11 * 84/168 = 0.945, deaths prevented
    = (1 - 0.945) * 0.005 * 1,000 = 0.275 per year.
    """
    assert linear_capped_rr(0.89, 84, 168, 0.30) == pytest.approx(0.945)
    assert linear_capped_cases(0.89, 0, 84, 168, 0.30, 0.005, 1000) == pytest.approx(0.275)
    # 100 -> 268 min/week: one reference amount more: 0.11 * 0.005 * 1,000 = 0.55
    assert linear_capped_cases(0.89, 100, 268, 168, 0.30, 0.005, 1000) == pytest.approx(0.55)
    # the cap: 0.11 * 600/168 = 0.393 > 0.30 -> 0.30 * 0.005 * 1,000 = 1.5 deaths
    assert linear_capped_cases(0.89, 0, 600, 168, 0.30, 0.005, 1000) == pytest.approx(1.5)
    # HEAT reaches the cap at about 460 min/week: 0.11 * 460/168 = 0.301
    assert linear_capped_rr(0.89, 460, 168, 0.30) == pytest.approx(0.70)
    assert linear_capped_rr(0.89, 450, 168, 0.30) > 0.70


def test_heat_deaths_by_hand() -> None:
    # -1 degC on 20 hot days, 10,000 residents, 9 deaths/1000/yr:
    # PF = 1 - 1.0184**-1 = 1 - 0.98193244 = 0.01806756
    # deaths = 0.01806756 * 0.009 * 20/365 * 10,000 = 0.089100
    assert heat_deaths_prevented(-1.0, 10_000, 0.009, 20) == pytest.approx(0.0891003, abs=1e-6)
    assert heat_deaths_prevented(0.0, 10_000, 0.009, 20) == 0.0
    assert heat_deaths_prevented(+0.5, 10_000, 0.009, 20) < 0  # warming adds deaths


def test_triangular_quantile() -> None:
    assert triangular_quantile(0.0, 1, 2, 4) == pytest.approx(1)
    assert triangular_quantile(1.0, 1, 2, 4) == pytest.approx(4)
    assert triangular_quantile(1 / 3, 1, 2, 4) == pytest.approx(2)  # F(mode) = 1/3
    assert triangular_quantile(0.7, 3, 3, 3) == 3  # degenerate


def test_baseline_draws_have_their_median_at_the_central_value() -> None:
    # the depression range (4 %, 5 %, 9 %): a plain triangular puts the median at 5.84 %
    assert triangular_quantile(0.5, 0.04, 0.05, 0.09) == pytest.approx(0.0584, abs=1e-4)
    assert split_triangular_quantile(0.5, 0.04, 0.05, 0.09) == pytest.approx(0.05)
    assert split_triangular_quantile(0.0, 0.04, 0.05, 0.09) == pytest.approx(0.04)
    assert split_triangular_quantile(1.0, 0.04, 0.05, 0.09) == pytest.approx(0.09)
    # by hand: u = 1/8 -> 0.04 + 0.01 * sqrt(1/4) = 0.045; u = 7/8 -> 0.09 - 0.04 / 2 = 0.07
    assert split_triangular_quantile(0.125, 0.04, 0.05, 0.09) == pytest.approx(0.045)
    assert split_triangular_quantile(0.875, 0.04, 0.05, 0.09) == pytest.approx(0.07)
    # in the Monte Carlo: cases / (PF * population) is the baseline drawn
    imp = simulate_erf("green_depression", [0.05], [10_000.0],
                       rng=np.random.default_rng(5), n_draws=20_000)
    assert imp.fraction is not None
    drawn = imp.draws[:, 0] / (imp.fraction[:, 0] * 10_000.0)
    assert float(np.median(drawn)) == pytest.approx(0.05, rel=0.01)


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_interval_matches_analytical_interval() -> None:
    """One ERF, one increment, fixed baseline: cases = (1 - RR0) * rate * pop exactly, so the
    2.5/50/97.5 percentiles of the draws are (1 - exp(ln RR +- 1.96 SE)) * rate * pop."""
    erf = REG["green_mortality"]
    base = BaselineInput.per_area([0.01])
    res = simulate_impact(erf, [0.1], [100_000], base, rng=np.random.default_rng(7),
                          n_draws=20_000)
    s = res.summary()
    mu, se = math.log(0.96), erf.se_log
    expected_lower = (1 - math.exp(mu + 1.959964 * se)) * 1000
    expected_upper = (1 - math.exp(mu - 1.959964 * se)) * 1000
    assert s.median[0] == pytest.approx(40.0, rel=0.01)
    assert s.lower[0] == pytest.approx(expected_lower, rel=0.03)
    assert s.upper[0] == pytest.approx(expected_upper, rel=0.03)
    # by hand: SE = (ln 0.97 - ln 0.94) / 3.92 = 0.031416 / 3.92 = 0.008014;
    # ln 0.96 = -0.040822; exp(-0.040822 -+ 0.015708) = 0.945039 / 0.975201
    # -> 54.96 and 24.80 deaths per 1,000 at risk-years. The published CI (0.94-0.97) is not
    # symmetric around 0.96 on the log scale, hence 24.8-55.0 rather than 30-60 ([check CI]).
    assert expected_lower == pytest.approx(24.80, abs=0.01)
    assert expected_upper == pytest.approx(54.96, abs=0.01)
    assert s.total.median == pytest.approx(s.median[0])


def test_simulation_is_reproducible_from_seed() -> None:
    a = simulate_erf("green_depression", [0.05, 0.02], [1000, 2000],
                     rng=np.random.default_rng(3))
    b = simulate_erf("green_depression", [0.05, 0.02], [1000, 2000],
                     rng=np.random.default_rng(3))
    c = simulate_erf("green_depression", [0.05, 0.02], [1000, 2000],
                     rng=np.random.default_rng(4))
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    assert a.draws.shape == (MIN_DRAWS, 2)
    assert a.baseline_assumed  # the packaged depression prevalence is an assumption


def test_total_interval_is_of_sums_not_sum_of_intervals() -> None:
    res = simulate_erf("green_mortality", [0.05, 0.05, 0.05], [5000, 5000, 5000],
                       rng=np.random.default_rng(1))
    s = res.summary()
    sums = res.draws.sum(axis=1)
    assert s.total.median == pytest.approx(float(np.median(sums)))
    assert s.total.lower == pytest.approx(float(np.percentile(sums, 2.5)))
    frame = s.to_frame()
    assert list(frame.columns) == ["area_code", "median", "lower", "upper"]


def test_walking_and_heat_through_registry() -> None:
    rng = np.random.default_rng(11)
    walk = simulate_erf("walking_mortality", [84.0], [1000], rng=rng, exposure_before=[0.0],
                        baseline=BaselineInput.per_area([0.005]))
    assert walk.summary().median[0] == pytest.approx(0.275, rel=0.05)
    heat = simulate_erf("heat_mortality", [-1.0, 0.0], [10_000, 10_000], rng=rng)
    med = heat.summary().median
    assert med[0] > 0 and med[1] == 0.0


def test_input_errors_name_the_field() -> None:
    erf = REG["green_mortality"]
    base = BaselineInput.per_area([0.01, 0.01])
    rng = np.random.default_rng(0)
    with pytest.raises(InputError) as err:
        simulate_impact(erf, [0.1, 0.1], [100, 100], base, rng=rng, n_draws=100)
    assert err.value.problems[0].field == "n_draws"
    with pytest.raises(InputError) as err:
        simulate_impact(erf, [0.1, 0.1], [100], base, rng=rng)
    assert "population" in {p.field for p in err.value.problems}
    with pytest.raises(InputError) as err:
        simulate_impact(erf, [0.1, np.nan], [100, 100], base, rng=rng)
    assert err.value.problems[0].field == "delta"
    with pytest.raises(InputError) as err:
        simulate_impact(REG["walking_mortality"], [10.0, 10.0], [100, 100], base, rng=rng)
    assert err.value.problems[0].field == "exposure_before"


# --------------------------------------------------------------------------- properties

protective = st.floats(0.5, 0.999)
change = st.floats(0.0, 1.0)


@given(rr0=protective, delta=change, inc=st.floats(0.05, 10.0))
def test_pf_in_unit_interval_for_protective_changes(rr0: float, delta: float,
                                                    inc: float) -> None:
    pf = float(preventable_fraction(rr_for_change(rr0, delta, inc)))
    assert 0.0 <= pf < 1.0


@given(rr0=protective, d1=change, d2=change)
def test_pf_monotone_in_exposure_change(rr0: float, d1: float, d2: float) -> None:
    lo, hi = sorted((d1, d2))
    assert preventable_fraction(rr_for_change(rr0, lo, 0.1)) <= \
        preventable_fraction(rr_for_change(rr0, hi, 0.1)) + 1e-15


@given(orr=st.floats(0.3, 0.999), p0=st.floats(0.0, 0.9))
def test_or_to_rr_lies_between_or_and_one(orr: float, p0: float) -> None:
    rr = float(or_to_rr(orr, p0))
    assert orr - 1e-12 <= rr <= 1.0


@given(rr0=protective, x=st.floats(0.0, 2000.0), cap=st.floats(0.05, 0.6))
def test_linear_capped_never_below_cap(rr0: float, x: float, cap: float) -> None:
    rr = float(linear_capped_rr(rr0, x, 168.0, cap))
    assert 1.0 - cap - 1e-12 <= rr <= 1.0


@settings(max_examples=25, deadline=None)
@given(erf_id=st.sampled_from(sorted(REG.ids)),
       pops=st.lists(st.integers(0, 50_000), min_size=1, max_size=5),
       seed=st.integers(0, 2**32 - 1))
def test_zero_change_gives_exactly_zero_cases(erf_id: str, pops: list[int],
                                              seed: int) -> None:
    n = len(pops)
    res = simulate_erf(erf_id, np.zeros(n), pops, rng=np.random.default_rng(seed),
                       exposure_before=np.full(n, 50.0))
    assert np.all(res.draws == 0.0)


# --------------------------------------------------------------------------- totals


def _impacts() -> dict[str, object]:
    rng = np.random.default_rng(5)
    codes = ("BU1", "BU2")
    return {e: simulate_erf(e, [-0.5, 0.0] if e == "heat_mortality" else [0.05, 0.01],
                            [1000, 2000], rng=rng, area_codes=codes)
            for e in ("green_mortality", "green_depression", "heat_mortality")}


def test_default_total_sums_only_declared_set_per_outcome() -> None:
    impacts = _impacts()
    totals = total_by_outcome(impacts, REG)  # type: ignore[arg-type]
    assert set(totals) == {"all_cause_mortality", "depression"}
    deaths = totals["all_cause_mortality"]
    assert deaths.summed == ("green_mortality",)
    assert deaths.left_out == ("heat_mortality",)  # overlaps green -> mortality; shown apart
    assert np.array_equal(deaths.draws, impacts["green_mortality"].draws)  # type: ignore[attr-defined]
    assert totals["depression"].summed == ("green_depression",)
    assert deaths.reason and deaths.area_codes == ("BU1", "BU2")


def test_mechanisms_total_sums_heat_not_green_mortality() -> None:
    impacts = _impacts()
    totals = total_by_outcome(impacts, REG, "mechanisms_total")  # type: ignore[arg-type]
    deaths = totals["all_cause_mortality"]
    assert deaths.summed == ("heat_mortality",)
    assert deaths.missing == ("walking_mortality",)
    assert deaths.left_out == ("green_mortality",)


def test_sum_declared_errors() -> None:
    with pytest.raises(InputError, match="none of the set"):
        sum_declared({"heat_mortality": np.zeros((2, 2))}, REG, "default_total")
    with pytest.raises(InputError, match="unknown total"):
        sum_declared({}, REG, "nonsense")
    with pytest.raises(InputError, match="different shapes"):
        sum_declared({"green_mortality": np.zeros((2, 2)),
                      "green_depression": np.zeros((3, 2))}, REG, "default_total")


def test_baseline_scaled_by_a_local_indicator_by_hand() -> None:
    from groengezond.health.baseline import load_baseline_rates
    from groengezond.health.impact import BaselineInput

    rate = load_baseline_rates()["depression_prevalence_adults"]  # 0.05 (0.04-0.09)
    # risk 10 % and 30 % with 300 and 100 adults: mean 15 %, factors 2/3 and 2; unknown: 1
    b = BaselineInput.scaled_by_indicator(rate, [10.0, 30.0, np.nan], [300.0, 100.0, 50.0])
    assert np.allclose(b.value, [0.05 * 2 / 3, 0.10, 0.05])
    assert np.allclose(b.high, [0.09 * 2 / 3, 0.18, 0.09])
    assert b.assumption
    # the weighted mean of the known areas stays the national figure
    assert (b.value[:2] @ [300.0, 100.0]) / 400.0 == pytest.approx(0.05)
    # a prevalence never exceeds 1
    assert BaselineInput.scaled_by_indicator(rate, [1.0, 100.0], [1000.0, 1.0]).high.max() <= 1
