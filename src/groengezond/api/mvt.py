"""Mapbox Vector Tiles (MVT 2.1): tile arithmetic and a vectorised encoder.

The web map draws buildings, green, tree crowns, streets and barriers from vector tiles cut
from the region's layers (one tile holds a few thousand features at most, so the browser never
loads a whole layer). Geometries are reprojected to Web Mercator once per layer
(:class:`TileLayer`); a tile is then a spatial query, a clip, a simplification of about one
tile unit, a snap to the integer grid and an encode, all on numpy arrays and shapely 2
vectorised functions. The only Python loop runs over features of one tile, to assemble their
protobuf messages.

The encoding follows the Mapbox Vector Tile specification 2.1
(https://github.com/mapbox/vector-tile-spec/tree/master/2.1): zig-zag delta-encoded command
integers, exterior rings with a positive shoelace area in tile coordinates (y down) and
interior rings negative, no zero-length ``LineTo``.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely import STRtree

EXTENT = 4096
"""Tile units per tile side (the MVT default)."""
BUFFER = 64
"""Tile units drawn beyond the tile edge, so that strokes and joins do not show seams."""
ORIGIN_3857 = 20_037_508.342789244
"""Half the width of the Web Mercator square (m)."""

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Bounds (minx, miny, maxx, maxy) of tile ``z/x/y`` in EPSG:3857 (m).

    Parameters
    ----------
    z, x, y : int
        Zoom level and column/row of the XYZ tile scheme (row 0 at the top).
    """
    size = 2 * ORIGIN_3857 / (1 << z)
    minx = -ORIGIN_3857 + x * size
    maxy = ORIGIN_3857 - y * size
    return (minx, maxy - size, minx + size, maxy)


def valid_tile(z: int, x: int, y: int) -> bool:
    """True when ``z/x/y`` names a tile of the XYZ scheme (zoom 0-24)."""
    return 0 <= z <= 24 and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def tile_resolution(z: int) -> float:
    """Size of one tile unit at zoom ``z`` (m in EPSG:3857)."""
    return 2 * ORIGIN_3857 / (1 << z) / EXTENT


# --------------------------------------------------------------------------- protobuf


