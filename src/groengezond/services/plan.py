"""Use case "Planner": evaluate scenarios against a region's baseline, fast.

A :class:`Planner` computes the baseline of a :class:`~groengezond.region.model.Region` once
(network, nearest green, focal exposures at every address, cooling) and then answers
:meth:`Planner.run` for any :class:`~groengezond.scenario.model.Scenario` from the changes
only, so that the API can keep one Planner in memory and answer within about a second.
:func:`compare` lays several results side by side in one table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from groengezond.access.supply import GREEN_NORM_M2_PER_INHABITANT
from groengezond.cooling import change_layer
from groengezond.errors import InputError
from groengezond.grouping import weighted_mean_by_key
from groengezond.health.erf import ErfRegistry
from groengezond.health.impact import MIN_DRAWS
from groengezond.health.valuation import (
    ValuationSettings,
    load_valuation,
    per_hectare_benefits,
)
from groengezond.indicators.age_groups import DEFAULT_AGE_GROUP, select_age_group
from groengezond.messages import Message, message, texts
from groengezond.region.model import Region
from groengezond.scenario.activity import activity_change
from groengezond.scenario.apply import ScenarioDelta, apply_scenario, canopy_growth
from groengezond.scenario.computable import not_computable, quality_flags
from groengezond.scenario.costs import (
    BenefitStream,
    benefit_cost,
    linear_ramp,
    resolve_costs,
    resolve_maintenance,
)
from groengezond.scenario.exposures import (
    ExposureBaseline,
    Exposures,
    PlannerOptions,
    scenario_exposures,
)
from groengezond.scenario.impacts import (
    AGE_GROUPS,
    GapInputs,
    HealthResult,
    access_gap,
    equity,
    health_impacts,
    interval,
    local_baselines,
)
from groengezond.scenario.model import Scenario, input_hash
from groengezond.scenario.overrides import apply_overrides
from groengezond.scenario.plausibility import Plausible, check_plausibility
from groengezond.scenario.result import (
    BuurtEffect,
    CanopyGrowthOut,
    CoolingMapOut,
    DisplacedOut,
    ExposureSummary,
    HectareBenefitOut,
    IncomeGroupEffect,
    ScenarioResult,
    ValueShareOut,
)
from groengezond.services.plan_compare import compare
from groengezond.services.plan_means import BuurtMeans, WeightedMedian
from groengezond.services.plan_unknowns import without_unknowns

__all__ = ["DEFAULT_REGION", "Planner", "base_region", "compare", "region_identity",
           "weighted_median"]

FloatArray = npt.NDArray[np.float64]


def _weighted(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean (0 when the weights sum to 0)."""
    w = float(weights.sum())
    return float((np.asarray(values, dtype=np.float64) * weights).sum() / w) if w > 0 else 0.0


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The weighted median: the smallest value whose cumulative weight reaches half the total
    (0 when the weights sum to 0)."""
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ok = np.isfinite(v) & (w > 0)
    if not ok.any():
        return 0.0
    order = np.argsort(v[ok], kind="stable")
    cum = np.cumsum(w[ok][order])
    return float(v[ok][order][np.searchsorted(cum, 0.5 * cum[-1])])


def region_identity(region: Region) -> dict[str, Any]:
    """What identifies the base region in the input hash: name, synthetic, generator."""
    return {"name": region.meta.name, "synthetic": region.meta.synthetic,
            "generator": dict(region.meta.generator)}


class Planner:
    """Holds a region's baseline and evaluates scenarios against it.

    Parameters
    ----------
    region : Region
        The base region (needs addresses, a walking network and a land-cover raster).
    options : PlannerOptions, optional
        Exposure-model parameters.
    registry, valuation : optional
        ERF registry and money values (default: the packaged ones).
    local_baseline : bool
        Scale national baseline rates per buurt by the Monitor indicator their registry entry
        names (depression by ``depression_anxiety_risk_pct``), when the region has it.
    """

    def __init__(self, region: Region, options: PlannerOptions | None = None,
                 registry: ErfRegistry | None = None,
                 valuation: ValuationSettings | None = None,
                 local_baseline: bool = True, gap_indicator: str | None = None) -> None:
        self.region = region
        self.baseline = ExposureBaseline.build(region, options)
        self.registry = registry
        self.valuation = valuation
        buurten = region.areas_at("buurt")
        self.codes = self.baseline.buurt_codes
        self.names = buurten.set_index("code")["name"].reindex(self.codes).to_numpy()
        addr = region.addresses
        idx = self.baseline.buurt_index
        res = self.baseline.residents
        ok = idx >= 0
        self.residents: FloatArray = np.bincount(idx[ok], weights=res[ok],
                                                 minlength=len(self.codes)).astype(np.float64)
        if {"age_18_64", "age_65_plus"} <= set(addr.columns):
            ad = (addr["age_18_64"].to_numpy(dtype=np.float64)
                  + addr["age_65_plus"].to_numpy(dtype=np.float64))
        else:
            ad = res
        self.adult_persons: FloatArray = np.asarray(ad, dtype=np.float64)
        self.adults: FloatArray = np.bincount(idx[ok], weights=ad[ok],
                                              minlength=len(self.codes)).astype(np.float64)
        self.age_groups: dict[str, FloatArray] = {
            g: np.bincount(idx[ok], weights=addr[g].to_numpy(dtype=np.float64)[ok],
                           minlength=len(self.codes)).astype(np.float64)
            for g in AGE_GROUPS if g in addr.columns}
        adult_values = select_age_group(region.indicators, DEFAULT_AGE_GROUP)
        self.gap = GapInputs.from_indicators(adult_values, self.codes, gap_indicator)
        self.baselines, self.baseline_notes = (
            local_baselines(adult_values, self.codes, self.adults, registry,
                            self.age_groups)
            if local_baseline else ({}, []))
        self.income = self.gap.income
        self.decile = (addr["income_decile"].to_numpy(dtype=np.int64)
                       if "income_decile" in addr.columns else None)
        self.quality = quality_flags(region)
        self.not_computable = not_computable(region)
        self.means = BuurtMeans(idx, res, len(self.codes))
        self._before = self._baseline_figures()

    def _baseline_figures(self) -> dict[str, Any]:
        """What every run reports of the baseline, computed once (per buurt and overall)."""
        b = self.baseline
        res = b.residents
        lim = b.options.distance_m
        g0 = b.supply.per_capita
        return {
            "within_per_buurt": self.means.share(b.near.dist_m <= lim),
            "within_300m": self.means.overall((b.near.dist_m <= lim).astype(float)),
            "green_per_buurt": weighted_mean_by_key(g0, b.buurt_index, res, len(self.codes)),
            "green_m2": _weighted(g0, res),
            "meets_norm": _weighted(g0 >= GREEN_NORM_M2_PER_INHABITANT, res),
            "median": WeightedMedian(g0, res),
            "no_green": _weighted(g0 <= 0, res),
            "straight": _weighted(b.straight_m <= lim, res),
        }

    def _staying(self, plausible: Plausible
                 ) -> tuple[FloatArray, FloatArray, Any]:
        """Residents and adults per buurt who stay, and a per-buurt mean over them.

        Without displacement these are the baseline's; a park with ``displace: true`` takes
        the residents of the demolished buildings out of the per-buurt health figures.
        """
        gone = plausible.displaced_address_ids
        if len(gone) == 0:
            return self.residents, self.adults, self.means.per_buurt
        addr = self.region.addresses
        out = np.isin(addr["address_id"].to_numpy(dtype=np.int64), gone)
        idx = self.baseline.buurt_index
        ok = idx >= 0
        n = len(self.codes)
        res = np.where(out, 0.0, self.baseline.residents)
        residents = np.bincount(idx[ok], weights=res[ok], minlength=n).astype(np.float64)
        ad = np.where(out, 0.0, self.adult_persons)
        adults = np.bincount(idx[ok], weights=ad[ok], minlength=n).astype(np.float64)
        return residents, adults, BuurtMeans(idx, res, n).per_buurt

    def _streams(self, health: HealthResult, growth: CanopyGrowthOut | None,
                 money: ValuationSettings) -> list[BenefitStream]:
        """The declared total's euros split by how they build up over the years.

        Walking and cycling build up linearly (WHO HEAT); greenness, mental health and heat
        follow the growth of the new trees' crowns for the part of the NDVI change that comes
        from them (:meth:`_growth`), and are full from year 1 for the rest (grass greens within
        a season).
        """
        build = money.parameters["heat_build_up_years"].value
        n = health.value.draws.shape[0]
        active = {"walking_mortality", "cycling_mortality"}
        act = np.zeros(n)
        rest = np.zeros(n)
        for erf_id in health.value.summed:
            v = health.valued[erf_id].draws.sum(axis=1)
            if erf_id in active:
                act += v
            else:
                rest += v
        if growth is None:
            green_ramp, basis = np.ones(1), "full from year 1 (no new trees)"
        else:
            green_ramp = np.asarray(growth.benefit_by_year, dtype=np.float64)
            basis = (f"{growth.share_of_benefits_from_trees:.0%} of the NDVI change comes from "
                     f"new tree crowns, which grow from {growth.planting_crown_diameter_m:g} m "
                     f"to {growth.mature_crown_diameter_m:g} m in "
                     f"{growth.years_to_mature:g} years; the rest is full from year 1")
        return [
            BenefitStream("walking and cycling", act, linear_ramp(51, build),
                          f"linear over {build:g} years (WHO HEAT build-up)"),
            BenefitStream("greenness and heat", rest, green_ramp, basis),
        ]

    def _cooling_map(self, ex: Exposures, block_cells: int = 5,
                     min_abs_c: float = 0.005) -> CoolingMapOut | None:
        """The air-temperature change as 50 m blocks (on a 10 m raster), where it is felt."""
        lc = self.region.landcover
        if ex.t_air_window is None or lc is None:
            return None
        cells = change_layer(ex.t_air_window, lc.transform.c, lc.transform.f, lc.cell_size_m,
                             block_cells, min_abs_c)
        return CoolingMapOut(block_m=block_cells * lc.cell_size_m, min_abs_c=min_abs_c,
                             cells=cells)

    def _within(self, dist: np.ndarray) -> np.ndarray:
        if dist is self.baseline.near.dist_m:
            return np.asarray(self._before["within_per_buurt"])
        return self.means.share(dist <= self.baseline.options.distance_m)

    def _summary(self, ex: Exposures, new_res: np.ndarray) -> ExposureSummary:
        res = self.baseline.residents
        res_all = np.concatenate([res, new_res])
        tot = float(res.sum()) or 1.0
        mean = self.means.overall
        b0 = self._before

        b, a = ex.green_network_m_before, ex.green_network_m_after
        finite = np.isfinite(b) & np.isfinite(a)
        d = ex.delta
        lim = self.baseline.options.distance_m
        if b is self.baseline.near.dist_m:
            within_before = float(b0["within_300m"])
        else:
            within_before = mean((b <= lim).astype(float))
        # only where the distance changed does the share change
        moved = np.flatnonzero(a != b)
        within_after = within_before + float(
            ((a[moved] <= lim).astype(float) - (b[moved] <= lim)) @ res[moved]) / tot
        return ExposureSummary(
            residents=tot, within_300m_before=within_before,
            within_300m_after=within_after,
            addresses_closer=int((a < b).sum()),
            mean_d_green_network_m=float(np.mean(a[finite] - b[finite])) if finite.any()
            else 0.0,
            d_green_share_300m_pp=100 * mean(d["green_share_300m"]),
            d_green_share_500m_pp=100 * mean(d["green_share_500m"]),
            d_green_share_1000m_pp=100 * mean(d["green_share_1000m"]),
            d_ndvi_500m=mean(d["ndvi_500m"]), d_canopy_300m_pp=100 * mean(d["canopy_300m"]),
            d_trees_near=mean(d["trees_near"]), d_t_air_c=mean(d["t_air_c"]),
            max_cooling_c=float(max(0.0, -float(np.min(d["t_air_c"], initial=0.0)))),
            new_addresses=len(ex.new_green_network_m), new_residents=int(new_res.sum()),
            new_residents_within_300m=int(new_res[ex.new_green_network_m <= lim].sum()),
            green_m2_per_inhabitant_before=b0["green_m2"],
            green_m2_per_inhabitant_after=_weighted(ex.green_m2_after, res_all),
            meets_green_norm_before=b0["meets_norm"],
            meets_green_norm_after=_weighted(ex.green_m2_after >= GREEN_NORM_M2_PER_INHABITANT,
                                             res_all),
            green_m2_per_inhabitant_median_before=b0["median"].median,
            green_m2_per_inhabitant_median_after=b0["median"].after(ex.green_m2_after, res_all),
            no_green_before=b0["no_green"],
            no_green_after=_weighted(ex.green_m2_after <= 0, res_all),
            within_300m_straight_before=b0["straight"],
            within_300m_straight_after=_weighted(ex.straight_m_after <= lim, res_all))

    def _green_per_buurt(self, ex: Exposures, delta: ScenarioDelta
                         ) -> tuple[FloatArray, FloatArray]:
        """Green m² per inhabitant per buurt before and after (new residents in their buurt)."""
        n = len(self.codes)
        idx0 = self.baseline.buurt_index
        new_idx = (self.codes.get_indexer(delta.new_addresses["buurt"].to_numpy()).astype(
            np.int64) if len(delta.new_addresses) else np.zeros(0, np.int64))
        idx1 = np.concatenate([idx0, new_idx])
        res0 = self.baseline.residents
        res1 = np.concatenate([res0, delta.new_addresses["residents"].to_numpy(dtype=np.float64)
                               if len(delta.new_addresses) else np.zeros(0)])
        before = (self._before["green_per_buurt"] if ex.green_m2_before is
                  self.baseline.supply.per_capita
                  else weighted_mean_by_key(ex.green_m2_before, idx0, res0, n))
        return before, weighted_mean_by_key(ex.green_m2_after, idx1, res1, n)

    def _groups(self, ex: Exposures) -> list[IncomeGroupEffect]:
        if self.decile is None:
            return []
        res = self.baseline.residents
        group = (np.clip(self.decile, 1, 10) + 1) // 2
        b, a = ex.green_network_m_before, ex.green_network_m_after
        dd = np.where(np.isfinite(a) & np.isfinite(b), a - b, 0.0)
        persons = np.bincount(group, weights=res, minlength=6)

        def mean(v: np.ndarray) -> FloatArray:
            rows = np.flatnonzero(v != 0.0)  # a zero adds nothing to the sums
            s = np.bincount(group[rows], weights=v[rows] * res[rows], minlength=6)
            return np.asarray(np.divide(s, persons, out=np.zeros(6), where=persons > 0))

        dist, share = mean(dd), mean(ex.delta["green_share_300m"])
        ndvi, t_air, trees = (mean(ex.delta[k]) for k in ("ndvi_500m", "t_air_c", "trees_near"))
        return [IncomeGroupEffect(
            group=g, residents=float(persons[g]), d_green_network_m=float(dist[g]),
            d_green_share_300m_pp=100 * float(share[g]), d_ndvi_500m=float(ndvi[g]),
            d_t_air_c=float(t_air[g]), d_trees_near=float(trees[g])) for g in range(1, 6)]

    def _per_hectare(self, delta: ScenarioDelta, money: ValuationSettings
                     ) -> list[HectareBenefitOut]:
        """Groene Batenplanner values of the net change in green area (beside the totals)."""
        added = float(delta.new_green["area_ha"].sum()) if len(delta.new_green) else 0.0
        green = self.region.green
        gone = green[green["green_id"].isin(delta.removed_green_ids)]
        net = added - float(gone.geometry.area.sum()) / 10_000.0
        if net == 0.0:
            return []
        return [HectareBenefitOut(id=b.value.id, label=b.value.label_en,
                                  label_nl=b.value.label_nl, area_ha=net,
                                  eur_per_year=b.eur_per_year, price_year=b.price_year,
                                  source=b.value.source.strip())
                for b in per_hectare_benefits(net, money)]

    def _growth(self, delta: ScenarioDelta, ex: Exposures, years: int, rate: float
                ) -> CanopyGrowthOut | None:
        """Crown growth of the new trees and its weight on the benefits (None: no trees)."""
        trees = delta.new_trees
        if len(trees) == 0:
            return None
        res = self.baseline.residents
        total = float(np.nansum(ex.delta["ndvi_500m"] * res))
        part = float(np.nansum(ex.tree_ndvi * res))
        share = float(np.clip(part / total, 0.0, 1.0)) if total > 0 else 0.0
        ramp = 1.0 - share + share * canopy_growth(trees, years)
        disc = (1.0 + rate) ** -np.arange(1, years + 1, dtype=np.float64)
        ttm = trees["years_to_mature"].to_numpy(dtype=float)
        return CanopyGrowthOut(
            trees=len(trees),
            planting_crown_diameter_m=float(trees["planting_crown_diameter_m"].mean()),
            mature_crown_diameter_m=float(trees["crown_diameter_m"].mean()),
            years_to_mature=float(np.mean(np.where(np.isfinite(ttm), ttm, years))),
            share_of_benefits_from_trees=share, benefit_by_year=ramp.tolist(),
            present_value_factor=float((ramp * disc).sum() / disc.sum()))

    def run(self, scenario: Scenario, rng: np.random.Generator, *, n_draws: int = MIN_DRAWS,
            seed: int | None = None) -> ScenarioResult:
        """Evaluate ``scenario`` against the baseline.

        Parameters
        ----------
        scenario : Scenario
            The scenario (geometries in EPSG:28992).
        rng : numpy.random.Generator
            Source of randomness for the Monte Carlo draws.
        n_draws : int
            Monte Carlo draws (≥ 1,000).
        seed : int, optional
            Seed that made ``rng``, recorded in the result.

        Returns
        -------
        ScenarioResult

        Raises
        ------
        InputError
            Invalid or implausible scenario (naming intervention, field and fix; see
            :mod:`groengezond.scenario.plausibility`) or too few draws.
        """
        if n_draws < MIN_DRAWS:
            raise InputError.single("request", scenario.name, "draws", f"{n_draws}",
                                    f"use at least {MIN_DRAWS} draws")
        apply_overrides(self.valuation or load_valuation(), scenario.valuation)
        plausible = check_plausibility(self.region, scenario)
        return self.evaluate(plausible, rng, n_draws=n_draws, seed=seed, original=scenario)

    def evaluate(self, plausible: Plausible, rng: np.random.Generator, *,
                 n_draws: int = MIN_DRAWS, seed: int | None = None,
                 original: Scenario | None = None) -> ScenarioResult:
        """Evaluate a scenario that passed :func:`check_plausibility` (:meth:`run` checks it).

        ``original`` is the scenario as given (its hash is recorded; default: the checked one).
        An empty scenario here gives exactly the baseline (what the tests of exactness use).
        """
        scenario = plausible.scenario
        original = original or scenario
        costs = resolve_costs(scenario, buildings=self.region.buildings)
        money = apply_overrides(self.valuation or load_valuation(), scenario.valuation)
        delta = apply_scenario(self.region, scenario)
        ex = scenario_exposures(self.baseline, delta)
        residents, adults, means = self._staying(plausible)
        per_buurt = {k: means(v) for k, v in ex.delta.items()}
        activity = activity_change(scenario.interventions, self.baseline.xy,
                                   self.baseline.residents, self.baseline.buurt_index,
                                   adults)
        per_buurt["walking_min_per_week"] = activity.walking_min_per_week
        per_buurt["cycling_min_per_week"] = activity.cycling_min_per_week
        codes = tuple(str(c) for c in self.codes)
        health = health_impacts(per_buurt, residents, adults, codes, rng=rng,
                                n_draws=n_draws, registry=self.registry,
                                valuation=money, baselines=self.baselines,
                                age_groups=self.age_groups)
        summ = {k: v.summary() for k, v in health.impacts.items()}
        groups = self._groups(ex)
        wb, wa = self._within(ex.green_network_m_before), self._within(ex.green_network_m_after)
        gb, ga = self._green_per_buurt(ex, delta)
        gap_access = access_gap(wb, wa, self.income, self.residents,
                                self.baseline.options.distance_m)
        eq = equity(self.gap, residents, health.impacts, groups, gap_access, rng=rng,
                    registry=self.registry)
        vs = health.value.summary()
        buurten = []
        for i, code in enumerate(codes):
            def iv(erf: str, i: int = i) -> Any:
                s = summ[erf]
                return interval(s.median[i], s.lower[i], s.upper[i])

            inc = self.income[i]
            buurten.append(BuurtEffect(
                code=code, name=str(self.names[i]), residents=float(residents[i]),
                income_mean_eur=float(inc) if np.isfinite(inc) else None,
                within_300m_before=float(wb[i]), within_300m_after=float(wa[i]),
                d_green_share_300m_pp=100 * float(per_buurt["green_share_300m"][i]),
                d_green_share_500m_pp=100 * float(per_buurt["green_share_500m"][i]),
                d_green_share_1000m_pp=100 * float(per_buurt["green_share_1000m"][i]),
                d_ndvi_500m=float(per_buurt["ndvi_500m"][i]),
                d_canopy_300m_pp=100 * float(per_buurt["canopy_300m"][i]),
                d_trees_near=float(per_buurt["trees_near"][i]),
                d_t_air_c=float(per_buurt["t_air_c"][i]),
                green_m2_per_inhabitant_before=float(gb[i]),
                green_m2_per_inhabitant_after=float(ga[i]),
                deaths_prevented=iv("green_mortality"),
                depression_cases_prevented=iv("green_depression"),
                heat_deaths_prevented=iv("heat_mortality"),
                walking_deaths_prevented=iv("walking_mortality"),
                cycling_deaths_prevented=iv("cycling_mortality"),
                d_walking_min_per_week=float(activity.walking_min_per_week[i]),
                d_cycling_min_per_week=float(activity.cycling_min_per_week[i]),
                value_eur_per_year=interval(vs.median[i], vs.lower[i], vs.upper[i])))
        new_res = (delta.new_addresses["residents"].to_numpy(dtype=np.float64)
                   if len(delta.new_addresses) else np.zeros(0))
        notes: list[Message] = [
            *plausible.notes,
            *delta.notes,
            *activity.notes,
            *self.baseline_notes,
            message("scenario.new_residents_not_in_health",
                    "New residents are not in the per-buurt health figures: they have no "
                    "exposure before the scenario to compare with; their access to green is "
                    "reported under exposures (new_residents_within_300m)."),
        ]
        rate = money.parameters["discount_rate"].value
        growth = self._growth(delta, ex, scenario.appraisal_years, rate)
        if growth is not None:
            notes.append(message(
                "scenario.tree_growth",
                f"Trees: the yearly figures are those of the mature crowns "
                f"({growth.mature_crown_diameter_m:g} m); crowns grow from "
                f"{growth.planting_crown_diameter_m:g} m over {growth.years_to_mature:g} years, "
                f"so the benefit-cost ratio counts {100 * growth.present_value_factor:.0f} % of "
                "the present value of mature greenness benefits from year 1.",
                mature_crown_m=growth.mature_crown_diameter_m,
                planting_crown_m=growth.planting_crown_diameter_m,
                years_to_mature=growth.years_to_mature,
                share_pct=100 * growth.present_value_factor))
        streams = self._streams(health, growth, money)
        cost_out = benefit_cost(scenario, costs, streams, health.money.price_years, rate,
                                rng=rng, settings=money,
                                extra=[(f"intervention {d.index + 1}: acquisition and "
                                        "demolition", d.cost) for d in plausible.displacements],
                                maintenance=resolve_maintenance(
                                    scenario, buildings=self.region.buildings))
        result = ScenarioResult(
            per_hectare=self._per_hectare(delta, money),
            cooling_map=self._cooling_map(ex),
            value_shares=_value_shares(health),
            displaced=[DisplacedOut(intervention=f"intervention {d.index + 1}",
                                    buildings=len(d.building_ids), dwellings=d.dwellings,
                                    residents=d.residents, floor_area_m2=d.floor_area_m2)
                       for d in plausible.displacements],
            scenario=scenario.name, input_hash=input_hash(original, region_identity(self.region)),
            seed=seed, n_draws=n_draws, region=region_identity(self.region),
            exposures=self._summary(ex, new_res), buurten=buurten, pathways=health.pathways,
            totals=health.total_out, money=health.money, equity=eq, costs=cost_out,
            canopy_growth=growth, quality=self.quality, notes=texts(notes),
            messages=[m.out() for m in notes])
        return without_unknowns(result, self.not_computable)


def _value_shares(health: HealthResult) -> list[ValueShareOut]:
    """Share of the declared total's euros from each outcome, over the draws."""
    total = health.value.draws.sum(axis=1)
    ok = total != 0.0
    if not ok.any():
        return []
    by: dict[str, FloatArray] = {}
    for erf_id in health.value.summed:
        v = health.valued[erf_id]
        by[v.outcome] = by.get(v.outcome, np.zeros(len(total))) + v.draws.sum(axis=1)
    out = []
    for outcome, euros in by.items():
        share = euros[ok] / total[ok]
        lo, med, hi = np.percentile(share, [2.5, 50.0, 97.5])
        out.append(ValueShareOut(outcome=outcome, share=interval(med, lo, hi)))
    return out


