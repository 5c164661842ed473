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
highest income first) and the slope index of inequality (SII) and the best-worst quintile gap of
``depression_anxiety_risk_pct`` are computed before and after, where after = before − 100 ×
(median depression cases prevented) / adults. A smaller absolute SII means the scenario narrows
the gap. Both measures are linear in the buurt values, so the change is also evaluated for every
Monte Carlo draw (its 95% interval, :func:`equity`). Beside it, :func:`access_gap` gives the gap
in green access (share within the Planner's distance), which needs no health model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.health.baseline import load_baseline_rates
from groengezond.health.erf import ErfRegistry, load_erf_registry
from groengezond.health.impact import BaselineInput, ImpactDraws, simulate_erf
from groengezond.health.totals import TotalResult, total_by_outcome
from groengezond.health.valuation import (
    ValuationSettings,
    ValuedImpact,
    load_valuation,
    total_value,
    value_impact,
)
from groengezond.indicators.inequality import gap_weights
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
                    registry: ErfRegistry | None = None
                    ) -> tuple[dict[str, BaselineInput], list[str]]:
    """Per-buurt baselines for the pathways whose baseline rate names a Monitor indicator.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The region's indicators (long form).
    codes : pandas.Index
        Buurt codes.
    weights : numpy.ndarray
        Adults per buurt (weights of the region mean).
    registry : ErfRegistry, optional
        Default: the packaged one.

    Returns
    -------
    dict of str to BaselineInput, list of str
        Baselines by ERF id (:meth:`BaselineInput.scaled_by_indicator`) and notes saying which.
    """
    reg = registry or load_erf_registry()
    rates = load_baseline_rates()
    out: dict[str, BaselineInput] = {}
    notes: list[str] = []
    for erf_id in PATHWAYS:
        rate = rates.get(reg.get(erf_id).baseline_rate)
        if rate.indicator is None:
            continue
        values, _, year = latest_indicator(indicators, rate.indicator, codes)
        if year is None or not np.isfinite(values).any():
            continue
        out[erf_id] = BaselineInput.scaled_by_indicator(rate, values, weights)
        notes.append(f"Baseline of {erf_id} ({rate.id}, {rate.value:g} nationally) scaled per "
                     f"buurt by {rate.indicator} ({year}) relative to the region's mean "
                     "(indirect standardisation; an assumption).")
    return out, notes


