"""Health impacts, money and the health gap of a scenario's exposure changes.

Per buurt, the residents-weighted mean change of each ERF's exposure is turned into cases
prevented per year by :func:`groengezond.health.impact.simulate_erf` (Monte Carlo, median and
95% interval). The pathways computed are:

- ``green_mortality`` and ``green_depression`` (mean NDVI proxy within 500 m, adults) — the
  registry's ``default_total``;
- ``heat_mortality`` (summer air temperature from the cooling model, all ages) — reported
  beside the total, never added to it (the greenness cohorts already contain cooling);
- ``walking_mortality`` and ``cycling_mortality`` (WHO HEAT; extra minutes per week per adult
  from the volumes of new connections, :mod:`groengezond.scenario.activity`) — reported
  beside the default total for the same reason (they are in ``mechanisms_total``).

Totals sum only the declared set (:func:`groengezond.health.totals.total_by_outcome`);
money is :func:`groengezond.health.valuation.value_impact` per pathway and
:func:`~groengezond.health.valuation.total_value` over the same set.

The gap: buurten are ranked by mean income (``income_mean_eur`` indicator; least deprived =
highest income first) and the slope index of inequality (SII) and the best-worst quintile gap
of the gap indicator — by default the Monitor's headline, healthy life expectancy — are
computed before and after, where after = y·(1 + e·PF) per buurt: a relative change by the
preventable fraction of the pathway that acts on it (:data:`GAP_MODELS`). A smaller absolute
SII means the scenario narrows the gap. Both measures are linear in the buurt values, so the
change is evaluated for every Monte Carlo draw, with the exposure's and the indicator's own
uncertainty (:func:`equity`), and reported beside the SII's own interval. Beside it,
:func:`access_gap` gives the gap in green access (share within the Planner's distance), which
needs no health model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError
from groengezond.health.baseline import AgeRange, load_baseline_rates
from groengezond.health.erf import ErfRegistry, load_erf_registry
from groengezond.health.impact import (
    BaselineInput,
    ImpactDraws,
    simulate_erf,
    split_triangular_quantile,
)
from groengezond.health.totals import TotalResult, total_by_outcome
from groengezond.health.valuation import (
    ValuationSettings,
    ValuedImpact,
    load_valuation,
    total_value,
    value_impact,
)
from groengezond.indicators.inequality import gap_weights
from groengezond.messages import Message, message
from groengezond.scenario.result import (
    AccessGapOut,
    EquityOut,
    IncomeGroupEffect,
    IntervalOut,
    MoneyOut,
    MoneyValueOut,
    PathwayOut,
    TotalOut,
    Verdict,
)

FloatArray = npt.NDArray[np.float64]

PATHWAYS: dict[str, str] = {
    "green_mortality": "ndvi_500m",
    "green_depression": "ndvi_500m",
    "heat_mortality": "t_air_c",
    "walking_mortality": "walking_min_per_week",
    "cycling_mortality": "cycling_min_per_week",
}
"""ERF id -> exposure change it uses."""

TOTAL_SET = "default_total"
GAP_INDICATOR = "depression_anxiety_risk_pct"
INCOME_INDICATOR = "income_mean_eur"


def interval(median: float, lower: float, upper: float) -> IntervalOut:
    """An :class:`IntervalOut` of plain floats."""
    return IntervalOut(median=float(median), lower=float(lower), upper=float(upper))


@dataclass(frozen=True)
class HealthResult:
    """Draws per pathway, totals per outcome and money."""

    impacts: dict[str, ImpactDraws]
    totals: dict[str, TotalResult]
    value: TotalResult
    value_per_area: FloatArray
    pathways: list[PathwayOut]
    total_out: list[TotalOut]
    money: MoneyOut
    valued: dict[str, ValuedImpact] = field(default_factory=dict)


def local_baselines(indicators: pd.DataFrame, codes: pd.Index, weights: FloatArray,
                    registry: ErfRegistry | None = None,
                    age_groups: dict[str, FloatArray] | None = None
                    ) -> tuple[dict[str, BaselineInput], list[Message]]:
    """Per-buurt baselines for the pathways whose baseline rate names a Monitor indicator.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The region's indicators (long form).
    codes : pandas.Index
        Buurt codes.
    weights : numpy.ndarray
        Adults per buurt (weights of the region mean when ``age_groups`` is not given; with
        it, the persons in the rate's age band).
    registry : ErfRegistry, optional
        Default: the packaged one.
    age_groups : dict of str to numpy.ndarray, optional
        Persons per buurt in each of :data:`AGE_GROUPS`: a rate with ``by_age`` (mortality) is
        standardised indirectly by age per buurt (:meth:`BaselineInput.by_age`).

    Returns
    -------
    dict of str to BaselineInput, list of Message
        Baselines by ERF id (:meth:`BaselineInput.scaled_by_indicator`,
        :meth:`BaselineInput.by_age`) and notes saying which.
    """
    reg = registry or load_erf_registry()
    rates = load_baseline_rates()
    out: dict[str, BaselineInput] = {}
    notes: list[Message] = []
    band_of = {(lo, hi): name for name, (lo, hi) in AGE_GROUPS.items()}
    for erf_id in PATHWAYS:
        rate = rates.get(reg.get(erf_id).baseline_rate)
        if rate.by_age and age_groups and set(AGE_GROUPS) <= set(age_groups):
            parts = [rates.get(i) for i in rate.by_age]
            groups = [band_of.get((p.age.min_years or 0, p.age.max_years)) for p in parts]
            if all(g is not None for g in groups):
                out[erf_id] = BaselineInput.by_age(parts, [age_groups[str(g)] for g in groups])
                notes.append(message(
                    "scenario.baseline_by_age",
                    f"Baseline of {erf_id} ({rate.id}) standardised indirectly by age "
                    f"per buurt: reference rates of {', '.join(rate.by_age)} weighted "
                    "by the buurt's residents in each age group.", pathway=erf_id,
                    rate=rate.id, reference_rates=", ".join(rate.by_age)))
                continue
        if rate.indicator is None:
            continue
        values, _, year = latest_indicator(indicators, rate.indicator, codes)
        if year is None or not np.isfinite(values).any():
            continue
        band = population_in_band(rate.age, age_groups, weights, weights)
        out[erf_id] = BaselineInput.scaled_by_indicator(rate, values, band)
        notes.append(message(
            "scenario.baseline_scaled",
            f"Baseline of {erf_id} ({rate.id}, {rate.value:g} nationally) scaled per "
            f"buurt by {rate.indicator} ({year}) relative to the region's mean "
            "(indirect standardisation; an assumption).", pathway=erf_id, rate=rate.id,
            national=float(rate.value), indicator=rate.indicator, year=int(year),
            **_indicator_names(rate.indicator)))
    return out, notes


def _indicator_names(indicator_id: str) -> dict[str, str | None]:
    """The registry's Dutch and English names of an indicator (None when it is not listed)."""
    from groengezond.indicators.registry import load_registry

    try:
        ind = load_registry().get(indicator_id)
    except (KeyError, InputError):
        return {"indicator_nl": None, "indicator_en": None}
    return {"indicator_nl": ind.name_nl, "indicator_en": ind.name_en}


AGE_GROUPS: dict[str, tuple[int, int | None]] = {
    "age_0_17": (0, 17), "age_18_64": (18, 64), "age_65_plus": (65, None)}
"""The age groups of a region's addresses (``addresses.parquet``) and their bands (years)."""


def population_in_band(age: AgeRange, groups: dict[str, FloatArray] | None,
                       residents: FloatArray, adults: FloatArray) -> FloatArray:
    """Persons per buurt in an ERF's age band, from the address age groups.

    The groups of :data:`AGE_GROUPS` that overlap the band are summed (18-64 is one group;
    18+ is 18-64 and 65+; a band such as 20-74 takes 18-64 and 65+, the nearest the groups
    allow). Without age groups: adults for a band from 18, all residents from 0.
    """
    lo, hi = age.min_years or 0, age.max_years
    if not groups or not set(AGE_GROUPS) <= set(groups):
        return adults if lo >= 18 else residents
    out = np.zeros(len(residents))
    for name, (a, b) in AGE_GROUPS.items():
        if (hi is None or a <= hi) and (b is None or b >= lo):
            out = out + groups[name]
    return out


def health_impacts(delta: dict[str, FloatArray], residents: FloatArray, adults: FloatArray,
                   codes: tuple[str, ...], *, rng: np.random.Generator, n_draws: int,
                   registry: ErfRegistry | None = None,
                   valuation: ValuationSettings | None = None,
                   baselines: dict[str, BaselineInput] | None = None,
                   age_groups: dict[str, FloatArray] | None = None) -> HealthResult:
    """Cases prevented per year per buurt, totals and euros per year.

    Parameters
    ----------
    delta : dict of str to numpy.ndarray
        Mean exposure change per buurt: ``ndvi_500m`` (NDVI units), ``t_air_c`` (°C),
        ``walking_min_per_week`` and ``cycling_min_per_week`` (minutes per week per adult;
        zero when missing).
    residents, adults : numpy.ndarray
        Persons per buurt (all ages; 18 and over).
    codes : tuple of str
        Buurt codes.
    rng : numpy.random.Generator
        Source of randomness.
    n_draws : int
        Monte Carlo draws (≥ 1,000).
    registry, valuation : optional
        ERF registry and money values (default: the packaged ones).
    baselines : dict of str to BaselineInput, optional
        Per-buurt baselines by ERF id (:func:`local_baselines`); others use the national rate.
    age_groups : dict of str to numpy.ndarray, optional
        Persons per buurt in each of :data:`AGE_GROUPS`: each ERF applies to its own age band
        (:func:`population_in_band`; depression to ages 18-64). The walking and cycling
        volumes are spread over all adults, so those pathways use ``adults``.
    """
    reg = registry or load_erf_registry()
    money = valuation or load_valuation()
    impacts: dict[str, ImpactDraws] = {}
    for erf_id, exposure in PATHWAYS.items():
        erf = reg.get(erf_id)
        pop = (adults if erf.form == "linear_capped"
               else population_in_band(erf.age, age_groups, residents, adults))
        d = delta.get(exposure, np.zeros(len(codes)))
        # WHO HEAT form: extra minutes on top of none (see scenario.activity)
        before = np.zeros(len(codes)) if erf.form == "linear_capped" else None
        impacts[erf_id] = simulate_erf(erf_id, d, pop, rng=rng, n_draws=n_draws, registry=reg,
                                       baseline=(baselines or {}).get(erf_id),
                                       exposure_before=before, area_codes=codes)
    totals = total_by_outcome(impacts, reg, TOTAL_SET)
    members = set(reg.total_set(TOTAL_SET).erfs)
    valued = {k: value_impact(v, money, rng=rng) for k, v in impacts.items()}
    value = total_value(valued, reg, TOTAL_SET)
    pathways = []
    for erf_id, imp in impacts.items():
        s = imp.summary()
        erf = imp.erf
        pathways.append(PathwayOut(
            erf_id=erf_id, label=erf.label_en, label_nl=erf.label_nl, pathway=erf.pathway,
            outcome=erf.outcome,
            unit=erf.outcome_unit, total=interval(s.total.median, s.total.lower, s.total.upper),
            in_default_total=erf_id in members, citation=erf.citation.strip(),
            caveat=erf.caveat.strip()))
    total_out = []
    for outcome, tot in totals.items():
        s = tot.summary()
        total_out.append(TotalOut(set_name=tot.set_name, outcome=outcome, unit=tot.unit,
                                  summed=list(tot.summed), missing=list(tot.missing),
                                  left_out=list(tot.left_out), reason=tot.reason,
                                  total=interval(s.total.median, s.total.lower,
                                                 s.total.upper)))
    vs = value.summary()
    used = [valued[e] for e in value.summed]
    notes = sorted({v.note for v in used if v.note})
    money_out = MoneyOut(
        set_name=TOTAL_SET, unit=value.unit, price_years=sorted({v.price_year for v in used}),
        summed=list(value.summed),
        total=interval(vs.total.median, vs.total.lower, vs.total.upper),
        values=[MoneyValueOut(id=v.value.id, amount=v.value.amount, currency=v.value.currency,
                              price_year=v.value.price_year, per=v.value.per,
                              assumption=v.value.assumption, source=v.value.source.strip())
                for v in used],
        notes=notes)
    return HealthResult(impacts, totals, value, np.asarray(vs.median, dtype=float), pathways,
                        total_out, money_out, valued)


def latest_indicator(indicators: pd.DataFrame, indicator: str, codes: pd.Index
                     ) -> tuple[FloatArray, FloatArray, int | None]:
    """Value and standard error per area of the latest year of ``indicator`` (nan if none)."""
    rows = indicators[indicators["indicator"] == indicator]
    if len(rows) == 0:
        n = len(codes)
        return np.full(n, np.nan), np.full(n, np.nan), None
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year].drop_duplicates("area_code").set_index("area_code")
    value = rows["value"].reindex(codes).to_numpy(dtype=float)
    se = ((rows["upper"] - rows["lower"]) / 3.92).reindex(codes).to_numpy(dtype=float)
    return value, np.nan_to_num(se, nan=0.0), year


