"""BAG (Basisregistratie Adressen en Gebouwen, Kadaster): panden and verblijfsobjecten.

- :func:`read_panden`: building footprints (polygons) as PDOK publishes them (WFS/GeoJSON,
  GeoPackage): ``identificatie``, ``status``, ``gebruiksdoel`` (the uses of the pand's
  verblijfsobjecten, comma separated), ``aantal_verblijfsobjecten``, ``bouwjaar``;
- :func:`read_verblijfsobjecten`: address units (points) with their ``gebruiksdoel``; GeoJSON,
  GeoPackage, or CSV with ``x``/``y`` (RD New, m) or ``lon``/``lat`` columns.

**Identifiers.** A BAG identificatie has 16 digits: a 4-digit gemeente code, a 2-digit object
type (``10`` pand, ``01`` verblijfsobject) and a 10-digit number, e.g. ``0344100000012345``.
Files that stored it as a number lost the leading zero (``344100000012345``, or
``3.44100000012345e+14``); it is restored by zero-padding to 16 digits. The prefixed form
``NL.IMBAG.Pand.0344100000012345`` is accepted too. A value that is not 1-16 digits after
that is an error naming the row.

**Residential.** A pand or verblijfsobject is residential when its ``gebruiksdoel`` contains
``woonfunctie`` and its status is in use (:data:`PAND_NOT_IN_USE`, :data:`VBO_NOT_IN_USE`).
A pand's dwellings are its ``aantal_verblijfsobjecten`` when it has a woonfunctie (an upper
bound where the pand mixes shops and homes: the WFS does not count per use), else 0.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from groengezond.errors import Problem
from groengezond.region.schema import CRS
from groengezond.sources._io import Findings, repair_polygons, require_file, to_rd

PAND_NOT_IN_USE = frozenset({"Pand gesloopt", "Niet gerealiseerd pand", "Bouwvergunning verleend",
                             "Sloopvergunning verleend", "Pand ten onrechte opgevoerd",
                             "Bouw gestart", "Pand buiten gebruik"})
"""Statuses of a pand that houses nobody (yet, or any more)."""

VBO_NOT_IN_USE = frozenset({"Verblijfsobject gevormd", "Niet gerealiseerd verblijfsobject",
                            "Verblijfsobject ingetrokken", "Verblijfsobject buiten gebruik",
                            "Verblijfsobject ten onrechte opgevoerd"})
"""Statuses of a verblijfsobject that houses nobody."""

RESIDENTIAL_USE = "woonfunctie"

_PREFIX = re.compile(r"^NL\.IMBAG\.(Pand|Verblijfsobject)\.", re.IGNORECASE)


def restore_id(value: Any) -> str | None:
    """The 16-digit BAG identificatie of a value read from a file, or None when invalid.

    Examples
    --------
    >>> restore_id(344100000012345.0)
    '0344100000012345'
    >>> restore_id("NL.IMBAG.Pand.0344100000012345")
    '0344100000012345'
    >>> restore_id("34410000001234x") is None
    True
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif isinstance(value, (float, np.floating)):
        if value != math.floor(value) or value < 0:
            return None
        text = f"{int(value)}"
    else:
        text = _PREFIX.sub("", str(value).strip())
        if re.fullmatch(r"\d+(\.0+)?", text):
            text = text.split(".")[0]
        elif re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
            number = float(text)
            text = f"{int(number)}" if number == math.floor(number) else ""
    if not re.fullmatch(r"\d{1,16}", text):
        return None
    return text.zfill(16)


def _ids(frame: pd.DataFrame, findings: Findings, column: str) -> np.ndarray:
    if column not in frame.columns:
        findings.error("header", column, "column is missing",
                       "give the BAG identificatie (16 digits) of every object")
        findings.raise_if_errors()
    ids = np.array([restore_id(v) for v in frame[column].to_numpy(dtype=object)], dtype=object)
    for i in np.flatnonzero(pd.isna(ids)):
        findings.error(f"feature {i}", column, f"{frame[column].iloc[i]!r} is not a BAG "
                       "identificatie", "give 16 digits, e.g. 0344100000012345")
    findings.raise_if_errors()
    return ids


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype("string").fillna("").str.strip().astype(object)


