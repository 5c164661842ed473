"""Map tiles of the region itself: vector tiles of its layers and raster tiles of land cover.

- ``/api/tiles/{z}/{x}/{y}.mvt``: Mapbox Vector Tiles with the layers ``water``, ``green``,
  ``barriers``, ``streets``, ``buildings`` (``height_m`` for 3D extrusion) and ``trees`` (crowns).
- ``/api/tiles/landcover/{z}/{x}/{y}.png``: the 10 m land-cover raster as a paletted PNG, the
  base map under everything else.
- ``/api/tiles.json``: TileJSON 3.0 describing both (QGIS and MapLibre can read it).

Tiles come from the region's pre-built store (``baseline/tiles.mbtiles``, written when the
baseline is computed; :mod:`groengezond.api.tile_store`) when it matches the region, and are
otherwise encoded on first request; either way they are kept in an LRU cache, gzip-compressed,
and answered with ``Cache-Control`` and an ``ETag`` (304 on ``If-None-Match``).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from functools import lru_cache, partial
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pyproj import Transformer

from groengezond.api.context import WebContext, get_context
from groengezond.api.geojson import Payload
from groengezond.api.models_maps import TileJSON
from groengezond.api.mvt import encode_tile, tile_bounds, valid_tile
from groengezond.api.problems import ReadableRoute
from groengezond.api.security import public_base
from groengezond.api.tile_store import TileStore
from groengezond.errors import InputError
from groengezond.region.model import Landcover

router = APIRouter(prefix="/api/tiles", tags=["map tiles"], route_class=ReadableRoute)

MVT = "application/vnd.mapbox-vector-tile"
TILE_PX = 256
MAXZOOM = 16
"""Deepest zoom served; the map overzooms beyond it."""
LANDCOVER_MINZOOM = 8
LANDCOVER_COLOURS: dict[str, tuple[int, int, int, int]] = {
    "nodata": (0, 0, 0, 0),
    "building": (214, 208, 200, 255),
    "paved": (236, 234, 229, 255),
    "low_green": (205, 230, 170, 255),
    "trees": (150, 198, 120, 255),
    "water": (166, 206, 236, 255),
    "agriculture": (238, 240, 212, 255),
    "bare": (232, 222, 196, 255),
}
"""Base-map colours of the land-cover classes (RGBA)."""

Z = Annotated[int, Path(ge=0, le=24, description="Zoom level")]
X = Annotated[int, Path(ge=0, description="Tile column")]
Y = Annotated[int, Path(ge=0, description="Tile row (0 at the top, XYZ scheme)")]


def _check_tile(z: int, x: int, y: int) -> None:
    if not valid_tile(z, x, y):
        raise InputError.single("request", "path parameter", "x/y",
                                f"tile {z}/{x}/{y} does not exist",
                                f"at zoom {z} x and y run from 0 to {(1 << z) - 1}")


def png_palette(classes: npt.NDArray[np.uint8], palette: list[tuple[int, int, int, int]]) -> bytes:
    """Encode a uint8 class grid as a paletted PNG with transparency (PNG spec, colour type 3).

    Parameters
    ----------
    classes : ndarray of uint8, shape (rows, cols)
        Palette index per pixel.
    palette : list of (r, g, b, a)
        Colour per index.
    """
    rows, cols = classes.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = np.zeros((rows, cols + 1), dtype=np.uint8)  # filter byte 0 before each row
    raw[:, 1:] = classes
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", bytes(v for r, g, b, _ in palette for v in (r, g, b)))
            + chunk(b"tRNS", bytes(a for *_, a in palette))
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
            + chunk(b"IEND", b""))


GRID = 16
"""Cells per side of the grid at which a land-cover tile's pixel positions are projected."""


@lru_cache(maxsize=1)
def _to_rd() -> Transformer:
    """Web Mercator to RD New (made once: creating a transformer takes a tenth of a second)."""
    return Transformer.from_crs(3857, 28992, always_xy=True)


