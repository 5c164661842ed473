"""The Planner service: health impacts, money, equity, reproducibility and comparison."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.scenario.impacts import GapInputs, equity, latest_indicator
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.plausibility import Plausible
from groengezond.scenario.testing import footbridge_across_river, park_in, ranked_by_income
from groengezond.services.plan import Planner, compare
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def planner(region: Region) -> Planner:
    return Planner(region)


def _park(region: Region, code: str) -> Scenario:
    park = park_in(region, code, 5.0)
    return scenario_from_data({"name": f"park {code}", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt}]})


def test_an_empty_scenario_is_refused(planner: Planner) -> None:
    with pytest.raises(InputError) as err:
        planner.run(Scenario(name="nothing"), np.random.default_rng(3))
    p = err.value.problems[0]
    assert (p.field, p.key) == ("interventions", "no_interventions")


def test_nothing_changes_nothing_exactly(planner: Planner) -> None:
    result = planner.evaluate(Plausible(Scenario(name="nothing")), np.random.default_rng(3))
    e = result.exposures
    assert e.within_300m_after == e.within_300m_before
    assert e.addresses_closer == 0 and e.d_ndvi_500m == 0.0 and e.d_t_air_c == 0.0
    for p in result.pathways:
        assert (p.total.median, p.total.lower, p.total.upper) == (0.0, 0.0, 0.0)
    for b in result.buurten:
        assert b.deaths_prevented.median == 0.0 and b.value_eur_per_year.upper == 0.0
    assert result.money.total.median == 0.0
    assert result.equity.verdict == "unchanged"
    assert result.equity.sii_change == 0.0
    assert result.equity.sii_change_interval is not None
    assert result.equity.sii_change_interval.upper == 0.0 == result.equity.sii_change_interval.lower
    assert result.equity.access is not None and result.equity.access.verdict == "unchanged"


def test_park_beside_worst_off_narrows_and_best_off_widens(planner: Planner,
                                                          region: Region) -> None:
    ranked = ranked_by_income(region)
    worst = planner.run(_park(region, ranked[0]), np.random.default_rng(1))
    best = planner.run(_park(region, ranked[-1]), np.random.default_rng(1))
    assert worst.equity.verdict == "narrows", worst.equity.statement
    assert best.equity.verdict == "widens", best.equity.statement
    assert "narrows" in worst.equity.statement and "widens" in best.equity.statement
    # by default the Monitor's headline indicator, named in words, never "certain"
    from groengezond.services.monitor import DEFAULT_INDICATOR
    for r, sign in ((worst, -1), (best, 1)):
        eq = r.equity
        assert eq.indicator == DEFAULT_INDICATOR == "healthy_life_expectancy_years"
        assert eq.indicator_name_nl == "Gezonde levensverwachting bij geboorte"
        assert eq.indicator_name_en in eq.statement and DEFAULT_INDICATOR not in eq.statement
        assert not re.search(r"\b(certain|zeker)\b", eq.statement)
        iv = eq.abs_sii_change
        assert iv is not None and iv.lower <= iv.median <= iv.upper and iv.lower < iv.upper
        assert np.sign(iv.median) == sign
        # beside the SII's own interval, and as a share of the gap
        own = eq.sii_before_interval
        assert own is not None and own.lower < eq.sii_before < own.upper
        assert eq.sii_change_pct_of_gap == pytest.approx(
            100 * eq.sii_change / abs(eq.sii_before))
        assert abs(eq.sii_change) < own.upper - own.lower
    # green access: the park by the worst-off buurt also narrows the access gap
    assert worst.equity.access is not None and best.equity.access is not None
    assert worst.equity.access.sii_change != 0.0
    assert worst.exposures.d_ndvi_500m > 0
    groups = worst.equity.by_income_group
    assert len(groups) == 5 and sum(g.residents for g in groups) == pytest.approx(20_000)


def test_totals_sum_only_the_declared_set(planner: Planner, region: Region) -> None:
    result = planner.run(_park(region, ranked_by_income(region)[0]), np.random.default_rng(1))
    totals = {t.outcome: t for t in result.totals}
    assert totals["all_cause_mortality"].summed == ["green_mortality"]
    assert "heat_mortality" in totals["all_cause_mortality"].left_out
    assert totals["depression"].summed == ["green_depression"]
    assert result.money.summed == ["green_mortality", "green_depression"]
    assert result.money.price_years and all(v.source for v in result.money.values)
    assert "EUR per year" in result.money.unit
    heat = next(p for p in result.pathways if p.erf_id == "heat_mortality")
    assert not heat.in_default_total
    assert result.money.total.lower <= result.money.total.median <= result.money.total.upper
    deaths = sum(b.deaths_prevented.median for b in result.buurten)
    assert deaths > 0


def test_result_is_reproducible_and_carries_the_hash(planner: Planner, region: Region) -> None:
    sc = _park(region, ranked_by_income(region)[0])
    a = planner.run(sc, np.random.default_rng(7), seed=7)
    b = planner.run(sc, np.random.default_rng(7), seed=7)
    assert json.dumps(a.model_dump(mode="json")) == json.dumps(b.model_dump(mode="json"))
    assert len(a.input_hash) == 64 and a.seed == 7
    c = planner.evaluate(Plausible(Scenario(name="other")), np.random.default_rng(7))
    assert c.input_hash != a.input_hash


def test_compare_table(planner: Planner, region: Region) -> None:
    bridge = footbridge_across_river(region)
    sc = scenario_from_data({"name": "bridge", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt}]})
    r1 = planner.run(sc, np.random.default_rng(1))
    assert r1.exposures.addresses_closer > 0
    r2 = planner.run(_park(region, ranked_by_income(region)[0]), np.random.default_rng(1))
    table = compare([r1, r2])
    assert list(table["scenario"]) == ["baseline", "bridge", r2.scenario]
    assert {"within_300m", "deaths_prevented", "eur_per_year", "gap"} <= set(table.columns)


def test_too_few_draws(planner: Planner) -> None:
    with pytest.raises(InputError, match="draws"):
        planner.run(Scenario(name="x"), np.random.default_rng(1), n_draws=10)


def test_connection_with_a_walking_volume_gives_heat_deaths(planner: Planner,
                                                             region: Region) -> None:
    """WHO HEAT by hand: 1,000 walks a day of 20 min = 140,000 min/week = 833.3 × 168 min;
    below the cap the deaths prevented are (1 − 0.89) × 833.3 × 0.0038 = 0.348 a year."""
    bridge = footbridge_across_river(region)
    plain = scenario_from_data({"name": "bridge", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt}]})
    used = scenario_from_data({"name": "bridge used", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt,
         "walking_trips_per_day": 1000, "minutes_per_walk": 20}]})
    r0 = planner.run(plain, np.random.default_rng(5))
    r1 = planner.run(used, np.random.default_rng(5))
    walk0 = {p.erf_id: p for p in r0.pathways}["walking_mortality"]
    walk1 = {p.erf_id: p for p in r1.pathways}["walking_mortality"]
    assert walk0.total.upper == 0.0
    assert any("carries no volume" in n for n in r0.notes)
    hand = (1 - 0.89) * (1000 * 20 * 7 / 168) * 0.0038
    assert walk1.total.median == pytest.approx(hand, rel=0.15)
    assert walk1.total.lower < hand < walk1.total.upper
    assert not walk1.in_default_total  # overlaps greenness-mortality; reported apart
    # the volume sits in the buurten by the bridge, and per buurt adds up to the total
    per_buurt = sum(b.walking_deaths_prevented.median for b in r1.buurten)
    assert per_buurt == pytest.approx(walk1.total.median, rel=0.05)
    minutes = sum(b.d_walking_min_per_week * a for b, a in zip(r1.buurten, planner.adults,
                                                                  strict=True))
    assert minutes == pytest.approx(140_000, rel=1e-9)
    # the default total is unchanged by the volume
    t0 = {t.outcome: t.total for t in r0.totals}["all_cause_mortality"]
    t1 = {t.outcome: t.total for t in r1.totals}["all_cause_mortality"]
    assert t0 == t1


def test_walking_volume_needs_its_duration() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data({"name": "x", "interventions": [
            {"kind": "add_connection", "name": "Brug", "geometry": "LINESTRING (0 0, 10 0)",
             "walking_trips_per_day": 100}]})
    assert "minutes_per_walk" in str(err.value) and "Brug" in str(err.value)


def test_catalogue_costs_give_a_benefit_cost_ratio(planner: Planner, region: Region) -> None:
    from groengezond.catalogue.model import load_catalogue
    from groengezond.health.valuation import annuity_factor

    park = park_in(region, ranked_by_income(region)[0], 5.0)
    cat = load_catalogue()
    ha_entry = next(e for e in cat.interventions
                    if e.scenario_intervention == "add_green" and e.cost.per == "ha")
    sc = scenario_from_data({"name": "costed park", "appraisal_years": 20, "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt,
         "catalogue_id": ha_entry.id}]})
    r = planner.run(sc, np.random.default_rng(2))
    assert r.costs is not None and not r.costs.without_cost
    line = r.costs.lines[0]
    ha = park.area / 10_000
    assert line.low_eur == pytest.approx(ha_entry.cost.low_eur * ha)
    assert line.high_eur == pytest.approx(ha_entry.cost.high_eur * ha)
    assert line.assumption and ha_entry.id in line.source
    pv = r.costs.benefits_present_value_eur
    assert pv.median == pytest.approx(r.money.total.median * annuity_factor(0.0225, 20),
                                      rel=0.05)
    bcr = r.costs.benefit_cost_ratio
    assert bcr is not None and bcr.lower < bcr.median < bcr.upper
    mid_cost = (line.low_eur + line.high_eur) / 2
    assert pv.median / line.high_eur < bcr.median < pv.median / line.low_eur
    assert bcr.median == pytest.approx(pv.median / mid_cost, rel=0.35)
    assert r.costs.price_years == [2024]  # benefits indexed to 2024, like the catalogue
    # an explicit cost overrides the catalogue; a missing one means no ratio
    sc2 = scenario_from_data({"name": "mixed", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt,
         "cost": {"low_eur": 1e6, "high_eur": 1e6, "price_year": 2025,
                  "source": "tender 2025-17", "assumption": False}},
        {"kind": "plant_trees", "name": "Bomen", "geometry": park.centroid.wkt}]})
    r2 = planner.run(sc2, np.random.default_rng(2))
    assert r2.costs is not None and r2.costs.benefit_cost_ratio is None
    # the 2025 cost is not in the CPI series: it stays in 2025 prices and says so
    assert r2.costs.price_years == [2024, 2025]
    assert r2.costs.without_cost == ["intervention 2 'Bomen'"]
    assert "intervention 2 'Bomen'" in r2.costs.reason
    # no cost anywhere: no cost block
    assert planner.run(_park(region, ranked_by_income(region)[0]),
                       np.random.default_rng(2)).costs is None


def test_unknown_or_mismatched_catalogue_entry_is_refused(planner: Planner,
                                                          region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 1.0)
    for cid, words in (("no_such_entry", "not in the catalogue"),
                       ("footbridge", "not to add_green")):
        sc = scenario_from_data({"name": "x", "interventions": [
            {"kind": "add_green", "name": "Park", "geometry": park.wkt, "catalogue_id": cid}]})
        with pytest.raises(InputError) as err:
            planner.run(sc, np.random.default_rng(1))
        text = str(err.value)
        assert "catalogue_id" in text and "Park" in text and words in text


def test_green_roofs_are_costed_on_their_roofs(region: Region) -> None:
    from groengezond.scenario.costs import resolve_costs

    b = region.buildings.iloc[:40]
    poly = shapely.box(*b.total_bounds).buffer(1.0)
    sc = scenario_from_data({"name": "roofs", "interventions": [
        {"kind": "green_roofs", "name": "Daken", "geometry": poly.wkt, "roof_share": 0.5,
         "catalogue_id": "green_roofs"}]})
    inside = shapely.contains(poly, region.buildings.geometry.centroid.to_numpy())
    roofs = float(region.buildings.geometry.area.to_numpy()[inside].sum()) * 0.5
    (cost,) = resolve_costs(sc, buildings=region.buildings)
    assert cost is not None and roofs < poly.area
    from groengezond.catalogue.model import load_catalogue
    per = load_catalogue()["green_roofs"].cost
    assert cost.low_eur == pytest.approx(per.low_eur * roofs)
    assert cost.high_eur == pytest.approx(per.high_eur * roofs)


def test_local_baseline_weights_the_worst_off_buurt(planner: Planner, region: Region) -> None:
    worst = ranked_by_income(region)[0]
    sc = _park(region, worst)
    local = planner.run(sc, np.random.default_rng(4))
    national = Planner(region, local_baseline=False).run(sc, np.random.default_rng(4))
    assert any("depression_anxiety_risk_pct" in n for n in local.notes)
    assert not any("depression_anxiety_risk_pct" in n for n in national.notes)
    i = list(planner.codes).index(worst)
    risk, _, _ = latest_indicator(region.indicators, "depression_anxiety_risk_pct",
                                  planner.codes)
    ok = np.isfinite(risk)
    band = planner.age_groups["age_18_64"]  # the prevalence's ages
    mean = (risk[ok] * band[ok]).sum() / band[ok].sum()
    ratio = (local.buurten[i].depression_cases_prevented.median
             / national.buurten[i].depression_cases_prevented.median)
    # cases scale with the baseline (nearly: the OR -> RR conversion depends on it too)
    assert ratio == pytest.approx(risk[i] / mean, rel=0.1)
    assert risk[i] > mean and ratio > 1


def test_groene_batenplanner_values_beside_the_totals(planner: Planner, region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 5.0)
    r = planner.run(_park(region, ranked_by_income(region)[0]), np.random.default_rng(1))
    ha = {b.id: b for b in r.per_hectare}
    care = ha["green_healthcare_per_ha"]
    assert care.area_ha == pytest.approx(park.area / 10_000, rel=1e-6)
    # EUR 10,000 per ha per year (2018) in 2024 prices
    assert care.eur_per_year == pytest.approx(care.area_ha * 10_000 * 130.22 / 103.43)
    assert care.price_year == 2024 and "Batenplanner" in care.source
    assert planner.evaluate(Plausible(Scenario(name="nothing")),
                            np.random.default_rng(1)).per_hectare == []


def test_money_values_set_in_the_scenario(planner: Planner, region: Region) -> None:
    code = ranked_by_income(region)[0]
    park = park_in(region, code, 5.0)
    base = {"kind": "add_green", "name": "Park", "geometry": park.wkt}
    plain = planner.run(scenario_from_data({"name": "a", "interventions": [base]}),
                        np.random.default_rng(8))
    own = scenario_from_data({"name": "b", "interventions": [base], "valuation": {
        "values": {"vsl_heat_range": {"amount": 1_000_000, "price_year": 2024,
                                "source": "gemeente Utrecht, MKBA-richtlijn"}},
        "outcome_values": {"depression": "depression_case_kpmg"},
        "parameters": {"discount_rate": {"value": 0.04}}}})
    r = planner.run(own, np.random.default_rng(8))
    used = {v.id: v for v in r.money.values}
    assert used["vsl_heat_range"].amount == 1_000_000
    assert "MKBA" in used["vsl_heat_range"].source
    assert "depression_case_kpmg" in used and "depression_case_invest" not in used
    assert r.money.total.median < plain.money.total.median
    # a scenario's values change its input hash
    assert r.input_hash != plain.input_hash
    kept = planner.run(scenario_from_data({"name": "c", "interventions": [base],
                                           "valuation": {"price_year": "own"}}),
                       np.random.default_rng(8))
    assert kept.money.price_years == [2011, 2018]


def test_bad_money_values_in_the_scenario_are_named(planner: Planner) -> None:
    sc = scenario_from_data({"name": "x", "valuation": {
        "values": {"vsl_mars": {"amount": 1.0}, "vsl_eu27": {"amount": 5.0, "low": 9.0}},
        "parameters": {"warp_factor": {"value": 9}}, "price_year": 1900}})
    with pytest.raises(InputError) as err:
        planner.run(sc, np.random.default_rng(1))
    fields = {p.field for p in err.value.problems}
    assert {"values.vsl_mars", "parameters.warp_factor", "price_year"} <= fields
    assert any(f.startswith("values.vsl_eu27") for f in fields)
    assert all(p.location == "valuation" for p in err.value.problems)


def test_new_homes_lower_green_per_inhabitant(planner: Planner, region: Region) -> None:
    x, y = planner.baseline.xy[100]
    sc = scenario_from_data({"name": "homes", "interventions": [
        {"kind": "add_dwellings", "name": "Wijk", "dwellings": 400, "residents": 900,
         "geometry": shapely.Point(x, y).buffer(150).wkt}]})
    r = planner.run(sc, np.random.default_rng(1))
    e = r.exposures
    assert e.green_m2_per_inhabitant_after < e.green_m2_per_inhabitant_before
    assert 0 <= e.meets_green_norm_after <= e.meets_green_norm_before <= 1
    code = str(region.addresses["buurt"].iloc[100])
    b = next(b for b in r.buurten if b.code == code)
    assert b.green_m2_per_inhabitant_after < b.green_m2_per_inhabitant_before
    # unchanged without a scenario
    e0 = planner.evaluate(Plausible(Scenario(name="nothing")), np.random.default_rng(1)).exposures
    assert e0.green_m2_per_inhabitant_after == e0.green_m2_per_inhabitant_before > 0


def test_depression_counts_ages_18_64_only() -> None:
    from groengezond.health.baseline import AgeRange
    from groengezond.scenario.impacts import health_impacts, population_in_band

    young, working, old = np.array([100.0, 50.0]), np.array([600.0, 300.0]), np.array(
        [300.0, 650.0])
    groups = {"age_0_17": young, "age_18_64": working, "age_65_plus": old}
    res, adults = young + working + old, working + old
    band = population_in_band(AgeRange(min_years=18, max_years=64), groups, res, adults)
    np.testing.assert_array_equal(band, working)
    np.testing.assert_array_equal(
        population_in_band(AgeRange(min_years=18), groups, res, adults), adults)
    np.testing.assert_array_equal(
        population_in_band(AgeRange(min_years=0), groups, res, adults), res)
    delta = {"ndvi_500m": np.array([0.02, 0.02])}
    run = [health_impacts(delta, res, adults, ("a", "b"), rng=np.random.default_rng(1),
                          n_draws=1000, age_groups=g)
           for g in (groups, {**groups, "age_65_plus": 3 * old})]
    dep = [r.impacts["green_depression"].draws for r in run]
    np.testing.assert_allclose(dep[0], dep[1])  # more elderly: no more depression cases
    # cases per person aged 18-64 are the same in both buurten (same change, same baseline)
    per = dep[0] / working
    np.testing.assert_allclose(per[:, 0], per[:, 1])
    deaths = [r.impacts["green_mortality"].draws.sum(axis=1) for r in run]
    assert (deaths[1] > deaths[0]).all()  # mortality still counts all adults


def test_without_land_cover_the_pathways_are_not_computable(region: Region) -> None:
    from groengezond.region.quality import LayerQuality

    meta = region.meta.model_copy(update={"quality": {
        "addresses": LayerQuality(status="placeholder", reason="addresses from the grid",
                                  key="addresses.placeholder")}})
    bare = region.with_layers(landcover=None, meta=meta)
    # the park is placed on open land of the region with its land cover, then run without it
    result = Planner(bare).run(_park(region, ranked_by_income(region)[0]),
                               np.random.default_rng(1))
    by_id = {p.erf_id: p for p in result.pathways}
    for erf in ("green_mortality", "green_depression", "heat_mortality"):
        assert by_id[erf].total is None
        nc = by_id[erf].not_computable
        assert nc is not None and nc.key == "landcover.missing" and "land cover" in nc.reason
    assert result.money.total is None and result.money.not_computable is not None
    assert all(t.total is None for t in result.totals)
    e = result.exposures
    assert e.d_ndvi_500m is None and e.d_canopy_300m_pp is None and e.d_t_air_c is None
    assert e.within_300m_after > e.within_300m_before  # access needs no land cover
    assert result.costs is None or result.costs.benefit_cost_ratio is None
    assert result.equity.verdict == "unknown" and "not computable" in result.equity.statement
    assert all(b.deaths_prevented is None and b.value_eur_per_year is None
               for b in result.buurten)
    layers = {q.layer: q for q in result.quality}
    assert layers["landcover"].status == "missing"
    assert layers["addresses"].status == "placeholder"
    assert "pathways" in layers["addresses"].figures
    table = compare([result])
    assert table.iloc[1]["deaths_prevented"] == "not computable"


def test_gap_change_is_a_relative_change_of_the_indicator(planner: Planner,
                                                          region: Region) -> None:
    """Depression-risk gap: y' = y (1 - PF), checked by hand for the point change."""
    result = planner.run(_park(region, ranked_by_income(region)[0]), np.random.default_rng(2))
    del result
    sc = _park(region, ranked_by_income(region)[0])
    from groengezond.scenario.apply import apply_scenario
    from groengezond.scenario.exposures import buurt_means, scenario_exposures
    from groengezond.scenario.impacts import health_impacts

    ex = scenario_exposures(planner.baseline, apply_scenario(region, sc))
    per = {k: buurt_means(planner.baseline, v) for k, v in ex.delta.items()}
    codes = tuple(str(c) for c in planner.codes)
    health = health_impacts(per, planner.residents, planner.adults, codes,
                            rng=np.random.default_rng(3), n_draws=1000,
                            age_groups=planner.age_groups)
    gap = GapInputs.from_indicators(region.indicators, planner.codes,
                                    "depression_anxiety_risk_pct")
    eq = equity(gap, planner.residents, health.impacts, [], rng=np.random.default_rng(4))
    assert eq.indicator_name_en == "High risk of anxiety disorder or depression"
    pf = health.impacts["green_depression"].fraction
    assert pf is not None
    ok = np.isfinite(gap.value) & np.isfinite(gap.income) & (planner.residents > 0)
    from groengezond.indicators.inequality import gap_weights
    w = gap_weights(planner.residents[ok], -gap.income[ok])
    y = gap.value[ok]
    after = y * (1 - np.median(pf, axis=0)[ok])
    assert eq.sii_after == pytest.approx(float(w.sii @ after), rel=1e-9)
    assert eq.sii_change == pytest.approx(float(w.sii @ (after - y)), rel=1e-9)
    assert eq.verdict == "narrows"


