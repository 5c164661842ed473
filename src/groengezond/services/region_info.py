"""Summaries of a region for ``groengezond info`` and ``/api/region``."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyproj import Transformer

from groengezond.region.model import Region


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
        ``bounds_wgs84`` the same in EPSG:4326 (degrees, lon/lat order).
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
        "warnings": region_warnings(region),
    }


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
