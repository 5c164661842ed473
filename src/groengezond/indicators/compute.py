"""Indicator values per area and year at every level: buurt values aggregated upwards.

:func:`area_values` takes a region's indicator values (long form, mostly per buurt), keeps
the indicators of the registry and returns one row per area, indicator and year at every
level (buurt, wijk, gemeente, region), with the 95 % interval carried through aggregation,
the number of persons the value describes (for disclosure control) and how it was derived.

Method (see ``docs/monitor.md``): a level's value is computed from its buurten, never chained
through intermediate levels, following the indicator's ``aggregate`` entry:

.. math::

    \\bar v = \\frac{\\sum_i w_i v_i}{\\sum_i w_i}, \\qquad
    SE(\\bar v) = \\frac{\\sqrt{\\sum_i w_i^2 SE_i^2}}{\\sum_i w_i}, \\qquad
    SE_i = \\frac{u_i - l_i}{2 \\cdot 1.96}

for resident-weighted means and ratios of sums (the buurt estimates taken as independent), and
:math:`\\sum_i v_i` with :math:`SE = \\sqrt{\\sum_i SE_i^2}` for sums. The interval of an
aggregate is :math:`\\bar v \\pm 1.96\\,SE`. A value the source gives for a higher level
(``derivation = "source"``) takes precedence over the aggregate of its buurten.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.indicators.registry import BASES, Registry, load_registry
from groengezond.region.model import Region
from groengezond.region.schema import LEVELS

Z95 = 1.96
"""Two-sided 95 % normal quantile used to turn intervals into standard errors and back."""

VALUE_COLUMNS = ["area_code", "level", "indicator", "year", "value", "lower", "upper", "se",
                 "persons", "coverage", "derivation", "source", "top_share"]
"""Columns of the table :func:`area_values` returns."""


@dataclass(frozen=True)
class AreaValues:
    """Result of :func:`area_values`.

    Attributes
    ----------
    table : DataFrame
        One row per area, indicator and year (columns :data:`VALUE_COLUMNS`).
    notes : tuple of str
        What was skipped or approximated (unknown indicators, missing weights).
    """

    table: pd.DataFrame
    notes: tuple[str, ...]


def se_from_interval(lower: npt.ArrayLike, upper: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Standard error from a 95 % interval.

    .. math:: SE = (u - l) / (2 \\cdot 1.96) = (u - l) / 3.92

    Parameters
    ----------
    lower, upper : array_like
        Bounds of the 95 % interval (indicator unit); NaN gives NaN.

    Returns
    -------
    ndarray of float
        Standard error (indicator unit).
    """
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    out: npt.NDArray[np.float64] = (hi - lo) / (2.0 * Z95)
    return out


def ancestors(areas: pd.DataFrame) -> pd.DataFrame:
    """Map every buurt to the area that contains it at each level.

    Parameters
    ----------
    areas : DataFrame
        Areas with ``code``, ``level`` and ``parent``.

    Returns
    -------
    DataFrame
        Index: buurt code; one column per level (``buurt`` holds the code itself). A missing
        ancestor is NaN.
    """
    parent = areas.set_index("code")["parent"]
    buurten = areas.loc[areas["level"] == "buurt", "code"].astype(str).to_numpy()
    out = pd.DataFrame({"buurt": buurten}, index=pd.Index(buurten, name="code"))
    current = pd.Series(buurten, index=buurten, dtype=object)
    for level in LEVELS[1:]:
        current = current.map(parent)
        out[level] = current.to_numpy()
    return out


