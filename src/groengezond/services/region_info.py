"""Summaries of a region for ``groengezond info`` and ``/api/region``."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyproj import Transformer

from groengezond.region.model import Region
from groengezond.region.quality import PLURAL, area_geometry_quality, region_quality


def describe_region(region: Region) -> dict[str, Any]:
    """Describe a region: name, synthetic flag, years, sources, counts, extent and warnings.

    Parameters
    ----------
    region : Region
        The region to describe.

    Returns
    -------
    dict
        JSON-ready summary. ``bounds_rd`` is (minx, miny, maxx, maxy) in EPSG:28992 (m),
        ``bounds_wgs84`` the same in EPSG:4326 (degrees, lon/lat order). ``quality`` holds the
        record of every layer (status, reason, key, figures), ``placeholder_areas`` the number
        of areas per level whose geometry is a placeholder (their parent's polygon), and
        ``placeholder_areas_line`` the same in one sentence. ``home_wgs84`` is a point inside
        the most populous gemeente (lon, lat; None without gemeenten), where the web app's 3D
        view opens.
    """
    meta = region.meta
    minx, miny, maxx, maxy = (float(v) for v in np.asarray(region.areas.total_bounds))
    to_wgs84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    lon0, lat0 = to_wgs84.transform(minx, miny)
    lon1, lat1 = to_wgs84.transform(maxx, maxy)
    indicators = sorted(str(i) for i in region.indicators["indicator"].unique())
    return {
        "name": meta.name,
        "synthetic": meta.synthetic,
        "crs": meta.crs,
        "years": meta.years,
        "inhabitants": region.inhabitants,
        "counts": region.counts(),
        "indicators": indicators,
        "sources": [s.model_dump() for s in meta.sources],
        "notes": meta.notes,
        "generator": meta.generator,
        "bounds_rd": [minx, miny, maxx, maxy],
        "bounds_wgs84": [lon0, lat0, lon1, lat1],
        "home_wgs84": home_point(region, to_wgs84),
        "quality": {name: q.model_dump() for name, q in region_quality(region).items()},
        "placeholder_areas": (placeholders := placeholder_areas(region)),
        "placeholder_areas_line": placeholder_line(placeholders),
        "warnings": region_warnings(region),
    }


def home_point(region: Region, to_wgs84: Transformer) -> list[float] | None:
    """A point inside the most populous gemeente, in degrees (lon, lat); None without one.

    The same point ``/api/areas/{code}`` gives as that gemeente's ``centre_wgs84`` (its
    representative point), so the 3D view can open there without asking for the areas first.
    """
    gemeenten = region.areas[region.areas["level"].astype(str) == "gemeente"]
    if gemeenten.empty:
        return None
    biggest = gemeenten.loc[gemeenten["inhabitants"].astype(float).idxmax()]
    point = biggest.geometry.representative_point()
    lon, lat = to_wgs84.transform(point.x, point.y)
    return [float(lon), float(lat)]


def placeholder_areas(region: Region) -> dict[str, int]:
    """Number of areas per level (buurt, wijk, gemeente) whose geometry is a placeholder."""
    status = area_geometry_quality(region.areas)
    level = region.areas["level"].astype(str)
    return {lvl: int(((level == lvl) & (status == "placeholder")).sum())
            for lvl in ("buurt", "wijk", "gemeente")}


def placeholder_line(counts: dict[str, int]) -> str:
    """``info``'s line on placeholder geometry, e.g. 'Placeholder polygons: 111 buurten, ...'."""
    if not any(counts.values()):
        return "Placeholder polygons: none (every area has its own or a derived polygon)."
    parts = ", ".join(f"{n} {PLURAL[lvl]}" for lvl, n in counts.items())
    return (f"Placeholder polygons: {parts} carry their parent's polygon "
            "(geometry_quality = placeholder).")


def region_warnings(region: Region) -> list[str]:
    """Things a user should know about a valid region.

    The warnings an importer recorded in ``meta.notes`` (prefix ``warning: ``), then the
    synthetic flag, empty layers, a missing raster and buurt sums that differ from the total.
    """
    warnings: list[str] = [note.removeprefix("warning: ").strip()
                           for note in region.meta.notes if note.startswith("warning: ")]
    if region.meta.synthetic:
        warnings.append("This region is synthetic: nothing in it describes a real place or person.")
    for name in ("addresses", "buildings", "green", "trees", "network_edges"):
        if len(region.layer(name)) == 0:
            warnings.append(f"Layer '{name}' is empty: results that need it cannot be computed.")
    if region.landcover is None:
        warnings.append("No land-cover raster: green share and NDVI proxy cannot be computed.")
    buurt_sum = int(region.areas_at("buurt")["inhabitants"].sum())
    top = region.areas_at("region")
    if len(top) and int(top["inhabitants"].sum()) != buurt_sum:
        warnings.append(
            f"Buurt inhabitants sum to {buurt_sum:,}, the region total is "
            f"{int(top['inhabitants'].sum()):,} (rounded or secret buurt counts)."
        )
    return warnings
