"""Grouping positions by an integer key: sorted look-ups and CSR (key -> positions) indexes.

The network, the green entries and the supply computation all ask "which rows belong to this
edge / node / green?" for many keys at once; these vectorised helpers answer it without Python
loops.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def expand_ranges(lo: IntArray, hi: IntArray) -> IntArray:
    """Concatenate the ranges ``lo[i] .. hi[i] - 1`` (vectorised)."""
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return (np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)).astype(
        np.int64)


def sorted_by_key(keys: IntArray) -> tuple[IntArray, IntArray]:
    """(order, sorted keys): a stable sort of ``keys``, for look-ups with ``searchsorted``."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    return order, keys[order]


def csr_by_key(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """CSR (key -> positions with that key) for keys in ``0 .. n - 1``: (indptr, positions)."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=indptr[1:])
    return indptr, order


def weighted_mean_by_key(values: npt.ArrayLike, keys: IntArray, weights: npt.ArrayLike,
                         n: int) -> FloatArray:
    """Weighted mean of ``values`` per key ``0 .. n - 1``.

    Rows with a negative key or a non-finite value are left out; a key without weight gets 0.

    Parameters
    ----------
    values, weights : array_like
        Per row (e.g. an exposure per address and its residents).
    keys : numpy.ndarray of int
        Group of each row (e.g. buurt index; -1 for none).
    n : int
        Number of groups.
    """
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ok = (keys >= 0) & np.isfinite(v)
    s = np.bincount(keys[ok], weights=v[ok] * w[ok], minlength=n)
    p = np.bincount(keys[ok], weights=w[ok], minlength=n)
    return np.asarray(np.divide(s, p, out=np.zeros(n), where=p > 0), dtype=np.float64)
