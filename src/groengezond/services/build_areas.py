"""Build steps for the areas: CBS-shaped tables, wijk polygons that still match, names, and
leaving out a buurt level without polygons (``missing_buurt_polygons: omit``)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from groengezond.indicators.compute import Z95, area_values
from groengezond.indicators.registry import load_registry
from groengezond.region.model import Region, RegionMeta, Source
from groengezond.services.build_report import BuildReport, add_source
from groengezond.sources import pdok
from groengezond.sources._io import listing
from groengezond.sources.config import TableInput
from groengezond.sources.tables import TableRead, read_table


def read_table_input(item: TableInput, gemeenten: list[str] | None, report: BuildReport,
                sources: list[Source]) -> TableRead:
    """Read one ``tables:`` entry; its warnings and unread columns go into the report."""
    read = read_table(item.path, item, gemeenten=gemeenten, source=item.name)
    report.warnings.extend(str(w) for w in read.warnings)
    if read.unread:
        report.columns_not_read[item.path.name] = list(read.unread)
    add_source(sources, item.source(f"{item.path.name} ({read.year})",
                                     "as published (give `licence` in the config)",
                                     f"Bron: {item.path.name}"))
    return read


MIN_INSIDE_GEMEENTE = 0.5
"""Share of a wijk polygon's area that must lie inside its gemeente's polygon (from another
boundary file, e.g. a 2016 wijk map against the 2024 gemeente map) for it to be used: below it
the code no longer describes the same place. Generalised outlines and water clipping leave
matching wijken 83-100 % inside (province of Utrecht and surroundings, 2016 against 2024)."""


def matching_wijken(boundaries: list[pdok.Boundaries], warnings: list[str]
                     ) -> list[pdok.Boundaries]:
    """Leave out wijk polygons that lie mostly outside their gemeente's polygon."""
    gemeenten: dict[str, Any] = {}
    for b in boundaries:
        at = b.at("gemeente")
        for code, geom in zip(at["code"], at.geometry, strict=True):
            gemeenten.setdefault(str(code), geom)
    if not gemeenten:
        return boundaries
    out = []
    for b in boundaries:
        wijken = b.polygons[b.polygons["level"] == "wijk"]
        parent = wijken["code"].str.slice(2, 6).radd("GM")
        has = parent.isin(gemeenten).to_numpy()
        if not has.any() or b.at("gemeente").shape[0]:
            out.append(b)
            continue
        geoms = np.asarray(wijken.geometry.array, dtype=object)[has]
        own = np.asarray([gemeenten[c] for c in parent[has]], dtype=object)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = shapely.area(shapely.intersection(geoms, own)) / shapely.area(geoms)
        bad = wijken["code"].to_numpy()[has][share < MIN_INSIDE_GEMEENTE]
        if len(bad):
            warnings.append(f"{b.source}: {len(bad)} wijk polygons lie mostly outside their "
                            f"gemeente's polygon (the code describes another place now) and "
                            f"are not used: {listing(bad)}")
            keep = ~b.polygons["code"].isin(set(bad))
            b = pdok.Boundaries(b.polygons[keep].reset_index(drop=True), b.year, b.source,
                                b.warnings)
        out.append(b)
    return out


def names_from_boundaries(areas: gpd.GeoDataFrame, boundaries: list[pdok.Boundaries]
                           ) -> gpd.GeoDataFrame:
    """Areas named by their code (a table without rows for wijken and gemeenten) take the
    name of their polygon in the boundary files, where it has one."""
    names: dict[str, str] = {}
    for b in boundaries:
        for code, name in zip(b.polygons["code"], b.polygons["name"], strict=True):
            if name and str(name) != str(code):
                names.setdefault(str(code), str(name))
    unnamed = (areas["name"] == areas["code"]) & areas["code"].isin(names)
    if unnamed.any():
        areas = areas.copy()
        areas.loc[unnamed, "name"] = areas.loc[unnamed, "code"].map(names)
    return areas


def omit_buurten(areas: gpd.GeoDataFrame, indicators: pd.DataFrame, report: BuildReport
                  ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Leave the buurt level out when buurten lack polygons (``missing_buurt_polygons: omit``).

    Buurt values of registry indicators are first aggregated to the wijken, gemeenten and the
    region by the Monitor's own rules (:func:`~groengezond.indicators.compute.area_values`),
    unless the source gives a value for that area itself; buurt values of indicators outside
    the registry cannot be aggregated and are left out with the buurten (named in a warning).
    """
    buurten = areas[areas["level"] == "buurt"]
    placeholder = buurten["geometry_source"].astype(str).str.startswith("placeholder")
    if not placeholder.any():
        return areas, indicators
    reg = load_registry()
    tmp = Region(meta=RegionMeta(name="omit", synthetic=False), areas=areas,
                 indicators=indicators.drop(columns="standard_error", errors="ignore"))
    table = area_values(tmp, reg).table
    upper = table[(table["level"] != "buurt") & (table["derivation"] == "aggregated")
                  & table["value"].notna()]
    se = upper["se"].to_numpy(dtype=float)
    aggregated = pd.DataFrame({
        "area_code": upper["area_code"].to_numpy(), "indicator": upper["indicator"].to_numpy(),
        "year": upper["year"].to_numpy(dtype="int64"), "value": upper["value"].to_numpy(),
        "lower": upper["value"].to_numpy() - Z95 * se,
        "upper": upper["value"].to_numpy() + Z95 * se,
        "source": upper["source"].astype(str).to_numpy() + " (aggregated from buurten)",
        "standard_error": se})
    at_buurt = indicators["area_code"].isin(set(buurten["code"]))
    lost = sorted(set(indicators.loc[at_buurt, "indicator"]) - set(reg.ids))
    if lost:
        report.warnings.append(f"missing_buurt_polygons: omit: buurt values of {len(lost)} "
                               f"indicators outside the registry cannot be aggregated and are "
                               f"left out with the buurten: {listing(lost)}")
    kept = indicators[~at_buurt]
    out = pd.concat([kept, aggregated], ignore_index=True)
    n, n_all = int(placeholder.sum()), len(buurten)
    stale = f"{n} of {n_all} buurten have no polygon in the boundary files: they carry"
    report.notes[:] = [note for note in report.notes if not note.startswith(stale)]
    report.notes.append(
        f"The buurt level is left out (missing_buurt_polygons: omit): {n} of {n_all} buurten "
        "have no polygon in the boundary files. Their values were aggregated to wijken, "
        "gemeenten and the region (resident-weighted, as the Monitor does); residents are not "
        "placed at addresses, so access to green per address cannot be computed.")
    report.missing["buurt polygons"] = (
        f"{n} of {n_all} buurten have no polygon: no buurt level, no residents at addresses "
        "(give buurt polygons, or missing_buurt_polygons: placeholder)")
    return gpd.GeoDataFrame(areas[areas["level"] != "buurt"].reset_index(drop=True),
                            geometry="geometry", crs=areas.crs), out