def _varints(values: npt.ArrayLike) -> tuple[npt.NDArray[np.uint8], IntArray]:
    """Encode non-negative integers as protobuf varints.

    Returns the bytes of all values back to back and the byte length of each value.
    """
    v = np.asarray(values, dtype=np.uint64)
    lengths = np.ones(v.shape, dtype=np.int64)
    rest = v >> np.uint64(7)
    while np.any(rest):
        lengths += rest > 0
        rest >>= np.uint64(7)
    out = np.empty(int(lengths.sum()), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    rest = v.copy()
    for k in range(int(lengths.max(initial=0))):
        live = lengths > k
        byte = (rest[live] & np.uint64(0x7F)).astype(np.uint8)
        more = lengths[live] > k + 1
        out[starts[live] + k] = byte | (more.astype(np.uint8) << 7)
        rest[live] >>= np.uint64(7)
    return out, lengths


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _field(number, 2) + _varint(len(payload)) + payload


def _zigzag(v: IntArray) -> UIntArray:
    return ((v << 1) ^ (v >> 63)).astype(np.uint64)


def _command(cmd: int, count: int | IntArray) -> IntArray:
    return (np.asarray(count, dtype=np.int64) << 3) | cmd


def _value(v: object) -> bytes:
    """Encode one property value as an MVT ``Value`` message."""
    if isinstance(v, (bool, np.bool_)):
        return _field(7, 0) + _varint(int(bool(v)))
    if isinstance(v, (int, np.integer)):
        iv = int(v)
        return _field(6, 0) + _varint((iv << 1) ^ (iv >> 63))
    if isinstance(v, (float, np.floating)):
        return _field(3, 1) + struct.pack("<d", float(v))
    return _bytes_field(1, str(v).encode("utf-8"))


# --------------------------------------------------------------------------- geometry


def _dedupe(xy: IntArray, ring: IntArray) -> tuple[IntArray, IntArray]:
    """Drop points equal to the previous point of the same ring."""
    keep = np.ones(len(xy), dtype=bool)
    if len(xy) > 1:
        same = np.all(xy[1:] == xy[:-1], axis=1) & (ring[1:] == ring[:-1])
        keep[1:] = ~same
    return xy[keep], ring[keep]


def _polygon_rings(geoms: npt.NDArray[np.object_]) -> tuple[IntArray, IntArray, IntArray]:
    """Rings of (multi)polygons in grid coordinates, cleaned and oriented for MVT.

    Returns the points (n, 2), the ring number of each point and the feature of each ring.
    """
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, point_ring = shapely.get_coordinates(rings, return_index=True)
    xy = np.rint(coords).astype(np.int64)
    # the closing point is implied by ClosePath
    last = np.r_[point_ring[1:] != point_ring[:-1], True]
    xy, point_ring = xy[~last], point_ring[~last]
    xy, point_ring = _dedupe(xy, point_ring)
    ring_ids, first, counts = np.unique(point_ring, return_index=True, return_counts=True)
    # shoelace area (y down) per ring, after snapping; degenerate rings are dropped
    nxt = np.arange(len(xy)) + 1
    ends = first + counts
    nxt[ends - 1] = first
    cross = xy[:, 0] * xy[nxt, 1] - xy[nxt, 0] * xy[:, 1]
    area = np.add.reduceat(cross, first) if len(first) else np.zeros(0, dtype=np.int64)
    ring_partof = ring_part[ring_ids]
    is_exterior = np.r_[True, ring_partof[1:] != ring_partof[:-1]] if len(ring_ids) else \
        np.zeros(0, dtype=bool)
    ok = (counts >= 3) & (area != 0)
    # an interior ring of a dropped exterior must go too
    exterior_ok = np.where(is_exterior, ok, False)
    part_ok = np.zeros(len(parts), dtype=bool)
    part_ok[ring_partof[exterior_ok]] = True
    ok &= part_ok[ring_partof]
    flip = (is_exterior & (area < 0)) | (~is_exterior & (area > 0))
    order = np.arange(len(xy))
    for r in np.flatnonzero(flip & ok):  # reverse the ring, keeping its first point
        s, n = first[r], counts[r]
        order[s + 1:s + n] = order[s + 1:s + n][::-1]
    xy = xy[order]
    keep_point = np.repeat(ok, counts)
    ring_feature = part_feature[ring_partof[ok]]
    return xy[keep_point], np.repeat(np.arange(ok.sum()), counts[ok]), ring_feature


def _line_parts(geoms: npt.NDArray[np.object_]) -> tuple[IntArray, IntArray, IntArray]:
    """Parts of (multi)linestrings in grid coordinates, without repeated points."""
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    coords, point_part = shapely.get_coordinates(parts, return_index=True)
    xy, point_part = _dedupe(np.rint(coords).astype(np.int64), point_part)
    part_ids, counts = np.unique(point_part, return_counts=True)
    ok = counts >= 2
    keep_point = np.repeat(ok, counts)
    return (xy[keep_point], np.repeat(np.arange(ok.sum()), counts[ok]),
            part_feature[part_ids[ok]])


def _commands(xy: IntArray, seq: IntArray, seq_feature: IntArray, kind: str,
              n_features: int) -> tuple[UIntArray, IntArray]:
    """Command integers of every feature, back to back, and their count per feature.

    ``seq`` numbers the rings (polygons), parts (lines) or points; deltas run on within a
    feature and restart at (0, 0) for each feature, as the specification requires.
    """
    if len(xy) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n_features, dtype=np.int64)
    feature_of_point = seq_feature[seq]
    delta = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    new_feature = np.r_[True, feature_of_point[1:] != feature_of_point[:-1]]
    delta[new_feature] = xy[new_feature]
    zz = _zigzag(delta)
    seq_start = np.r_[True, seq[1:] != seq[:-1]]
    counts = np.bincount(seq, minlength=int(seq.max()) + 1)
    if kind == "point":
        # one MoveTo(count) per feature, then the points
        feat_counts = np.bincount(feature_of_point, minlength=n_features)
        first_of_feature = new_feature
        size = 2 * np.ones(len(xy), dtype=np.int64) + first_of_feature
        out = np.empty(int(size.sum()), dtype=np.uint64)
        pos = np.cumsum(size) - size
        out[pos[first_of_feature]] = _command(1, feat_counts[feature_of_point[first_of_feature]])
        off = pos + first_of_feature
        out[off], out[off + 1] = zz[:, 0], zz[:, 1]
        per_feature = np.bincount(feature_of_point, weights=size, minlength=n_features)
        return out, per_feature.astype(np.int64)
    # MoveTo(1) x y [LineTo(n-1) x y ...] [ClosePath]
    closing = 1 if kind == "polygon" else 0
    is_second = np.r_[False, seq_start[:-1] & ~seq_start[1:]] if len(xy) > 1 else \
        np.zeros(1, dtype=bool)
    size = 2 + seq_start.astype(np.int64) + is_second
    seq_last = np.r_[seq[1:] != seq[:-1], True]
    size = size + closing * seq_last
    out = np.empty(int(size.sum()), dtype=np.uint64)
    pos = np.cumsum(size) - size
    out[pos[seq_start]] = _command(1, 1)
    out[pos[is_second]] = _command(2, counts[seq[is_second]] - 1)
    off = pos + seq_start + is_second
    out[off], out[off + 1] = zz[:, 0], zz[:, 1]
    if closing:
        out[pos[seq_last] + size[seq_last] - 1] = _command(7, 1)
    per_feature = np.bincount(feature_of_point, weights=size, minlength=n_features)
    return out, per_feature.astype(np.int64)


