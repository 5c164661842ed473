"""Linked count tables: the cells a release publishes and the sums that tie them together.

A release of person counts is rarely one table. The same persons are counted per buurt, per
wijk and per gemeente (the area hierarchy), and in several tables at once (by age band, by sex,
by scheme). Every such sum is public knowledge: a wijk total is the sum of its buurten, an
area's total is the sum of its age bands, and the total of the age table equals the total of
the sex table. :class:`CellSystem` holds all cells of all tables of one release and these
relations as a sparse linear system

.. math:: M x = 0,

one row per relation (``total - sum(parts) = 0`` or ``a - b = 0``), so that disclosure control
(:mod:`.suppression`) and the attack that tests it (:mod:`.attack`) see exactly what an outsider
sees.

Core: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from groengezond.errors import InputError

TOTAL = "total"
"""Category label of an area's total over the categories of a table."""

LEVEL_ORDER = ("buurt", "wijk", "gemeente", "region")


@dataclass(frozen=True)
class CellSystem:
    """All cells of a release and the linear relations between them.

    Attributes
    ----------
    cells : DataFrame
        One row per distinct cell: ``cell`` (0..n-1), ``table``, ``area_code``, ``level``,
        ``category``, ``value`` (persons, exact), optional ``top1``, ``top2``, ``topn``
        (largest contributions, for dominance rules of magnitude tables).
    relations : scipy.sparse.csr_matrix
        ``M`` (relations x cells): each row sums to zero over the true values.
    """

    cells: pd.DataFrame
    relations: sp.csr_matrix

    @property
    def values(self) -> npt.NDArray[np.float64]:
        """Exact cell values (persons)."""
        return np.asarray(self.cells["value"].to_numpy(dtype=float), dtype=np.float64)

    def check(self) -> None:
        """Raise when the true values do not satisfy the relations (an inconsistent input)."""
        resid = self.relations @ self.values
        bad = np.flatnonzero(np.abs(resid) > 1e-6)
        if bad.size:
            raise InputError.single("cell system", f"relation {int(bad[0])}", "value",
                                    f"{bad.size} relations do not add up (first residual "
                                    f"{float(resid[bad[0]]):g})",
                                    "build the tables from one set of microdata")


def hierarchy_counts(counts: pd.DataFrame, areas: pd.DataFrame, *, table: str,
                     category_column: str, levels: Sequence[str] = ("buurt", "wijk",
                                                                     "gemeente"),
                     ) -> pd.DataFrame:
    """Aggregate buurt counts by category up the area hierarchy, with area totals.

    Parameters
    ----------
    counts : DataFrame
        Columns ``buurt``, ``category_column`` and ``value`` (persons).
    areas : DataFrame
        Columns ``code``, ``level``, ``parent`` (the region's areas table).
    table : str
        Name of the table.
    category_column : str
        Column of ``counts`` holding the category (age band, sex, ...).
    levels : sequence of str
        Levels to release, from the buurt up.

    Returns
    -------
    DataFrame
        Columns ``table``, ``area_code``, ``level``, ``parent``, ``category``, ``value``:
        every (area, category) and (area, ``total``) at every level, zeros included.
    """
    parent = dict(zip(areas["code"].astype(str), areas["parent"].astype(object), strict=True))
    level_of = dict(zip(areas["code"].astype(str), areas["level"].astype(str), strict=True))
    buurten = sorted(c for c, lv in level_of.items() if lv == "buurt")
    cats = sorted(counts[category_column].astype(str).unique())
    unknown = sorted(set(counts["buurt"].astype(str)) - set(buurten))
    if unknown:
        raise InputError.single(table, f"buurt {unknown[0]}", "buurt",
                                f"{len(unknown)} buurt codes are not in the region",
                                "map addresses to the region's buurten at ingestion")
    grid = (counts.assign(buurt=counts["buurt"].astype(str),
                          category=counts[category_column].astype(str))
            .groupby(["buurt", "category"])["value"].sum()
            .reindex(pd.MultiIndex.from_product([buurten, cats],
                                                names=["buurt", "category"]),
                     fill_value=0).reset_index())
    frames = []
    cur = grid.rename(columns={"buurt": "area_code"})
    for i, lv in enumerate(levels):
        if i > 0:
            cur = (cur.assign(area_code=cur["area_code"].map(parent))
                   .dropna(subset=["area_code"])
                   .groupby(["area_code", "category"], as_index=False)["value"].sum())
        frames.append(cur.assign(level=lv))
    out = pd.concat(frames, ignore_index=True)
    tot = out.groupby(["area_code", "level"], as_index=False)["value"].sum()
    out = pd.concat([out, tot.assign(category=TOTAL)], ignore_index=True)
    out["table"] = table
    out["parent"] = out["area_code"].map(parent)
    out["value"] = out["value"].astype(float)
    return out[["table", "area_code", "level", "parent", "category", "value"]]


