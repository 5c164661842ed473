"""Pre-built map tiles of a region: an MBTiles (SQLite) file beside its baseline.

Encoding the first tiles on a freshly started server costs seconds (the tile layers are
projected and indexed, then every tile is cut and encoded), which a first 3D render would
wait for. So :func:`build_tile_store` encodes every tile of the region once, when its baseline
is computed (:func:`groengezond.services.baseline.compute_baseline`), into
``<region>/baseline/tiles.mbtiles``:

- table ``tiles`` (MBTiles 1.3: ``zoom_level``, ``tile_column``, ``tile_row`` in the TMS
  scheme, ``tile_data``): the vector tiles, gzip-compressed Mapbox Vector Tiles (format
  ``pbf``), from zoom 0 to :data:`~groengezond.api.tiles.MAXZOOM` over the region's bounds,
  empty tiles included (an empty MVT);
- table ``landcover`` (the same columns): the land-cover PNGs from zoom
  :data:`~groengezond.api.tiles.LANDCOVER_MINZOOM`; an empty blob where a tile has no data
  (served as 204);
- table ``metadata``: the MBTiles keys (``name``, ``format``, ``bounds``, ``minzoom``,
  ``maxzoom``, ``json``) and ``gg_format`` (this module's :data:`FORMAT_VERSION`) and
  ``gg_fingerprint`` (:func:`region_fingerprint`).

The server (:mod:`groengezond.api.tiles`) serves a tile from the file when the file's format
and fingerprint match the region it serves, and encodes it on demand otherwise (a region
changed after its baseline, or tiles outside the stored range): a stale file is never served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from groengezond.api.mvt import encode_tile, lonlat_to_tile

if TYPE_CHECKING:
    from groengezond.region.model import Region

log = logging.getLogger(__name__)

STORE_FILE = "tiles.mbtiles"
"""File name of the store inside the region's ``baseline/`` folder."""
FORMAT_VERSION = "1"
"""Bumped whenever the tile encoding changes: a store of another version is not used."""
MAX_TILES = 60_000
"""Most tiles (vector and land cover together) one store holds; deeper zooms that would pass
it are left to on-demand encoding (the build says so)."""
REGION_SUFFIXES = (".json", ".parquet", ".tif", ".tiff", ".gpkg", ".geojson")
TABLES = ("tiles", "landcover")
EMPTY_MVT_GZ = gzip.compress(b"", compresslevel=6, mtime=0)
"""An empty vector tile (no layers), gzip-compressed as the store keeps its tiles."""


def region_fingerprint(region_dir: Path) -> str:
    """A fingerprint of the region's own files (names, sizes, modification times).

    The ``baseline/`` folder and anything not a region file (a database, a log) are left
    out. A region rewritten or copied without its times gets another fingerprint, so its
    old tiles are not served.
    """
    root = Path(region_dir)
    h = hashlib.blake2b(digest_size=16)
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root)
        if not f.is_file() or rel.parts[0] == "baseline" or f.suffix.lower() not in \
                REGION_SUFFIXES:
            continue
        st = f.stat()
        h.update(f"{rel.as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def tile_ranges(bounds_wgs84: tuple[float, float, float, float], zooms: range
                ) -> list[tuple[int, int, int, int, int]]:
    """(z, x0, x1, y0, y1) of the tiles covering ``bounds_wgs84`` at each zoom (inclusive)."""
    west, south, east, north = bounds_wgs84
    out = []
    for z in zooms:
        x0, y0 = lonlat_to_tile(west, north, z)
        x1, y1 = lonlat_to_tile(east, south, z)
        out.append((z, x0, x1, y0, y1))
    return out


