"""3DBAG buildings: footprint and height from CityJSON and CityJSONSeq (LoD 1.2 / 1.3 / 2.2).

3DBAG publishes in EPSG:7415 (RD New + NAP height): the horizontal part is RD New, so footprints
are used as they are and heights are taken relative to the ground. Per building (``Building``
with its ``BuildingPart`` children) the reader takes:

- the footprint: the LoD 0 surface of the building, else the ground surfaces of the chosen LoD,
  else the union of all its surfaces projected on the ground;
- the height (m above ground): ``b3_h_dak_70p - b3_h_maaiveld`` (3DBAG's LoD 1.2 roof height),
  else the highest minus the lowest vertex of the chosen LoD;
- the NAP heights of ground and roof as extra columns (``ground_nap_m``, ``roof_nap_m``);
- the volume: ``b3_volume_lod12`` (or of the chosen LoD), else footprint area × height.

Accepted files: a CityJSON document (``"type": "CityJSON"``), CityJSONSeq (``.city.jsonl``: a
header line with ``transform`` and ``metadata.referenceSystem``, then one ``CityJSONFeature`` per
line) and the 3DBAG API's JSON page (``FeatureCollection`` of CityJSONFeatures with a
``metadata`` header).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from groengezond.errors import Problem
from groengezond.region.schema import CRS
from groengezond.sources._io import (
    RD_BOUNDS,
    Findings,
    crs_name,
    decode_text,
    polygonal,
    read_json,
    require_file,
)

ACCEPTED_CRS = frozenset({"EPSG:7415", "EPSG:28992"})
"""RD New + NAP height, or RD New alone."""

LODS = ("1.2", "1.3", "2.2")


@dataclass(frozen=True)
class BuildingsLayer:
    """Buildings read from 3DBAG.

    Attributes
    ----------
    frame : GeoDataFrame
        ``building_id, height_m`` (m above ground), ``dwellings`` (0: 3DBAG has no dwelling
        counts), ``bag_id``, ``volume_m3``, ``ground_nap_m``, ``roof_nap_m``,
        ``construction_year``, ``status``, ``lod`` and footprint polygons in RD New.
    source : str
        File read.
    warnings : tuple of Problem
        Buildings left out or repaired.
    """

    frame: gpd.GeoDataFrame
    source: str
    warnings: tuple[Problem, ...]


def _header_and_features(path: Path, findings: Findings
                         ) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".city.jsonl", ".cjseq")):
        text = decode_text(path, findings)
        lines = [ln for ln in text.splitlines() if ln.strip()]
        docs: list[tuple[str, dict[str, Any]]] = []
        for i, line in enumerate(lines, start=1):
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                last = i == len(lines)
                findings.error(f"line {i}", "", f"is not valid JSON ({exc.msg})"
                               + (" - the file seems cut off" if last else ""),
                               "download the CityJSONSeq file again")
                continue
            if not isinstance(doc, dict):
                findings.error(f"line {i}", "type", "is not a JSON object",
                               "give one CityJSON object per line")
                continue
            docs.append((f"line {i}", doc))
        findings.raise_if_errors()
        if not docs or docs[0][1].get("type") != "CityJSON":
            findings.error("line 1", "type", "the first line is not a CityJSON header",
                           "start the file with the CityJSON object holding 'transform'")
            findings.raise_if_errors()
        return docs[0][1], docs[1:]
    doc = read_json(path, findings)
    if isinstance(doc, dict) and doc.get("type") == "CityJSON":
        return doc, [("", doc)]
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        header = doc.get("metadata") or {}
        feats = doc.get("features") or []
        return header, [(f"feature {i}", f) for i, f in enumerate(feats) if isinstance(f, dict)]
    findings.error("", "type", "is neither CityJSON, CityJSONSeq nor a 3DBAG API page",
                   "give a 3DBAG .city.json or .city.jsonl file")
    findings.raise_if_errors()
    raise AssertionError("unreachable")


def _transform(header: dict[str, Any], findings: Findings) -> tuple[np.ndarray, np.ndarray]:
    tf = header.get("transform")
    if tf is None:
        return np.ones(3), np.zeros(3)
    try:
        scale = np.asarray(tf["scale"], dtype=float)
        translate = np.asarray(tf["translate"], dtype=float)
        if scale.shape != (3,) or translate.shape != (3,):
            raise ValueError("not three numbers")
    except (KeyError, TypeError, ValueError) as exc:
        findings.error("header", "transform", f"is malformed ({exc})",
                       "give transform.scale and transform.translate as three numbers each")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    return scale, translate


def read_buildings(path: Path, *, lod: str = "1.2", source: str | None = None
                   ) -> BuildingsLayer:
    """Read 3DBAG buildings with footprint, height and volume.

    Parameters
    ----------
    path : Path
        CityJSON (``.json``), CityJSONSeq (``.jsonl``/``.city.jsonl``) or a 3DBAG API page.
    lod : {"1.2", "1.3", "2.2"}
        Level of detail used for heights and footprints when attributes are missing.
    source : str, optional
        Source text for the report.

    Returns
    -------
    BuildingsLayer

    Raises
    ------
    InputError
        For unreadable files, a CRS other than EPSG:7415/28992, or coordinates outside RD New.
    """
    path = require_file(Path(path), "3DBAG file")
    findings = Findings(path.name)
    if lod not in LODS:
        findings.error("", "lod", f"LoD {lod!r} is not offered by 3DBAG",
                       f"use one of {', '.join(LODS)}")
        findings.raise_if_errors()
    header, features = _header_and_features(path, findings)
    meta = header.get("metadata") if isinstance(header.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    ref = meta.get("referenceSystem", header.get("referenceSystem"))
    crs = crs_name(ref)
    if ref is None:
        findings.warn("header", "metadata.referenceSystem", "is missing",
                      "assumed EPSG:7415 (RD New + NAP), as 3DBAG publishes")
    elif crs not in ACCEPTED_CRS:
        findings.error("header", "metadata.referenceSystem", f"CRS is {ref}",
                       "give 3DBAG data in EPSG:7415 (RD New + NAP) or EPSG:28992")
        findings.raise_if_errors()
    scale, translate = _transform(header, findings)
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for where, feature in features:
        objects = feature.get("CityObjects")
        vertices = feature.get("vertices")
        if not isinstance(objects, dict) or not isinstance(vertices, list):
            findings.error(where, "CityObjects", "has no CityObjects or vertices",
                           "give CityJSONFeatures as 3DBAG writes them")
            continue
        try:
            verts = np.asarray(vertices, dtype=float).reshape(-1, 3) * scale + translate
        except (TypeError, ValueError):
            findings.error(where, "vertices", "are not triples of numbers",
                           "give vertices as [x, y, z] integers")
            continue
        for oid, obj in objects.items():
            if not isinstance(obj, dict) or obj.get("type") != "Building":
                continue
            parts = [objects[c] for c in obj.get("children", []) if c in objects]
            row = _building(str(oid), obj, parts, verts, lod)
            if row is None:
                skipped.append(str(oid))
            else:
                rows.append(row)
    findings.raise_if_errors()
    if skipped:
        findings.warn(", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more"
                                                 if len(skipped) > 5 else ""), "geometry",
                      f"{len(skipped)} buildings have no usable footprint or height",
                      "left out")
    return BuildingsLayer(_frame(rows, findings), source or path.name, tuple(findings.warnings))


def _surfaces(geometry: dict[str, Any]) -> list[tuple[list[list[int]], str | None]]:
    """(rings, semantic type) of every surface of a CityJSON geometry."""
    kind = geometry.get("type")
    boundaries = geometry.get("boundaries") or []
    semantics = geometry.get("semantics") or {}
    types = [s.get("type") for s in semantics.get("surfaces", [])]
    values = semantics.get("values")
    shells: list[Any]
    if kind == "MultiSurface" or kind == "CompositeSurface":
        shells, vals = [boundaries], [values] if values is not None else [None]
    elif kind == "Solid":
        shells, vals = boundaries, values if values is not None else [None] * len(boundaries)
    elif kind in ("MultiSolid", "CompositeSolid"):
        shells = [s for solid in boundaries for s in solid]
        vals = [v for sv in values for v in sv] if values is not None else [None] * len(shells)
    else:
        return []
    out: list[tuple[list[list[int]], str | None]] = []
    for shell, shell_vals in zip(shells, vals, strict=False):
        for j, surface in enumerate(shell):
            t = None
            if shell_vals is not None and j < len(shell_vals) and shell_vals[j] is not None:
                index = shell_vals[j]
                t = types[index] if isinstance(index, int) and index < len(types) else None
            out.append((surface, t))
    return out


def _lod_geometry(obj: dict[str, Any], lod: str) -> list[dict[str, Any]]:
    return [g for g in obj.get("geometry", []) if isinstance(g, dict) and str(g.get("lod")) == lod]


def _polygon(rings: list[list[int]], verts: np.ndarray) -> Any:
    shells = [verts[np.asarray(r, dtype=int)][:, :2] for r in rings if len(r) >= 3]
    if not shells:
        return None
    poly = shapely.Polygon(shells[0], shells[1:])
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    return poly


def _building(oid: str, obj: dict[str, Any], parts: list[dict[str, Any]], verts: np.ndarray,
              lod: str) -> dict[str, Any] | None:
    attrs = obj.get("attributes") or {}
    geoms = [g for o in [obj, *parts] for g in _lod_geometry(o, lod)]
    try:
        footprint = None
        lod0 = [g for g in obj.get("geometry", []) if str(g.get("lod")) in ("0", "0.0")]
        polys = [_polygon(s, verts) for g in lod0 for s, _ in _surfaces(g)]
        if not polys:
            polys = [_polygon(s, verts) for g in geoms for s, t in _surfaces(g)
                     if t == "GroundSurface"]
        if not polys:
            polys = [_polygon(s, verts) for g in geoms for s, _ in _surfaces(g)]
        polys = [p for p in polys if p is not None and not p.is_empty and p.area > 0]
        if polys:
            footprint = polygonal(np.asarray([shapely.union_all(polys)], dtype=object))[0]
        used = sorted({i for g in geoms for s, _ in _surfaces(g) for r in s for i in r})
    except (IndexError, TypeError, ValueError):
        return None
    if footprint is None or footprint.is_empty:
        return None
    ground = _num(attrs.get("b3_h_maaiveld"))
    roof = _num(attrs.get("b3_h_dak_70p"))
    if math.isnan(roof) and used:
        roof = float(verts[used, 2].max())
    if math.isnan(ground) and used:
        ground = float(verts[used, 2].min())
    height = roof - ground
    if math.isnan(height) or height < 0:
        return None
    volume = _num(attrs.get(f"b3_volume_lod{lod.replace('.', '')}"))
    if math.isnan(volume):
        volume = _num(attrs.get("b3_volume_lod12"))
    if math.isnan(volume):
        volume = footprint.area * height
    year = _num(attrs.get("oorspronkelijkbouwjaar"))
    return {"bag_id": str(attrs.get("identificatie") or oid), "height_m": height,
            "volume_m3": volume, "ground_nap_m": ground, "roof_nap_m": roof,
            "construction_year": year, "status": str(attrs.get("status") or ""),
            "lod": lod, "geometry": footprint}


def _num(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _frame(rows: list[dict[str, Any]], findings: Findings) -> gpd.GeoDataFrame:
    columns = ["bag_id", "height_m", "volume_m3", "ground_nap_m", "roof_nap_m",
               "construction_year", "status", "lod"]
    if not rows:
        frame = gpd.GeoDataFrame({c: [] for c in columns},
                                 geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    else:
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame.insert(0, "building_id", np.arange(len(frame), dtype="int64"))
    frame.insert(2, "dwellings", np.zeros(len(frame), dtype="int64"))
    frame["height_m"] = frame["height_m"].astype(float)
    if len(frame):
        minx, miny, maxx, maxy = np.asarray(frame.total_bounds, dtype=float)
        x0, y0, x1, y1 = RD_BOUNDS
        if minx < x0 or miny < y0 or maxx > x1 or maxy > y1:
            findings.error("", "vertices", f"footprints ({minx:.0f}, {miny:.0f}, {maxx:.0f}, "
                           f"{maxy:.0f}) lie outside RD New", "check transform and CRS of the "
                           "file (3DBAG uses EPSG:7415)")
            findings.raise_if_errors()
    dup = frame["bag_id"].duplicated().to_numpy()
    if dup.any():
        findings.warn(", ".join(frame.loc[dup, "bag_id"].head(5)), "identificatie",
                      f"{int(dup.sum())} buildings appear more than once (tile overlap)",
                      "kept once")
        frame = frame[~dup].reset_index(drop=True)
        frame["building_id"] = np.arange(len(frame), dtype="int64")
    return frame