@dataclass(frozen=True)
class GapModel:
    """How a gap indicator changes with a pathway's preventable fraction.

    The indicator after the scenario is :math:`y' = y (1 + e \\cdot PF)` per buurt, with
    :math:`PF` the preventable fraction of ``erf`` (a relative change of the outcome's
    frequency) and :math:`e` the registry parameter ``elasticity`` (or -1 when None: a
    prevalence falls by the same share as the outcome).
    """

    erf: str
    elasticity: str | None


GAP_MODELS: dict[str, GapModel] = {
    "healthy_life_expectancy_years": GapModel("green_mortality", "life_expectancy_entropy"),
    "depression_anxiety_risk_pct": GapModel("green_depression", None),
}
"""Gap indicators the Planner can change, and how (see :class:`GapModel`)."""

GAP_INDICATOR = "healthy_life_expectancy_years"
"""The default gap indicator: the Monitor's headline (``services.monitor.DEFAULT_INDICATOR``)."""


@dataclass(frozen=True)
class GapInputs:
    """The gap indicator per buurt (value, standard error, year), its names and mean income."""

    value: FloatArray
    se: FloatArray
    year: int | None
    income: FloatArray
    indicator: str = GAP_INDICATOR
    name_nl: str = ""
    name_en: str = ""
    unit: str = ""

    @classmethod
    def from_indicators(cls, indicators: pd.DataFrame, codes: pd.Index,
                        indicator: str | None = None) -> GapInputs:
        """Latest gap indicator and :data:`INCOME_INDICATOR` per buurt.

        ``indicator`` (default :data:`GAP_INDICATOR`, else the first of :data:`GAP_MODELS`
        the region has) must be one of :data:`GAP_MODELS`.
        """
        from groengezond.indicators.registry import load_registry

        if indicator is not None and indicator not in GAP_MODELS:
            raise InputError.single("planner", "", "gap_indicator",
                                    f"unknown gap indicator {indicator!r}",
                                    f"use one of: {', '.join(GAP_MODELS)}")
        choice = indicator
        if choice is None:
            have = set(indicators["indicator"].unique()) if len(indicators) else set()
            choice = next((i for i in (GAP_INDICATOR, *GAP_MODELS) if i in have),
                          GAP_INDICATOR)
        value, se, year = latest_indicator(indicators, choice, codes)
        income, _, _ = latest_indicator(indicators, INCOME_INDICATOR, codes)
        reg = load_registry()
        ind = reg.get(choice) if choice in reg else None
        return cls(value, se, year, income, choice,
                   ind.name_nl if ind else choice, ind.name_en if ind else choice,
                   ind.unit if ind else "")