def region_bounds(region: Region) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of everything the tiles draw: the areas, every
    mapped layer (crowns reach a few metres past their trees) and the land-cover raster."""
    import numpy as np
    from pyproj import Transformer

    boxes = []
    for name in ("areas", "green", "barriers", "network_edges", "buildings", "trees"):
        frame = region.layer(name)
        if len(frame):
            boxes.append(np.asarray(frame.total_bounds, dtype=float))
    if region.landcover is not None:
        boxes.append(np.asarray(region.landcover.bounds, dtype=float))
    if not boxes:
        raise ValueError("the region has no geometry to make tiles of")
    arr = np.vstack(boxes)
    pad = 50.0  # m: tree crowns and line widths
    x0, y0 = arr[:, 0].min() - pad, arr[:, 1].min() - pad
    x1, y1 = arr[:, 2].max() + pad, arr[:, 3].max() + pad
    tr = Transformer.from_crs(28992, 4326, always_xy=True)
    west, south, east, north = tr.transform_bounds(x0, y0, x1, y1, densify_pts=21)
    return (float(west), float(south), float(east), float(north))


@dataclass(frozen=True)
class StoreSummary:
    """What :func:`build_tile_store` wrote."""

    path: Path
    vector_tiles: int
    landcover_tiles: int
    max_zoom: int
    seconds: float
    bytes: int


def _count(ranges: list[tuple[int, int, int, int, int]]) -> int:
    return sum((x1 - x0 + 1) * (y1 - y0 + 1) for _, x0, x1, y0, y1 in ranges)


def build_tile_store(region: Region, region_dir: Path,
                     progress: Callable[[str, float], None] | None = None) -> StoreSummary:
    """Encode every tile of ``region`` into ``<region_dir>/baseline/tiles.mbtiles``.

    Parameters
    ----------
    region : Region
        The region as read from ``region_dir``.
    region_dir : Path
        Its folder (the fingerprint is taken from its files).
    progress : callable, optional
        ``progress(step, fraction)`` callback.

    Returns
    -------
    StoreSummary
        Counts, the deepest zoom stored, time (s) and size (bytes) of the file.
    """
    from groengezond.api.context import tile_layers
    from groengezond.api.tiles import LANDCOVER_MINZOOM, MAXZOOM, landcover_tile
    from groengezond.region.store import atomic_file

    t0 = time.perf_counter()
    bounds = region_bounds(region)
    lc = region.landcover
    # the deepest zoom at which vector and land-cover tiles together stay under MAX_TILES
    top = MAXZOOM
    while top > 0:
        n = _count(tile_ranges(bounds, range(0, top + 1)))
        if lc is not None and top >= LANDCOVER_MINZOOM:
            n += _count(tile_ranges(bounds, range(LANDCOVER_MINZOOM, top + 1)))
        if n <= MAX_TILES:
            break
        top -= 1
    if top < MAXZOOM:
        log.warning("tile store: zooms %d-%d are left to on-demand encoding (more than %d "
                    "tiles)", top + 1, MAXZOOM, MAX_TILES)
    vector = tile_ranges(bounds, range(0, top + 1))
    cover = tile_ranges(bounds, range(LANDCOVER_MINZOOM, top + 1)) if lc is not None else []
    total = max(_count(vector) + _count(cover), 1)
    layers = tile_layers(region)
    out = Path(region_dir) / "baseline" / STORE_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    done = n_vector = n_cover = 0
    with atomic_file(out) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT)")
            for table in TABLES:
                conn.execute(f"CREATE TABLE {table} (zoom_level INTEGER, tile_column INTEGER, "
                             "tile_row INTEGER, tile_data BLOB, "
                             "PRIMARY KEY (zoom_level, tile_column, tile_row))")
            meta = {
                "name": region.meta.name, "format": "pbf", "type": "baselayer",
                "bounds": ",".join(f"{v:.6f}" for v in bounds), "minzoom": "0",
                "maxzoom": str(top), "scheme": "tms",
                "json": json.dumps({"vector_layers": [
                    {"id": layer.name, "minzoom": layer.minzoom, "maxzoom": MAXZOOM,
                     "fields": {p: "" for p in layer.properties}} for layer in layers]}),
                "gg_format": FORMAT_VERSION, "gg_fingerprint": region_fingerprint(region_dir),
                "gg_landcover_minzoom": str(LANDCOVER_MINZOOM if cover else -1),
                "gg_landcover_maxzoom": str(top if cover else -1),
            }
            conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
            for table, ranges in (("tiles", vector), ("landcover", cover)):
                for z, x0, x1, y0, y1 in ranges:
                    rows = []
                    for x in range(x0, x1 + 1):
                        for y in range(y0, y1 + 1):
                            if table == "tiles":
                                data = gzip.compress(encode_tile(layers, z, x, y),
                                                     compresslevel=6, mtime=0)
                                n_vector += 1
                            else:
                                assert lc is not None
                                png = landcover_tile(lc, region.meta.landcover_classes, z, x, y)
                                data = png or b""
                                n_cover += 1
                            rows.append((z, x, (1 << z) - 1 - y, data))
                    conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", rows)
                    done += len(rows)
                    if progress:
                        progress(f"tiles {table} zoom {z}", done / total)
            conn.commit()
        finally:
            conn.close()
    return StoreSummary(out, n_vector, n_cover, top, time.perf_counter() - t0,
                        out.stat().st_size)


class TileStore:
    """Read access to a region's pre-built tiles (thread-safe; one read-only connection)."""

    def __init__(self, path: Path, meta: dict[str, str]) -> None:
        self.path = path
        self.meta = meta
        self.max_zoom = int(meta.get("maxzoom", "-1"))
        self.landcover_zooms = (int(meta.get("gg_landcover_minzoom", "-1")),
                                int(meta.get("gg_landcover_maxzoom", "-1")))
        west, south, east, north = (float(v) for v in meta["bounds"].split(","))
        self._ranges = {z: (x0, x1, y0, y1) for z, x0, x1, y0, y1 in
                        tile_ranges((west, south, east, north), range(0, self.max_zoom + 1))}
        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1",
                                     uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, region_dir: Path) -> TileStore | None:
        """The store of the region in ``region_dir``, or None when there is none or it does
        not match the region's files (then tiles are encoded on demand)."""
        path = Path(region_dir) / "baseline" / STORE_FILE
        if not path.is_file():
            return None
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
            finally:
                conn.close()
        except sqlite3.Error as e:
            log.warning("tile store %s is unreadable (%s); tiles are encoded on demand", path, e)
            return None
        if meta.get("gg_format") != FORMAT_VERSION:
            log.info("tile store %s is of format %s, not %s; tiles are encoded on demand",
                     path, meta.get("gg_format"), FORMAT_VERSION)
            return None
        if meta.get("gg_fingerprint") != region_fingerprint(region_dir):
            log.warning("tile store %s was built from other region files; tiles are encoded "
                        "on demand (compute the baseline again to rebuild it)", path)
            return None
        return cls(path, meta)

    def get(self, table: str, z: int, x: int, y: int) -> bytes | None:
        """The stored bytes of tile ``z/x/y`` (XYZ) in ``table``, or None when not stored.

        Vector tiles come gzip-compressed; a land-cover tile without data is ``b""``.
        """
        if table not in TABLES:
            raise ValueError(f"unknown tile table {table!r}")
        if z > self.max_zoom:
            return None
        if table == "landcover" and not self.landcover_zooms[0] <= z <= self.landcover_zooms[1]:
            return None
        x0, x1, y0, y1 = self._ranges[z]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            # outside everything the region draws: known to be empty
            return EMPTY_MVT_GZ if table == "tiles" else b""
        with self._lock:
            row = self._conn.execute(
                f"SELECT tile_data FROM {table} WHERE zoom_level = ? AND tile_column = ? "
                "AND tile_row = ?", (z, x, (1 << z) - 1 - y)).fetchone()
        return None if row is None else bytes(row[0])
