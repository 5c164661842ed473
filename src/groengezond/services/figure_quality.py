"""What each published figure rests on: quality flags and "not computable" rows.

The Monitor and the access service attach a ``quality`` column (real / derived / placeholder,
see :mod:`groengezond.region.quality`) to every row they publish. A row's quality is the worst of

- the *geometry* of its area (``geometry_quality``: a buurt carrying its wijk's polygon is a
  placeholder, a wijk drawn as the union of its buurten is derived), and
- the *layers* its indicator is computed from (:data:`INPUT_LAYERS`, by the registry's
  ``source``: green-access figures rest on the addresses, green spaces and walking network;
  land-cover figures on the raster; figures read from published tables on ``indicators``).

A layer whose record is *missing* does not lower a figure that exists (the figure was computed
from something else, e.g. read from a table); a figure that needs a missing layer is not
computed at all and is published as a :class:`~groengezond.region.quality.NotComputable` row
instead (:func:`not_computable_row`), never as 0 or a blank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.indicators.disclosure import PublishedTable, disclose
from groengezond.indicators.registry import Indicator, Registry
from groengezond.region.model import Region
from groengezond.region.quality import (
    ORDER,
    LayerQuality,
    NotComputable,
    QualityStatus,
    area_geometry_quality,
    region_quality,
    worst,
)

INPUT_LAYERS: dict[str, tuple[str, ...]] = {
    "access": ("addresses", "green", "network"),
    "landcover": ("landcover",),
}
"""Layers behind the indicators of a registry ``source``; any other source: ``indicators``."""

INDICATOR_LAYERS: dict[str, tuple[str, ...]] = {
    "rule_3_30_300_trees_pct": ("addresses", "trees"),
    "rule_3_30_300_canopy_pct": ("addresses", "landcover"),
    "rule_3_30_300_all_pct": ("addresses", "green", "network", "trees", "landcover"),
    "canopy_pct": ("landcover",),
}
"""Indicators whose layers differ from those of their source."""

NOT_COMPUTABLE = "not computable"
"""The words written in place of a figure that cannot be computed."""


def layers_of(indicator_id: str, registry: Registry) -> tuple[str, ...]:
    """The region layers an indicator's values rest on."""
    if indicator_id in INDICATOR_LAYERS:
        return INDICATOR_LAYERS[indicator_id]
    source = registry[indicator_id].source if indicator_id in registry.ids else ""
    return INPUT_LAYERS.get(source, ("indicators",))


def _status(records: Mapping[str, LayerQuality], layers: Iterable[str]) -> QualityStatus:
    statuses: list[QualityStatus] = [records[name].status for name in layers
                                     if name in records and records[name].status != "missing"]
    return worst(statuses)


def figure_quality(rows: pd.DataFrame, region: Region, registry: Registry, *,
                   area_column: str = "area_code",
                   indicator_column: str = "indicator") -> pd.Series:
    """Quality of each row: the worst of its area's geometry and its indicator's layers.

    Parameters
    ----------
    rows : DataFrame
        Published rows with an area code and (optionally) an indicator id per row.
    region : Region
        The region the rows describe (its areas and quality records).
    registry : Registry
        Gives each indicator's source.
    area_column, indicator_column : str
        Column names; without an indicator column only the geometry counts.

    Returns
    -------
    Series of str
        ``real``, ``derived`` or ``placeholder`` per row (index of ``rows``).
    """
    if len(rows) == 0:
        return pd.Series([], index=rows.index, dtype=object)
    geometry = pd.Series(area_geometry_quality(region.areas).to_numpy(),
                         index=region.areas["code"].astype(str).to_numpy())
    geo = rows[area_column].astype(str).map(geometry).fillna("real").to_numpy(dtype=object)
    if indicator_column in rows.columns:
        records = region_quality(region)
        by_ind = {i: _status(records, layers_of(i, registry))
                  for i in rows[indicator_column].astype(str).unique()}
        layer = rows[indicator_column].astype(str).map(by_ind).to_numpy(dtype=object)
    else:
        layer = np.full(len(rows), "real", dtype=object)
    rank = np.vectorize(ORDER.__getitem__, otypes=[int])
    out = np.where(rank(geo) >= rank(layer), geo, layer)
    return pd.Series(out, index=rows.index, dtype=object)


