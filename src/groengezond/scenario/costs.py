r"""What a scenario costs, and its benefit-cost ratio.

An intervention carries a cost either explicitly (``cost``: a range in euros with price year
and source) or through the Verkenner entry it came from (``catalogue_id``): the entry's cost
per unit is scaled by the size the geometry gives (hectares or m² of the polygon, metres of
the line, trees planted, dwellings) or taken as a lump sum per project.

The benefit-cost ratio compares the present value of the yearly euros of the declared total
(:mod:`groengezond.health.valuation`) over the scenario's ``appraisal_years`` at the
``discount_rate`` parameter with the one-off costs, per Monte Carlo draw :math:`k`:

.. math::

    BCR_k = \frac{\text{EUR}_k \cdot \sum_{t=1}^{N} (1 + r)^{-t}}{\sum_j C_{j,k}},
    \qquad C_{j,k} \sim U(\text{low}_j, \text{high}_j)

It is given only when every intervention has a cost; otherwise the result says which lack one.
Costs are brought to the benefits' price year with the valuation's price index (Dutch CPI) when
the index has their year; the result lists every price year involved.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from groengezond.catalogue.model import Catalogue, load_catalogue
from groengezond.errors import InputError, Problem
from groengezond.health.valuation import ValuationSettings, annuity_factor
from groengezond.scenario.model import (
    AddConnection,
    AddDwellings,
    GreenRoofs,
    Intervention,
    InterventionCost,
    PlantTrees,
    Scenario,
    parse_geometry,
)
from groengezond.scenario.result import CostLineOut, CostOut, IntervalOut

FloatArray = npt.NDArray[np.float64]


def _label(index: int, item: Intervention) -> str:
    return f"intervention {index + 1}" + (f" '{item.name}'" if item.name else "")


def units_of(item: Intervention, per: str, buildings: gpd.GeoDataFrame | None = None) -> float:
    """Size of ``item`` in the catalogue's cost unit ``per`` (1 for ``project``).

    Parameters
    ----------
    item : Intervention
        The scenario intervention (geometry in EPSG:28992).
    per : {"ha", "m2", "m", "trees", "dwellings", "project"}
        The unit of the cost.
    buildings : geopandas.GeoDataFrame, optional
        The region's buildings: green roofs are costed on the roof area they cover (footprints
        with their centroid in the polygon × ``roof_share``) rather than the polygon's area.

    Returns
    -------
    float
        Hectares or m² of the polygon (of roofs, for green roofs), metres of the line
        (``length_m`` when given), trees planted (``count``, or the points given), dwellings,
        or 1.
    """
    geom = parse_geometry(item.geometry)
    if isinstance(item, GreenRoofs) and per in ("m2", "ha") and buildings is not None:
        inside = shapely.contains(geom, buildings.geometry.centroid.to_numpy())
        roofs = float(buildings.geometry.area.to_numpy()[inside].sum()) * item.roof_share
        return roofs if per == "m2" else roofs / 10_000.0
    if per == "ha":
        return float(geom.area) / 10_000.0
    if per == "m2":
        return float(geom.area)
    if per == "m":
        if isinstance(item, AddConnection) and item.length_m:
            return float(item.length_m)
        return float(geom.length)
    if per == "trees":
        if isinstance(item, PlantTrees):
            if geom.geom_type in ("Point", "MultiPoint"):
                return float(len(getattr(geom, "geoms", [geom])))
            return float(item.count or 0)
        return 0.0
    if per == "dwellings":
        return float(item.dwellings) if isinstance(item, AddDwellings) else 0.0
    return 1.0


def resolve_costs(scenario: Scenario, catalogue: Catalogue | None = None,
                  file: str = "scenario", buildings: gpd.GeoDataFrame | None = None
                  ) -> list[InterventionCost | None]:
    """The cost of each intervention: given, from its catalogue entry, or None.

    ``buildings`` (the region's) lets green roofs be costed on their roof area
    (:func:`units_of`).

    Raises
    ------
    InputError
        For an unknown ``catalogue_id`` or one whose entry maps to another kind of
        intervention (naming the intervention and the field).
    """
    out: list[InterventionCost | None] = []
    problems: list[Problem] = []
    cat: Catalogue | None = catalogue
    for i, item in enumerate(scenario.interventions):
        where = _label(i, item)
        if item.cost is not None:
            out.append(item.cost)
            continue
        if item.catalogue_id is None:
            out.append(None)
            continue
        cat = cat or load_catalogue()
        if item.catalogue_id not in cat:
            problems.append(Problem(file, where, "catalogue_id",
                                    f"'{item.catalogue_id}' is not in the catalogue",
                                    "use an id from 'groengezond catalogue search'"))
            out.append(None)
            continue
        entry = cat[item.catalogue_id]
        if entry.scenario_intervention != item.kind:
            problems.append(Problem(
                file, where, "catalogue_id",
                f"entry '{entry.id}' maps to {entry.scenario_intervention}, not to {item.kind}",
                f"use kind {entry.scenario_intervention} or another entry"))
            out.append(None)
            continue
        n = units_of(item, entry.cost.per, buildings)
        unit = "project" if entry.cost.per == "project" else f"{n:,.4g} {entry.cost.per}"
        out.append(InterventionCost(
            low_eur=entry.cost.low_eur * n, high_eur=entry.cost.high_eur * n,
            price_year=entry.cost.price_year, assumption=entry.cost.assumption,
            source=f"catalogue '{entry.id}' ({unit}): {entry.cost.basis.strip()}"))
    if problems:
        raise InputError(problems)
    return out


def _indexed(cost: InterventionCost, settings: ValuationSettings | None
             ) -> tuple[float, int]:
    """(factor, price year) bringing ``cost`` to the settings' target price year, if it can."""
    if settings is None:
        return 1.0, cost.price_year
    try:
        return settings.index_factor(cost.price_year)
    except InputError:
        return 1.0, cost.price_year


def benefit_cost(scenario: Scenario, costs: Sequence[InterventionCost | None],
                 value_draws: FloatArray, value_price_years: Sequence[int], rate: float, *,
                 rng: np.random.Generator, settings: ValuationSettings | None = None,
                 extra: Sequence[tuple[str, InterventionCost]] = ()) -> CostOut | None:
    """Costs of the scenario and, when every intervention has one, its benefit-cost ratio.

    Parameters
    ----------
    scenario : Scenario
        The scenario (for names and ``appraisal_years``).
    costs : sequence of InterventionCost or None
        From :func:`resolve_costs`, one per intervention.
    value_draws : numpy.ndarray, shape (n_draws,)
        Euros per year of the declared total, per Monte Carlo draw.
    value_price_years : sequence of int
        Price years of the money values behind ``value_draws``.
    rate : float
        Discount rate per year.
    rng : numpy.random.Generator
        For the cost draws.
    settings : ValuationSettings, optional
        Its price index brings each cost to the target price year of the benefits (a cost
        whose year the index lacks stays in its own year, and ``price_years`` shows it).
    extra : sequence of (str, InterventionCost)
        One-off costs that come with an intervention (label, cost), such as acquiring and
        demolishing the buildings a park displaces (kind ``displacement``).

    Returns
    -------
    CostOut or None
        None when no intervention has a cost.
    """
    if all(c is None for c in costs):
        return None
    lines = [CostLineOut(intervention=_label(i, item), kind=item.kind,
                         low_eur=c.low_eur, high_eur=c.high_eur, price_year=c.price_year,
                         assumption=c.assumption, source=c.source)
             for i, (item, c) in enumerate(zip(scenario.interventions, costs, strict=True))
             if c is not None]
    lines += [CostLineOut(intervention=label, kind="displacement", low_eur=c.low_eur,
                          high_eur=c.high_eur, price_year=c.price_year,
                          assumption=c.assumption, source=c.source) for label, c in extra]
    missing = [_label(i, item) for i, (item, c)
               in enumerate(zip(scenario.interventions, costs, strict=True)) if c is None]
    years = scenario.appraisal_years
    factor = annuity_factor(rate, years)
    pv = np.asarray(value_draws, dtype=float) * factor
    n = len(pv)
    cost_draws = np.zeros(n)
    cost_years: list[int] = []
    for c in [*(c for c in costs if c is not None), *(c for _, c in extra)]:
        factor, year = _indexed(c, settings)
        cost_years.append(year)
        draw = rng.uniform(c.low_eur, c.high_eur, n) if c.high_eur > c.low_eur \
            else np.full(n, c.low_eur)
        cost_draws += factor * draw

    def iv(x: FloatArray) -> IntervalOut:
        lo, med, hi = np.percentile(x, [2.5, 50.0, 97.5])
        return IntervalOut(median=float(med), lower=float(lo), upper=float(hi))

    bcr: IntervalOut | None = None
    if missing:
        reason = ("No benefit-cost ratio: " + ", ".join(missing) + " has no cost; give "
                  "'cost' or 'catalogue_id' for every intervention.")
    elif float(cost_draws.min()) <= 0.0:
        reason = "No benefit-cost ratio: the costs are zero."
    else:
        bcr = iv(pv / cost_draws)
        reason = (f"Present value of the yearly benefits of the declared total over {years} "
                  f"years at {rate:.2%} a year, divided by the one-off costs (drawn uniformly "
                  "in their ranges). Only health benefits are counted.")
    years_all = sorted({*value_price_years, *cost_years})
    return CostOut(lines=lines, without_cost=missing, total_low_eur=sum(x.low_eur for x in lines),
                   total_high_eur=sum(x.high_eur for x in lines),
                   any_assumption=any(x.assumption for x in lines), appraisal_years=years,
                   discount_rate=rate, benefits_present_value_eur=iv(pv),
                   benefit_cost_ratio=bcr, price_years=years_all, reason=reason)


__all__ = ["benefit_cost", "resolve_costs", "units_of"]
