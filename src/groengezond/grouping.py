"""Grouping positions by an integer key: sorted look-ups and CSR (key -> positions) indexes.

The network, the green entries and the supply computation all ask "which rows belong to this
edge / node / green?" for many keys at once; these vectorised helpers answer it without Python
loops.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


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