def test_mortality_baseline_is_standardised_by_age_per_buurt(planner: Planner) -> None:
    from groengezond.health.baseline import load_baseline_rates

    rates = load_baseline_rates()
    base = planner.baselines["green_mortality"]
    young, old = planner.age_groups["age_18_64"], planner.age_groups["age_65_plus"]
    m1, m2 = rates["mortality_18_64"], rates["mortality_65_plus"]
    ok = (young + old) > 0
    # by hand: expected deaths per adult at the reference age-specific rates
    expected = (m1.value * young + m2.value * old)[ok] / (young + old)[ok]
    np.testing.assert_allclose(base.value[ok], expected)
    np.testing.assert_allclose(base.low[ok], ((m1.low * young + m2.low * old) / (young + old))[ok])
    # older buurten carry a higher baseline
    share_old = old[ok] / (young + old)[ok]
    assert np.corrcoef(share_old, base.value[ok])[0, 1] > 0.99
    assert base.value[ok].max() > 1.2 * base.value[ok].min()
    # the heat pathway's baseline (natural-cause mortality net of displacement) is standardised
    # by age per buurt too (tests/test_scenario_heat.py checks it by hand)
    heat = planner.baselines["heat_mortality"]
    assert np.ptp(heat.value[ok]) > 0
    assert any("standardised indirectly by age" in n.text and "heat_mortality" in n.text
               for n in planner.baseline_notes)


