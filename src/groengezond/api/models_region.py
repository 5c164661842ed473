"""Response models of ``/health`` and ``/api/region`` (see :mod:`groengezond.api.contract`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from groengezond.api.contract import Contract, FloatOrNaN, Quality


class Health(Contract):
    """Liveness: the server answers, its version and the region (or database) it serves."""

    status: str
    version: str
    region: str | None = None
    database: str | None = None


class RegionSource(Contract):
    """One data source of the region, with its licence and attribution."""

    name: str
    licence: str
    attribution: str
    url: str | None = None


class LayerQualityOut(Contract):
    """Quality record of one layer (:class:`groengezond.region.quality.LayerQuality`)."""

    status: Quality
    reason: str
    key: str | None
    figures: dict[str, FloatOrNaN]


class RegionInfo(Contract):
    """The region served: name, synthetic flag, years, counts, extent, quality, warnings."""

    name: str
    synthetic: bool
    crs: str
    years: list[int]
    inhabitants: int
    counts: dict[str, int] = Field(description="Rows per layer and areas per level")
    indicators: list[str]
    sources: list[RegionSource]
    notes: list[str]
    generator: dict[str, Any] = Field(description="How a synthetic region was generated")
    bounds_rd: tuple[float, float, float, float] = Field(
        description="minx, miny, maxx, maxy in EPSG:28992 (m)")
    bounds_wgs84: tuple[float, float, float, float] = Field(
        description="West, south, east, north (degrees)")
    home_wgs84: tuple[float, float] | None = Field(
        default=None, description="A point inside the most populous gemeente (lon, lat, "
                                  "degrees), where the 3D view opens; None without gemeenten")
    quality: dict[str, LayerQualityOut]
    placeholder_areas: dict[str, int]
    placeholder_areas_line: str
    warnings: list[str]