def _read(path: Path, findings: Findings) -> gpd.GeoDataFrame:
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            table = pd.read_csv(path, dtype=str, sep=None, engine="python",
                                encoding="utf-8-sig")
            return _points_from_table(table, findings)
        frame = gpd.read_file(path, engine="pyogrio")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        findings.error("", "", f"cannot be read as CSV ({exc})", "save it as UTF-8 CSV")
    except Exception as exc:  # pyogrio/GDAL raise several types for a broken file
        findings.error("", "", f"cannot be read ({exc})", "give GeoJSON, GeoPackage or CSV")
    findings.raise_if_errors()
    assume = "EPSG:4326" if path.suffix.lower() in (".geojson", ".json") else None
    return to_rd(frame, findings, assume=assume)


def _points_from_table(table: pd.DataFrame, findings: Findings) -> gpd.GeoDataFrame:
    cols = {c.lower(): c for c in table.columns}
    if "x" in cols and "y" in cols:
        xcol, ycol, crs = cols["x"], cols["y"], CRS
    elif ("lon" in cols or "lng" in cols) and "lat" in cols:
        xcol, ycol, crs = cols.get("lon", cols.get("lng", "")), cols["lat"], "EPSG:4326"
    else:
        findings.error("header", "x/y", "no coordinate columns",
                       "give x and y (RD New, m) or lon and lat (WGS84)")
        findings.raise_if_errors()
        raise AssertionError("unreachable")
    x = pd.to_numeric(table[xcol].str.replace(",", ".", regex=False), errors="coerce")
    y = pd.to_numeric(table[ycol].str.replace(",", ".", regex=False), errors="coerce")
    bad = (x.isna() | y.isna()).to_numpy()
    for i in np.flatnonzero(bad):
        findings.error(f"row {i + 2}", f"{xcol}/{ycol}",
                       f"({table[xcol].iloc[i]!r}, {table[ycol].iloc[i]!r}) are not numbers",
                       "give the coordinates of every verblijfsobject")
    findings.raise_if_errors()
    frame = gpd.GeoDataFrame(table, geometry=shapely.points(x.to_numpy(), y.to_numpy()),
                             crs=crs)
    return to_rd(frame, findings)


@dataclass(frozen=True)
class BagLayer:
    """A BAG layer read from a file: the frame (RD New) and what was repaired or left out."""

    frame: gpd.GeoDataFrame
    source: str
    warnings: tuple[Problem, ...]