def test_by_age_rates_must_make_up_the_band() -> None:
    import yaml

    from groengezond.health._loading import read_packaged
    from groengezond.health.baseline import BASELINE_FILE, parse_baseline_rates

    raw = yaml.safe_load(read_packaged("groengezond.health", BASELINE_FILE))
    adults = next(r for r in raw["rates"] if r["id"] == "mortality_adults")
    adults["by_age"] = ["mortality_65_plus"]
    with pytest.raises(InputError) as err:
        parse_baseline_rates(yaml.safe_dump(raw))
    assert "mortality_adults" in str(err.value) and "by_age" in str(err.value)


def test_weighted_median_by_hand() -> None:
    from groengezond.services.plan import weighted_median

    assert weighted_median(np.array([0.0, 10.0, 100.0]), np.array([1.0, 1.0, 1.0])) == 10.0
    assert weighted_median(np.array([0.0, 10.0, 100.0]), np.array([3.0, 1.0, 1.0])) == 0.0
    assert weighted_median(np.array([5.0, 1.0]), np.array([1.0, 3.0])) == 1.0
    assert weighted_median(np.array([5.0]), np.array([0.0])) == 0.0


def test_green_per_inhabitant_headline_is_the_median(planner: Planner, region: Region) -> None:
    from groengezond.services.plan import weighted_median

    result = planner.run(_park(region, ranked_by_income(region)[0]), np.random.default_rng(1))
    e = result.exposures
    per, res = planner.baseline.supply.per_capita, planner.baseline.residents
    assert e.green_m2_per_inhabitant_median_before == weighted_median(per, res)
    assert e.no_green_before == pytest.approx(float(res[per <= 0].sum() / res.sum()))
    assert e.meets_green_norm_before == pytest.approx(float(res[per >= 60].sum() / res.sum()))
    # the mean is total green over residents: far above the median in this region
    assert e.green_m2_per_inhabitant_before > e.green_m2_per_inhabitant_median_before
    assert e.green_m2_per_inhabitant_median_after >= e.green_m2_per_inhabitant_median_before
    assert e.no_green_after <= e.no_green_before


