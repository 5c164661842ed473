"""What the web routers share: the region and the caches built from it, once, on first use.

A :class:`WebContext` lives on ``app.state.web`` (no module-level state). Everything in it is
derived from the immutable :class:`~groengezond.region.model.Region`, so caches never go stale
while the app runs; each is built on first use under a lock, so concurrent first requests do
the work once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from fastapi import Request

from groengezond.api.geojson import GEOJSON, FeatureStore, Payload
from groengezond.api.mvt import TileLayer
from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.quality import GEOMETRY_QUALITY, area_geometry_quality
from groengezond.region.schema import LEVELS

T = TypeVar("T")

CROWN_SQUARE_SIDE = float(np.sqrt(np.pi))
"""Side of a drawn crown per metre of crown radius: a square of the crown's area (π r²)."""


@dataclass(frozen=True)
class Collection:
    """A region layer published as features (OGC API Features and GeoJSON routes)."""

    id: str
    layer: str
    id_column: str
    properties: tuple[str, ...]
    title_nl: str
    title_en: str
    description: str


COLLECTIONS: dict[str, Collection] = {c.id: c for c in (
    Collection("areas", "areas", "code", ("code", "name", "level", "parent", "inhabitants",
                                          GEOMETRY_QUALITY),
               "Gebieden", "Areas",
               "Buurten, wijken, gemeenten and the region (CBS-style codes), with inhabitants; "
               "geometry_quality says whether the polygon is the area's own (real), the union "
               "of its children (derived) or its parent's (placeholder)."),
    Collection("green", "green", "green_id", ("green_id", "kind", "public", "area_ha"),
               "Groengebieden", "Green spaces",
               "Parks, forest, nature, grass, sports fields and allotments; 'public' marks "
               "green open to everyone."),
    Collection("buildings", "buildings", "building_id", ("building_id", "height_m", "dwellings"),
               "Gebouwen", "Buildings", "Building footprints with roof height (m) and dwellings."),
)}


