"""Reading the inputs of a real region's land cover: class polygons, paved ways, observed NDVI.

- :func:`read_class_polygons`: any vector file GDAL reads (GeoPackage, GeoJSON, shapefile) of
  one land-cover class: water (OSM ``natural=water``, BGT *waterdeel*, Top10NL), paved land and
  roads (OSM highways, BGT *wegdeel*), bare land, or buildings (OSM buildings, BAG panden).
  Polygons are kept as they are (invalid ones repaired); lines (roads, ditches) are buffered to
  their width: the ``width`` attribute in metres where it is a number, else the default per
  ``highway`` value (:data:`HIGHWAY_WIDTH_M`), else the input's ``width_m``. OSM exports that
  wrote closed ways as polygons (roundabouts, ring paths) are read back as the ways they are,
  unless tagged ``area=yes``. Points are left out with a warning.
- OpenStreetMap: an extract (``.osm.pbf`` or ``.osm``, read with GDAL's OSM driver: its
  ``multipolygons`` and ``lines``) or an OSM GeoJSON export is filtered to the features of the
  class (:data:`OSM_CLASS_TAGS`: water = ``natural=water``, ``waterway``, basins; paved = any
  ``highway``, parking; building = any ``building``; bare = construction sites, brownfield,
  railway land, sand, and railway tracks). An input's ``where`` replaces that filter; files
  without any of the class's tag columns (BAG, BGT, Top10NL) are taken whole.
- :func:`read_ndvi_table`: observed mean NDVI per area code from a CSV such as the RIVM BB8
  Sentinel-2 table (``gemeentecode``, ``_NDVImean``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from groengezond.errors import Problem
from groengezond.sources._io import Findings, repair_polygons, require_file, to_rd
from groengezond.sources.osm import ARTIFICIAL_CLOSE_SHARE

HIGHWAY_WIDTH_M: dict[str, float] = {
    "motorway": 15.0, "trunk": 12.0, "primary": 10.0, "secondary": 8.0, "tertiary": 7.0,
    "unclassified": 5.0, "residential": 6.0, "living_street": 5.0, "service": 4.0,
    "pedestrian": 6.0, "track": 3.0, "cycleway": 2.5, "footway": 1.8, "path": 1.5,
    "steps": 2.0, "bridleway": 2.0,
}
"""Paved width (m) of a way without a ``width`` tag, per ``highway`` value. Assumption from
Dutch road profiles: two-lane urban roads 6-8 m, a residential street 5-6 m; a two-way cycle
path 2.5 m (the lower bound of the CROW *Ontwerpwijzer fietsverkeer*, 2016), a footway 1.8 m
(the CROW *ASVV* minimum walking space)."""

WATERWAY_WIDTH_M: dict[str, float] = {"river": 20.0, "canal": 10.0, "stream": 3.0,
                                      "ditch": 2.0, "drain": 2.0}
"""Width (m) of a waterway line without a ``width`` tag. Assumption: Dutch city canals (grachten,
singels) are 10-25 m wide, ditches (sloten) 2-4 m."""

RAILWAY_WIDTH_M = 4.0
"""Width (m) of the ballast bed of one railway track line (assumption: 1.435 m gauge, sleepers
2.6 m, shoulders)."""

OSM_CLASS_TAGS: dict[str, dict[str, frozenset[str] | None]] = {
    "water": {"natural": frozenset({"water"}), "water": None,
              "waterway": frozenset({"riverbank", "river", "canal", "stream", "ditch",
                                     "drain", "dock"}),
              "landuse": frozenset({"basin", "reservoir"})},
    "paved": {"highway": None, "area:highway": None, "amenity": frozenset({"parking"})},
    "building": {"building": None},
    "bare": {"landuse": frozenset({"construction", "brownfield", "railway", "quarry"}),
             "natural": frozenset({"sand", "beach", "bare_rock", "scree"}),
             "railway": frozenset({"rail", "light_rail", "tram", "narrow_gauge"})},
}
"""OSM tags (key -> values; None: any value but ``no``) of the features of each class."""

OSM_EXTRA_KEYS = ("width", "area", "highway", "area:highway", "waterway", "water", "railway",
                  "amenity", "natural", "landuse", "building")
"""Keys read from GDAL's ``other_tags`` of an OSM extract."""

DEFAULT_WIDTH_M = 4.0
"""Width (m) of a line of unknown kind (no ``width``, no known ``highway``)."""


@dataclass(frozen=True)
class ClassPolygons:
    """Polygons of one land-cover class read from a file.

    Attributes
    ----------
    geometry : numpy.ndarray of shapely geometries
        Polygons in RD New (m); lines already buffered to their width.
    source : str
        File name.
    counts : dict of str to int
        Features read as ``polygons`` and as ``lines`` (buffered).
    warnings : tuple of Problem
        What was repaired or left out.
    """

    geometry: np.ndarray
    source: str
    counts: dict[str, int]
    warnings: tuple[Problem, ...]