def test_who_straight_line_beside_the_network_share(planner: Planner, region: Region) -> None:
    from groengezond.access.entries import green_entries, select_green
    from groengezond.access.nearest import nearest_green
    from groengezond.scenario.exposures import straight_distance

    sc = _park(region, ranked_by_income(region)[0])
    result = planner.run(sc, np.random.default_rng(1))
    e = result.exposures
    base = planner.baseline
    res = base.residents
    # the network share is the access engine's (with whatever doorstep walk it counts)
    full = nearest_green(base.network, base.snap, green_entries(base.network, base.green))
    assert e.within_300m_before == pytest.approx(float(res[full.dist_m <= 300].sum() / res.sum()))
    # the straight-line share by its own definition, before and after (a full recomputation)
    green = select_green(region.green)
    d0, _ = straight_distance(base.xy, green)
    assert e.within_300m_straight_before == pytest.approx(float(res[d0 <= 300].sum() / res.sum()))
    park = shapely.from_wkt(sc.interventions[0].geometry)
    d1 = np.minimum(d0, shapely.distance(shapely.points(base.xy), park))
    assert e.within_300m_straight_after == pytest.approx(float(res[d1 <= 300].sum() / res.sum()))
    assert e.within_300m_straight_after > e.within_300m_straight_before
    # a straight line is never longer than a walk
    assert e.within_300m_straight_before >= e.within_300m_before


