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
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    r = 0
    # parent = sum of children, per table and category
    for (_tab, _cat), grp in frame.groupby(["table", "category"], sort=False):
        cell_of = dict(zip(grp["area_code"].astype(str), grp["cell"], strict=True))
        kids: dict[str, list[int]] = {}
        for code, par in zip(grp["area_code"].astype(str), grp["parent"], strict=True):
            if isinstance(par, str) and par in cell_of:
                kids.setdefault(par, []).append(int(cell_of[code]))
        for par, ch in kids.items():
            rows += [r] * (len(ch) + 1)
            cols += [int(cell_of[par]), *ch]
            vals += [1.0] + [-1.0] * len(ch)
            r += 1
    # total = sum of categories, per table and area
    for (_tab, _code), grp in frame.groupby(["table", "area_code"], sort=False):
        tot = grp.loc[grp["category"] == TOTAL, "cell"]
        parts = grp.loc[grp["category"] != TOTAL, "cell"]
        if len(tot) == 1 and len(parts):
            rows += [r] * (len(parts) + 1)
            cols += [int(tot.iloc[0]), *parts.astype(int)]
            vals += [1.0] + [-1.0] * len(parts)
            r += 1
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