def _numbers(values: pd.Series) -> np.ndarray:
    text = values.astype("string").str.strip().str.replace(r"\s*m$", "", regex=True)
    text = text.str.replace(",", ".", regex=False)
    out: np.ndarray = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float,
                                                                    na_value=np.nan)
    return out


def _is_osm(path: Path) -> bool:
    return path.name.lower().endswith((".osm.pbf", ".pbf", ".osm"))


def _read_osm(path: Path) -> gpd.GeoDataFrame:
    """Multipolygons and lines of an OSM extract (GDAL OSM driver), tags as columns."""
    frames = []
    for layer in ("multipolygons", "lines"):
        frame = gpd.read_file(path, engine="pyogrio", layer=layer)
        other = (frame["other_tags"].astype("string").fillna("") if "other_tags" in frame
                 else pd.Series("", index=frame.index, dtype="string"))
        for key in OSM_EXTRA_KEYS:
            pattern = r'"' + re.escape(key) + r'"=>"([^"]*)"'
            found = other.str.extract(pattern, expand=False)
            frame[key] = frame[key].fillna(found) if key in frame.columns else found
        frames.append(frame[[*OSM_EXTRA_KEYS, "geometry"]])
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=frames[0].crs or "EPSG:4326")


def _select(frame: pd.DataFrame, tags: dict[str, frozenset[str] | None] | dict[str, list[str]]
            ) -> np.ndarray:
    """Rows whose tags match (any key: a listed value, or any value but 'no' for None)."""
    keep = np.zeros(len(frame), dtype=bool)
    for key, values in tags.items():
        if key not in frame.columns:
            continue
        col = frame[key].astype("string").str.strip()
        if values is None:
            keep |= (col.notna() & (col != "") & (col != "no")).to_numpy()
        else:
            keep |= col.isin(list(values)).fillna(False).to_numpy(dtype=bool)
    return keep


def read_class_polygons(path: Path, *, what: str, width_m: float = DEFAULT_WIDTH_M,
                        where: dict[str, list[str]] | None = None) -> ClassPolygons:
    """Polygons of one land-cover class (see module docstring).

    Parameters
    ----------
    path : Path
        Vector file (any CRS GDAL knows; GeoJSON without a CRS is WGS84).
    what : str
        The class, for messages (``water``, ``paved``, ``building``, ``bare``).
    width_m : float
        Width (m) of lines without a ``width`` attribute or known ``highway``/``waterway``
        value.
    where : dict of str to list of str, optional
        Keep only features with one of these values in one of these columns (replaces the
        OSM filter of the class).

    Returns
    -------
    ClassPolygons

    Raises
    ------
    InputError
        When the file cannot be read or its coordinates are not in the Netherlands.
    """
    path = require_file(Path(path), f"{what} layer")
    findings = Findings(path.name)
    try:
        frame = _read_osm(path) if _is_osm(path) else gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several types for a broken file
        findings.error("", "", f"cannot be read as a vector layer ({exc})",
                       "give a GeoPackage, GeoJSON, shapefile or OSM extract")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    tags = where if where is not None else OSM_CLASS_TAGS.get(what, {})
    if where is not None or _is_osm(path) or any(k in frame.columns for k in tags):
        keep = _select(frame, tags)
        if (~keep).any():
            findings.warn("", ", ".join(tags), f"{int((~keep).sum())} features are not "
                          f"{what} ({'the where filter' if where else 'OSM tags'})", "left out")
        frame = frame[keep]
    assume = ("EPSG:4326" if path.suffix.lower() in (".geojson", ".json") or _is_osm(path)
              else None)
    frame = to_rd(frame, findings, assume=assume)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if (~present).any():
        findings.warn("", "geometry", f"{int((~present).sum())} features have no geometry",
                      "left out")
    kind = shapely.get_type_id(geoms)
    is_poly = present & np.isin(kind, (3, 6))
    is_line = present & np.isin(kind, (1, 2, 5))
    points = present & ~is_poly & ~is_line
    if points.any():
        findings.warn("", "geometry", f"{int(points.sum())} {what} features are points",
                      f"left out ({what} needs an area or a line)")
    highway, waterway, railway, area_tag = (
        frame[k].astype("string").to_numpy(dtype=object, na_value=None)
        if k in frame.columns else np.full(len(frame), None, dtype=object)
        for k in ("highway", "waterway", "railway", "area"))
    # OSM exporters write closed ways as polygons; a highway, railway or waterway ring is a
    # way unless area=yes
    linear = np.array([h is not None or r is not None or
                       (w is not None and w not in ("riverbank", "dock"))
                       for h, w, r in zip(highway, waterway, railway, strict=True)], dtype=bool)
    reopen = is_poly & linear & (area_tag != "yes")
    lines = geoms.copy()
    reopened = 0
    for i in np.flatnonzero(reopen):
        parts = []
        for poly in shapely.get_parts(geoms[i]):
            ring = np.asarray(poly.exterior.coords)
            seg = np.hypot(*np.diff(ring[:, :2], axis=0).T)
            if len(seg) and seg[-1] > ARTIFICIAL_CLOSE_SHARE * seg.sum():
                ring = ring[:-1]
                reopened += 1
            parts.append(shapely.LineString(ring[:, :2]))
        lines[i] = shapely.MultiLineString(parts) if len(parts) > 1 else parts[0]
    if reopened:
        findings.warn("", "geometry", f"{reopened} ways were exported as polygons closed by "
                      "an added segment", "read as the open ways they are")
    is_line = is_line | reopen
    is_poly = is_poly & ~reopen
    width = (_numbers(frame["width"]) if "width" in frame.columns
             else np.full(len(frame), np.nan))
    by_kind = np.array([HIGHWAY_WIDTH_M.get(str(h), np.nan) if h is not None else
                        WATERWAY_WIDTH_M.get(str(w), np.nan) if w is not None else
                        RAILWAY_WIDTH_M if r is not None else np.nan
                        for h, w, r in zip(highway, waterway, railway, strict=True)],
                       dtype=float)
    width = np.where(np.isfinite(width) & (width > 0), width,
                     np.where(np.isfinite(by_kind), by_kind, width_m))
    buffered = shapely.buffer(lines[is_line], width[is_line] / 2.0, quad_segs=2,
                              cap_style="flat")
    labels = [f"feature {i}" for i in np.flatnonzero(is_poly)]
    polys = repair_polygons(geoms[is_poly], findings, labels)
    out = np.concatenate([polys, np.asarray(buffered, dtype=object)]).astype(object)
    out = out[~(shapely.is_missing(out) | shapely.is_empty(out))]
    return ClassPolygons(out, path.name, {"polygons": int(is_poly.sum()),
                                          "lines": int(is_line.sum())},
                         tuple(findings.warnings))