Triplets = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64], int]
"""Rows, columns and values of sparse relations, and the number of relation rows."""


def _ordered_groups(first: npt.NDArray[np.int64], outer: npt.NDArray[np.int64]
                    ) -> tuple[npt.NDArray[np.int64], int]:
    """Number groups by their ``outer`` group's first appearance, then their own.

    ``first`` is the row of each group's first appearance, ``outer`` the (first-appearance)
    number of the group it lies in. Returns each group's position, and the count.
    """
    order = np.lexsort((first, outer))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank, len(order)


def _parent_relations(frame: pd.DataFrame) -> Triplets:
    """``parent - sum(children) = 0`` per table, category and parent area present.

    Relations are numbered as a loop over (table, category) in order of appearance, and
    within it over parents in order of their first child, would number them.
    """
    tab = frame["table"].astype(str).to_numpy()
    cat = frame["category"].astype(str).to_numpy()
    code = frame["area_code"].astype(str).to_numpy()
    par = frame["parent"]
    is_str = par.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    tc_key = pd.Series(tab, dtype=object) + "|" + pd.Series(cat, dtype=object)
    own = pd.Series(frame["cell"].to_numpy(), index=tc_key + "|" + pd.Series(code, dtype=object))
    own = own[~own.index.duplicated(keep="last")]
    par_s = pd.Series(np.where(is_str, par.astype(object), ""), dtype=object)
    pcell = (tc_key + "|" + par_s).map(own).to_numpy()
    has = is_str & ~pd.isna(pcell)
    empty = np.empty(0, dtype=np.int64)
    if not has.any():
        return empty, empty, np.empty(0, dtype=np.float64), 0
    tc = pd.factorize(tc_key)[0][has]
    group, uniq = pd.factorize(pd.Series(tc.astype(str), dtype=object) + "|" + par_s[has]
                               .reset_index(drop=True))
    first = np.full(len(uniq), len(group), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(group)))
    outer = tc[first]
    rank, n = _ordered_groups(first, outer)
    child_rows = rank[group]
    parent_of_group = np.asarray(pcell[has][first], dtype=np.int64)
    rows = np.concatenate([rank, child_rows])
    cols = np.concatenate([parent_of_group, frame["cell"].to_numpy(dtype=np.int64)[has]])
    vals = np.concatenate([np.ones(n), -np.ones(len(child_rows))])
    return rows, cols, vals, n


def _total_relations(frame: pd.DataFrame, first_row: int) -> Triplets:
    """``total - sum(categories) = 0`` per table and area with one total and some parts,
    numbered from ``first_row`` in order of the (table, area)'s first appearance."""
    key = frame["table"].astype(str) + "|" + frame["area_code"].astype(str)
    g, uniq = pd.factorize(key)
    is_tot = (frame["category"].astype(str) == TOTAL).to_numpy()
    cell = frame["cell"].to_numpy(dtype=np.int64)
    n_tot = np.bincount(g[is_tot], minlength=len(uniq))
    n_parts = np.bincount(g[~is_tot], minlength=len(uniq))
    valid = (n_tot == 1) & (n_parts > 0)
    row_of = first_row + np.cumsum(valid) - 1
    take_tot = is_tot & valid[g]
    take_part = ~is_tot & valid[g]
    rows = np.concatenate([row_of[g[take_tot]], row_of[g[take_part]]]).astype(np.int64)
    cols = np.concatenate([cell[take_tot], cell[take_part]])
    vals = np.concatenate([np.ones(int(take_tot.sum())), -np.ones(int(take_part.sum()))])
    return rows, cols, vals, int(valid.sum())


