"""The differencing attack on a release: what an outsider can compute about suppressed cells.

An attacker knows the structure of the release (which cells add up to which) and every
published cell. :func:`differencing_attack` plays three attacks, from simple to strongest:

1. **differences** — repeatedly take a relation (a margin, a wijk = sum of its buurten, an area
   total = sum of its categories, equal totals in two tables) in which exactly one cell is
   unknown and solve it; a solved cell becomes known and may open further relations;
2. **linear algebra** — every cell that is a linear combination of published cells
   (:func:`~groengezond.ucloud.suppression.determined_cells`);
3. **bounds** — for small systems, the linear programme
   :math:`\\min / \\max\\ x_i` s.t. :math:`M x = 0`, :math:`x \\ge 0`, published cells fixed,
   which gives the interval each suppressed cell is known to lie in.

A cell is *recovered* when one of these pins it to one value (an interval narrower than one
person). The attacker here is stronger than a real one: it is given the published cells
*before* rounding. Core: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

from groengezond.ucloud.suppression import determined_cells

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AttackResult:
    """What the attack found.

    Attributes
    ----------
    by_differences : ndarray of int
        Suppressed cells solved by single-unknown differences.
    by_algebra : ndarray of int
        Suppressed cells that are linear combinations of published cells.
    lower, upper : ndarray of float
        Interval per cell from the bounds attack (NaN when not run); published cells have
        their value as both bounds.
    recovered : ndarray of int
        Every suppressed cell pinned to one value by any of the attacks.
    """

    by_differences: npt.NDArray[np.int64]
    by_algebra: npt.NDArray[np.int64]
    lower: FloatArray
    upper: FloatArray
    recovered: npt.NDArray[np.int64]


def _differences(m: sp.csr_matrix, known: npt.NDArray[np.bool_],
                 values: FloatArray) -> npt.NDArray[np.bool_]:
    """Single-unknown peeling; returns the cells it solved (values checked exact)."""
    known = known.copy()
    est = np.where(known, values, np.nan)
    solved = np.zeros(len(known), dtype=bool)
    progress = True
    while progress:
        progress = False
        for i in range(m.shape[0]):
            cols = m.indices[m.indptr[i]:m.indptr[i + 1]]
            coef = m.data[m.indptr[i]:m.indptr[i + 1]]
            unk = ~known[cols]
            if int(unk.sum()) == 1:
                j = int(cols[unk][0])
                a = float(coef[unk][0])
                rest = float(np.dot(coef[~unk], est[cols[~unk]]))
                est[j] = -rest / a
                known[j] = True
                solved[j] = True
                progress = True
    return solved


def _bounds(m: sp.csr_matrix, suppressed: npt.NDArray[np.bool_],
            values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """LP interval of every suppressed cell given non-negativity and published cells."""
    s_idx = np.flatnonzero(suppressed)
    lo = np.where(suppressed, np.nan, values)
    hi = lo.copy()
    if s_idx.size == 0:
        return lo, hi
    a = m[:, s_idx]
    b = -(m[:, ~suppressed] @ values[~suppressed])
    used = np.flatnonzero(np.diff(a.tocsr().indptr) > 0)
    a_eq = a.tocsr()[used]
    b_eq = b[used]
    for k, j in enumerate(s_idx):
        c = np.zeros(s_idx.size)
        c[k] = 1.0
        for sign, store in ((1.0, lo), (-1.0, hi)):
            res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if res.status == 0:
                store[j] = float(res.x[k])
            elif res.status == 3:  # unbounded above
                store[j] = np.inf
    return lo, hi


def differencing_attack(relations: sp.csr_matrix, values: npt.ArrayLike,
                        suppressed: npt.ArrayLike, *, bounds: bool = True,
                        max_bounds_cells: int = 400) -> AttackResult:
    """Attack a release: recover suppressed cells from published cells and known sums.

    Parameters
    ----------
    relations : csr_matrix
        Relations x cells (each row sums to zero over the true values).
    values : array_like
        True cell values; only those of published cells are used by the attack (the others
        only to check that a solved value is right).
    suppressed : array_like of bool
        Cells not published.
    bounds : bool
        Also run the linear-programming bounds attack.
    max_bounds_cells : int
        Skip the bounds attack above this many suppressed cells (it solves two LPs per cell).

    Returns
    -------
    AttackResult
    """
    v = np.asarray(values, dtype=float)
    sup = np.asarray(suppressed, dtype=bool)
    m = relations.tocsr()
    diff = _differences(m, ~sup, v) & sup
    alg = determined_cells(m, sup) & sup
    lo = np.full(len(v), np.nan)
    hi = np.full(len(v), np.nan)
    pinned = np.zeros(len(v), dtype=bool)
    if bounds and int(sup.sum()) <= max_bounds_cells:
        lo, hi = _bounds(m, sup, v)
        pinned = sup & (hi - lo < 1.0)
    rec = diff | alg | pinned
    return AttackResult(np.flatnonzero(diff), np.flatnonzero(alg), lo, hi,
                        np.flatnonzero(rec))