def worst_per_group(rows: pd.DataFrame, keys: list[str], column: str = "quality") -> pd.Series:
    """The worst ``column`` status per group of ``keys`` (a Series indexed by the keys)."""
    rank = rows[column].astype(str).map(ORDER)
    by_rank = {v: k for k, v in ORDER.items()}
    return rank.groupby([rows[k] for k in keys]).max().map(by_rank)


def default_indicator(available: Iterable[str], registry: Registry) -> str:
    """The first indicator in registry order that the region has values for.

    Parameters
    ----------
    available : iterable of str
        Indicator ids with at least one value in the region.
    registry : Registry
        Its order decides (health first, then green, then context).

    Raises
    ------
    InputError
        When the region has values of no registry indicator.
    """
    have = set(available)
    for ind in registry.indicators:
        if ind.id in have:
            return ind.id
    raise InputError.single("indicators.parquet", "", "indicator",
                            "the region has values of no indicator in the registry",
                            "build the region with a CBS or health table, or add values")


def not_computable_row(reason: NotComputable, **fields: object) -> dict[str, object]:
    """A published row that says a figure cannot be computed, and why.

    ``quality`` is ``missing``, ``not_computable`` is "not computable: <reason>" and
    ``not_computable_key`` the stable key for the UI; ``fields`` fill the row's keys
    (indicator, level, year, ...). The row's figures are left empty, never 0.
    """
    return {**fields, "quality": "missing",
            "not_computable": f"{NOT_COMPUTABLE}: {reason.reason}",
            "not_computable_key": reason.key}


ACCESS_LAYERS: tuple[str, ...] = ("addresses", "green", "network")
"""Layers every green-access figure rests on (trees and land cover only for some)."""

ACCESS_MEASURES: dict[str, tuple[str, ...]] = {
    "green": ("within_300m_network", "within_300m_euclidean", "green_network_m",
              "green_euclidean_m", "meets_300_green", "meets_3_30_300",
              "supply_m2_per_inhabitant", "green_m2_per_inhabitant_500m",
              "meets_green_norm_500m"),
    "trees": ("meets_3_trees", "meets_3_30_300", "trees_within_radius"),
    "landcover": ("meets_30_canopy", "meets_3_30_300", "canopy_share", "meets_30_canopy_area",
                  "buurt_canopy_share"),
}
"""Access measures that cannot be computed without a layer (by layer)."""


def access_quality(region: Region, codes: pd.Series) -> tuple[QualityStatus, pd.Series]:
    """Quality of green-access figures: region-wide, and per area of ``codes``.

    The address, green and network layers' statuses, worsened per area by its geometry (a
    placeholder buurt's figures rest on addresses assigned by a polygon that is not its own).

    Returns
    -------
    (str, Series of str)
        The status of per-address figures and that of each area's figures (index of
        ``codes``).
    """
    layers = _status(region_quality(region), ACCESS_LAYERS)
    geometry = pd.Series(area_geometry_quality(region.areas).to_numpy(),
                         index=region.areas["code"].astype(str).to_numpy())
    geo = codes.astype(str).map(geometry).fillna("real")
    per_area = geo.map(lambda g: worst([g, layers]))
    return layers, per_area.astype(object)