def aggregate(values: pd.DataFrame, membership: pd.Series, weights: pd.DataFrame,
              registry: Registry) -> pd.DataFrame:
    """Aggregate buurt values to the areas named in ``membership``.

    Parameters
    ----------
    values : DataFrame
        Buurt rows: ``area_code``, ``indicator``, ``year``, ``value``, ``se`` (indicator
        unit; NaN when the source gives no interval), ``source``.
    membership : Series
        Code of the target area per buurt code (index: buurt code).
    weights : DataFrame
        Index (``area_code``, ``year``) over every buurt and year, one column per base used
        (``inhabitants``, ``land_area_m2`` or an indicator id): the weight of each buurt
        (persons, m² or the indicator's unit).
    registry : Registry
        Gives each indicator's aggregation method and base.

    Returns
    -------
    DataFrame
        ``area_code`` (target), ``indicator``, ``year``, ``value``, ``se``, ``coverage``
        (share of the target's weight whose buurten have a value; 1 = complete),
        ``top_share`` (for sums: largest buurt share of the total), ``source``.
    """
    if values.empty:
        return pd.DataFrame(columns=["area_code", "indicator", "year", "value", "se",
                                     "coverage", "top_share", "source"])
    df = values.copy()
    df["target"] = df["area_code"].map(membership)
    df = df[df["target"].notna()]
    methods = {ind.id: ind.aggregate for ind in registry.indicators}
    base_of = {i: m.base or "inhabitants" for i, m in methods.items()}
    sum_of = {i: m.method == "sum" for i, m in methods.items()}
    cov_of = {i: "inhabitants" if m.method == "sum" else m.base for i, m in methods.items()}
    base = df["indicator"].map(base_of)
    is_sum = df["indicator"].map(sum_of).to_numpy(dtype=bool)
    w = np.empty(len(df))
    stacked = weights.stack()
    keys = pd.MultiIndex.from_arrays([df["area_code"], df["year"], base])
    w[:] = stacked.reindex(keys).to_numpy(dtype=float)
    w = np.where(is_sum, 1.0, w)
    v = df["value"].to_numpy(dtype=float)
    se = df["se"].to_numpy(dtype=float)
    has_v = ~np.isnan(v) & ~np.isnan(w)
    wv = np.where(has_v, w * v, 0.0)
    wvalid = np.where(has_v, w, 0.0)
    w2se2 = np.where(has_v, (w * se) ** 2, 0.0)
    se_missing = (has_v & np.isnan(se)).astype(int)
    # Coverage weight: the base of means, inhabitants for sums.
    cov_w = stacked.reindex(pd.MultiIndex.from_arrays(
        [df["area_code"], df["year"], base.where(~is_sum, "inhabitants")])).to_numpy(dtype=float)
    parts = pd.DataFrame({
        "area_code": df["target"].to_numpy(), "indicator": df["indicator"].to_numpy(),
        "year": df["year"].to_numpy(), "wv": wv, "w": wvalid, "w2se2": w2se2,
        "se_missing": se_missing, "n": has_v.astype(int),
        "cov_w": np.where(has_v, np.nan_to_num(cov_w), 0.0),
        "vmax": np.where(has_v, np.abs(v), 0.0), "source": df["source"].to_numpy(),
    })
    g = parts.groupby(["area_code", "indicator", "year"], sort=True)
    out = g.agg(wv=("wv", "sum"), w=("w", "sum"), w2se2=("w2se2", "sum"),
                se_missing=("se_missing", "sum"), n=("n", "sum"), cov_w=("cov_w", "sum"),
                vmax=("vmax", "max"), source=("source", "first")).reset_index()
    sums = out["indicator"].map(sum_of).to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = out["wv"].to_numpy() / out["w"].to_numpy()
        se_mean = np.sqrt(out["w2se2"].to_numpy()) / out["w"].to_numpy()
        total = out["wv"].to_numpy()
        top = np.where(total != 0, out["vmax"].to_numpy() / np.abs(total), np.nan)
    value = np.where(sums, total, mean)
    value = np.where(out["n"].to_numpy() > 0, value, np.nan)
    se_out = np.where(sums, np.sqrt(out["w2se2"].to_numpy()), se_mean)
    se_out = np.where((out["se_missing"].to_numpy() > 0) | (out["n"].to_numpy() == 0),
                      np.nan, se_out)
    # Total weight of every buurt of each target (with or without a value) for coverage.
    member_w = weights.reset_index()
    member_w["target"] = member_w["area_code"].map(membership)
    tot = member_w.groupby(["target", "year"]).sum(numeric_only=True)
    cov_base = out["indicator"].map(cov_of)
    denom = tot.stack().reindex(pd.MultiIndex.from_arrays(
        [out["area_code"], out["year"], cov_base])).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.clip(out["cov_w"].to_numpy() / denom, 0.0, 1.0)
    return pd.DataFrame({
        "area_code": out["area_code"].to_numpy(), "indicator": out["indicator"].to_numpy(),
        "year": out["year"].to_numpy(dtype="int64"), "value": value, "se": se_out,
        "coverage": coverage, "top_share": np.where(sums, top, np.nan),
        "source": out["source"].astype(str).to_numpy(),
    })