@dataclass(frozen=True)
class NdviTable:
    """Observed mean NDVI per area code.

    Attributes
    ----------
    values : dict of str to float
        Mean NDVI (-1 to 1) per code (e.g. ``GM0344``).
    source : str
        File name and column.
    warnings : tuple of Problem
        Rows left out.
    """

    values: dict[str, float]
    source: str
    warnings: tuple[Problem, ...]


def read_ndvi_table(path: Path, *, column: str = "_NDVImean",
                    code_column: str = "gemeentecode") -> NdviTable:
    """Read observed mean NDVI per area from a CSV (comma or semicolon separated).

    Parameters
    ----------
    path : Path
        The table, e.g. ``ndvi_sentinel2_zomer2021_gemeenten_nl.csv``.
    column : str
        Column with the mean NDVI.
    code_column : str
        Column with the area code (``GM0344``; a bare number is read as a gemeente number).

    Returns
    -------
    NdviTable

    Raises
    ------
    InputError
        When the file or a column is missing, or a value is not a number in [-1, 1].
    """
    path = require_file(Path(path), "NDVI table")
    findings = Findings(path.name)
    try:
        frame = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        findings.error("", "", f"cannot be read as CSV ({exc})", "save it as UTF-8 CSV")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    for name in (column, code_column):
        if name not in frame.columns:
            findings.error("header", name, "column is missing",
                           f"name the columns in the config (columns: "
                           f"{', '.join(map(str, frame.columns[:12]))} ...)")
    findings.raise_if_errors()
    codes = frame[code_column].fillna("").str.strip()
    codes = codes.where(~codes.str.fullmatch(r"\d{1,4}"), "GM" + codes.str.zfill(4))
    values = _numbers(frame[column])
    raw = frame[column].fillna("").str.strip()
    for i in np.flatnonzero(np.isnan(values) & (raw != "").to_numpy()):
        findings.error(f"row {i + 2}", column, f"{raw.iloc[i]!r} is not a number",
                       "give the mean NDVI as a decimal number")
    for i in np.flatnonzero(np.isfinite(values) & (np.abs(values) > 1)):
        findings.error(f"row {i + 2}", column, f"{values[i]} is outside [-1, 1]",
                       "NDVI lies between -1 and 1; check the column")
    findings.raise_if_errors()
    empty = np.isnan(values)
    if empty.any():
        findings.warn("", column, f"{int(empty.sum())} rows have no NDVI", "left out")
    out = {str(c): float(v) for c, v in zip(codes, values, strict=True)
           if np.isfinite(v) and c}
    return NdviTable(out, f"{path.name} ({column})", tuple(findings.warnings))


def empty_polygons(source: str) -> ClassPolygons:
    """A class input that holds nothing (e.g. a layer clipped away)."""
    return ClassPolygons(np.empty(0, dtype=object), source, {"polygons": 0, "lines": 0}, ())


