"""Wijk and buurt boundaries from PDOK/CBS: GeoPackage or GeoJSON, any year.

Reads the CBS *Wijk- en buurtkaart* as PDOK publishes it (GeoPackage download
``wijkenbuurten_<year>_v<n>.gpkg`` with layers ``gemeenten``, ``wijken``, ``buurten``; OGC API
Features ``cbs/wijken-en-buurten-<year>`` as GeoJSON; the older ``cbs_gebiedsindelingen`` with
``statcode``/``statnaam``), and derived files with renamed columns (``wijkcode``,
``wijknaam``). Each layer's level is recognised from its columns. Geometry is repaired where
invalid (``make_valid``) and reprojected to RD New; features of one code split in land and
water parts (PDOK's ``water`` = JA/NEE) or repeated are merged into one area with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from groengezond.errors import Problem
from groengezond.region.schema import CRS
from groengezond.sources._io import (
    Findings,
    code_parts,
    gemeente_of,
    listing,
    repair_polygons,
    require_file,
    to_rd,
    union_all,
)

LEVEL_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "buurt": (("buurtcode", "bu_code", "buurt_code"), ("buurtnaam", "bu_naam", "buurt_naam")),
    "wijk": (("wijkcode", "wk_code", "wijk_code"), ("wijknaam", "wk_naam", "wijk_naam")),
    "gemeente": (("gemeentecode", "gm_code", "gemeente_code"),
                 ("gemeentenaam", "gm_naam", "gemeente_naam")),
}
"""Code and name columns per level, in order of preference."""


@dataclass(frozen=True)
class Boundaries:
    """Area polygons per level, in RD New.

    Attributes
    ----------
    polygons : GeoDataFrame
        ``code``, ``name``, ``level`` (buurt/wijk/gemeente) and ``geometry`` (Polygon or
        MultiPolygon, valid, EPSG:28992), one row per code.
    year : int or None
        Year of the map, when known (used in the join report).
    source : str
        File (and layers) read.
    warnings : tuple of Problem
        What was repaired (invalid or split polygons, guessed CRS).
    """

    polygons: gpd.GeoDataFrame
    year: int | None
    source: str
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def at(self, level: str) -> gpd.GeoDataFrame:
        """Polygons of one level."""
        return self.polygons[self.polygons["level"] == level]


def _detect(columns: list[str]) -> tuple[str, str, str | None] | None:
    lower = {c.lower(): c for c in columns}
    for level, (codes, names) in LEVEL_COLUMNS.items():
        code = next((lower[c] for c in codes if c in lower), None)
        if code is not None:
            name = next((lower[c] for c in names if c in lower), None)
            return level, code, name
    if "statcode" in lower:
        return "stat", lower["statcode"], lower.get("statnaam")
    return None


def read_boundaries(path: Path, *, layers: list[str] | None = None, year: int | None = None,
                    gemeenten: list[str] | None = None) -> Boundaries:
    """Read wijk/buurt/gemeente polygons from a GeoPackage or GeoJSON.

    Parameters
    ----------
    path : Path
        ``.gpkg`` (every layer with a recognised code column is read, unless ``layers`` is
        given), or ``.geojson``/``.json`` (one layer).
    layers : list of str, optional
        Layers of a GeoPackage to read.
    year : int, optional
        Year of the map, for the report.
    gemeenten : list of str, optional
        Keep only areas of these gemeenten (``GM0344``); all when not given.

    Returns
    -------
    Boundaries

    Raises
    ------
    InputError
        When no layer has CBS codes, codes are malformed, geometries are missing or empty, or
        the CRS does not match the coordinates.
    """
    path = require_file(Path(path), "boundary file")
    findings = Findings(path.name)
    try:
        available = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL raises DataSourceError and others for unreadable files
        findings.error("", "", f"cannot be read as GeoPackage/GeoJSON ({exc})",
                       "give a GeoPackage or GeoJSON of CBS wijken/buurten")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    wanted = layers or available
    unknown = [w for w in wanted if w not in available]
    if unknown:
        findings.error("", "layer", f"layers {listing(unknown)} are not in the file",
                       f"use one of {listing(available)}")
        findings.raise_if_errors()
    frames = []
    used = []
    for layer in wanted:
        frame = _read_layer(path, layer, findings, gemeenten, explicit=layers is not None)
        if frame is not None:
            frames.append(frame)
            used.append(layer)
    if not frames:
        findings.error("", "", "has no layer with CBS codes (buurtcode, wijkcode, "
                       "gemeentecode or statcode)", "give the CBS wijk- en buurtkaart")
    findings.raise_if_errors()
    polygons = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                                crs=CRS)
    polygons = _merge_duplicates(polygons, findings)
    source = f"{path.name} ({', '.join(used)})"
    return Boundaries(polygons, year, source, tuple(findings.warnings))


def _read_layer(path: Path, layer: str, findings: Findings, gemeenten: list[str] | None,
                explicit: bool) -> gpd.GeoDataFrame | None:
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # GDAL/pyogrio errors for broken layers
        findings.error(f"layer {layer}", "", f"cannot be read ({exc})",
                       "export the layer again")
        return None
    detected = _detect([str(c) for c in frame.columns])
    if detected is None:
        if explicit:
            findings.error(f"layer {layer}", "", "has no CBS code column",
                           "give buurtcode, wijkcode, gemeentecode or statcode")
        return None
    level, code_col, name_col = detected
    codes = frame[code_col].astype("string").str.strip().fillna("")
    if level == "gemeente":
        codes = codes.where(codes.str.startswith("GM"), "GM" + codes.str.zfill(4))
    where = [f"layer {layer} feature {i}" for i in range(len(frame))]
    levels = []
    for i, code in enumerate(codes):
        parts = code_parts(code)
        if parts is None or (level != "stat" and parts[0] != level):
            findings.error(where[i], code_col, f"{code!r} is not a CBS {level} code",
                           "give codes like GM0344, WK034401 or BU03440101")
            levels.append("")
        else:
            levels.append(parts[0])
    geoms = np.asarray(frame.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in map(int, np.flatnonzero(missing)):
        findings.error(where[i], "geometry", "geometry is missing or empty",
                       "give the area's polygon or remove the feature")
    kinds = shapely.get_type_id(geoms)
    bad = ~missing & ~np.isin(kinds, (3, 6))
    for i in map(int, np.flatnonzero(bad)):
        findings.error(where[i], "geometry", f"is a {geoms[i].geom_type}, not a polygon",
                       "give Polygon or MultiPolygon geometries")
    findings.raise_if_errors()
    out = gpd.GeoDataFrame({"code": codes.astype(str).to_numpy(),
                            "name": (frame[name_col].astype("string").fillna("").to_numpy()
                                     if name_col else codes.astype(str).to_numpy()),
                            "level": levels,
                            "water": (frame["water"].astype("string").fillna("").to_numpy()
                                      if "water" in frame.columns else "")},
                           geometry=frame.geometry.to_numpy(), crs=frame.crs)
    out = to_rd(out, findings, assume="EPSG:4326" if path.suffix.lower() != ".gpkg" else None)
    if gemeenten:
        keep = out["code"].map(gemeente_of).isin(gemeenten).to_numpy()
        out = out[keep].copy()
    out["geometry"] = repair_polygons(out.geometry.array, findings,
                                      [f"{layer}:{c}" for c in out["code"]])
    return out


def _merge_duplicates(polygons: gpd.GeoDataFrame, findings: Findings) -> gpd.GeoDataFrame:
    dup = polygons["code"].duplicated(keep=False).to_numpy()
    if not dup.any():
        return polygons.drop(columns="water").reset_index(drop=True)
    rows = []
    for code, group in polygons[dup].groupby("code", sort=False):
        land = group[group["water"].str.upper() != "JA"]
        use = land if len(land) else group
        rows.append({"code": code, "name": group["name"].iloc[0],
                     "level": group["level"].iloc[0], "water": "",
                     "geometry": union_all(use.geometry)})
    codes = sorted(set(polygons.loc[dup, "code"]))
    has_water = (polygons.loc[dup, "water"].str.upper() == "JA").any()
    findings.warn(listing(codes), "code", f"{len(codes)} codes have more than one feature",
                  "merged into one polygon per code" + (" (water parts dropped where a land "
                                                        "part exists)" if has_water else ""))
    merged = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    out = pd.concat([polygons[~dup], merged], ignore_index=True)
    return gpd.GeoDataFrame(out.drop(columns="water"), geometry="geometry", crs=CRS)
