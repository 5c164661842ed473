"""Response models of the map services: TileJSON (``/api/tiles.json``) and the JSON documents
of OGC API Features (``/ogc``, ``/ogc/conformance``, ``/ogc/collections``).

The tiles themselves (MVT, PNG) and the GeoJSON items are binary or GeoJSON answers declared
with their media type, not as JSON models.
"""

from __future__ import annotations

from pydantic import Field

from groengezond.api.contract import Contract, Link


class VectorLayer(Contract):
    """One layer of the vector tiles (TileJSON 3.0.0 ``vector_layers``)."""

    id: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str]


class LandcoverTiles(Contract):
    """The land-cover raster tiles: URL template, zooms, class table and colours."""

    tiles: list[str]
    minzoom: int
    maxzoom: int
    tileSize: int  # noqa: N815 (TileJSON's spelling)
    classes: dict[str, str] = Field(description="Class code (as text) -> class name")
    colours: dict[str, str] = Field(description="Class name -> #rrggbb")


class TileJSON(Contract):
    """TileJSON 3.0.0 of the region's vector tiles, with the land-cover tiles."""

    tilejson: str
    name: str
    attribution: str
    tiles: list[str]
    minzoom: int
    maxzoom: int
    bounds: list[float] = Field(description="West, south, east, north (degrees)")
    center: list[float] = Field(description="Longitude, latitude, zoom")
    vector_layers: list[VectorLayer]
    landcover: LandcoverTiles
    synthetic: bool


class OgcLanding(Contract):
    """OGC API landing page."""

    title: str
    description: str
    links: list[Link]


class OgcConformance(Contract):
    """OGC API conformance declaration."""

    conformsTo: list[str]  # noqa: N815 (the standard's spelling)


class SpatialExtent(Contract):
    """Bounding boxes in CRS84."""

    bbox: list[list[float]]
    crs: str


class Extent(Contract):
    """Extent of a collection."""

    spatial: SpatialExtent


class OgcCollection(Contract):
    """One feature collection: title, extent (CRS84) and links to its items."""

    id: str
    title: str
    description: str
    itemType: str  # noqa: N815
    crs: list[str]
    storageCrs: str  # noqa: N815
    extent: Extent
    links: list[Link]


class OgcCollections(Contract):
    """Every feature collection."""

    links: list[Link]
    collections: list[OgcCollection]
