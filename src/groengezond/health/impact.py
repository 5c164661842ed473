r"""Health impact: preventable cases and deaths per area, with Monte Carlo uncertainty.

Pure numpy functions, vectorised over areas (and draws). The formulas are those of the InVEST
Urban Mental Health model and WHO HEAT (EVIDENCE.md, "Conversions and the impact formula"):

.. math::

    RR_0 &= \frac{OR}{1 - p_0 + p_0 \cdot OR}
        \quad\text{(an odds ratio at baseline prevalence } p_0\text{; Zhang and Yu 1998)} \\
    RR(\Delta) &= \exp\!\left(\ln RR_0 \cdot \frac{\Delta}{\text{increment}}\right) \\
    PF &= 1 - RR(\Delta) \\
    \text{cases} &= PF \cdot \text{baseline rate} \cdot \text{population at risk}

A positive result is cases (or deaths) prevented per year; a negative result is cases added
(e.g. when green is removed). For walking and cycling (WHO HEAT) the relative risk is linear in
the exposure and capped:

.. math::

    RR(x) = 1 - \min\!\left((1 - RR_0)\,\frac{x}{\text{increment}},\ \text{cap}\right),
    \qquad \text{deaths prevented} = \left(RR(x_0) - RR(x_1)\right) \cdot m \cdot P

with :math:`x_0, x_1` the minutes per week before and after, :math:`m` the mortality rate and
:math:`P` the population in the ERF's age range.

Uncertainty (Monte Carlo, ≥ 1,000 draws): :math:`\ln RR_0 \sim N(\ln \hat{RR}, SE)` with
:math:`SE = (\ln \text{upper} - \ln \text{lower}) / 3.92`; the baseline rate (and a rate factor
such as hot days per year) from a two-piece triangular distribution over its range whose
median and mode are the stated central value (:func:`split_triangular_quantile`; a plain
triangular over (4 %, 5 %, 9 %) would put the median at 5.84 %). One uniform number
per draw is shared by all areas for the baseline, because the uncertainty of a national figure
is common to every area. Results are the median and the 2.5 and 97.5 percentiles per area and
for the total (the percentiles of the per-draw sums, not the sum of percentiles).

Totals over pathways are in :mod:`groengezond.health.totals`: they sum only the ERFs of a
named, declared non-overlapping set in the registry and say which they summed.

References
----------
Zhang J, Yu KF (1998). What's the relative risk? A method of correcting the odds ratio in
cohort studies of common outcomes. JAMA 280(19): 1690-1691.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError, Problem
from groengezond.health.baseline import BaselineInput as BaselineInput  # re-exported
from groengezond.health.baseline import BaselineRates, load_baseline_rates
from groengezond.health.erf import ErfRegistry, ExposureResponse, Parameter, load_erf_registry

FloatArray = npt.NDArray[np.float64]
MIN_DRAWS = 1000
"""Fewest Monte Carlo draws accepted (EVIDENCE.md: ≥ 1,000)."""
PERCENTILES = (2.5, 50.0, 97.5)
_REQUEST = "impact request"


# --------------------------------------------------------------------------- kernels


def or_to_rr(odds_ratio: npt.ArrayLike, p0: npt.ArrayLike) -> FloatArray:
    r"""Convert an odds ratio to a relative risk at baseline prevalence ``p0``.

    .. math:: RR = \frac{OR}{1 - p_0 + p_0 \cdot OR}

    Parameters
    ----------
    odds_ratio : array_like
        Odds ratio(s) (> 0, unitless).
    p0 : array_like
        Baseline prevalence(s) of the outcome in the unexposed (0 ≤ p0 < 1, share).

    Returns
    -------
    numpy.ndarray
        Relative risk(s), broadcast over both inputs.
    """
    orr = np.asarray(odds_ratio, dtype=float)
    p = np.asarray(p0, dtype=float)
    return np.asarray(orr / (1.0 - p + p * orr), dtype=float)


def rr_for_change(rr0: npt.ArrayLike, delta: npt.ArrayLike, increment: float) -> FloatArray:
    r"""Relative risk for an exposure change ``delta`` from a per-increment RR.

    .. math:: RR = \exp\left(\ln RR_0 \cdot \frac{\Delta}{\text{increment}}\right)

    Parameters
    ----------
    rr0 : array_like
        Relative risk per ``increment`` of exposure (> 0).
    delta : array_like
        Change in exposure, in the increment's unit (e.g. NDVI, °C); negative for a decrease.
    increment : float
        Exposure step the RR refers to (same unit as ``delta``).
    """
    log_rr = np.log(np.asarray(rr0, dtype=float)) * np.asarray(delta, dtype=float) / increment
    return np.asarray(np.exp(log_rr), dtype=float)


def preventable_fraction(rr: npt.ArrayLike) -> FloatArray:
    r"""Preventable fraction :math:`PF = 1 - RR` (negative when the change raises the risk)."""
    return np.asarray(1.0 - np.asarray(rr, dtype=float), dtype=float)


def preventable_cases(pf: npt.ArrayLike, baseline_rate: npt.ArrayLike,
                      population: npt.ArrayLike) -> FloatArray:
    r"""Cases prevented: :math:`PF \cdot \text{baseline rate} \cdot \text{population}`.

    Parameters
    ----------
    pf : array_like
        Preventable fraction (share).
    baseline_rate : array_like
        Events per person per year, or prevalence (share).
    population : array_like
        Persons at risk (in the ERF's age range).

    Returns
    -------
    numpy.ndarray
        Cases (or deaths) prevented per year; negative values are cases added.
    """
    cases = np.asarray(pf, dtype=float) * np.asarray(baseline_rate, dtype=float) \
        * np.asarray(population, dtype=float)
    return np.asarray(cases, dtype=float)


def linear_capped_rr(rr0: npt.ArrayLike, exposure: npt.ArrayLike, increment: float,
                     cap: float) -> FloatArray:
    r"""WHO HEAT relative risk of an exposure level, linear in the exposure and capped.

    .. math::
        RR(x) = 1 - \min\left((1 - RR_0) \frac{x}{\text{increment}},\ \text{cap}\right)

    Parameters
    ----------
    rr0 : array_like
        Relative risk at the reference exposure ``increment`` (WHO HEAT walking: 0.89 at 168
        minutes per week).
    exposure : array_like
        Exposure level (≥ 0), e.g. minutes of walking per person per week.
    increment : float
        Reference exposure of ``rr0`` (same unit).
    cap : float
        Largest risk reduction (WHO HEAT walking: 0.30).
    """
    reduction = (1.0 - np.asarray(rr0, dtype=float)) * np.asarray(exposure, dtype=float) \
        / increment
    return np.asarray(1.0 - np.minimum(reduction, cap), dtype=float)


def linear_capped_cases(rr0: npt.ArrayLike, exposure_before: npt.ArrayLike,
                        exposure_after: npt.ArrayLike, increment: float, cap: float,
                        baseline_rate: npt.ArrayLike, population: npt.ArrayLike) -> FloatArray:
    r"""Deaths prevented per year by a change of walking (or cycling), WHO HEAT form.

    .. math:: \text{deaths} = (RR(x_0) - RR(x_1)) \cdot m \cdot P

    Parameters
    ----------
    rr0, increment, cap
        See :func:`linear_capped_rr`.
    exposure_before, exposure_after : array_like
        Exposure per person before and after (e.g. minutes per week, ≥ 0).
    baseline_rate : array_like
        Mortality rate in the age range (deaths per person-year).
    population : array_like
        Persons in the age range.
    """
    diff = linear_capped_rr(rr0, exposure_before, increment, cap) \
        - linear_capped_rr(rr0, exposure_after, increment, cap)
    return preventable_cases(diff, baseline_rate, population)


def triangular_quantile(u: npt.ArrayLike, low: npt.ArrayLike, mode: npt.ArrayLike,
                        high: npt.ArrayLike) -> FloatArray:
    """Inverse CDF of the triangular distribution (degenerate to ``mode`` when low == high).

    Parameters
    ----------
    u : array_like
        Uniform numbers in [0, 1].
    low, mode, high : array_like
        Bounds and mode (low ≤ mode ≤ high), broadcast against ``u``.
    """
    u_, a, c, b = (np.asarray(x, dtype=float) for x in (u, low, mode, high))
    width = b - a
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (c - a) / safe, 0.5)
    left = a + np.sqrt(u_ * safe * (c - a))
    right = b - np.sqrt((1.0 - u_) * safe * (b - c))
    out = np.where(u_ < fc, left, right)
    return np.asarray(np.where(width > 0, out, c), dtype=float)


def split_triangular_quantile(u: npt.ArrayLike, low: npt.ArrayLike, mode: npt.ArrayLike,
                              high: npt.ArrayLike) -> FloatArray:
    r"""Inverse CDF of the two-piece triangular distribution with its median at ``mode``.

    Half of the mass lies on each side of ``mode``, each half a triangle that peaks at
    ``mode`` and falls to zero at ``low`` (``high``):

    .. math::

        F^{-1}(u) = egin{cases}
            a + (c - a)\sqrt{2u} & u < 1/2 \
            b - (b - c)\sqrt{2(1 - u)} & u \ge 1/2
        \end{cases}

    so the median and the mode are the central value :math:`c` however skewed the range
    :math:`[a, b]` (degenerate to ``mode`` when low == high).

    Parameters
    ----------
    u : array_like
        Uniform numbers in [0, 1].
    low, mode, high : array_like
        Bounds and central value (low ≤ mode ≤ high), broadcast against ``u``.
    """
    u_, a, c, b = (np.asarray(x, dtype=float) for x in (u, low, mode, high))
    left = a + (c - a) * np.sqrt(2.0 * np.minimum(u_, 0.5))
    right = b - (b - c) * np.sqrt(2.0 * (1.0 - np.maximum(u_, 0.5)))
    return np.asarray(np.where(u_ < 0.5, left, right), dtype=float)


def summarise(draws: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Median, 2.5 and 97.5 percentiles over the first axis (the draws).

    Returns
    -------
    tuple of numpy.ndarray
        (median, lower, upper), each with the shape of one draw.
    """
    if not np.any(draws):  # nothing changes (e.g. a pathway the scenario does not touch)
        zero = np.zeros(np.shape(draws)[1:])
        return zero, zero.copy(), zero.copy()
    if np.ndim(draws) == 2:
        # only the columns (areas) the change reaches: the others are exactly 0 in every draw
        live = np.flatnonzero(np.any(draws != 0.0, axis=0))
        if len(live) < draws.shape[1]:
            out = np.zeros((3, draws.shape[1]))
            out[:, live] = np.percentile(draws[:, live], PERCENTILES, axis=0)
            lo, med, hi = out
            return med, lo, hi
    lo, med, hi = np.percentile(draws, PERCENTILES, axis=0)
    return np.asarray(med, float), np.asarray(lo, float), np.asarray(hi, float)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Interval:
    """A median with its 95% interval (2.5 and 97.5 percentiles of the draws)."""

    median: float
    lower: float
    upper: float


@dataclass(frozen=True)
class ImpactSummary:
    """Median and 95% interval per area and for the total over areas.

    Attributes
    ----------
    label : str
        What was computed (ERF id or total name).
    unit : str
        Unit of every value (e.g. ``deaths per year``, ``EUR per year``).
    area_codes : tuple of str
        Area of each position.
    median, lower, upper : numpy.ndarray
        Per area.
    total : Interval
        Of the per-draw sum over areas.
    n_draws : int
        Number of Monte Carlo draws.
    """

    label: str
    unit: str
    area_codes: tuple[str, ...]
    median: FloatArray
    lower: FloatArray
    upper: FloatArray
    total: Interval
    n_draws: int

    def to_frame(self) -> pd.DataFrame:
        """One row per area: area_code, median, lower, upper."""
        return pd.DataFrame({"area_code": list(self.area_codes), "median": self.median,
                             "lower": self.lower, "upper": self.upper})


def summary_of(label: str, unit: str, area_codes: tuple[str, ...], draws: FloatArray
               ) -> ImpactSummary:
    """Summarise draws of shape (n_draws, n_areas) per area and for their total."""
    med, lo, hi = summarise(draws)
    tmed, tlo, thi = summarise(draws.sum(axis=1))
    return ImpactSummary(label, unit, area_codes, med, lo, hi,
                         Interval(float(tmed), float(tlo), float(thi)), draws.shape[0])


@dataclass(frozen=True)
class ImpactDraws:
    """Monte Carlo draws of one ERF's impact: cases prevented per year per area.

    Attributes
    ----------
    erf : ExposureResponse
        The ERF (its id, pathway, outcome, citation and caveat travel with the result).
    area_codes : tuple of str
        Area of each column.
    draws : numpy.ndarray, shape (n_draws, n_areas)
        Cases (deaths) prevented per year; negative = added.
    baseline_assumed : bool
        True when the baseline rate was an assumption rather than a cited figure.
    fraction : numpy.ndarray or None, shape (n_draws, n_areas)
        The preventable fraction :math:`PF = 1 - RR` of each draw (the relative change of the
        outcome's frequency; 0 where the exposure does not change); None when not kept.
    """

    erf: ExposureResponse
    area_codes: tuple[str, ...]
    draws: FloatArray
    baseline_assumed: bool = False
    fraction: FloatArray | None = None

    @property
    def unit(self) -> str:
        """Unit of the draws (``cases`` or ``deaths per year`` as the ERF says)."""
        return self.erf.outcome_unit

    def summary(self) -> ImpactSummary:
        """Median and 95% interval per area and for the total."""
        return summary_of(self.erf.id, self.unit, self.area_codes, self.draws)


def factor_from_parameter(param: Parameter, per: float = 1.0) -> tuple[float, float, float]:
    """(value, low, high) of a parameter divided by ``per`` (e.g. hot days / 365)."""
    lo, hi = param.range
    return param.value / per, lo / per, hi / per


# --------------------------------------------------------------------------- Monte Carlo


def _check_inputs(erf: ExposureResponse, delta: FloatArray, population: FloatArray,
                  baseline: BaselineInput, n_draws: int, before: FloatArray | None) -> None:
    problems: list[Problem] = []
    where = f"ERF '{erf.id}'"

    def bad(field: str, problem: str, fix: str) -> None:
        problems.append(Problem(_REQUEST, where, field, problem, fix))

    if n_draws < MIN_DRAWS:
        bad("n_draws", f"{n_draws} draws are too few", f"use at least {MIN_DRAWS}")
    if delta.ndim != 1:
        bad("delta", f"has shape {delta.shape}", "give one exposure change per area (1-D)")
    for name, arr in (("population", population), ("baseline", baseline.value),
                      ("baseline.low", baseline.low), ("baseline.high", baseline.high)):
        if arr.shape != delta.shape:
            bad(name, f"has shape {arr.shape}, delta has {delta.shape}", "give one per area")
    if not np.all(np.isfinite(delta)):
        bad("delta", "contains NaN or infinite values", "give a finite change for every area")
    if population.shape == delta.shape and (np.any(population < 0)
                                            or not np.all(np.isfinite(population))):
        bad("population", "contains negative or missing values", "give persons ≥ 0 per area")
    if baseline.value.shape == delta.shape and not (
            np.all(baseline.low <= baseline.value) and np.all(baseline.value <= baseline.high)
            and np.all(baseline.low >= 0)):
        bad("baseline", "value outside [low, high] or negative", "give 0 ≤ low ≤ value ≤ high")
    if erf.effect_type == "OR" and np.any(baseline.high >= 1):
        bad("baseline", "a prevalence of 1 or more", "give a prevalence below 1")
    if erf.form == "linear_capped":
        if before is None:
            bad("exposure_before", "is missing", "give the exposure per area before the change")
        elif before.shape != delta.shape or np.any(before < 0) or np.any(before + delta < -1e-9):
            bad("exposure_before", "has the wrong shape, or before or after is negative",
                "give exposure ≥ 0 per area, and a change that keeps it ≥ 0")
    if problems:
        raise InputError(problems)


def simulate_impact(erf: ExposureResponse, delta: npt.ArrayLike, population: npt.ArrayLike,
                    baseline: BaselineInput, *, rng: np.random.Generator,
                    n_draws: int = MIN_DRAWS, exposure_before: npt.ArrayLike | None = None,
                    rate_factor: tuple[float, float, float] | None = None,
                    area_codes: tuple[str, ...] | None = None) -> ImpactDraws:
    r"""Monte Carlo draws of cases prevented per year per area for one ERF.

    For draw :math:`k` and area :math:`i`:

    .. math::

        \ln RR_{0,k} &\sim N(\ln \hat{RR}, SE) \\
        b_{k,i} &= F^{-1}_{\triangle}(u_k; \text{low}_i, \text{value}_i, \text{high}_i) \\
        \text{cases}_{k,i} &= (1 - RR_k(\Delta_i)) \cdot b_{k,i} \cdot f_k \cdot P_i

    with :math:`RR_0` converted from an OR at :math:`p_0 = b_{k,i}` when the ERF is an odds
    ratio, :math:`F^{-1}_{\triangle}` the two-piece triangular quantile with median at the
    central value (:func:`split_triangular_quantile`), :math:`f_k` the rate factor (1 when
    none) and the WHO HEAT form for ``linear_capped`` ERFs.

    Parameters
    ----------
    erf : ExposureResponse
        The exposure-response function.
    delta : array_like, shape (n_areas,)
        Change in exposure per area (scenario − baseline), in the ERF increment's unit.
    population : array_like, shape (n_areas,)
        Persons at risk per area (in the ERF's age range).
    baseline : BaselineInput
        Baseline rate (or prevalence) per area with its range.
    rng : numpy.random.Generator
        Source of randomness (pass a seeded generator for reproducible results).
    n_draws : int
        Number of draws (≥ 1,000).
    exposure_before : array_like, optional
        Exposure per area before the change (``linear_capped`` ERFs only, e.g. minutes of
        walking per week).
    rate_factor : tuple of float, optional
        (value, low, high) multiplier of the baseline rate, e.g. hot days / 365.
    area_codes : tuple of str, optional
        Area codes (default ``"0"``, ``"1"``, ...).

    Returns
    -------
    ImpactDraws
        Draws of shape (n_draws, n_areas).

    Raises
    ------
    InputError
        When shapes differ, values are missing or negative, or there are too few draws.
    """
    d = np.atleast_1d(np.asarray(delta, dtype=float))
    pop = np.atleast_1d(np.asarray(population, dtype=float))
    before = None if exposure_before is None else np.atleast_1d(
        np.asarray(exposure_before, dtype=float))
    _check_inputs(erf, d, pop, baseline, n_draws, before)
    codes = area_codes if area_codes is not None else tuple(str(i) for i in range(d.size))
    if len(codes) != d.size:
        raise InputError.single(_REQUEST, f"ERF '{erf.id}'", "area_codes",
                                f"{len(codes)} codes for {d.size} areas", "give one per area")

    if not d.any():  # no change in exposure: exactly no cases prevented
        zero = np.zeros((n_draws, d.size))
        return ImpactDraws(erf, tuple(codes), zero, baseline.assumption, zero.copy())
    log_effect = rng.normal(erf.log_estimate, erf.se_log, size=(n_draws, 1))
    u_base = rng.uniform(size=(n_draws, 1))
    rate = split_triangular_quantile(u_base, baseline.low, baseline.value, baseline.high)
    if rate_factor is not None:
        fv, flo, fhi = rate_factor
        factor = split_triangular_quantile(rng.uniform(size=(n_draws, 1)), flo, fv, fhi)
    else:
        factor = np.ones((n_draws, 1))
    effect = np.exp(log_effect)
    rr0 = or_to_rr(effect, rate) if erf.effect_type == "OR" else effect
    if erf.form == "linear_capped":
        assert before is not None and erf.cap_risk_reduction is not None
        pf = linear_capped_rr(rr0, before, erf.increment.value, erf.cap_risk_reduction) \
            - linear_capped_rr(rr0, before + d, erf.increment.value, erf.cap_risk_reduction)
    else:
        pf = preventable_fraction(rr_for_change(rr0, d, erf.increment.value))
    cases = preventable_cases(pf, rate * factor, pop)
    draws = np.asarray(np.broadcast_to(cases, (n_draws, d.size)), dtype=float)
    fraction = np.asarray(np.broadcast_to(pf, (n_draws, d.size)), dtype=float)
    return ImpactDraws(erf, tuple(codes), draws, baseline.assumption, fraction)


def simulate_erf(erf_id: str, delta: npt.ArrayLike, population: npt.ArrayLike, *,
                 rng: np.random.Generator, n_draws: int = MIN_DRAWS,
                 registry: ErfRegistry | None = None, rates: BaselineRates | None = None,
                 baseline: BaselineInput | None = None,
                 exposure_before: npt.ArrayLike | None = None,
                 area_codes: tuple[str, ...] | None = None) -> ImpactDraws:
    """:func:`simulate_impact` for a registry ERF, with its registry baseline and rate factor.

    Parameters
    ----------
    erf_id : str
        Id in the ERF registry (e.g. ``green_depression``).
    delta, population, rng, n_draws, exposure_before, area_codes
        See :func:`simulate_impact`.
    registry, rates : optional
        ERF registry and baseline rates (default: the packaged ones).
    baseline : BaselineInput, optional
        Per-area baseline that replaces the registry's national figure.
    """
    reg = registry if registry is not None else load_erf_registry()
    erf = reg.get(erf_id)
    if baseline is None:
        table = rates if rates is not None else load_baseline_rates()
        n = np.atleast_1d(np.asarray(delta)).size
        baseline = BaselineInput.from_rate(table.get(erf.baseline_rate), n)
    param = reg.rate_factor_parameter(erf)
    factor = None
    if param is not None and erf.rate_factor is not None:
        factor = factor_from_parameter(param, erf.rate_factor.per)
    return simulate_impact(erf, delta, population, baseline, rng=rng, n_draws=n_draws,
                           exposure_before=exposure_before, rate_factor=factor,
                           area_codes=area_codes)


def heat_deaths_prevented(delta_t_c: npt.ArrayLike, population: npt.ArrayLike,
                          mortality_rate: npt.ArrayLike, hot_days: float,
                          rr_per_c: float = 1.0184) -> FloatArray:
    r"""Deaths prevented per year by a change of summer air temperature (point estimate).

    .. math::

        \text{deaths} = \left(1 - RR^{\Delta T}\right) \cdot m \cdot \frac{n_{hot}}{365}
            \cdot P

    with :math:`RR` = 1.0184 per +1 °C above the threshold (Baccini et al. 2008,
    north-continental cities), :math:`m` the all-cause mortality rate and :math:`n_{hot}` the
    hot days per year. Cooling (:math:`\Delta T < 0`) gives a positive number.

    Parameters
    ----------
    delta_t_c : array_like
        Change of air temperature on hot days (°C, scenario − baseline) per area.
    population : array_like
        Residents per area (all ages).
    mortality_rate : array_like
        All-cause deaths per person-year.
    hot_days : float
        Days per year above the threshold.
    rr_per_c : float
        Relative risk per +1 °C (default Baccini et al. 2008).
    """
    pf = preventable_fraction(rr_for_change(rr_per_c, delta_t_c, 1.0))
    return preventable_cases(pf, np.asarray(mortality_rate, float) * hot_days / 365.0,
                             population)