DEFAULT_REGION: dict[str, Any] = {"generator": {"inhabitants": 150_000, "seed": 42}}
"""The default demo region: synthetic, 150,000 inhabitants, seed 42."""


def base_region(scenario: Scenario, region_dir: Any = None) -> Region:
    """The scenario's base region: ``region_dir`` if given, else the scenario's ``region``.

    ``region`` may be ``{"path": "<region folder>"}`` or
    ``{"generator": {"inhabitants": N, "seed": S}}`` (synthetic; default 150,000 and 42).

    Raises
    ------
    InputError
        If the region cannot be read or the generator parameters are invalid.
    """
    from pathlib import Path

    from groengezond.region.store import read_region
    from groengezond.synth import generate_region

    if region_dir is not None:
        return read_region(Path(region_dir))
    spec = scenario.region or DEFAULT_REGION
    if "path" in spec:
        return read_region(Path(str(spec["path"])))
    gen = dict(DEFAULT_REGION["generator"])
    gen.update(spec.get("generator", {}))
    try:
        inhabitants, seed = int(gen["inhabitants"]), int(gen["seed"])
    except (TypeError, ValueError):
        raise InputError.single("scenario", scenario.name, "region.generator",
                                f"{gen} is not numeric",
                                "give integer inhabitants and seed") from None
    return generate_region(inhabitants, seed)
