"""The Planner service: health impacts, money, equity, reproducibility and comparison."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from groengezond.errors import InputError
from groengezond.region.model import Region
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
    # the interval over the ERF draws: the sign is certain (the ERF's interval excludes 1)
    for r, sign in ((worst, -1), (best, 1)):
        iv = r.equity.abs_sii_change
        assert iv is not None and r.equity.verdict_certain
        assert iv.lower <= iv.median <= iv.upper and np.sign(iv.median) == sign
        assert iv.lower < iv.upper
        assert "excludes zero" in r.equity.statement
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
    risk = planner.gap.value
    ok = np.isfinite(risk)
    mean = (risk[ok] * planner.adults[ok]).sum() / planner.adults[ok].sum()
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