def test_growing_crowns_weigh_the_benefit_cost_ratio(planner: Planner, region: Region) -> None:
    from groengezond.health.valuation import annuity_factor
    from groengezond.scenario.apply import crown_growth

    spot = park_in(region, ranked_by_income(region)[0], 5.0)
    sc = scenario_from_data({"name": "bomen", "appraisal_years": 20, "interventions": [
        {"kind": "plant_trees", "name": "Bomen", "count": 150, "geometry": spot.wkt,
         "crown_diameter_m": 8.0, "planting_crown_diameter_m": 2.0, "years_to_mature": 10,
         "cost": {"low_eur": 100_000, "high_eur": 100_000, "price_year": 2024,
                  "source": "test", "assumption": True}}]})
    result = planner.run(sc, np.random.default_rng(6))
    g = result.canopy_growth
    assert g is not None and g.trees == 150 and g.share_of_benefits_from_trees == 1.0
    by_year = crown_growth(20, 2.0, 8.0, 10)
    np.testing.assert_allclose(g.benefit_by_year, by_year)
    assert by_year[0] == pytest.approx((2.6 / 8) ** 2) and by_year[9] == 1.0
    disc = 1.0225 ** -np.arange(1, 21)
    assert g.present_value_factor == pytest.approx(float((by_year * disc).sum() / disc.sum()))
    assert result.costs is not None and result.costs.benefits_present_value_eur is not None
    assert result.money.total is not None
    pv = result.costs.benefits_present_value_eur.median
    assert pv == pytest.approx(result.money.total.median * annuity_factor(0.0225, 20)
                               * g.present_value_factor, rel=1e-6)
    assert any("mature crowns" in n for n in result.notes)


