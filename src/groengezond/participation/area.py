"""Field-lab areas: polygons in EPSG:28992, points from the map in EPSG:4326.

Inside, every coordinate is RD New (EPSG:28992, metres); GeoJSON goes out in WGS84
(EPSG:4326, RFC 7946 axis order lon, lat).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

_local = threading.local()


def _transformer(to_wgs84: bool) -> Transformer:
    """A per-thread transformer (pyproj transformers are not shared between threads)."""
    name = "to_wgs84" if to_wgs84 else "to_rd"
    tr: Transformer | None = getattr(_local, name, None)
    if tr is None:
        src, dst = ("EPSG:28992", "EPSG:4326") if to_wgs84 else ("EPSG:4326", "EPSG:28992")
        tr = Transformer.from_crs(src, dst, always_xy=True)
        setattr(_local, name, tr)
    return tr


def area_from_input(geometry_rd: dict[str, Any] | None,
                    bbox_rd: tuple[float, float, float, float] | None) -> BaseGeometry:
    """The field lab's area from a GeoJSON polygon or a bbox, both in EPSG:28992."""
    if geometry_rd is not None:
        return shape(geometry_rd)
    assert bbox_rd is not None
    poly: Polygon = box(*bbox_rd)
    return poly


def to_wkt(geom: BaseGeometry) -> str:
    """Well-known text of a geometry (as stored), rounded to millimetres."""
    return str(shapely.to_wkt(geom, rounding_precision=3))


@lru_cache(maxsize=256)
def from_wkt(wkt: str) -> BaseGeometry:
    """A stored area as a geometry (cached: point-in-polygon tests are frequent).

    Not prepared: GEOS builds a prepared geometry's index lazily, which is not safe when
    several request threads use the same cached object.
    """
    geom: BaseGeometry = shapely.from_wkt(wkt)
    return geom


def lonlat_to_rd(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS84 point (degrees) to RD New (metres)."""
    x, y = _transformer(False).transform(lon, lat)
    return float(x), float(y)


def rd_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Convert an RD New point (metres) to WGS84 (degrees), rounded to 7 decimals (~1 cm)."""
    lon, lat = _transformer(True).transform(x, y)
    return round(float(lon), 7), round(float(lat), 7)


def point_geojson(x: float, y: float) -> dict[str, Any]:
    """A GeoJSON point in WGS84 from RD coordinates."""
    return {"type": "Point", "coordinates": list(rd_to_lonlat(x, y))}


def contains(wkt: str, x: float, y: float) -> bool:
    """True when the RD point lies inside (or on the edge of) the stored area."""
    return bool(from_wkt(wkt).covers(shapely.Point(x, y)))


def geojson_wgs84(wkt: str) -> dict[str, Any]:
    """The stored area as a GeoJSON geometry in WGS84."""
    tr = _transformer(True)
    geom = shapely.transform(shapely.from_wkt(wkt), lambda xy: np.column_stack(
        tr.transform(xy[:, 0], xy[:, 1])))
    out: dict[str, Any] = mapping(geom)
    return out


def bbox_wgs84(min_x: float, min_y: float, max_x: float,
               max_y: float) -> tuple[float, float, float, float]:
    """The WGS84 bounding box of an RD bounding box (lon0, lat0, lon1, lat1)."""
    lon0, lat0, lon1, lat1 = _transformer(True).transform_bounds(min_x, min_y, max_x, max_y)
    return (round(lon0, 7), round(lat0, 7), round(lon1, 7), round(lat1, 7))


def _plan_geometry(geom: Any, crs: str) -> BaseGeometry | None:
    """An intervention's geometry in RD New: EPSG:28992 when said so or when the numbers
    cannot be degrees, else lon/lat (EPSG:4326, as the Planner's web app sends it)."""
    try:
        g = shapely.from_wkt(geom) if isinstance(geom, str) else shape(geom)
    except Exception:
        return None
    if g.is_empty:
        return None
    xy = shapely.get_coordinates(g)
    rd = crs == "EPSG:28992" or (crs != "EPSG:4326" and bool((np.abs(xy) > 180).any()))
    if rd:
        return g
    tr = _transformer(False)
    return shapely.transform(g, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def interventions_outside(wkt: str, snapshot: dict[str, Any]) -> list[str]:
    """Names of the snapshot's interventions that lie wholly outside the stored area.

    The snapshot holds the scenario under ``scenario`` or ``definition`` (or is the scenario):
    ``interventions`` with a ``geometry`` each (GeoJSON or WKT) and an optional ``crs``. An
    intervention without a readable geometry is not judged here.
    """
    plan: Any = snapshot
    for key in ("scenario", "definition"):
        if isinstance(snapshot.get(key), dict):
            plan = snapshot[key]
            break
    items = plan.get("interventions") if isinstance(plan, dict) else None
    if not isinstance(items, list):
        return []
    crs = str(plan.get("crs", snapshot.get("crs", ""))).upper()
    lab = from_wkt(wkt)
    out: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "geometry" not in item:
            continue
        g = _plan_geometry(item["geometry"], crs)
        if g is not None and not lab.intersects(g):
            name = item.get("name") or item.get("kind") or "?"
            out.append(f"intervention {i + 1} '{name}'")
    return out