def read_panden(path: Path) -> BagLayer:
    """Read BAG panden (building footprints).

    Parameters
    ----------
    path : Path
        GeoJSON (WGS84 unless it declares a CRS) or GeoPackage of panden.

    Returns
    -------
    BagLayer
        ``pand_id`` (16 digits), ``status``, ``gebruiksdoel``, ``residential`` (bool),
        ``verblijfsobjecten`` and ``dwellings`` (counts), ``bouwjaar`` (year, NaN if
        unknown), ``area_m2`` (footprint, m²) and 2-D polygon geometry in RD New.

    Raises
    ------
    InputError
        For an unreadable file, a missing or invalid identificatie, or a count that is not a
        whole number ≥ 0.
    """
    path = require_file(Path(path), "BAG panden")
    findings = Findings(path.name)
    frame = _read(path, findings)
    ids = _ids(frame, findings, "identificatie")
    geoms = shapely.force_2d(np.asarray(frame.geometry.array, dtype=object))
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    areal = present & np.isin(shapely.get_type_id(geoms), (3, 6))
    if (~areal).any():
        findings.warn("", "geometry", f"{int((~areal).sum())} panden have no polygon",
                      "left out")
    count_col = next((c for c in ("aantal_verblijfsobjecten", "aantalverblijfsobjecten")
                      if c in frame.columns), None)
    if count_col is None:
        counts = np.zeros(len(frame))
        findings.warn("header", "aantal_verblijfsobjecten", "column is missing",
                      "dwellings per pand unknown: residential panden weigh by footprint area")
    else:
        counts = pd.to_numeric(frame[count_col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(counts) & frame[count_col].notna().to_numpy() | (counts < 0) | (
            np.isfinite(counts) & (counts != np.floor(counts)))
        for i in np.flatnonzero(bad):
            findings.error(f"feature {i} ({ids[i]})", count_col,
                           f"{frame[count_col].iloc[i]!r} is not a count",
                           "give a whole number ≥ 0")
        findings.raise_if_errors()
        counts = np.where(np.isfinite(counts), counts, 0.0)
    status = _text(frame, "status")
    use = _text(frame, "gebruiksdoel")
    in_use = ~status.isin(PAND_NOT_IN_USE).to_numpy()
    residential = use.str.contains(RESIDENTIAL_USE, case=False, regex=False).to_numpy() & in_use
    year = (pd.to_numeric(frame["bouwjaar"], errors="coerce").to_numpy(dtype=float)
            if "bouwjaar" in frame.columns else np.full(len(frame), np.nan))
    polys = repair_polygons(geoms[areal], findings, [str(i) for i in ids[areal]])
    duplicated = pd.Series(ids[areal]).duplicated().to_numpy()
    if duplicated.any():
        findings.warn(", ".join(pd.Series(ids[areal])[duplicated].head(5)), "identificatie",
                      f"{int(duplicated.sum())} panden appear more than once",
                      "the first of each kept")
    keep = ~duplicated
    out = gpd.GeoDataFrame({
        "pand_id": ids[areal][keep].astype(str),
        "status": status.to_numpy()[areal][keep],
        "gebruiksdoel": use.to_numpy()[areal][keep],
        "residential": residential[areal][keep],
        "verblijfsobjecten": counts[areal][keep].astype("int64"),
        "dwellings": np.where(residential, counts, 0)[areal][keep].astype("int64"),
        "bouwjaar": year[areal][keep],
        "area_m2": shapely.area(polys[keep])}, geometry=polys[keep], crs=CRS)
    return BagLayer(out.reset_index(drop=True), path.name, tuple(findings.warnings))


def read_verblijfsobjecten(path: Path) -> BagLayer:
    """Read BAG verblijfsobjecten (address units).

    Parameters
    ----------
    path : Path
        GeoJSON, GeoPackage, or CSV with ``x``/``y`` (RD New) or ``lon``/``lat`` columns.

    Returns
    -------
    BagLayer
        ``vbo_id`` (16 digits), ``status``, ``gebruiksdoel``, ``residential`` (bool),
        ``pand_id`` (16 digits or empty, from ``pandidentificatie``) and point geometry in
        RD New.

    Raises
    ------
    InputError
        For an unreadable file, missing coordinates or an invalid identificatie.
    """
    path = require_file(Path(path), "BAG verblijfsobjecten")
    findings = Findings(path.name)
    frame = _read(path, findings)
    ids = _ids(frame, findings, "identificatie")
    geoms = shapely.force_2d(np.asarray(frame.geometry.array, dtype=object))
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if (~present).any():
        findings.warn("", "geometry", f"{int((~present).sum())} verblijfsobjecten have no "
                      "location", "left out")
    geoms = np.where(present, shapely.point_on_surface(np.where(present, geoms, None)), None)
    status = _text(frame, "status")
    use = _text(frame, "gebruiksdoel")
    residential = (use.str.contains(RESIDENTIAL_USE, case=False, regex=False).to_numpy()
                   & ~status.isin(VBO_NOT_IN_USE).to_numpy())
    pand_col = next((c for c in ("pandidentificatie", "pand_identificatie", "pand_id")
                     if c in frame.columns), None)
    pand = (np.array([restore_id(v) or "" for v in frame[pand_col].to_numpy(dtype=object)],
                     dtype=object) if pand_col else np.full(len(frame), "", dtype=object))
    if not use.str.len().to_numpy().any():
        findings.warn("header", "gebruiksdoel", "no verblijfsobject has a gebruiksdoel",
                      "none counts as residential")
    out = gpd.GeoDataFrame({
        "vbo_id": ids[present].astype(str), "status": status.to_numpy()[present],
        "gebruiksdoel": use.to_numpy()[present], "residential": residential[present],
        "pand_id": pand[present].astype(str)}, geometry=geoms[present], crs=CRS)
    return BagLayer(out.reset_index(drop=True), path.name, tuple(findings.warnings))