def access_not_computable(region: Region) -> dict[str, NotComputable]:
    """Access measures that cannot be computed for ``region``, with the reason.

    A measure is not computable when a layer it needs is absent (no green spaces, trees or
    land-cover raster at all). Green spaces that exist but do not count (too small, not
    public) are a real answer (no such green within reach: an infinite distance, 0 % within
    300 m), not a missing one.

    Returns
    -------
    dict of str to NotComputable
        Measure name -> reason, for measures whose layer is missing (published as "not
        computable: ..." instead of 0 or a blank).
    """
    missing: dict[str, str] = {}
    if len(region.green) == 0:
        missing["green"] = "the region has no green spaces layer"
    if len(region.trees) == 0:
        missing["trees"] = "the region has no trees layer"
    if region.landcover is None:
        missing["landcover"] = "the region has no land-cover raster"
    out: dict[str, NotComputable] = {}
    for layer, why in missing.items():
        for measure in ACCESS_MEASURES[layer]:
            if measure not in out:
                out[measure] = NotComputable(key=f"access.{layer}_missing", reason=why,
                                             missing=[layer])
    return out


def mark_not_computable(values: pd.DataFrame, region: Region, registry: Registry
                        ) -> pd.DataFrame:
    """Blank and explain the values whose indicator needs a layer the region lacks.

    A row is not computable when a layer its indicator rests on (:func:`layers_of`) has the
    status *missing* and the row has no value: the access engine leaves such measures empty
    (e.g. the canopy part of 3-30-300 without a land-cover raster, never 0 %), and this says
    why. Values that exist (read from a table, or from access results computed elsewhere)
    keep their value.

    Returns
    -------
    DataFrame
        ``values`` with ``quality`` ``missing`` on those rows, and the columns
        ``not_computable`` ("not computable: ...", empty where computable) and
        ``not_computable_key``.
    """
    out = values.copy()
    out["not_computable"] = ""
    out["not_computable_key"] = ""
    if len(out) == 0:
        return out
    records = region_quality(region)
    for ind in out["indicator"].astype(str).unique():
        absent = [name for name in layers_of(ind, registry)
                  if name in records and records[name].status == "missing"]
        if not absent:
            continue
        rows = (out["indicator"] == ind) & out["value"].isna()
        if not rows.any():
            continue
        reason = (f"{NOT_COMPUTABLE}: the region has no {' or '.join(absent)} layer "
                  f"({records[absent[0]].reason})")
        out.loc[rows, "quality"] = "missing"
        out.loc[rows, "not_computable"] = reason
        out.loc[rows, "not_computable_key"] = f"{absent[0]}.missing"
    return out


def group_quality(table: pd.DataFrame, values: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Quality of each row of ``table``: the worst of the values it is computed from."""
    if len(table) == 0 or len(values) == 0:
        return pd.Series(["real"] * len(table), index=table.index, dtype=object)
    by_group = worst_per_group(values, keys)
    index = pd.MultiIndex.from_frame(table[keys])
    return pd.Series(by_group.reindex(index).fillna("real").to_numpy(), index=table.index,
                     dtype=object)


def _persons(values: pd.DataFrame, ind: Indicator, level: str, year: int) -> float:
    rows = values[(values["indicator"] == ind.id) & (values["level"] == level)
                  & (values["year"] == year)]
    return float(rows["persons"].sum())


def gap_reason(values: pd.DataFrame, ind: Indicator, level: str, year: int,
                reg: Registry) -> PublishedTable:
    """A gap table of one row saying why the best-worst gap is not computable."""
    why = NotComputable(key="monitor.too_few_areas", missing=[ind.id],
                        reason=f"fewer than two publishable {level} areas with a value and a "
                               "reliable interval")
    frame = pd.DataFrame([not_computable_row(why, indicator=ind.id, level=level, year=year,
                                             persons=_persons(values, ind, level, year))],
                         columns=["indicator", "level", "year", "best_code", "best_name",
                                  "worst_code", "worst_name", "best_value", "worst_value",
                                  "gap", "gap_lower", "gap_upper", "se", "significant",
                                  "persons", "quality", "not_computable",
                                  "not_computable_key"])
    return disclose(frame, name="gap", registry=reg, text_columns=["significant"],
                    value_columns=["best_value", "worst_value", "gap", "gap_lower",
                                   "gap_upper", "se"])