def _weights(region: Region, long: pd.DataFrame, registry: Registry,
             years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """Weight per buurt and year for every base the registry uses (see :func:`aggregate`)."""
    notes: list[str] = []
    buurten = region.areas_at("buurt")
    codes = buurten["code"].astype(str).to_numpy()
    index = pd.MultiIndex.from_product([codes, years], names=["area_code", "year"])
    frame = pd.DataFrame(index=index)
    fixed = pd.Series(buurten["inhabitants"].to_numpy(dtype=float), index=codes)
    frame["inhabitants"] = fixed.reindex(index.get_level_values(0)).to_numpy()
    area_m2 = pd.Series(np.asarray(buurten.geometry.area, dtype=float), index=codes)
    frame["land_area_m2"] = area_m2.reindex(index.get_level_values(0)).to_numpy()
    present = set(long["indicator"].astype(str))
    wanted = {ind.aggregate.base for ind in registry.indicators if ind.id in present}
    wanted = wanted - {None} - BASES
    for base in sorted({"inhabitants", *(b for b in wanted if b is not None)}):
        rows = long[(long["indicator"] == base) & long["area_code"].isin(codes)]
        per_year = rows.set_index(["area_code", "year"])["value"]
        per_year = per_year[~per_year.index.duplicated()]
        given = per_year.reindex(index).to_numpy(dtype=float)
        if base == "inhabitants":
            frame[base] = np.where(np.isnan(given), frame["inhabitants"].to_numpy(), given)
        else:
            if np.isnan(given).all():
                notes.append(f"Weight '{base}' is not in the region: means weighted by it use "
                             "inhabitants instead.")
            frame[base] = np.where(np.isnan(given), frame["inhabitants"].to_numpy(), given)
    return frame, notes


def area_values(region: Region, registry: Registry | None = None,
                extra: pd.DataFrame | None = None) -> AreaValues:
    """Values of every registry indicator per area and year at every level.

    Parameters
    ----------
    region : Region
        The region; ``region.indicators`` holds the source values (long form).
    registry : Registry, optional
        Defaults to the package registry.
    extra : DataFrame, optional
        More values in the same long form (e.g. from the access engine); they replace
        region values of the same area, indicator and year.

    Returns
    -------
    AreaValues
        Table with columns :data:`VALUE_COLUMNS`; ``persons`` is the number of inhabitants
        of the area in that year (from the ``inhabitants`` indicator when the region has it,
        else from ``areas.parquet``), the base of disclosure control.
    """
    reg = registry or load_registry()
    long = region.indicators
    if extra is not None and len(extra):
        long = pd.concat([extra, long], ignore_index=True)
        long = long.drop_duplicates(["area_code", "indicator", "year"], keep="first")
    long = pd.DataFrame(long)
    notes: list[str] = []
    unknown = sorted(set(long["indicator"].astype(str)) - set(reg.ids))
    if unknown:
        notes.append(f"Not in the indicator registry, so not published: {', '.join(unknown)}.")
    long = long[long["indicator"].isin(reg.ids)].copy()
    long["year"] = long["year"].astype("int64")
    long["se"] = se_from_interval(long["lower"], long["upper"])
    level_of = region.areas.set_index("code")["level"]
    long["level"] = long["area_code"].map(level_of)
    years = sorted(int(y) for y in long["year"].unique())
    weights, wnotes = _weights(region, long, reg, years)
    notes += wnotes
    tree = ancestors(region.areas)
    buurt_rows = long[long["level"] == "buurt"]
    frames = [buurt_rows.assign(derivation="source", coverage=1.0, top_share=np.nan)]
    for level in LEVELS[1:]:
        agg = aggregate(buurt_rows, tree[level].dropna(), weights, reg)
        agg["level"] = level
        agg["derivation"] = "aggregated"
        given = long[long["level"] == level].assign(derivation="source", coverage=1.0,
                                                    top_share=np.nan)
        if len(given):
            key = ["area_code", "indicator", "year"]
            have = pd.MultiIndex.from_frame(given[key])
            agg = agg[~pd.MultiIndex.from_frame(agg[key]).isin(have)]
        frames += [agg, given]
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in VALUE_COLUMNS})
        for col in ("year", "value", "lower", "upper", "se", "persons", "coverage", "top_share"):
            empty[col] = empty[col].astype("int64" if col == "year" else "float64")
        return AreaValues(empty, tuple(notes))
    table = pd.concat(nonempty, ignore_index=True)
    ok = table["se"].notna() & table["value"].notna()
    src = table["derivation"] == "source"
    table["lower"] = np.where(src, table["lower"], np.where(ok, table["value"] - Z95 * table["se"],
                                                            np.nan))
    table["upper"] = np.where(src, table["upper"], np.where(ok, table["value"] + Z95 * table["se"],
                                                            np.nan))
    table["persons"] = _persons(region, table, years)
    table["year"] = table["year"].astype("int64")
    table["_order"] = table["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    table = table.sort_values(["indicator", "year", "_order", "area_code"], kind="stable")
    table = table[VALUE_COLUMNS].reset_index(drop=True)
    return AreaValues(table, tuple(notes))


def _persons(region: Region, table: pd.DataFrame, years: list[int]) -> npt.NDArray[np.float64]:
    """Inhabitants per row's area and year (``inhabitants`` indicator, else areas.parquet)."""
    fixed = region.areas.set_index("code")["inhabitants"].astype(float)
    rows = table[table["indicator"] == "inhabitants"].set_index(["area_code", "year"])["value"]
    rows = rows[~rows.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([table["area_code"], table["year"]])
    per_year = rows.reindex(keys).to_numpy(dtype=float)
    base = table["area_code"].map(fixed).to_numpy(dtype=float)
    out: npt.NDArray[np.float64] = np.where(np.isnan(per_year), base, per_year)
    return out