def _verdict(change: float, scale: float) -> Verdict:
    tol = 1e-12 * max(abs(scale), 1.0)
    return "narrows" if change < -tol else "widens" if change > tol else "unchanged"


def _draw_interval(draws: FloatArray) -> IntervalOut:
    lo, med, hi = np.percentile(draws, [2.5, 50.0, 97.5])
    return interval(med, lo, hi)


def access_gap(within_before: FloatArray, within_after: FloatArray, income: FloatArray,
               residents: FloatArray, distance_m: float) -> AccessGapOut | None:
    """Change of the green-access gap between buurten ranked by income.

    Parameters
    ----------
    within_before, within_after : numpy.ndarray
        Share (0-1) of residents per buurt within ``distance_m`` of public green (network).
    income : numpy.ndarray
        Mean income per buurt (EUR; higher = less deprived); NaN buurten are left out.
    residents : numpy.ndarray
        Residents per buurt (weights).
    distance_m : float
        The access distance (m), for the indicator's name.

    Returns
    -------
    AccessGapOut or None
        None when fewer than 5 buurten have an income and residents.
    """
    ok = np.isfinite(income) & (residents > 0)
    if ok.sum() < 5:
        return None
    w = gap_weights(residents[ok], -income[ok])
    b, a = 100.0 * within_before[ok], 100.0 * within_after[ok]
    sb, sa = float(w.sii @ b), float(w.sii @ a)
    qb, qa = float(w.gap @ b), float(w.gap @ a)
    verdict = _verdict(abs(sa) - abs(sb), sb)
    name = f"residents_within_{distance_m:g}m_green_pct"
    name_en = f"residents within {distance_m:g} m walking of public green"
    name_nl = f"bewoners binnen {distance_m:g} m lopen van openbaar groen"
    word = verdict if verdict != "unchanged" else "does not change"
    statement = (f"The scenario {word} the gap in green access ({name_en}) between buurten "
                 f"ranked by income: SII {sb:.3f} → {sa:.3f} percentage points; "
                 f"best-worst quintile gap {qb:.3f} → {qa:.3f}.")
    return AccessGapOut(indicator=name, indicator_name_nl=name_nl, indicator_name_en=name_en,
                        sii_before=sb, sii_after=sa, sii_change=sa - sb,
                        quintile_gap_before=qb, quintile_gap_after=qa, verdict=verdict,
                        statement=statement)