def build_system(tables: Sequence[pd.DataFrame], *, shared_totals: bool = True) -> CellSystem:
    """The cells of several hierarchical tables and every relation an outsider knows.

    Relations: for each table, level and category, a parent area's cell is the sum of its
    children's cells; for each table and area, the ``total`` is the sum of the categories.
    With ``shared_totals``, the ``total`` cells of an area are one and the same cell in every
    table (the same persons), which links the tables.

    Parameters
    ----------
    tables : sequence of DataFrame
        Tables from :func:`hierarchy_counts` (columns ``table``, ``area_code``, ``level``,
        ``parent``, ``category``, ``value``; optional ``top1``, ``top2``, ``topn``).
    shared_totals : bool
        Merge the area totals of all tables into one cell per area.

    Returns
    -------
    CellSystem
    """
    frame = pd.concat(list(tables), ignore_index=True)
    key = frame["table"].astype(str) + "|" + frame["area_code"].astype(str) + "|" + \
        frame["category"].astype(str)
    if shared_totals:
        is_tot = frame["category"].astype(str) == TOTAL
        key = key.where(~is_tot, "*|" + frame["area_code"].astype(str) + "|" + TOTAL)
    frame["key"] = key
    firsts = frame.drop_duplicates("key").reset_index(drop=True)
    dup = frame.merge(firsts[["key", "value"]], on="key", suffixes=("", "_first"))
    if (np.abs(dup["value"] - dup["value_first"]) > 1e-9).any():
        raise InputError.single("cell system", "", "total",
                                "tables give different totals for the same area",
                                "build every table from the same persons")
    cells = firsts.copy()
    cells["cell"] = np.arange(len(cells))
    if shared_totals:
        cells.loc[cells["category"] == TOTAL, "table"] = "*"
    idx = dict(zip(cells["key"], cells["cell"], strict=True))
    frame["cell"] = frame["key"].map(idx)
    parent_rows, parent_cols, parent_vals, r = _parent_relations(frame)
    total_rows, total_cols, total_vals, n_total = _total_relations(frame, first_row=r)
    rows = np.concatenate([parent_rows, total_rows])
    cols = np.concatenate([parent_cols, total_cols])
    vals = np.concatenate([parent_vals, total_vals])
    r += n_total
    m = sp.csr_matrix((vals, (rows, cols)), shape=(r, len(cells)))
    m.sum_duplicates()
    system = CellSystem(cells.drop(columns=["key"]), m)
    system.check()
    return system


def hierarchy_magnitudes(frame: pd.DataFrame, areas: pd.DataFrame, *, table: str,
                         category_column: str, amount_column: str,
                         levels: Sequence[str] = ("buurt", "wijk", "gemeente"),
                         ) -> pd.DataFrame:
    """Sums of amounts contributed by persons, per area and category, with what dominance
    rules need.

    Parameters
    ----------
    frame : DataFrame
        One row per contributing person: ``buurt``, ``category_column``, ``amount_column``
        (e.g. contacts in the year; rows with 0 are ignored).
    areas : DataFrame
        ``code``, ``level``, ``parent``.
    table, category_column, amount_column : str
    levels : sequence of str

    Returns
    -------
    DataFrame
        As :func:`hierarchy_counts` (``value`` is the sum of amounts), plus ``persons``
        (contributors), ``top1`` and ``top2`` (the two largest contributions; 0 when absent).
    """
    parent = dict(zip(areas["code"].astype(str), areas["parent"].astype(object), strict=True))
    f = frame.loc[frame[amount_column] > 0, ["buurt", category_column, amount_column]]
    f = f.rename(columns={category_column: "category", amount_column: "amount"})
    f["category"] = f["category"].astype(str)
    f["amount"] = f["amount"].astype(float)
    f["area_code"] = f["buurt"].astype(str)
    base = hierarchy_counts(
        f.groupby(["buurt", "category"], as_index=False)["amount"].sum().rename(
            columns={"amount": "value"}),
        areas, table=table, category_column="category", levels=levels)
    stats = []
    cur = f
    for i, lv in enumerate(levels):
        if i > 0:
            cur = cur.assign(area_code=cur["area_code"].map(parent)).dropna(
                subset=["area_code"])
        for with_total in (False, True):
            g = cur.assign(category=TOTAL) if with_total else cur
            srt = g.sort_values("amount", ascending=False, kind="stable")
            grp = srt.groupby(["area_code", "category"], sort=False)
            rank = grp.cumcount()
            top = srt.assign(rank=rank.to_numpy())
            top = top[top["rank"] < 2].pivot_table(index=["area_code", "category"],
                                                   columns="rank", values="amount",
                                                   aggfunc="first")
            s = grp.size().rename("persons").to_frame().join(top)
            s = s.rename(columns={0: "top1", 1: "top2"}).reset_index()
            stats.append(s.assign(level=lv))
    st = pd.concat(stats, ignore_index=True)
    out = base.merge(st, on=["area_code", "level", "category"], how="left")
    for col in ("persons", "top1", "top2"):
        if col not in out.columns:
            out[col] = 0.0
        out[col] = out[col].fillna(0.0).astype(float)
    return out
