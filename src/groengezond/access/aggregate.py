"""Aggregation of per-address results to buurt, wijk, gemeente and region, with equity groups.

Every address value is weighted by the people it stands for. For the whole population the
weight is ``residents``; for an age group it is the address's count in that group
(``age_0_17``, ``age_18_64``, ``age_65_plus``); for an income group it is ``residents`` of the
addresses whose ``income_decile`` falls in the group (:data:`INCOME_GROUPS`). A share column
(boolean) becomes the weighted share of people; a numeric column the weighted mean, or the
weighted median for distances (means of distances are dominated by a few far homes and are
``inf`` when one home cannot reach any green).

.. math::

    \\bar x_A = \\frac{\\sum_{i \\in A} w_i x_i}{\\sum_{i \\in A} w_i}

Output columns are ``<value>`` for everybody and ``<value>__<group>`` per group, e.g.
``within_300m_network__income_low``; areas without people in a group get ``nan``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.region.schema import LEVELS

INCOME_GROUPS: dict[str, tuple[int, int]] = {
    "income_low": (1, 3),
    "income_middle": (4, 7),
    "income_high": (8, 10),
}
"""Income groups by national income decile (inclusive ranges)."""

AGE_GROUPS: tuple[str, ...] = ("age_0_17", "age_18_64", "age_65_plus")
"""Age-group columns of the address layer (persons)."""


def group_weights(addresses: pd.DataFrame) -> dict[str, npt.NDArray[np.float64]]:
    """Weights (persons) per address for everybody and each equity group present."""
    residents = addresses["residents"].to_numpy(dtype=np.float64)
    out = {"all": residents}
    if "income_decile" in addresses.columns:
        decile = pd.to_numeric(addresses["income_decile"], errors="coerce").to_numpy()
        for name, (lo, hi) in INCOME_GROUPS.items():
            out[name] = np.where((decile >= lo) & (decile <= hi), residents, 0.0)
    for name in AGE_GROUPS:
        if name in addresses.columns:
            out[name] = addresses[name].to_numpy(dtype=np.float64)
    return out


def _weighted_median(groups: npt.NDArray[np.int64], values: npt.NDArray[np.float64],
                     weights: npt.NDArray[np.float64], n: int,
                     order: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.float64]:
    """Weighted median of ``values`` per group ``0 .. n - 1`` (lower median; nan if empty).

    ``order`` may give ``np.lexsort((values, groups))`` when it is reused for many weights.
    """
    if order is None:
        order = np.lexsort((values, groups))
    g, v, w = groups[order], values[order], weights[order]
    ok = (w > 0) & ~np.isnan(v)
    g, v, w = g[ok], v[ok], w[ok]
    out = np.full(n, np.nan)
    if len(g) == 0:
        return out
    cum = np.cumsum(w)
    start = np.searchsorted(g, np.arange(n), side="left")
    end = np.searchsorted(g, np.arange(n), side="right")
    has = end > start
    before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    total = cum[np.maximum(end - 1, 0)] - before
    half = before + total / 2.0
    pos = np.searchsorted(cum, half, side="left")
    pos = np.clip(pos, start, np.maximum(end - 1, start))
    out[has] = v[pos[has]]
    return out


def area_chain(areas: pd.DataFrame) -> pd.DataFrame:
    """For every buurt its wijk, gemeente and region code (columns named by level)."""
    parent = dict(zip(areas["code"], areas["parent"], strict=True))
    buurten = areas.loc[areas["level"] == "buurt", "code"].to_numpy()
    chain = {"buurt": list(buurten)}
    current = list(buurten)
    for level in LEVELS[1:]:
        current = [parent.get(c) if c is not None else None for c in current]
        chain[level] = current
    return pd.DataFrame(chain)


def aggregate(
    values: pd.DataFrame,
    addresses: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    medians: Sequence[str] = (),
    groups: Mapping[str, npt.NDArray[np.float64]] | None = None,
) -> pd.DataFrame:
    """Aggregate per-address values to every area, weighted by people.

    Parameters
    ----------
    values : DataFrame
        One row per address (same order as ``addresses``); boolean or numeric columns.
    addresses : DataFrame
        The address layer (``buurt``, ``residents`` and optional equity columns).
    areas : DataFrame
        The area layer (``code``, ``level``, ``parent``).
    medians : sequence of str
        Columns aggregated by weighted median instead of weighted mean (e.g. distances).
    groups : mapping of str to array, optional
        Weights per group (default :func:`group_weights`).

    Returns
    -------
    pandas.DataFrame
        One row per area (``code``, ``level``, ``residents``) with ``<value>`` and
        ``<value>__<group>`` columns.
    """
    weights = dict(groups) if groups is not None else group_weights(addresses)
    chain = area_chain(areas)
    codes = areas["code"].to_numpy()
    code_index = pd.Index(codes)
    buurt = addresses["buurt"].to_numpy()
    pos_in_chain = pd.Index(chain["buurt"]).get_indexer(buurt)
    rows: dict[str, npt.NDArray[np.float64]] = {}
    n = len(codes)
    area_of_level: dict[str, npt.NDArray[np.int64]] = {}
    for level in LEVELS:
        level_codes = chain[level].to_numpy()[np.clip(pos_in_chain, 0, None)]
        idx = code_index.get_indexer(level_codes)
        idx[pos_in_chain < 0] = -1
        area_of_level[level] = idx.astype(np.int64)
    out = pd.DataFrame({"code": codes, "level": areas["level"].to_numpy()})
    columns = {c: values[c].to_numpy(dtype=np.float64) for c in values.columns}
    orders = {
        (c, level): np.lexsort((columns[c][idx >= 0], idx[idx >= 0]))
        for c in values.columns if c in medians for level, idx in area_of_level.items()
    }
    for group, w in weights.items():
        suffix = "" if group == "all" else f"__{group}"
        denom = np.zeros(n)
        for idx in area_of_level.values():
            ok = idx >= 0
            denom += np.bincount(idx[ok], weights=w[ok], minlength=n)
        out[f"residents{suffix}"] = denom
        for column, x in columns.items():
            if column in medians:
                result = np.full(n, np.nan)
                for level, idx in area_of_level.items():
                    ok = idx >= 0
                    med = _weighted_median(idx[ok], x[ok], w[ok], n, orders[(column, level)])
                    result = np.where(np.isnan(med), result, med)
            else:
                finite = np.isfinite(x)
                num = np.zeros(n)
                den = np.zeros(n)
                for idx in area_of_level.values():
                    ok = (idx >= 0) & finite
                    num += np.bincount(idx[ok], weights=w[ok] * x[ok], minlength=n)
                    den += np.bincount(idx[ok], weights=w[ok], minlength=n)
                result = np.divide(num, den, out=np.full(n, np.nan), where=den > 0)
            rows[f"{column}{suffix}"] = result
    return pd.concat([out, pd.DataFrame(rows)], axis=1)
