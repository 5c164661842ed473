"""Per-buurt and region-wide means of a scenario's per-address changes, from the changes only.

A scenario changes the exposures of the addresses near it; everywhere else the change is 0.
The Planner averages each change per buurt and over the region many times per run, and over
the 700,000 addresses of a large region those passes were a good part of a run. These means
take the same sums over the non-zero rows alone: a zero adds nothing to a sum, so the per-buurt
means are equal to :func:`groengezond.grouping.weighted_mean_by_key` to the last bit, and the
region-wide means equal up to the order of floating-point addition. The weights' sums (the
denominators) are computed once per set of weights.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from groengezond.grouping import weighted_mean_by_key

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["BuurtMeans"]


class BuurtMeans:
    """Weighted means per buurt (and over all rows) with fixed keys and weights.

    Parameters
    ----------
    keys : numpy.ndarray of int
        Buurt index of each address (-1 for none).
    weights : numpy.ndarray
        Weight of each address (residents).
    n : int
        Number of buurten.
    """

    def __init__(self, keys: IntArray, weights: npt.ArrayLike, n: int) -> None:
        self.keys = np.asarray(keys, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.n = n
        self._in_buurt = self.keys >= 0
        k = self._in_buurt
        self._per_buurt = np.bincount(self.keys[k], weights=self.weights[k], minlength=n)
        self._total = float(self.weights.sum())

    def per_buurt(self, values: npt.ArrayLike) -> FloatArray:
        """Weighted mean of ``values`` per buurt (nan left out; 0 for a buurt without weight).

        Equal to ``weighted_mean_by_key(values, keys, weights, n)``.
        """
        v = np.asarray(values, dtype=np.float64)
        if not np.isfinite(v).all():  # the weights' sums differ per array: the full pass
            return weighted_mean_by_key(v, self.keys, self.weights, self.n)
        rows = np.flatnonzero((v != 0.0) & self._in_buurt)
        s = np.bincount(self.keys[rows], weights=v[rows] * self.weights[rows],
                        minlength=self.n)
        p = self._per_buurt
        return np.asarray(np.divide(s, p, out=np.zeros(self.n), where=p > 0), dtype=np.float64)

    def overall(self, values: npt.ArrayLike) -> float:
        """Weighted mean of ``values`` over all rows, nan counted as 0 (over all weights)."""
        v = np.asarray(values, dtype=np.float64)
        rows = np.flatnonzero(np.isfinite(v) & (v != 0.0))
        tot = self._total or 1.0
        return float((v[rows] * self.weights[rows]).sum() / tot)

    def share(self, mask: npt.ArrayLike) -> FloatArray:
        """Weighted share of the rows in ``mask`` per buurt (:meth:`per_buurt` of 0/1)."""
        return self.per_buurt(np.asarray(mask, dtype=np.float64))


class WeightedMedian:
    """The weighted median of a baseline's per-address values, and of the values after a
    scenario that changes a few of them (and appends new addresses).

    The baseline's values are sorted once; after a scenario only the changed and new values
    are sorted and merged in, instead of sorting all of them again. The median is the same as
    :func:`groengezond.services.plan.weighted_median` of the values after: the smallest value
    whose cumulative weight reaches half the total.

    Parameters
    ----------
    values, weights : numpy.ndarray
        Per address (e.g. green m² per inhabitant, and residents).
    """

    def __init__(self, values: npt.ArrayLike, weights: npt.ArrayLike) -> None:
        self.values = np.asarray(values, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64)
        ok = np.flatnonzero(np.isfinite(self.values) & (self.weights > 0))
        self.order = ok[np.argsort(self.values[ok], kind="stable")]
        self.sorted_v = self.values[self.order]
        self.sorted_w = self.weights[self.order]
        self.median = _median_sorted(self.sorted_v, self.sorted_w)

    def after(self, values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
        """The weighted median of ``values`` (the baseline's addresses, then new ones)."""
        v = np.asarray(values, dtype=np.float64)
        w = np.asarray(weights, dtype=np.float64)
        n = len(self.values)
        same_v = (v[:n] == self.values) | (np.isnan(v[:n]) & np.isnan(self.values))
        changed = np.flatnonzero(~same_v | (w[:n] != self.weights))
        drop = np.zeros(n, dtype=bool)
        drop[changed] = True
        keep = ~drop[self.order]
        extra = np.concatenate([changed, np.arange(n, len(v))])
        ev, ew = v[extra], w[extra]
        ok = np.isfinite(ev) & (ew > 0)
        ev, ew = ev[ok], ew[ok]
        o = np.argsort(ev, kind="stable")
        kv, kw = self.sorted_v[keep], self.sorted_w[keep]
        at = np.searchsorted(kv, ev[o], side="right")
        return _median_sorted(np.insert(kv, at, ev[o]), np.insert(kw, at, ew[o]))


def _median_sorted(v: FloatArray, w: FloatArray) -> float:
    if len(v) == 0:
        return 0.0
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])
