"""Disclosure control of linked count tables: primary and secondary suppression, rounding.

Rules (EVIDENCE.md, Disclosure control; the registry's ``min_persons`` and ``round_to``):

- **minimum count** — a cell of 1 to ``min_count - 1`` persons (default 10, CBS rule of
  thumb) is suppressed (*primary*). Zero cells are published (they describe nobody).
- **dominance** for magnitude tables (sums of amounts, e.g. euros of care per area), with the
  largest contributions per cell:

  - p % rule: sensitive when the second-largest contributor could estimate the largest within
    p %: :math:`T - x_1 - x_2 < \\tfrac{p}{100} x_1` (default p = 10);
  - (n, k) rule: sensitive when the n largest give more than k % of the total:
    :math:`\\sum_{i \\le n} x_i > \\tfrac{k}{100} T` (default n = 2, k = 85).

- **secondary suppression** — a suppressed cell must not be recoverable from the cells that
  are published and the sums that tie them (area hierarchy buurt / wijk / gemeente, area
  totals, the same totals in several tables). :func:`protect` adds complementary suppressions
  until (a) no relation has exactly one suppressed cell and (b) no suppressed cell is a linear
  function of the published cells (tested exactly with the null space of the relations
  restricted to suppressed cells, per connected component). Complements are the smallest
  positive cells of the relation, preferring the lowest level (least information lost).
- **rounding** — published counts are rounded to a multiple of 5 (CBS, wijk and buurt);
  rounding is applied after suppression and is not relied on for protection.

Core: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from groengezond.indicators.disclosure import round_to_multiple
from groengezond.ucloud.tables import LEVEL_ORDER, CellSystem

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

MIN_COUNT = 10
"""Smallest number of persons a published cell may describe (CBS rule of thumb)."""


@dataclass(frozen=True)
class Rules:
    """Parameters of disclosure control.

    Attributes
    ----------
    min_count : int
        Smallest publishable count (persons; default 10).
    p_pct : float
        p of the p % rule (default 10; Hundepool et al. 2012, Statistical Disclosure Control,
        section 4.2.2, give p between 10 and 20 as usual).
    n : int
        n of the (n, k) rule (default 2).
    k_pct : float
        k of the (n, k) rule (default 85; Hundepool et al. 2012 give (2, 85) as an example).
    round_to : int
        Published counts are rounded to a multiple of this (default 5, CBS).
    """

    min_count: int = MIN_COUNT
    p_pct: float = 10.0
    n: int = 2
    k_pct: float = 85.0
    round_to: int = 5


def p_percent_sensitive(total: npt.ArrayLike, x1: npt.ArrayLike, x2: npt.ArrayLike,
                        p_pct: float) -> BoolArray:
    """True where the p % rule is broken: :math:`T - x_1 - x_2 < p/100 \\cdot x_1`.

    Parameters
    ----------
    total, x1, x2 : array_like
        Cell total and its largest and second-largest contribution (same unit, e.g. EUR).
        NaN contributions cannot be checked and count as sensitive (fail closed).
    p_pct : float
        p (%).
    """
    t, a, b = (np.asarray(v, dtype=float) for v in (total, x1, x2))
    out = (t - a - np.nan_to_num(b)) < (p_pct / 100.0) * a
    return np.asarray(out | np.isnan(a), dtype=bool)


def nk_sensitive(total: npt.ArrayLike, top_n_sum: npt.ArrayLike, k_pct: float) -> BoolArray:
    """True where the n largest contributions exceed ``k_pct`` % of the total.

    Parameters
    ----------
    total, top_n_sum : array_like
        Cell total and the sum of its n largest contributions (same unit). NaN is sensitive.
    k_pct : float
        k (%).
    """
    t, s = np.asarray(total, dtype=float), np.asarray(top_n_sum, dtype=float)
    return np.asarray(np.isnan(s) | (s > (k_pct / 100.0) * t), dtype=bool)


def primary(cells: pd.DataFrame, rules: Rules) -> tuple[BoolArray, npt.NDArray[np.object_]]:
    """Primary suppression: small counts and dominated magnitudes.

    The minimum count applies to ``persons`` (contributors) where the cells have that column
    (sums of amounts), otherwise to ``value`` (counts of persons).

    Returns
    -------
    suppressed : ndarray of bool
    reason : ndarray of str
        ``min_count``, ``p_percent`` or ``nk_dominance`` (keys; the UI words them), or ``""``.
    """
    v = cells["value"].to_numpy(dtype=float)
    persons = cells["persons"].to_numpy(dtype=float) if "persons" in cells.columns else v
    reason = np.full(len(cells), "", dtype=object)
    reason[(v > 0) & (persons < rules.min_count)] = "min_count"
    if {"top1", "top2"} <= set(cells.columns):
        pp = p_percent_sensitive(v, cells["top1"], cells["top2"], rules.p_pct) & (v > 0)
        reason[pp & (reason == "")] = "p_percent"
    if "topn" in cells.columns:
        nk = nk_sensitive(v, cells["topn"], rules.k_pct) & (v > 0)
        reason[nk & (reason == "")] = "nk_dominance"
    return reason != "", reason


def determined_cells(relations: sp.csr_matrix, suppressed: BoolArray,
                     tol: float = 1e-9) -> BoolArray:
    """Suppressed cells whose value follows exactly from the published cells.

    With the published values known, the relations restricted to the suppressed cells read
    :math:`A x_S = b`. A cell :math:`i \\in S` is determined iff every vector of the null space
    of :math:`A` is zero at :math:`i`. Computed per connected component of the suppressed
    cells (two cells are connected when a relation holds both).

    Parameters
    ----------
    relations : csr_matrix
        Relations x cells.
    suppressed : ndarray of bool
        Suppressed cells.

    Returns
    -------
    ndarray of bool
        True at suppressed cells an attacker can compute exactly.
    """
    s_idx = np.flatnonzero(suppressed)
    out = np.zeros(len(suppressed), dtype=bool)
    if s_idx.size == 0:
        return out
    a = relations[:, s_idx].tocsc()
    a.eliminate_zeros()
    rows_used = np.flatnonzero(np.diff(a.tocsr().indptr) > 0)
    a = a.tocsr()[rows_used]
    # graph of suppressed cells via shared relations
    adj = (a.T @ a) != 0
    n_comp, label = connected_components(adj, directed=False)
    ac = a.tocsc()
    for c in range(n_comp):
        members = np.flatnonzero(label == c)
        sub = ac[:, members]
        r = np.flatnonzero(np.diff(sub.tocsr().indptr) > 0)
        if r.size == 0:
            continue  # in no relation with a published total: free
        dense = sub.tocsr()[r].toarray()
        _, sv, vt = np.linalg.svd(dense, full_matrices=True)
        rank = int((sv > tol * max(1.0, sv[0] if sv.size else 1.0)).sum())
        null = vt[rank:].T  # members x nullity
        if null.shape[1] == 0:
            out[s_idx[members]] = True
        else:
            out[s_idx[members[np.abs(null).max(axis=1) < 1e-8]]] = True
    return out


def _level_rank(levels: pd.Series) -> npt.NDArray[np.int64]:
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    return np.asarray(levels.map(lambda x: order.get(str(x), len(order))), dtype=np.int64)


def _complement(row_cells: npt.NDArray[np.int64], suppressed: BoolArray,
                values: FloatArray, cost: FloatArray) -> int | None:
    """The published cell of a relation that is cheapest to suppress (positive first)."""
    free = row_cells[~suppressed[row_cells]]
    if free.size == 0:
        return None
    pos = free[values[free] > 0]
    pool = pos if pos.size else free
    return int(pool[np.argmin(cost[pool])])


def protect(system: CellSystem, rules: Rules | None = None,
            max_rounds: int = 10_000) -> pd.DataFrame:
    """Primary and secondary suppression of every cell of a release, then rounding.

    Parameters
    ----------
    system : CellSystem
        Cells and relations of all tables of the release.
    rules : Rules, optional
        Thresholds (defaults: 10 persons, p = 10 %, (2, 85), rounding to 5).
    max_rounds : int
        Safety bound on the number of complement rounds.

    Returns
    -------
    DataFrame
        ``system.cells`` with ``suppressed`` (bool), ``reason`` (``min_count``,
        ``p_percent``, ``nk_dominance``, ``secondary`` or ``""``) and ``published`` (the
        rounded count, NaN when suppressed). Contribution columns are dropped.
    """
    rules = rules or Rules()
    cells = system.cells
    values = system.values
    sup, reason = primary(cells, rules)
    # cost: lower levels and smaller values are cheaper to give up
    # (a release of a source that sent nothing has no cells)
    cost = _level_rank(cells["level"]) * ((values.max() if values.size else 0.0) + 1.0) * 4 + values
    m = system.relations.tocsr()
    rows = [m.indices[m.indptr[i]:m.indptr[i + 1]].astype(np.int64)
            for i in range(m.shape[0])]
    rows_of: list[list[int]] = [[] for _ in range(len(cells))]
    for i, rc in enumerate(rows):
        for c in rc:
            rows_of[int(c)].append(i)
    for _ in range(max_rounds):
        changed = True
        while changed:  # (a) no relation with exactly one suppressed cell
            changed = False
            for rc in rows:
                if int(sup[rc].sum()) == 1:
                    pick = _complement(rc, sup, values, cost)
                    if pick is not None:
                        sup[pick] = True
                        reason[pick] = "secondary"
                        changed = True
        det = determined_cells(m, sup)  # (b) no suppressed cell follows linearly
        if not det.any():
            break
        added = False
        for c in np.flatnonzero(det):  # one complement per determined cell, per round
            best: int | None = None
            for r in rows_of[int(c)]:
                pick = _complement(rows[r], sup, values, cost)
                if pick is not None and (best is None or cost[pick] < cost[best]):
                    best = pick
            if best is not None:
                sup[best] = True
                reason[best] = "secondary"
                added = True
        if not added:
            break  # nothing left to suppress around the determined cells
    out = cells.drop(columns=[c for c in ("top1", "top2", "topn", "persons")
                              if c in cells.columns])
    out = out.copy()
    out["suppressed"] = sup
    out["reason"] = reason.astype(str)
    pub = round_to_multiple(values, rules.round_to)
    pub[sup] = np.nan
    out["published"] = pub
    return out