# --------------------------------------------------------------------------- layers


@dataclass
class TileLayer:
    """One region layer prepared for tiling: Web Mercator geometries and a spatial index.

    Parameters
    ----------
    name : str
        Name of the layer inside the tile (``source-layer`` in a MapLibre style).
    frame : GeoDataFrame
        Features in any CRS; reprojected to EPSG:3857 once, here.
    properties : sequence of str
        Columns copied into the tile as feature properties.
    id_column : str or None
        Integer column used as feature id.
    minzoom : int
        Lowest zoom at which the layer is put in tiles.
    kind : {"polygon", "line", "point"}
        Geometry kind of the whole layer.
    """

    name: str
    frame: gpd.GeoDataFrame
    properties: Sequence[str]
    id_column: str | None
    minzoom: int
    kind: str
    geoms: npt.NDArray[np.object_] = field(init=False, repr=False)
    tree: STRtree = field(init=False, repr=False)
    columns: dict[str, npt.NDArray[np.generic]] = field(init=False, repr=False)
    ids: npt.NDArray[np.int64] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        mercator = self.frame.to_crs(3857) if len(self.frame) else self.frame
        self.geoms = np.asarray(mercator.geometry.array, dtype=object)
        if self.kind == "polygon":
            # clockwise exteriors with y up become positive-area exteriors with y down (MVT)
            self.geoms = shapely.orient_polygons(self.geoms, exterior_cw=True)
        self.tree = STRtree(self.geoms)
        self.columns = {c: self.frame[c].to_numpy() for c in self.properties}
        self.ids = (None if self.id_column is None
                    else self.frame[self.id_column].to_numpy(dtype=np.int64))

    def encode(self, z: int, x: int, y: int) -> bytes:
        """Encode this layer's part of tile ``z/x/y`` as an MVT ``Layer`` message.

        Returns empty bytes when the tile holds no feature of the layer.
        """
        if z < self.minzoom or len(self.geoms) == 0:
            return b""
        minx, miny, maxx, maxy = tile_bounds(z, x, y)
        scale = EXTENT / (maxx - minx)
        pad = BUFFER / scale if self.kind != "point" else 0.0
        idx = self.tree.query(shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad))
        if len(idx) == 0:
            return b""
        idx = np.sort(idx)
        geoms = self.geoms[idx]
        if self.kind != "point":
            geoms = shapely.clip_by_rect(geoms, minx - pad, miny - pad, maxx + pad, maxy + pad)

        def to_grid(c: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return np.column_stack(((c[:, 0] - minx) * scale, (maxy - c[:, 1]) * scale))

        geoms = shapely.transform(geoms, to_grid)
        if self.kind != "point":
            geoms = shapely.simplify(geoms, 0.5, preserve_topology=False)
        keep = ~shapely.is_empty(geoms) & ~shapely.is_missing(geoms)
        idx, geoms = idx[keep], geoms[keep]
        if len(idx) == 0:
            return b""
        if self.kind == "polygon":
            xy, seq, seq_feature = _polygon_rings(geoms)
        elif self.kind == "line":
            xy, seq, seq_feature = _line_parts(geoms)
        else:
            coords, point_feature = shapely.get_coordinates(geoms, return_index=True)
            xy = np.rint(coords).astype(np.int64)
            seq, seq_feature = np.arange(len(xy)), point_feature
        cmds, per_feature = _commands(xy, seq, seq_feature, self.kind, len(idx))
        return self._layer_message(idx, cmds, per_feature)

    def _layer_message(self, idx: IntArray, cmds: UIntArray, per_feature: IntArray) -> bytes:
        geom_bytes, geom_len = _varints(cmds)
        ends = np.cumsum(geom_len)
        cmd_end = np.cumsum(per_feature)
        byte_end = np.r_[0, ends][cmd_end]
        byte_start = np.r_[0, byte_end[:-1]]
        # properties: keys in column order; values deduplicated per layer
        keys = list(self.columns)
        values: list[bytes] = []
        tag_cols = []
        for k, col in enumerate(keys):
            raw = self.columns[col][idx]
            codes, uniques = pd.factorize(pd.Series(raw), use_na_sentinel=True)
            offset = len(values)
            values.extend(_value(u) for u in uniques)
            tag_cols.append((k, np.where(codes >= 0, codes + offset, -1)))
        type_code = {"point": 1, "line": 2, "polygon": 3}[self.kind]
        type_bytes = _field(3, 0) + _varint(type_code)
        features = []
        raw_geom = geom_bytes.tobytes()
        ids = self.ids[idx] if self.ids is not None else None
        for i in range(len(idx)):
            if per_feature[i] == 0:
                continue
            msg = bytearray()
            if ids is not None and ids[i] >= 0:
                msg += _field(1, 0) + _varint(int(ids[i]))
            tags = [t for k, v in tag_cols if v[i] >= 0 for t in (k, int(v[i]))]
            if tags:
                msg += _bytes_field(2, b"".join(_varint(t) for t in tags))
            msg += type_bytes
            msg += _bytes_field(4, raw_geom[byte_start[i]:byte_end[i]])
            features.append(_bytes_field(2, bytes(msg)))
        if not features:
            return b""
        body = bytearray(_field(15, 0) + _varint(2))
        body += _bytes_field(1, self.name.encode("utf-8"))
        body += b"".join(features)
        body += b"".join(_bytes_field(3, k.encode("utf-8")) for k in keys)
        body += b"".join(_bytes_field(4, v) for v in values)
        body += _field(5, 0) + _varint(EXTENT)
        return _bytes_field(3, bytes(body))


def encode_tile(layers: Sequence[TileLayer], z: int, x: int, y: int) -> bytes:
    """Encode tile ``z/x/y`` with every layer that has features in it (MVT ``Tile``)."""
    return b"".join(layer.encode(z, x, y) for layer in layers)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (x, y) at zoom ``z`` that holds ``lon``, ``lat`` (degrees)."""
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)