def equity(gap: GapInputs, residents: FloatArray, impacts: dict[str, ImpactDraws],
           groups: list[IncomeGroupEffect], access: AccessGapOut | None = None, *,
           rng: np.random.Generator, registry: ErfRegistry | None = None) -> EquityOut:
    r"""Change of the health gap (SII and best-worst quintile) between buurten by income.

    Per Monte Carlo draw :math:`k` the indicator after the scenario is
    :math:`y'_{k,i} = y_{k,i}(1 + e_k \, x_k PF_{k,i})` (:data:`GAP_MODELS`), where

    - :math:`PF_{k,i}` is the preventable fraction of the pathway's draw (exposure-response
      function and, for an odds ratio, baseline prevalence);
    - :math:`x_k` the NDVI-proxy factor (registry parameter ``ndvi_proxy_change_factor``),
      the uncertainty of the exposure change;
    - :math:`y_{k,i} \sim N(y_i, SE_i)` the indicator's sampling uncertainty (its published
      interval);
    - :math:`e_k` the elasticity (Keyfitz's entropy for life expectancy; -1 for a prevalence).

    SII and quintile gap are linear in the buurt values (:func:`gap_weights`), so their change
    per draw is :math:`w \cdot (y'_k - y_k)`; the 95 % interval of those draws is reported
    beside the SII's own 95 % interval (:math:`\pm 1.96 \sqrt{\sum w_i^2 SE_i^2}`) and as a
    percentage of the gap.

    Parameters
    ----------
    gap : GapInputs
        Gap indicator and income per buurt.
    residents : numpy.ndarray
        Persons per buurt (weights of the ranking).
    impacts : dict of str to ImpactDraws
        Draws per pathway (with their preventable fractions).
    groups : list of IncomeGroupEffect
        Exposure changes by income group (reported as given).
    access : AccessGapOut, optional
        The green-access gap (:func:`access_gap`), reported beside the health gap.
    rng : numpy.random.Generator
        Source of the draws of the indicator, the NDVI-proxy factor and the elasticity.
    registry : ErfRegistry, optional
        Default: the packaged one.
    """
    reg = registry or load_erf_registry()
    model = GAP_MODELS[gap.indicator]
    names = {"indicator": gap.indicator, "indicator_name_nl": gap.name_nl,
             "indicator_name_en": gap.name_en, "indicator_unit": gap.unit,
             "pathway": model.erf}
    value, year, income = gap.value, gap.year, gap.income
    ok = np.isfinite(value) & np.isfinite(income) & (residents > 0)
    if ok.sum() < 5:
        nan = float("nan")
        return EquityOut(**names, year=year, deprivation=INCOME_INDICATOR,
                         sii_before=nan, sii_after=nan, sii_change=nan,
                         quintile_gap_before=nan, quintile_gap_after=nan,
                         quintile_gap_change=nan, verdict="unknown",
                         statement="Too few buurten with the indicator and income to rank.",
                         access=access, by_income_group=groups)
    imp = impacts[model.erf]
    pf_all = imp.fraction if imp.fraction is not None else np.zeros_like(imp.draws)
    pf = np.atleast_2d(pf_all)[:, ok]
    n_draws = pf.shape[0]
    y, se = value[ok], np.nan_to_num(gap.se[ok])
    w = gap_weights(residents[ok], -income[ok])
    if model.elasticity is None:
        e_med, e_k = -1.0, np.full(n_draws, -1.0)
    else:
        par = reg.parameters[model.elasticity]
        lo, hi = par.range
        e_med = par.value
        e_k = split_triangular_quantile(rng.uniform(size=n_draws), lo, par.value, hi)
    xpar = reg.parameters.get("ndvi_proxy_change_factor")
    x_k = (split_triangular_quantile(rng.uniform(size=n_draws), xpar.range[0], xpar.value,
                                     xpar.range[1]) if xpar is not None else np.ones(n_draws))
    noise = rng.standard_normal((n_draws, len(y)))
    # y' - y per draw and buurt: 0 where no draw of PF is (the buurten the plan reaches)
    live = np.flatnonzero(np.any(pf != 0.0, axis=0))
    change = np.zeros((n_draws, len(y)))
    change[:, live] = ((e_k * x_k)[:, None] * pf[:, live]
                       * (y[live] + noise[:, live] * se[live]))
    sb, qb = float(w.sii @ y), float(w.gap @ y)
    med_pf = np.zeros(pf.shape[1])  # the median over draws, where some draw is not 0
    med_pf[live] = np.median(pf[:, live], axis=0)
    d_point = e_med * med_pf * y
    sa, qa = sb + float(w.sii @ d_point), qb + float(w.gap @ d_point)
    sii_k, gap_k = change[:, live] @ w.sii[live], change[:, live] @ w.gap[live]
    abs_k = np.abs(sb + sii_k) - abs(sb)
    half = 1.959963984540054 * float(np.sqrt((w.sii ** 2) @ (se ** 2)))
    verdict = _verdict(abs(sa) - abs(sb), sb)
    word = verdict if verdict != "unchanged" else "does not change"
    iv = _draw_interval(sii_k)
    pct = 100.0 * (sa - sb) / abs(sb) if sb != 0 else float("nan")
    unit = f" {gap.unit}" if gap.unit else ""
    statement = (
        f"The scenario {word} the gap in {gap.name_en} between buurten ranked by income: "
        f"SII {sb:.4f} → {sa:.4f}{unit} (change {sa - sb:+.4g}, 95% interval "
        f"{iv.lower:+.4g} to {iv.upper:+.4g}, with the uncertainty of the exposure-response "
        f"function, the exposure and the indicator; {pct:+.3g} % of the gap). The SII itself "
        f"has a 95% interval of ±{half:.3g}{unit}. Best-worst quintile gap {qb:.4f} → {qa:.4f}.")
    return EquityOut(**names, year=year, deprivation=INCOME_INDICATOR,
                     sii_before=sb, sii_after=sa, sii_change=sa - sb,
                     sii_before_interval=interval(sb, sb - half, sb + half),
                     sii_change_interval=iv, abs_sii_change=_draw_interval(abs_k),
                     sii_change_pct_of_gap=pct,
                     quintile_gap_before=qb, quintile_gap_after=qa, quintile_gap_change=qa - qb,
                     quintile_gap_change_interval=_draw_interval(gap_k),
                     verdict=verdict, statement=statement,
                     access=access, by_income_group=groups)
