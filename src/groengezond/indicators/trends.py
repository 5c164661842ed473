"""Trends over the survey years and quartile positions, as CBS shows them.

Each series (indicator × area) is fitted by weighted least squares of value on year with
weights :math:`w_t = 1/SE_t^2` (the survey's own precision):

.. math::

    \\hat\\beta = \\frac{\\sum_t w_t (t - \\bar t)(y_t - \\bar y)}{\\sum_t w_t (t - \\bar t)^2},
    \\qquad
    SE(\\hat\\beta) = \\sqrt{\\frac{\\phi}{\\sum_t w_t (t - \\bar t)^2}}, \\qquad
    \\phi = \\max\\left(1, \\frac{\\sum_t w_t (y_t - \\hat y_t)^2}{k - 2}\\right)

:math:`\\phi` is the multiplicative dispersion of meta-regression: when the years scatter more
than their intervals allow, the slope's SE widens instead of declaring a noisy series a
trend (with :math:`k = 2` years, :math:`\\phi = 1`). The change is significant when
:math:`|\\hat\\beta| / SE > 1.96` (two-sided 5 %). A series without intervals is fitted by
ordinary least squares with the residual variance and a t-test on :math:`k - 2` degrees of
freedom (at least 3 years).

The trend is ``rising``, ``falling`` or ``no_significant_change`` and is coloured by the
indicator's good direction as CBS does: ``green`` (better), ``red`` (worse) or ``grey`` (not
significant, or an indicator without a good direction).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from groengezond.indicators.compute import Z95

ARROWS: dict[str, str] = {"rising": "▲", "falling": "▼", "no_significant_change": "►",
                          "insufficient_data": "·"}
"""Arrow shown for each trend direction."""

TREND_COLUMNS = ["n_years", "first_year", "last_year", "slope_per_year", "slope_se",
                 "slope_lower", "slope_upper", "change", "significant", "direction"]


def fit_trends(frame: pd.DataFrame, by: list[str], year: str = "year", value: str = "value",
               se: str = "se") -> pd.DataFrame:
    """Fit a weighted linear trend to every series in ``frame``.

    Parameters
    ----------
    frame : DataFrame
        Long table with the ``by`` columns, ``year``, ``value`` and ``se`` (indicator unit;
        NaN when the source has no interval). Rows with a missing value are ignored.
    by : list of str
        Columns that identify a series (e.g. ``["indicator", "area_code"]``).
    year, value, se : str
        Column names.

    Returns
    -------
    DataFrame
        One row per series: the ``by`` columns and ``n_years``, ``first_year``,
        ``last_year``, ``slope_per_year`` (unit per year), ``slope_se``, ``slope_lower``,
        ``slope_upper`` (95 %), ``change`` (fitted change from first to last year, unit),
        ``significant`` (bool) and ``direction``.
    """
    df = frame.loc[frame[value].notna(), [*by, year, value, se]].copy()
    t = df[year].to_numpy(dtype=float)
    y = df[value].to_numpy(dtype=float)
    s = df[se].to_numpy(dtype=float)
    has_se = (s > 0) & ~np.isnan(s)
    groups = [df[c] for c in by]
    group_has_se = (pd.Series(has_se, index=df.index).groupby(groups)
                    .transform("all").to_numpy(dtype=bool))
    w = np.where(group_has_se, 1.0 / np.where(has_se, s, 1.0) ** 2, 1.0)
    # Two passes: centre year and value on their weighted means per series, so that a
    # constant series gives a slope of exactly 0 (no cancellation in the sums).
    sums = pd.DataFrame({"w": w, "wt": w * t, "wy": w * y}, index=df.index).groupby(groups)
    tot = sums.transform("sum")
    tc = t - tot["wt"].to_numpy() / tot["w"].to_numpy()
    yc = y - tot["wy"].to_numpy() / tot["w"].to_numpy()
    parts = df[by].assign(w=w, wy=w * y, wtt=w * tc * tc, wty=w * tc * yc, wyy=w * yc * yc, k=1,
                          known=group_has_se.astype(int), t0=t, t1=t)
    g = parts.groupby(by, sort=True)
    agg = g.agg(w=("w", "sum"), wy=("wy", "sum"), wtt=("wtt", "sum"), wty=("wty", "sum"),
                wyy=("wyy", "sum"), k=("k", "sum"), known=("known", "min"),
                t0=("t0", "min"), t1=("t1", "max"))
    sxx = agg["wtt"].to_numpy()
    sxy = agg["wty"].to_numpy()
    syy = agg["wyy"].to_numpy()
    k = agg["k"].to_numpy()
    known = agg["known"].to_numpy() == 1
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = sxy / sxx
        rss = np.maximum(syy - slope * sxy, 0.0)
        resid_var = np.where(k > 2, rss / (k - 2), np.nan)
        phi = np.where(known, np.where(k > 2, np.maximum(1.0, resid_var), 1.0), resid_var)
        slope_se = np.sqrt(phi / sxx)
    crit = np.where(known, Z95, stats.t.ppf(0.975, np.maximum(k - 2, 1)))
    enough = (sxx > 0) & ((known & (k >= 2)) | (~known & (k >= 3)))
    slope = np.where(enough, slope, np.nan)
    slope_se = np.where(enough, slope_se, np.nan)
    with np.errstate(invalid="ignore"):
        scale = 1e-12 * (1.0 + np.abs(agg["wy"].to_numpy() / agg["w"].to_numpy()))
        significant = enough & (np.abs(slope) > crit * slope_se) & (np.abs(slope) > scale)
    direction = np.where(~enough, "insufficient_data",
                         np.where(~significant, "no_significant_change",
                                  np.where(slope > 0, "rising", "falling")))
    t0 = agg["t0"].to_numpy()
    t1 = agg["t1"].to_numpy()
    out = agg.index.to_frame(index=False)
    out["n_years"] = k.astype("int64")
    out["first_year"] = t0.astype("int64")
    out["last_year"] = t1.astype("int64")
    out["slope_per_year"] = slope
    out["slope_se"] = slope_se
    out["slope_lower"] = slope - crit * slope_se
    out["slope_upper"] = slope + crit * slope_se
    out["change"] = slope * (t1 - t0)
    out["significant"] = significant
    out["direction"] = direction
    return out


def trend_colour(direction: npt.ArrayLike, sign: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """CBS colour of a trend: green (better), red (worse) or grey.

    Parameters
    ----------
    direction : array_like of str
        ``rising``, ``falling``, ``no_significant_change`` or ``insufficient_data``.
    sign : array_like of int
        Good direction of the indicator: +1 higher is better, -1 lower is better, 0 neutral.

    Returns
    -------
    ndarray of str
    """
    d = np.asarray(direction, dtype=object)
    g = np.asarray(sign, dtype=int)
    step = np.where(d == "rising", 1, np.where(d == "falling", -1, 0))
    better = step * g
    return np.where(better > 0, "green", np.where(better < 0, "red", "grey")).astype(str)


def quartiles(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Quartile of each value among the values given (1 = lowest quarter, 4 = highest).

    Areas are ranked (ties share the lowest rank) and cut into four groups of equal count,
    as CBS's 'positie' maps do: :math:`q = \\lfloor 4 (r - 1) / n \\rfloor + 1`.

    Parameters
    ----------
    values : array_like
        Values of the areas of one level, indicator and year; NaN gives NaN.

    Returns
    -------
    ndarray of float
        1-4, NaN where the value is NaN.
    """
    v = pd.Series(np.asarray(values, dtype=float))
    r = v.rank(method="min").to_numpy()
    n = int(v.notna().sum())
    return np.where(np.isnan(r), np.nan, np.floor(4 * (r - 1) / max(n, 1)) + 1)


def quartile_positions(table: pd.DataFrame, by: list[str], value: str = "value") -> pd.Series:
    """Quartile of every row's value within its group (see :func:`quartiles`), vectorised."""
    g = table.groupby(by, sort=False)[value]
    r = g.rank(method="min")
    n = g.transform("count").clip(lower=1)
    return np.floor(4 * (r - 1) / n) + 1
