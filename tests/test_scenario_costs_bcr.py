"""Costs and the benefit-cost ratio: maintenance, build-up of benefits, valuation ranges,
the share of the value from mortality, and the sensitivity table (issue 14, point 6)."""

from __future__ import annotations

import numpy as np
import pytest

from groengezond.catalogue.model import load_catalogue
from groengezond.health.valuation import annuity_factor
from groengezond.region.model import Region
from groengezond.scenario.costs import (
    BenefitStream,
    canopy_ramp,
    linear_ramp,
    present_value,
    resolve_maintenance,
)
from groengezond.scenario.model import scenario_from_data
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def planner(region: Region) -> Planner:
    return Planner(region)


def test_every_catalogue_entry_has_a_yearly_maintenance() -> None:
    cat = load_catalogue()
    for entry in cat.interventions:
        m = entry.maintenance
        assert m is not None and 0 < m.low_eur <= m.high_eur and m.basis.strip(), entry.id
        assert m.assumption  # none of these ranges could be cited


def test_ramps_by_hand() -> None:
    assert linear_ramp(7, 5.0).tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0])
    # crown diameter 0.3 -> 1 of mature over 20 years, area with the square
    r = canopy_ramp(25, 20.0, 0.3)
    assert r[0] == pytest.approx((0.3 + 0.7 / 20) ** 2)
    assert r[9] == pytest.approx((0.3 + 0.7 * 10 / 20) ** 2)
    assert r[19] == r[24] == pytest.approx(1.0)


def test_present_value_by_hand() -> None:
    s = BenefitStream("x", np.array([100.0, 200.0]), np.array([0.5, 1.0]))
    # 3 years at 10 %: 0.5/1.1 + 1/1.1^2 + 1/1.1^3 (the last share holds)
    f = 0.5 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3
    assert present_value([s], 0.10, 3).tolist() == pytest.approx([100 * f, 200 * f])
    flat = BenefitStream("y", np.array([1.0]), np.ones(30))
    assert present_value([flat], 0.0225, 30)[0] == pytest.approx(annuity_factor(0.0225, 30))


def test_park_costs_maintenance_sensitivity_and_mortality_share(planner: Planner,
                                                                region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 5.0)
    sc = scenario_from_data({"name": "p", "interventions": [
        {"kind": "add_green", "name": "Park", "geometry": park.wkt,
         "catalogue_id": "neighbourhood_park"}]})
    (m,) = resolve_maintenance(sc)
    assert m is not None
    ha = park.area / 1e4
    assert (m.low_eur, m.high_eur) == pytest.approx((15_000 * ha, 40_000 * ha))
    r = planner.run(sc, np.random.default_rng(3))
    c = r.costs
    assert c is not None and c.benefit_cost_ratio is not None
    assert c.maintenance_low_eur_per_year == pytest.approx(m.low_eur)
    assert c.maintenance[0].kind == "add_green" and c.maintenance[0].assumption
    # present value of the costs: one-off plus 30 years of maintenance at 2.25 %
    f = annuity_factor(0.0225, 30)
    pc = c.costs_present_value_eur
    assert pc is not None
    lo = c.total_low_eur + f * c.maintenance_low_eur_per_year
    hi = c.total_high_eur + f * c.maintenance_high_eur_per_year
    assert lo <= pc.lower <= pc.median <= pc.upper <= hi
    # the sensitivity table: 0 / 2.25 / 4 % by 15 / 30 / 50 years
    grid = {(s.discount_rate, s.appraisal_years): s for s in c.sensitivity}
    assert set(grid) == {(r_, y) for r_ in (0.0, 0.0225, 0.04) for y in (15, 30, 50)}
    main = grid[(0.0225, 30)].benefit_cost_ratio
    assert main is not None and main.median == pytest.approx(c.benefit_cost_ratio.median)
    by_rate = [grid[(r_, 30)].benefits_present_value_eur.median for r_ in (0.0, 0.0225, 0.04)]
    assert by_rate[0] > by_rate[1] > by_rate[2]
    assert grid[(0.0, 30)].benefits_present_value_eur.median == pytest.approx(
        30 * r.money.total.median, rel=0.02)  # a grass park: full from year 1
    # the share of the value that comes from avoided deaths
    shares = {s.outcome: s.share for s in r.value_shares}
    mort = shares["all_cause_mortality"]
    assert 0.5 < mort.median < 1.0 and 0.0 <= mort.lower <= mort.upper <= 1.0
    assert sum(s.share.median for s in r.value_shares) == pytest.approx(1.0, abs=0.02)
    # the value of a statistical life is drawn: the euros' interval is wider than the deaths'
    deaths = next(t for t in r.totals if t.outcome == "all_cause_mortality").total
    assert r.money.total.upper / r.money.total.median > deaths.upper / deaths.median


def test_trees_ramp_up_with_crown_growth(planner: Planner, region: Region) -> None:
    park = park_in(region, ranked_by_income(region)[0], 2.0)
    sc = scenario_from_data({"name": "t", "interventions": [
        {"kind": "plant_trees", "name": "Bomen", "count": 100, "geometry": park.wkt,
         "catalogue_id": "street_trees"}]})
    r = planner.run(sc, np.random.default_rng(3))
    assert r.costs is not None
    ramp = {x.label: x.share_by_year for x in r.costs.ramp}
    green = ramp["greenness and heat"]
    assert green[0] < 0.3 and green[-1] == pytest.approx(1.0) and green == sorted(green)
    assert ramp["walking and cycling"][:5] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    # the present value is below that of full benefits from year 1
    full = r.money.total.median * annuity_factor(0.0225, 30)
    assert r.costs.benefits_present_value_eur.median < 0.8 * full


def test_every_valuation_parameter_is_read_by_the_code() -> None:
    """Issue 14: no money parameter that nothing reads (a reader would take it for a setting
    of the model). Each parameter of valuation.yaml is named in the package's code."""
    from pathlib import Path

    import groengezond
    from groengezond.health.valuation import load_valuation

    root = Path(groengezond.__file__).parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    unread = [k for k in load_valuation().parameters if f'"{k}"' not in code]
    assert not unread, f"valuation.yaml parameters nothing reads: {unread}"