def test_planting_crown_cannot_exceed_mature_crown() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data({"name": "x", "interventions": [
            {"kind": "plant_trees", "name": "B", "geometry": "POINT (0 0)",
             "crown_diameter_m": 4.0, "planting_crown_diameter_m": 5.0}]})
    assert "planting_crown_diameter_m" in str(err.value)


def test_unknown_canopy_is_not_computable_never_zero(region: Region) -> None:
    from groengezond.region.model import Landcover

    assert region.landcover is not None
    codes = {n: c for c, n in region.meta.landcover_classes.items()}
    classes = region.landcover.classes.copy()
    classes[classes == codes["trees"]] = codes["low_green"]  # a source without a tree class
    from groengezond.region.quality import LayerQuality

    meta = region.meta.model_copy(update={"synthetic": False, "quality": {
        "landcover": LayerQuality(status="derived", reason="rasterised from OSM polygons")}})
    real = region.with_layers(landcover=Landcover(classes, region.landcover.transform),
                              meta=meta)
    result = Planner(real).run(_park(real, ranked_by_income(real)[0]),
                               np.random.default_rng(1))
    assert result.exposures.d_canopy_300m_pp is None
    nc = result.not_computable["exposures.d_canopy_300m_pp"]
    assert nc.key == "canopy.missing" and "tree class" in nc.reason
    assert all(b.d_canopy_300m_pp is None for b in result.buurten)
    # the rest rests on the land cover that is there
    assert result.exposures.d_ndvi_500m is not None and result.exposures.d_ndvi_500m > 0
    assert result.money.total is not None and result.quality == []
    # without its record, a real region's land cover counts as missing
    bare = real.with_layers(meta=real.meta.model_copy(update={"quality": {}}))
    unknown = Planner(bare).run(_park(bare, ranked_by_income(bare)[0]),
                                np.random.default_rng(1))
    assert unknown.exposures.d_ndvi_500m is None and unknown.money.total is None
    assert "landcover" in {q.layer for q in unknown.quality}
