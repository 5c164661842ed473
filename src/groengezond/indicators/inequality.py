"""Health gaps between areas: SII and RII, quintile gap, concentration, two-area comparison.

Sign convention (used throughout groengezond): areas are ranked from the least deprived
(rank 0) to the most deprived (rank 1), so

.. math::

    SII = \\hat y(\\text{most deprived}) - \\hat y(\\text{least deprived}), \\qquad
    RII = SII / \\bar y

with :math:`\\bar y` the population-weighted mean. For an indicator where higher is better
(healthy life expectancy) a negative SII means the deprived end fares worse; this is the
opposite sign to PHE's ``phe_sii``, which ranks from most to least deprived.

Sources: Low & Low (2004), *Measuring the gap: quantifying and comparing local health
inequalities*, J Public Health 26:388-395; PHE/OHID ``PHEindicatormethods::phe_sii`` (the
simulated confidence interval); Wagstaff, Paci & van Doorslaer (1991) and Kakwani, Wagstaff
& van Doorslaer (1997) for the concentration index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import t as student_t

from groengezond.indicators.compute import Z95

FloatArray = npt.NDArray[np.float64]

DEFAULT_SIMS = 100_000
"""Number of simulations of the PHE method (its default)."""


@dataclass(frozen=True)
class SlopeIndex:
    """Slope and relative index of inequality with simulated 95 % intervals.

    Attributes
    ----------
    sii, sii_lower, sii_upper : float
        SII and its interval (indicator unit); most deprived minus least deprived.
    rii, rii_lower, rii_upper : float
        RII = SII / mean (dimensionless) and its interval.
    mean : float
        Population-weighted mean of the indicator (indicator unit).
    n_areas : int
        Areas used.
    persons : float
        Population of those areas (persons).
    sims : int
        Simulations behind the intervals (0 when an area lacks an interval).
    interval : {"simulation", "regression", "none"}
        How the intervals were made: PHE's simulation from the areas' own intervals; or, where
        an area has no interval (e.g. RIVM 50090NED publishes point estimates only), the
        weighted regression's own standard error of the slope (residual variance between areas,
        Student t with k − 2 degrees of freedom; Low & Low 2004); "none" below three areas.
    """

    sii: float
    sii_lower: float
    sii_upper: float
    rii: float
    rii_lower: float
    rii_upper: float
    mean: float
    n_areas: int
    persons: float
    sims: int
    interval: str = "simulation"


def rank_midpoints(population: npt.ArrayLike) -> FloatArray:
    """Cumulative population rank midpoints of areas given in rank order.

    .. math:: x_i = \\frac{\\sum_{j<i} n_j + n_i / 2}{\\sum_j n_j}

    Parameters
    ----------
    population : array_like
        Persons per area, in order from least to most deprived.

    Returns
    -------
    ndarray of float
        Rank midpoint of each area in [0, 1].
    """
    n = np.asarray(population, dtype=float)
    out: FloatArray = (np.cumsum(n) - n / 2.0) / n.sum()
    return out


def standard_normals(n_sims: int, rng: np.random.Generator) -> FloatArray:
    """Draw the (n_sims, 2) standard normals that :func:`slope_index` can share."""
    return rng.standard_normal((n_sims, 2))


def _order(deprivation: FloatArray) -> npt.NDArray[np.intp]:
    return np.lexsort((np.arange(len(deprivation)), deprivation))


def _ranked(values: npt.ArrayLike, se: npt.ArrayLike, population: npt.ArrayLike,
            deprivation: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Values, SEs and populations of the usable areas, from most to least deprived.

    An area is usable when its value, population and deprivation are known and its population
    is positive.
    """
    y = np.asarray(values, dtype=float)
    s = np.asarray(se, dtype=float)
    n = np.asarray(population, dtype=float)
    d = np.asarray(deprivation, dtype=float)
    keep = ~(np.isnan(y) | np.isnan(n) | np.isnan(d)) & (n > 0)
    order = _order(d[keep])
    return y[keep][order], s[keep][order], n[keep][order]