def health_impacts(delta: dict[str, FloatArray], residents: FloatArray, adults: FloatArray,
                   codes: tuple[str, ...], *, rng: np.random.Generator, n_draws: int,
                   registry: ErfRegistry | None = None,
                   valuation: ValuationSettings | None = None,
                   baselines: dict[str, BaselineInput] | None = None) -> HealthResult:
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
    """
    reg = registry or load_erf_registry()
    money = valuation or load_valuation()
    impacts: dict[str, ImpactDraws] = {}
    for erf_id, exposure in PATHWAYS.items():
        erf = reg.get(erf_id)
        pop = adults if (erf.age.min_years or 0) >= 18 else residents
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
class GapInputs:
    """The gap indicator per buurt (value, standard error, year) and mean income."""

    value: FloatArray
    se: FloatArray
    year: int | None
    income: FloatArray

    @classmethod
    def from_indicators(cls, indicators: pd.DataFrame, codes: pd.Index) -> GapInputs:
        """Latest :data:`GAP_INDICATOR` and :data:`INCOME_INDICATOR` per buurt."""
        value, se, year = latest_indicator(indicators, GAP_INDICATOR, codes)
        income, _, _ = latest_indicator(indicators, INCOME_INDICATOR, codes)
        return cls(value, se, year, income)


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
    word = verdict if verdict != "unchanged" else "does not change"
    statement = (f"The scenario {word} the gap in green access ({name}) between buurten "
                 f"ranked by income: SII {sb:.3f} → {sa:.3f} percentage points; "
                 f"best-worst quintile gap {qb:.3f} → {qa:.3f}.")
    return AccessGapOut(indicator=name, sii_before=sb, sii_after=sa, sii_change=sa - sb,
                        quintile_gap_before=qb, quintile_gap_after=qa, verdict=verdict,
                        statement=statement)


def equity(gap: GapInputs, residents: FloatArray, adults: FloatArray,
           depression_draws: FloatArray, groups: list[IncomeGroupEffect],
           access: AccessGapOut | None = None) -> EquityOut:
    """Change of the health gap (SII and best-worst quintile) between buurten by income.

    The gap indicator after the scenario is, per buurt, the indicator before minus
    100 × depression cases prevented / adults. SII and quintile gap are linear in the buurt
    values (:func:`~groengezond.indicators.inequality.gap_weights`), so the change is evaluated
    for every Monte Carlo draw of the cases prevented: its 95% interval carries the uncertainty
    of the exposure-response function and the baseline rate.

    Parameters
    ----------
    gap : GapInputs
        Gap indicator and income per buurt.
    residents, adults : numpy.ndarray
        Persons per buurt.
    depression_draws : numpy.ndarray, shape (n_draws, n_buurten)
        Draws of depression cases prevented per buurt (cases).
    groups : list of IncomeGroupEffect
        Exposure changes by income group (reported as given).
    access : AccessGapOut, optional
        The green-access gap (:func:`access_gap`), reported beside the health gap.
    """
    value, year, income = gap.value, gap.year, gap.income
    ok = np.isfinite(value) & np.isfinite(income) & (residents > 0)
    if ok.sum() < 5:
        nan = float("nan")
        return EquityOut(indicator=GAP_INDICATOR, year=year, deprivation=INCOME_INDICATOR,
                         sii_before=nan, sii_after=nan, sii_change=nan,
                         quintile_gap_before=nan, quintile_gap_after=nan,
                         quintile_gap_change=nan, verdict="unknown",
                         statement="Too few buurten with the indicator and income to rank.",
                         access=access, by_income_group=groups)
    draws = np.atleast_2d(depression_draws)[:, ok]
    ad = adults[ok]
    with np.errstate(invalid="ignore", divide="ignore"):
        drop_draws = np.where(ad > 0, 100.0 * draws / np.where(ad > 0, ad, 1.0), 0.0)
    drop = np.median(drop_draws, axis=0)
    w = gap_weights(residents[ok], -income[ok])
    y = value[ok]
    sb, qb = float(w.sii @ y), float(w.gap @ y)
    sa, qa = float(w.sii @ (y - drop)), float(w.gap @ (y - drop))
    sii_k = sb - drop_draws @ w.sii
    gap_k = qb - drop_draws @ w.gap
    abs_change = _draw_interval(np.abs(sii_k) - abs(sb))
    verdict = _verdict(abs(sa) - abs(sb), sb)
    certain = abs_change.upper < 0 or abs_change.lower > 0
    word = verdict if verdict != "unchanged" else "does not change"
    sure = ("" if verdict == "unchanged" else
            " (the 95% interval of the change excludes zero)" if certain else
            " (but the 95% interval of the change includes zero)")
    statement = (
        f"The scenario {word} the gap in {GAP_INDICATOR} between buurten ranked by income"
        f"{sure}: SII {sb:.4f} → {sa:.4f} percentage points (change {sa - sb:+.4f}, 95% "
        f"interval {float(np.percentile(sii_k - sb, 2.5)):+.4f} to "
        f"{float(np.percentile(sii_k - sb, 97.5)):+.4f}); best-worst quintile gap "
        f"{qb:.4f} → {qa:.4f}.")
    return EquityOut(indicator=GAP_INDICATOR, year=year, deprivation=INCOME_INDICATOR,
                     sii_before=sb, sii_after=sa, sii_change=sa - sb,
                     sii_change_interval=_draw_interval(sii_k - sb), abs_sii_change=abs_change,
                     quintile_gap_before=qb, quintile_gap_after=qa, quintile_gap_change=qa - qb,
                     quintile_gap_change_interval=_draw_interval(gap_k - qb),
                     verdict=verdict, verdict_certain=bool(certain), statement=statement,
                     access=access, by_income_group=groups)
