"""Where the health gap is heading: the change of the best-worst gap and the SII's slope.

Pure functions over the Monitor's published rows (no I/O), used by the Monitor's API
(:mod:`groengezond.api.indicators`) so that the adapter only renders.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def gap_change(direction: str | None, latest_gap: float | None) -> str:
    """Whether the gap between the best and the worst area widens or narrows.

    Parameters
    ----------
    direction : str or None
        Direction of the trend of the (signed) gap, as
        :func:`groengezond.indicators.trends.trend_table` gives it: ``rising``, ``falling``,
        ``stable`` or ``insufficient_data``; None when there is no trend.
    latest_gap : float or None
        The gap in the latest year (best minus worst, in the indicator's unit); its sign says
        which way is "wider".

    Returns
    -------
    str
        ``widening`` when the gap moves away from 0, ``narrowing`` when it moves towards 0,
        otherwise the direction itself (``stable``, ``insufficient_data``).
    """
    if direction is None:
        return "insufficient_data"
    if direction in ("rising", "falling") and latest_gap is not None \
            and np.isfinite(latest_gap):
        wider = (direction == "rising") == (latest_gap > 0)
        return "widening" if wider else "narrowing"
    return str(direction)


def sii_slope(years: Sequence[float], sii: Sequence[float]) -> float | None:
    """Least-squares slope of the SII over the years (indicator unit per year).

    Parameters
    ----------
    years : sequence of float
        Years with an SII.
    sii : sequence of float
        The SII of each year (slope index of inequality, in the indicator's unit); NaN is
        left out.

    Returns
    -------
    float or None
        The slope, or None with fewer than two finite years (not computable).
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(sii, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 2 or np.ptp(x[keep]) == 0:
        return None
    return float(np.polyfit(x[keep], y[keep], 1)[0])