def slope_index(values: npt.ArrayLike, se: npt.ArrayLike, population: npt.ArrayLike,
                deprivation: npt.ArrayLike, *, n_sims: int = DEFAULT_SIMS,
                rng: np.random.Generator | None = None, normals: FloatArray | None = None,
                draws: Literal["reduced", "direct"] = "reduced",
                confidence: float = 0.95) -> SlopeIndex:
    """Slope (SII) and relative (RII) index of inequality with simulated intervals.

    Areas are sorted by ``deprivation`` (ascending: least deprived first), given cumulative
    population rank midpoints :math:`x_i` (:func:`rank_midpoints`) and the indicator is
    regressed on them by weighted least squares with weights :math:`n_i` (the PHE
    formulation :math:`y\\sqrt a = \\beta_0 \\sqrt a + \\beta_1 x \\sqrt a`, Low & Low 2004):

    .. math::

        SII = \\frac{\\sum_i n_i (x_i - \\bar x)(y_i - \\bar y)}{\\sum_i n_i (x_i - \\bar x)^2}
            = \\sum_i c_i y_i, \\qquad \\bar y = \\sum_i a_i y_i, \\quad a_i = n_i / \\sum n

    Intervals follow PHE: each area's value is drawn from :math:`N(y_i, SE_i^2)`, the SII and
    RII recomputed, and the 2.5 and 97.5 percentiles taken. Because SII and :math:`\\bar y`
    are linear in the :math:`y_i`, a draw of all areas gives exactly the bivariate normal

    .. math::

        (SII^*, \\bar y^*) \\sim N\\left((SII, \\bar y),
        \\begin{pmatrix} \\sum c_i^2 SE_i^2 & \\sum a_i c_i SE_i^2 \\\\
        \\sum a_i c_i SE_i^2 & \\sum a_i^2 SE_i^2 \\end{pmatrix}\\right)

    which ``draws="reduced"`` (default) samples directly: the same distribution as the PHE
    draw in O(sims) instead of O(sims × areas). ``draws="direct"`` draws every area (for
    checking; memory grows with sims × areas).

    Parameters
    ----------
    values : array_like
        Indicator value per area (indicator unit).
    se : array_like
        Standard error per area (indicator unit), e.g. from :func:`~.compute.se_from_interval`;
        NaN anywhere gives NaN intervals.
    population : array_like
        Persons per area (weights).
    deprivation : array_like
        Deprivation score per area: higher is more deprived (ties keep input order).
    n_sims : int
        Simulations (default 100,000, as PHE); fewer is allowed.
    rng : numpy.random.Generator, optional
        Random generator (a fixed-seed one when omitted, so results are reproducible).
    normals : ndarray, optional
        Pre-drawn standard normals, shape (n_sims, 2), shared across calls (reduced only).
    draws : {"reduced", "direct"}
        Simulation scheme (see above).
    confidence : float
        Two-sided level of the intervals.

    Returns
    -------
    SlopeIndex
    """
    y, s, n = _ranked(values, se, population, deprivation)
    nan = float("nan")
    if len(y) < 2:
        return SlopeIndex(nan, nan, nan, nan, nan, nan, nan, len(y), float(n.sum()), 0)
    x = rank_midpoints(n)
    a = n / n.sum()
    xbar = float(a @ x)
    sxx = float(n @ (x - xbar) ** 2)
    c = n * (x - xbar) / sxx
    sii = float(c @ y)
    mean = float(a @ y)
    rii = sii / mean if mean != 0 else nan
    if np.isnan(s).any():
        if len(y) < 3:
            return SlopeIndex(sii, nan, nan, rii, nan, nan, mean, len(y), float(n.sum()), 0,
                              "none")
        resid = y - mean - sii * (x - xbar)
        sigma2 = float(n @ resid**2) / (len(y) - 2)
        half = float(student_t.ppf((1 + confidence) / 2, len(y) - 2)) * np.sqrt(sigma2 / sxx)
        lo, hi = sii - half, sii + half
        r_lo, r_hi = (lo / mean, hi / mean) if mean != 0 else (nan, nan)
        return SlopeIndex(sii, lo, hi, rii, min(r_lo, r_hi), max(r_lo, r_hi), mean, len(y),
                          float(n.sum()), 0, "regression")
    q = 100.0 * np.array([(1 - confidence) / 2, (1 + confidence) / 2])
    if draws == "direct":
        gen = rng or np.random.default_rng(0)
        chunk = max(1, min(n_sims, 4_000_000 // max(len(y), 1)))
        sii_s = np.empty(n_sims)
        mean_s = np.empty(n_sims)
        for start in range(0, n_sims, chunk):
            stop = min(n_sims, start + chunk)
            sample = y + s * gen.standard_normal((stop - start, len(y)))
            sii_s[start:stop] = sample @ c
            mean_s[start:stop] = sample @ a
    else:
        z = normals if normals is not None else standard_normals(
            n_sims, rng or np.random.default_rng(0))
        v_s = float((c * s) @ (c * s))
        v_m = float((a * s) @ (a * s))
        cov = float((a * s) @ (c * s))
        l11 = np.sqrt(v_s)
        l21 = cov / l11 if l11 > 0 else 0.0
        l22 = np.sqrt(max(v_m - l21**2, 0.0))
        sii_s = sii + l11 * z[:, 0]
        mean_s = mean + l21 * z[:, 0] + l22 * z[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        rii_s = sii_s / mean_s
    s_lo, s_hi = np.percentile(sii_s, q)
    r_lo, r_hi = np.percentile(rii_s, q)
    return SlopeIndex(sii, float(s_lo), float(s_hi), rii, float(r_lo), float(r_hi), mean,
                      len(y), float(n.sum()), len(sii_s))


@dataclass(frozen=True)
class GapWeights:
    """Linear weights of the SII and of the quintile gap, per area in input order.

    Both measures are linear in the area values for a fixed ranking and population:
    ``SII = sii @ y`` and ``gap = gap @ y`` (areas that cannot be ranked weigh 0). This lets a
    caller evaluate many draws of area values at once (``draws @ weights``), e.g. the change a
    scenario's Monte Carlo draws of prevented cases make to the gap.

    Attributes
    ----------
    sii : numpy.ndarray
        Weights :math:`c_i` of :func:`slope_index` (1 / rank unit).
    gap : numpy.ndarray
        Weights of :func:`quintile_gap`'s gap (most − least deprived group mean).
    """

    sii: FloatArray
    gap: FloatArray


def gap_weights(population: npt.ArrayLike, deprivation: npt.ArrayLike,
                groups: int = 5) -> GapWeights:
    """The linear weights of the SII and the best-worst group gap (see :class:`GapWeights`).

    Parameters
    ----------
    population : array_like
        Persons per area; areas with no or unknown population weigh 0.
    deprivation : array_like
        Deprivation score per area (higher is more deprived); unknown areas weigh 0.
    groups : int
        Number of groups of the gap (5 = quintiles).

    Returns
    -------
    GapWeights
        Zero weights when fewer than two areas can be ranked.
    """
    n_all = np.asarray(population, dtype=float)
    d_all = np.asarray(deprivation, dtype=float)
    sii_w = np.zeros(len(n_all))
    gap_w = np.zeros(len(n_all))
    keep = np.flatnonzero(~(np.isnan(n_all) | np.isnan(d_all)) & (n_all > 0))
    if len(keep) < 2:
        return GapWeights(sii_w, gap_w)
    idx = keep[_order(d_all[keep])]
    n = n_all[idx]
    x = rank_midpoints(n)
    xbar = float((n / n.sum()) @ x)
    sii_w[idx] = n * (x - xbar) / float(n @ (x - xbar) ** 2)
    group = np.minimum((x * groups).astype(int), groups - 1)
    most, least = group == group.max(), group == group.min()
    gap_w[idx[most]] += n[most] / n[most].sum()
    gap_w[idx[least]] -= n[least] / n[least].sum()
    return GapWeights(sii_w, gap_w)


@dataclass(frozen=True)
class QuintileGap:
    """Gap and ratio between the most and least deprived population-weighted quintile.

    Attributes
    ----------
    most, most_se, least, least_se : float
        Resident-weighted mean of the indicator in the most and least deprived fifth of the
        population, and their standard errors (indicator unit).
    gap, gap_lower, gap_upper : float
        most − least and its 95 % interval (indicator unit).
    ratio, ratio_lower, ratio_upper : float
        most / least and its 95 % interval.
    persons_most, persons_least : float
        Persons in the two quintiles.
    """

    most: float
    most_se: float
    least: float
    least_se: float
    gap: float
    gap_lower: float
    gap_upper: float
    ratio: float
    ratio_lower: float
    ratio_upper: float
    persons_most: float
    persons_least: float


def quintile_gap(values: npt.ArrayLike, se: npt.ArrayLike, population: npt.ArrayLike,
                 deprivation: npt.ArrayLike, groups: int = 5) -> QuintileGap:
    """Gap between the most and least deprived population-weighted quintile.

    Areas are ranked as in :func:`slope_index` and assigned whole to group
    :math:`g_i = \\lfloor G x_i \\rfloor` of their rank midpoint (so each group holds about
    1/G of the population). Each group's value is the resident-weighted mean with
    :math:`SE = \\sqrt{\\sum n_i^2 SE_i^2} / \\sum n_i`; the gap's interval is
    :math:`\\Delta \\pm 1.96\\sqrt{SE_m^2 + SE_l^2}` and the ratio's is computed on the log
    scale, :math:`SE(\\ln R) = \\sqrt{(SE_m/m)^2 + (SE_l/l)^2}` (delta method).

    Parameters
    ----------
    values, se, population, deprivation : array_like
        As in :func:`slope_index`.
    groups : int
        Number of groups (5 = quintiles, 10 = deciles).

    Returns
    -------
    QuintileGap
    """
    y, s, n = _ranked(values, se, population, deprivation)
    nan = float("nan")
    if len(y) < 2:
        return QuintileGap(*([nan] * 12))
    group = np.minimum((rank_midpoints(n) * groups).astype(int), groups - 1)

    def mean_se(mask: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
        w = n[mask]
        if w.sum() == 0:
            return nan, nan, 0.0
        return (float(w @ y[mask] / w.sum()), float(np.sqrt(((w * s[mask]) ** 2).sum()) / w.sum()),
                float(w.sum()))

    least, least_se, p_least = mean_se(group == group.min())
    most, most_se, p_most = mean_se(group == group.max())
    gap = most - least
    gap_se = np.hypot(most_se, least_se)
    m, lst = np.float64(most), np.float64(least)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = m / lst if lst != 0 else np.float64(nan)
        log_se = np.hypot(most_se / m, least_se / lst) if m != 0 and lst != 0 else nan
    return QuintileGap(most, most_se, least, least_se, gap, gap - Z95 * gap_se,
                       gap + Z95 * gap_se, float(ratio), float(ratio * np.exp(-Z95 * log_se)),
                       float(ratio * np.exp(Z95 * log_se)), p_most, p_least)


@dataclass(frozen=True)
class Difference:
    """Difference between two areas (a − b) with its 95 % interval."""

    difference: float
    lower: float
    upper: float
    significant: bool


def compare(value_a: float, se_a: float, value_b: float, se_b: float) -> Difference:
    """Compare two areas side by side (e.g. Overvecht against Noordoost).

    .. math:: \\Delta = y_a - y_b, \\qquad \\Delta \\pm 1.96\\sqrt{SE_a^2 + SE_b^2}

    The two estimates are taken as independent; the difference is significant at 95 % when
    the interval excludes 0 (an interval-overlap check would be too strict).

    Parameters
    ----------
    value_a, se_a, value_b, se_b : float
        Values and standard errors of the two areas (indicator unit).

    Returns
    -------
    Difference
    """
    diff = float(value_a - value_b)
    se = float(np.hypot(se_a, se_b))
    lo, hi = diff - Z95 * se, diff + Z95 * se
    return Difference(diff, lo, hi, bool(lo > 0 or hi < 0))


def concentration_index(outcome: npt.ArrayLike, income: npt.ArrayLike,
                        weights: npt.ArrayLike) -> float:
    """Concentration index of an outcome by income (poorest ranked first).

    .. math:: C = \\frac{2\\,\\mathrm{cov}_w(y, R)}{\\bar y_w}

    with :math:`R` the weighted fractional income rank (cumulative midpoint, poorest = 0).
    :math:`C < 0`: the outcome is concentrated among the poor; :math:`C = 0`: no gradient;
    range [-1, 1]. For :math:`y` = lack of green within 300 m, a negative index means the
    low-income residents lack green more often. Ties in income share one rank (their mean
    midpoint), so a decile rank does not create a spurious gradient.

    Parameters
    ----------
    outcome : array_like
        Non-negative outcome per unit (e.g. 1 = no green within 300 m, or a percentage).
    income : array_like
        Income or income rank per unit (higher = richer).
    weights : array_like
        Persons per unit.

    Returns
    -------
    float
        The index (NaN when the outcome's mean is 0 or fewer than 2 units).
    """
    y = np.asarray(outcome, dtype=float)
    inc = np.asarray(income, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = ~(np.isnan(y) | np.isnan(inc) | np.isnan(w)) & (w > 0)
    y, inc, w = y[keep], inc[keep], w[keep]
    if len(y) < 2:
        return float("nan")
    order = np.argsort(inc, kind="stable")
    y, inc, w = y[order], inc[order], w[order]
    r = rank_midpoints(w)
    # Ties share the weighted mean rank of their block.
    _, start, counts = np.unique(inc, return_index=True, return_counts=True)
    block = np.repeat(np.arange(len(start)), counts)
    r = (np.bincount(block, w * r) / np.bincount(block, w))[block]
    mu = float(w @ y / w.sum())
    if mu == 0:
        return float("nan")
    rbar = float(w @ r / w.sum())
    cov = float(w @ ((y - mu) * (r - rbar)) / w.sum())
    return 2.0 * cov / mu


@dataclass(frozen=True)
class LowIncomeShare:
    """Share of low-income residents among those without access and among everyone.

    Attributes
    ----------
    share_without : float
        Low-income residents among residents without access (fraction).
    share_all : float
        Low-income residents among all residents (fraction).
    ratio : float
        share_without / share_all; above 1 means lack of access is concentrated among
        low-income residents.
    persons_without : float
        Residents without access (persons).
    """

    share_without: float
    share_all: float
    ratio: float
    persons_without: float


def low_income_share(without_access: npt.ArrayLike, low_income: npt.ArrayLike,
                     residents: npt.ArrayLike) -> LowIncomeShare:
    """Share of residents in the lowest income group among those without access.

    .. math::

        s_{\\text{without}} = \\frac{\\sum_i r_i L_i (1 - A_i)}{\\sum_i r_i (1 - A_i)}, \\qquad
        s_{\\text{all}} = \\frac{\\sum_i r_i L_i}{\\sum_i r_i}

    with :math:`r_i` residents, :math:`L_i` = 1 for the lowest income quintile (deciles 1-2)
    and :math:`A_i` = 1 with green within 300 m. Units may be addresses (exact) or areas with
    fractional :math:`L` and :math:`1 - A` (assumes no correlation within an area).

    Parameters
    ----------
    without_access : array_like
        Fraction (0-1) of the unit's residents without access.
    low_income : array_like
        Fraction (0-1) of the unit's residents in the low-income group.
    residents : array_like
        Residents per unit (persons).

    Returns
    -------
    LowIncomeShare
    """
    a = np.asarray(without_access, dtype=float)
    low = np.asarray(low_income, dtype=float)
    r = np.asarray(residents, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(low) | np.isnan(r))
    a, low, r = a[keep], low[keep], r[keep]
    p_without = float(r @ a)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_without = float((r * low) @ a / p_without)
        share_all = float(r @ low / r.sum())
        ratio = share_without / share_all
    return LowIncomeShare(share_without, share_all, ratio, p_without)