def landcover_tile(landcover: Landcover, classes_table: dict[int, str], z: int, x: int,
                   y: int) -> bytes | None:
    """Render tile ``z/x/y`` of the land-cover raster (nearest cell per pixel); None if empty."""
    minx, _, maxx, maxy = tile_bounds(z, x, y)
    step = (maxx - minx) / TILE_PX
    # RD New of every pixel centre: exact at a grid of GRID + 1 nodes per side, bilinear in
    # between (the projections are smooth: under a metre off at zoom 8, millimetres at 12, against
    # 0.6-600 m pixels), so a tile costs one small transform instead of 65,536 points
    nodes = 0.5 + np.linspace(0.0, TILE_PX - 1.0, GRID + 1)
    nx, ny = np.meshgrid(minx + nodes * step, maxy - nodes * step)
    gx, gy = (np.asarray(v).reshape(GRID + 1, GRID + 1)
              for v in _to_rd().transform(nx.ravel(), ny.ravel()))
    g = np.arange(TILE_PX) * GRID / (TILE_PX - 1.0)
    i0 = np.minimum(np.floor(g).astype(np.int64), GRID - 1)
    f = g - i0
    rows_i, cols_i = i0[:, None], i0[None, :]
    fr, fc = f[:, None], f[None, :]

    def bilinear(v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        top = v[rows_i, cols_i] * (1 - fc) + v[rows_i, cols_i + 1] * fc
        bottom = v[rows_i + 1, cols_i] * (1 - fc) + v[rows_i + 1, cols_i + 1] * fc
        out: npt.NDArray[np.float64] = (top * (1 - fr) + bottom * fr).ravel()
        return out

    rx, ry = bilinear(gx), bilinear(gy)
    t = landcover.transform
    col = np.floor((np.asarray(rx) - t.c) / t.a).astype(np.int64)
    row = np.floor((np.asarray(ry) - t.f) / t.e).astype(np.int64)
    rows, cols = landcover.classes.shape
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    if not inside.any():
        return None
    out = np.zeros(TILE_PX * TILE_PX, dtype=np.uint8)
    out[inside] = landcover.classes[row[inside], col[inside]]
    if not out.any():
        return None
    palette = [LANDCOVER_COLOURS.get(classes_table.get(code, ""), (0, 0, 0, 0))
               for code in range(256)]
    return png_palette(out.reshape(TILE_PX, TILE_PX), palette)


def _store(ctx: WebContext) -> TileStore | None:
    """The region's pre-built tiles (:mod:`groengezond.api.tile_store`), if they match it."""
    return ctx.once("tile_store", lambda: TileStore.open(ctx.region_dir))


def _vector_tile(ctx: WebContext, z: int, x: int, y: int) -> Payload:
    store = _store(ctx)
    stored = store.get("tiles", z, x, y) if store is not None else None
    if stored is not None:
        body = zlib.decompress(stored, wbits=31)
        # the same ETag as an on-demand encoding of the same tile
        return Payload(body, stored, MVT, _etag(body))
    return Payload.of(encode_tile(ctx.tile_layers(), z, x, y), MVT)


def _etag(body: bytes) -> str:
    """The ETag :meth:`Payload.of` gives ``body`` (BLAKE2b, 12 bytes)."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _landcover_tile(ctx: WebContext, z: int, x: int, y: int) -> Payload | None:
    lc = ctx.region.landcover
    if lc is None or z < LANDCOVER_MINZOOM:
        return None
    store = _store(ctx)
    stored = store.get("landcover", z, x, y) if store is not None else None
    if stored is not None:
        return Payload.of(stored, "image/png") if stored else None
    png = landcover_tile(lc, ctx.region.meta.landcover_classes, z, x, y)
    return None if png is None else Payload.of(png, "image/png")


Ctx = Annotated[WebContext, Depends(get_context)]


@router.get("/{z}/{x}/{y}.mvt", summary="Vector tile of the region's layers",
            response_class=Response,
            responses={200: {"content": {MVT: {}}, "description": "Mapbox Vector Tile 2.1"}})
def vector_tile(z: Z, x: X, y: Y, request: Request, ctx: Ctx) -> Response:
    """One vector tile (layers water, green, barriers, streets, buildings, trees).

    An empty tile is an empty body with status 200 (a valid MVT).
    """
    _check_tile(z, x, y)
    if z > MAXZOOM:
        raise InputError.single("request", "path parameter", "z", f"zoom {z} is beyond {MAXZOOM}",
                                f"ask zoom {MAXZOOM} or less; maps overzoom from there")
    payload = ctx.memo("mvt", partial(_vector_tile, ctx), 4096)(z, x, y)
    return payload.response(request, max_age=86400)


@router.get("/landcover/{z}/{x}/{y}.png", summary="Land-cover base-map tile",
            response_class=Response,
            responses={200: {"content": {"image/png": {}}}, 204: {"description": "No data"}})
def landcover_png(z: Z, x: X, y: Y, request: Request, ctx: Ctx) -> Response:
    """One 256 px land-cover tile; 204 where the region has no land cover."""
    _check_tile(z, x, y)
    if z > MAXZOOM:
        raise InputError.single("request", "path parameter", "z", f"zoom {z} is beyond {MAXZOOM}",
                                f"ask zoom {MAXZOOM} or less; maps overzoom from there")
    payload = ctx.memo("landcover", partial(_landcover_tile, ctx), 4096)(z, x, y)
    if payload is None:
        return Response(status_code=204)
    return payload.response(request, max_age=86400)


@router.get(".json", summary="TileJSON of the region's vector and land-cover tiles",
            response_model=TileJSON)
def tilejson(request: Request, ctx: Ctx) -> dict[str, Any]:
    """TileJSON 3.0.0 for the vector tiles, with the land-cover tiles as ``landcover``."""
    base = public_base(request)  # GG_PUBLIC_URL, never the Host header
    west, south, east, north = ctx.bounds_wgs84()
    return {
        "tilejson": "3.0.0",
        "name": ctx.region.meta.name,
        "attribution": "; ".join(s.attribution for s in ctx.region.meta.sources),
        "tiles": [f"{base}/api/tiles/{{z}}/{{x}}/{{y}}.mvt"],
        "minzoom": 0,
        "maxzoom": MAXZOOM,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, 12],
        "vector_layers": [
            {"id": layer.name, "minzoom": layer.minzoom, "maxzoom": MAXZOOM,
             "fields": {p: "" for p in layer.properties}}
            for layer in ctx.tile_layers()
        ],
        "landcover": {
            "tiles": [f"{base}/api/tiles/landcover/{{z}}/{{x}}/{{y}}.png"],
            "minzoom": LANDCOVER_MINZOOM, "maxzoom": MAXZOOM, "tileSize": TILE_PX,
            "classes": {str(k): v for k, v in ctx.region.meta.landcover_classes.items()},
            "colours": {k: "#{:02x}{:02x}{:02x}".format(*v[:3])
                        for k, v in LANDCOVER_COLOURS.items() if v[3]},
        },
        "synthetic": ctx.region.meta.synthetic,
    }
