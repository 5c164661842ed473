"""GeoJSON (RFC 7946) rendering of region layers, with the EPSG:4326 conversion cached.

A :class:`FeatureStore` converts one layer to EPSG:4326 once and keeps, per feature, its
GeoJSON text, its id and its bounding box. A page of features (OGC API Features ``items``, or a
whole layer for the map) is then a join of ready strings, and a ``bbox`` filter a comparison of
numpy arrays followed by an exact intersection test on the few candidates.

Coordinates are rounded to 6 decimals (about 0.1 m), the precision RFC 7946 § 11.2 suggests is
enough; polygons may be simplified first, in metres, in EPSG:28992 (``simplify_m``).
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from fastapi import Request
from fastapi.responses import Response

GEOJSON = "application/geo+json"
PRECISION = 6
"""Decimals kept of longitude and latitude (1e-6 degree is about 0.1 m)."""


def _json_value(v: Any) -> Any:
    """A JSON-ready Python value: numpy scalars unwrapped, NaN and NaT as None."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def json_ready(value: Any) -> Any:
    """``value`` with every NaN, inf and numpy scalar made JSON-ready, in nested dicts and
    lists too (NaN and inf become None: JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return _json_value(value)


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts of ``columns`` (NaN becomes null)."""
    cols = [c for c in columns if c in frame.columns]
    arrays = [frame[c].to_numpy(dtype=object) for c in cols]
    return [{c: _json_value(a[i]) for c, a in zip(cols, arrays, strict=True)}
            for i in range(len(frame))]


@dataclass(frozen=True)
class FeatureStore:
    """One layer as ready GeoJSON Feature strings in EPSG:4326.

    Build it with :meth:`build`. Attributes are aligned arrays, one entry per feature, in the
    layer's row order.
    """

    name: str
    ids: npt.NDArray[np.object_]
    features: npt.NDArray[np.object_]
    bounds: npt.NDArray[np.float64]
    geoms: npt.NDArray[np.object_]

    @classmethod
    def build(cls, name: str, frame: gpd.GeoDataFrame, id_column: str,
              properties: Sequence[str], simplify_m: float = 0.0) -> FeatureStore:
        """Convert ``frame`` to EPSG:4326 and render every feature once.

        Parameters
        ----------
        name : str
            Name of the layer.
        frame : GeoDataFrame
            The layer, in EPSG:28992.
        id_column : str
            Column holding the feature id (``id`` member of each Feature).
        properties : sequence of str
            Columns written as the Feature's ``properties``.
        simplify_m : float
            Douglas-Peucker tolerance (m) applied in EPSG:28992 before the conversion,
            preserving topology; 0 keeps every vertex.
        """
        geoms = np.asarray(frame.geometry.array, dtype=object)
        if simplify_m > 0:
            geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
        wgs = gpd.GeoSeries(geoms, crs=frame.crs).to_crs(4326)
        g4326 = shapely.transform(np.asarray(wgs.array, dtype=object),
                                  lambda c: np.round(c, PRECISION))
        texts = shapely.to_geojson(g4326)
        ids = frame[id_column].to_numpy(dtype=object)
        props = records(frame, properties)
        features = np.empty(len(frame), dtype=object)
        for i, (fid, geom, prop) in enumerate(zip(ids, texts, props, strict=True)):
            features[i] = (f'{{"type":"Feature","id":{json.dumps(_json_value(fid))},'
                           f'"geometry":{geom},"properties":'
                           f'{json.dumps(prop, ensure_ascii=False, separators=(",", ":"))}}}')
        bounds = shapely.bounds(g4326) if len(g4326) else np.zeros((0, 4))
        return cls(name, np.asarray([str(i) for i in ids], dtype=object), features,
                   np.asarray(bounds, dtype=np.float64), g4326)

    def __len__(self) -> int:
        return len(self.features)

    def select(self, bbox: tuple[float, float, float, float] | None = None,
               mask: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.int64]:
        """Positions of the features intersecting ``bbox`` (lon/lat) and passing ``mask``."""
        keep = np.ones(len(self), dtype=bool) if mask is None else mask.copy()
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            b = self.bounds
            keep &= (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)
            cand = np.flatnonzero(keep)
            hit = shapely.intersects(self.geoms[cand], shapely.box(x0, y0, x1, y1))
            keep[cand[~hit]] = False
        return np.flatnonzero(keep)

    def position(self, feature_id: str) -> int | None:
        """Position of the feature with id ``feature_id``, or None."""
        hit = np.flatnonzero(self.ids == feature_id)
        return int(hit[0]) if len(hit) else None

    def collection(self, positions: npt.NDArray[np.int64] | None = None,
                   extra: dict[str, Any] | None = None) -> str:
        """A FeatureCollection of the features at ``positions`` (all when None) as text.

        ``extra`` members (links, numberMatched, ...) are added after ``features``.
        """
        feats = self.features if positions is None else self.features[positions]
        tail = "".join(f",{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}"
                       for k, v in (extra or {}).items())
        return f'{{"type":"FeatureCollection","features":[{",".join(feats)}]{tail}}}'


@dataclass(frozen=True)
class Payload:
    """A ready response body, with its gzip-compressed form for clients that accept it."""

    body: bytes
    gzipped: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes | str, media_type: str) -> Payload:
        """Wrap ``body`` (text is UTF-8 encoded) and compress it once."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        import hashlib

        etag = '"' + hashlib.blake2b(raw, digest_size=12).hexdigest() + '"'
        return cls(raw, gzip.compress(raw, compresslevel=6, mtime=0), media_type, etag)

    def response(self, request: Request, max_age: int = 3600) -> Response:
        """The response for ``request``: gzip when accepted, 304 when the ETag matches."""
        headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": self.etag,
                   "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


def json_bytes(doc: Any) -> bytes:
    """Compact UTF-8 JSON of ``doc`` (NaN is not allowed: clean values with ``records``)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
