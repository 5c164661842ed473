r"""What a scenario costs, and its benefit-cost ratio.

An intervention carries a cost either explicitly (``cost``: a range in euros with price year
and source) or through the Verkenner entry it came from (``catalogue_id``): the entry's cost
per unit is scaled by the size the geometry gives (hectares or m² of the polygon, metres of
the line, trees planted, dwellings) or taken as a lump sum per project.

The benefit-cost ratio compares the present value of the yearly euros of the declared total
(:mod:`groengezond.health.valuation`) over the scenario's ``appraisal_years`` at the
``discount_rate`` parameter with the one-off costs plus the present value of the yearly
maintenance, per Monte Carlo draw :math:`k`:

.. math::

    BCR_k = \frac{\sum_g B_{g,k} \sum_{t=1}^{N} s_{g,t} (1 + r)^{-t}}
                 {\sum_j C_{j,k} + \sum_j M_{j,k} \sum_{t=1}^{N} (1 + r)^{-t}},
    \qquad C_{j,k} \sim U(\text{low}_j, \text{high}_j)

Benefits build up (:class:`BenefitStream`): :math:`s_{g,t}` is the share of the full yearly
benefit :math:`B_g` in year :math:`t` - a linear build-up for walking and cycling (WHO HEAT)
and the growth of new tree crowns for greenness and heat (:func:`canopy_ramp`). A sensitivity
table repeats the ratio at discount rates 0, 2.25 and 4 % and over 15, 30 and 50 years.

It is given only when every intervention has a cost; otherwise the result says which lack one.
Costs are brought to the benefits' price year with the valuation's price index (Dutch CPI) when
the index has their year; the result lists every price year involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely

from groengezond.catalogue.model import Catalogue, load_catalogue
from groengezond.errors import InputError, Problem
from groengezond.health.valuation import ValuationSettings
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
from groengezond.scenario.result import (
    CostLineOut,
    CostOut,
    IntervalOut,
    RampOut,
    SensitivityOut,
)

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


def resolve_maintenance(scenario: Scenario, catalogue: Catalogue | None = None,
                        buildings: gpd.GeoDataFrame | None = None
                        ) -> list[InterventionCost | None]:
    """Yearly maintenance of each intervention: given, from its catalogue entry, or None.

    ``maintenance`` on the intervention wins; otherwise the catalogue entry's ``maintenance``
    (per unit and year) is scaled like the one-off cost (:func:`units_of`). Unknown catalogue
    ids are reported by :func:`resolve_costs`.
    """
    out: list[InterventionCost | None] = []
    cat: Catalogue | None = catalogue
    for item in scenario.interventions:
        if item.maintenance is not None:
            out.append(item.maintenance)
            continue
        if item.catalogue_id is None:
            out.append(None)
            continue
        cat = cat or load_catalogue()
        if item.catalogue_id not in cat or cat[item.catalogue_id].maintenance is None:
            out.append(None)
            continue
        entry = cat[item.catalogue_id]
        assert entry.maintenance is not None
        m = entry.maintenance
        n = units_of(item, m.per, buildings)
        unit = "project" if m.per == "project" else f"{n:,.4g} {m.per}"
        out.append(InterventionCost(low_eur=m.low_eur * n, high_eur=m.high_eur * n,
                                    price_year=m.price_year, assumption=m.assumption,
                                    source=f"catalogue '{entry.id}' ({unit}) per year: "
                                           f"{m.basis.strip()}"))
    return out


@dataclass(frozen=True)
class BenefitStream:
    """Yearly euros of a group of pathways and how they build up over the years.

    Attributes
    ----------
    label : str
        What the stream is (e.g. ``walking and cycling``), for the result.
    draws : numpy.ndarray, shape (n_draws,)
        Full yearly benefit (EUR per year) per Monte Carlo draw.
    ramp : numpy.ndarray, shape (years,)
        Share of the full benefit in year 1, 2, … (0-1); beyond its end the last value holds.
    basis : str
        Where the ramp comes from.
    """

    label: str
    draws: FloatArray
    ramp: FloatArray
    basis: str = ""


def linear_ramp(years: int, build_up_years: float) -> FloatArray:
    r"""Share of the full benefit in years 1 … ``years`` with a linear build-up.

    .. math:: s_t = \min(1, t / T_{build})

    (WHO HEAT's build-up of walking and cycling benefits, :math:`T_{build}` = 5 years).
    """
    t = np.arange(1, years + 1, dtype=float)
    return np.asarray(np.minimum(1.0, t / build_up_years) if build_up_years > 0 else
                      np.ones(years), dtype=float)


def canopy_ramp(years: int, maturity_years: float, planting_share: float) -> FloatArray:
    r"""Share of the mature crown area in years 1 … ``years`` (crown diameter grows linearly).

    .. math:: s_t = \left(p + (1 - p) \min(1, t / T_{mature})\right)^2

    with :math:`p` the crown diameter at planting as a share of the mature one.
    """
    t = np.arange(1, years + 1, dtype=float)
    d = planting_share + (1.0 - planting_share) * np.minimum(1.0, t / max(maturity_years, 1e-9))
    return np.asarray(d**2, dtype=float)


def _discount(years: int, rate: float) -> FloatArray:
    return np.asarray((1.0 + rate) ** -np.arange(1, years + 1, dtype=float), dtype=float)


def present_value(streams: Sequence[BenefitStream], rate: float, years: int) -> FloatArray:
    r"""Present value per draw of the streams over ``years`` at ``rate``.

    .. math:: PV_k = \sum_g B_{g,k} \sum_{t=1}^{N} s_{g,t} (1 + r)^{-t}
    """
    disc = _discount(years, rate)
    out: FloatArray | None = None
    for st in streams:
        ramp = np.ones(years) if len(st.ramp) == 0 else np.concatenate(
            [st.ramp[:years], np.full(max(years - len(st.ramp), 0), st.ramp[-1])])
        pv = np.asarray(st.draws, dtype=float) * float((ramp * disc).sum())
        out = pv if out is None else out + pv
    return np.zeros(0) if out is None else np.asarray(out, dtype=float)


SENSITIVITY_RATES: tuple[float, ...] = (0.0, 0.0225, 0.04)
"""Discount rates of the sensitivity table (0, the Dutch standard 2.25 %, 4 %)."""
SENSITIVITY_YEARS: tuple[int, ...] = (15, 30, 50)
"""Appraisal periods (years) of the sensitivity table."""


def benefit_cost(scenario: Scenario, costs: Sequence[InterventionCost | None],
                 streams: Sequence[BenefitStream], value_price_years: Sequence[int],
                 rate: float, *, rng: np.random.Generator,
                 settings: ValuationSettings | None = None,
                 extra: Sequence[tuple[str, InterventionCost]] = (),
                 maintenance: Sequence[InterventionCost | None] = ()) -> CostOut | None:
    """Costs of the scenario and, when every intervention has one, its benefit-cost ratio.

    Parameters
    ----------
    scenario : Scenario
        The scenario (for names and ``appraisal_years``).
    costs : sequence of InterventionCost or None
        One-off costs from :func:`resolve_costs`, one per intervention.
    streams : sequence of BenefitStream
        Yearly euros of the declared total, split by how they build up (per draw).
    value_price_years : sequence of int
        Price years of the money values behind the streams.
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
    maintenance : sequence of InterventionCost or None
        Yearly maintenance per intervention (:func:`resolve_maintenance`); its present value
        over the appraisal period is added to the costs.

    Returns
    -------
    CostOut or None
        None when no intervention has a cost.
    """
    if all(c is None for c in costs) and not extra:
        return None
    lines = [CostLineOut(intervention=_label(i, item), kind=item.kind,
                         low_eur=c.low_eur, high_eur=c.high_eur, price_year=c.price_year,
                         assumption=c.assumption, source=c.source)
             for i, (item, c) in enumerate(zip(scenario.interventions, costs, strict=True))
             if c is not None]
    lines += [CostLineOut(intervention=label, kind="displacement", low_eur=c.low_eur,
                          high_eur=c.high_eur, price_year=c.price_year,
                          assumption=c.assumption, source=c.source) for label, c in extra]
    maint = list(maintenance) or [None] * len(scenario.interventions)
    maint_lines = [CostLineOut(intervention=_label(i, item), kind=item.kind,
                               low_eur=m.low_eur, high_eur=m.high_eur, price_year=m.price_year,
                               assumption=m.assumption, source=m.source)
                   for i, (item, m) in enumerate(zip(scenario.interventions, maint, strict=True))
                   if m is not None]
    missing = [_label(i, item) for i, (item, c)
               in enumerate(zip(scenario.interventions, costs, strict=True)) if c is None]
    years = scenario.appraisal_years
    n = len(streams[0].draws) if streams else 0
    cost_draws = np.zeros(n)
    maint_draws = np.zeros(n)
    cost_years: list[int] = []
    for c, target in [*((c, cost_draws) for c in costs if c is not None),
                      *((c, cost_draws) for _, c in extra),
                      *((m, maint_draws) for m in maint if m is not None)]:
        factor, year = _indexed(c, settings)
        cost_years.append(year)
        draw = rng.uniform(c.low_eur, c.high_eur, n) if c.high_eur > c.low_eur \
            else np.full(n, c.low_eur)
        target += factor * draw

    def iv(x: FloatArray) -> IntervalOut:
        lo, med, hi = np.percentile(x, [2.5, 50.0, 97.5])
        return IntervalOut(median=float(med), lower=float(lo), upper=float(hi))

    def ratio(r: float, yrs: int) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        pv = present_value(streams, r, yrs)
        pc = cost_draws + maint_draws * float(_discount(yrs, r).sum())
        ok = not missing and n > 0 and float(pc.min()) > 0.0
        return pv, pc, (pv / pc if ok else None)

    pv, pc, bcr_draws = ratio(rate, years)
    bcr = iv(bcr_draws) if bcr_draws is not None else None
    if missing:
        reason = ("No benefit-cost ratio: " + ", ".join(missing) + " has no cost; give "
                  "'cost' or 'catalogue_id' for every intervention.")
    elif bcr is None:
        reason = "No benefit-cost ratio: the costs are zero."
    else:
        ramps = "; ".join(f"{s.label}: {s.basis}" for s in streams if s.basis)
        reason = (f"Present value of the yearly benefits of the declared total over {years} "
                  f"years at {rate:.2%} a year (built up over the years: {ramps}), divided by "
                  "the one-off costs plus the present value of the yearly maintenance (drawn "
                  "uniformly in their ranges). Only health benefits are counted.")
    sensitivity = []
    for r in SENSITIVITY_RATES:
        for yrs in SENSITIVITY_YEARS:
            spv, spc, sb = ratio(r, yrs)
            sensitivity.append(SensitivityOut(
                discount_rate=r, appraisal_years=yrs, benefits_present_value_eur=iv(spv),
                costs_present_value_eur=iv(spc),
                benefit_cost_ratio=iv(sb) if sb is not None else None))
    years_all = sorted({*value_price_years, *cost_years})
    return CostOut(lines=lines, without_cost=missing, total_low_eur=sum(x.low_eur for x in lines),
                   total_high_eur=sum(x.high_eur for x in lines),
                   any_assumption=any(x.assumption for x in [*lines, *maint_lines]),
                   appraisal_years=years,
                   discount_rate=rate, benefits_present_value_eur=iv(pv),
                   benefit_cost_ratio=bcr, price_years=years_all, reason=reason,
                   maintenance=maint_lines,
                   maintenance_low_eur_per_year=sum(x.low_eur for x in maint_lines),
                   maintenance_high_eur_per_year=sum(x.high_eur for x in maint_lines),
                   costs_present_value_eur=iv(pc),
                   ramp=[RampOut(label=s.label, basis=s.basis,
                                 share_by_year=[round(float(v), 4) for v in s.ramp[:years]])
                         for s in streams],
                   sensitivity=sensitivity)


__all__ = ["BenefitStream", "benefit_cost", "canopy_ramp", "linear_ramp", "present_value",
           "resolve_costs", "resolve_maintenance", "units_of"]