def _polygon_part(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    kinds = shapely.get_type_id(np.asarray(frame.geometry.array, dtype=object))
    return frame[np.isin(kinds, (3, 6))]


def _line_part(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    kinds = shapely.get_type_id(np.asarray(frame.geometry.array, dtype=object))
    return frame[np.isin(kinds, (1, 5))]


def tree_crowns(trees: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Tree points drawn as crowns for the map: axis-aligned squares with the crown's area.

    A square of side r·√π covers π r², the area of a crown of radius r (m). It has half the
    vertices of an octagon: extruded in the 3D view, the trees were a third of the software
    renderer's work on the first render (issue 16: first 3D render ≤ 2 s).
    """
    radius = np.maximum(trees["crown_diameter_m"].to_numpy(dtype=float), 1.0) / 2.0
    half = radius * CROWN_SQUARE_SIDE / 2.0
    x, y = trees.geometry.x.to_numpy(), trees.geometry.y.to_numpy()
    crowns = shapely.box(x - half, y - half, x + half, y + half)
    return gpd.GeoDataFrame(trees.drop(columns="geometry"), geometry=crowns, crs=trees.crs)


def tile_layers(region: Region) -> list[TileLayer]:
    """The vector-tile layers of the map, drawn bottom to top.

    ``water`` and ``barriers`` come from the barriers layer (polygons and lines), ``streets``
    from the walking network; the zoom at which each appears keeps a tile to a few thousand
    features.
    """
    barriers = region.barriers
    return [
        TileLayer("water", _polygon_part(barriers), ("kind",), "barrier_id", 8, "polygon"),
        TileLayer("green", region.green, ("kind", "public"), "green_id", 9, "polygon"),
        TileLayer("barriers", _line_part(barriers), ("kind",), "barrier_id", 8, "line"),
        TileLayer("streets", region.network_edges, (), "edge_id", 12, "line"),
        TileLayer("buildings", region.buildings, ("height_m", "dwellings"), "building_id", 13,
                  "polygon"),
        TileLayer("trees", tree_crowns(region.trees), ("crown_diameter_m",), "tree_id", 14,
                  "polygon"),
    ]


@dataclass
class WebContext:
    """The region being served and every cache the web routers build from it.

    Parameters
    ----------
    region : Region
        The region (immutable).
    region_dir : Path
        Its folder (for outputs other services wrote beside it).
    extra_indicators : callable, optional
        Gives more indicator values in long form when the Monitor's tables are built (the
        closed field labs' survey results); None for none.
    """

    region: Region
    region_dir: Path
    extra_indicators: Callable[[], Any] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _once: dict[str, Any] = field(default_factory=dict, repr=False)
    _locks: dict[str, threading.Lock] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.feature_payload = lru_cache(maxsize=64)(self._feature_payload)
        self.areas_payload = lru_cache(maxsize=32)(self._areas_payload)

    def once(self, key: str, build: Callable[[], T]) -> T:
        """Build ``key`` with ``build`` the first time it is asked for; then reuse it.

        Each key has its own lock, so a long build (the Monitor) blocks only the requests that
        need it, and a build may itself ask for other keys.
        """
        if key in self._once:
            value: T = self._once[key]
            return value
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            if key not in self._once:
                self._once[key] = build()
            value = self._once[key]
            return value

    def memo(self, key: str, fn: Callable[..., T], maxsize: int = 1024) -> Callable[..., T]:
        """``fn`` with an LRU cache of ``maxsize`` results that lives as long as this context."""
        cached: Callable[..., T] = self.once(f"memo:{key}",
                                             lambda: lru_cache(maxsize=maxsize)(fn))
        return cached

    # ------------------------------------------------------------------ features

    def areas(self) -> gpd.GeoDataFrame:
        """The region's areas, always with ``geometry_quality`` (derived for old regions)."""

        def build() -> gpd.GeoDataFrame:
            areas = self.region.areas
            return areas.assign(**{GEOMETRY_QUALITY: area_geometry_quality(areas)})

        return self.once("areas", build)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """A layer of the region as published (areas with their geometry quality)."""
        frame: gpd.GeoDataFrame = self.areas() if name == "areas" else self.region.layer(name)
        return frame

    def features(self, collection: str) -> FeatureStore:
        """The :class:`FeatureStore` of a collection (EPSG:4326, unsimplified)."""
        c = COLLECTIONS[collection]

        def build() -> FeatureStore:
            return FeatureStore.build(c.id, self.layer(c.layer), c.id_column, c.properties)

        return self.once(f"features:{collection}", build)

    def _feature_payload(self, collection: str) -> Payload:
        return Payload.of(self.features(collection).collection(), GEOJSON)

    def _areas_payload(self, level: str, simplify_m: int) -> Payload:
        areas = self.areas()
        areas = areas[areas["level"] == level]
        store = FeatureStore.build(f"areas-{level}", areas, "code",
                                   COLLECTIONS["areas"].properties, simplify_m=simplify_m)
        return Payload.of(store.collection(), GEOJSON)

    # ------------------------------------------------------------------ tiles

    def tile_layers(self) -> list[TileLayer]:
        """Vector-tile layers (Web Mercator geometries and their spatial index)."""
        return self.once("tile_layers", lambda: tile_layers(self.region))

    def bounds_wgs84(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the region in degrees."""

        def build() -> tuple[float, float, float, float]:
            b = self.region.areas.to_crs(4326).total_bounds
            return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

        return self.once("bounds_wgs84", build)


def get_context(request: Request) -> WebContext:
    """FastAPI dependency: the :class:`WebContext` of the app."""
    ctx: WebContext = request.app.state.web
    return ctx


def check_level(level: str, file: str = "request") -> str:
    """Return ``level`` if it is an area level, else raise InputError naming the levels."""
    if level not in LEVELS:
        raise InputError.single(file, "query parameter", "level", f"unknown level {level!r}",
                                f"use one of: {', '.join(LEVELS)}")
    return level
