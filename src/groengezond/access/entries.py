"""Green-space entry points: where a public green space meets the walking network.

An entry is an *interval on an edge*: the part of the edge that runs inside the green space
(buffered by :data:`ENTRY_BUFFER_M`). A path that crosses the boundary gives an interval
that starts at the crossing; a street along the edge of a park gives the whole stretch along
it (so the park can be entered anywhere along that stretch, not only at a corner); an interior
path gives its whole length. A crossing that only touches gives a point (start = end). This is
the "entry point" of the literature (where the green's boundary meets the walkable network,
plus its interior paths), kept as intervals so that distances along an edge are exact and no
edge has to be split.

A green space with no edge within the buffer is joined to the nearest point of the network if
that lies within :data:`CONNECT_MAX_M`; farther than that it has no entry and cannot be reached
over the network (it still counts for the Euclidean distance).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from groengezond.grouping import csr_by_key, sorted_by_key
from groengezond.network import WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
GeomArray = npt.NDArray[np.object_]

ENTRY_BUFFER_M = 10.0
"""Buffer (m) around a green space within which the network counts as touching it.

Assumption: a street centre line runs about half a street width plus a pavement (5-10 m) from
the edge of the park it borders; without a buffer such a street would not count as an entry.
"""

CONNECT_MAX_M = 100.0
"""A green space without an entry is joined to the network if it lies within this many metres."""

DEFAULT_MIN_AREA_HA = 1.0
"""Default minimum size of a green space (ha).

WHO Regional Office for Europe (2016), *Urban green spaces: a brief for action* and
*Urban green spaces and health: a review of evidence*, propose "public green space of at least
0.5-1 ha within 300 m linear distance"; we take 1 ha as default and offer 0.5 and 2 ha.
"""


@dataclass(frozen=True)
class Entries:
    """Entry intervals of a set of green spaces on a network.

    Attributes
    ----------
    green_ids : numpy.ndarray of int
        ``green_id`` of each green space in the set (index = *green index*).
    green_area_ha : numpy.ndarray of float
        Area of each green space (ha).
    green : numpy.ndarray of int
        Green index of each entry.
    edge : numpy.ndarray of int
        Internal edge index of each entry.
    start_m, end_m : numpy.ndarray of float
        Interval of the entry along its edge, measured from the edge's ``u`` end (m),
        ``start_m <= end_m``.
    """

    green_ids: IntArray
    green_area_ha: FloatArray
    green: IntArray
    edge: IntArray
    start_m: FloatArray
    end_m: FloatArray

    def __len__(self) -> int:
        return len(self.edge)

    @cached_property
    def by_edge(self) -> tuple[IntArray, IntArray]:
        """(order, sorted edges): the entries sorted by edge, for same-edge look-ups."""
        return sorted_by_key(self.edge)

    @cached_property
    def edge_index(self) -> tuple[IntArray, IntArray]:
        """(order, indptr): CSR from edge index to entries (covers edges up to the largest)."""
        indptr, order = csr_by_key(self.edge, int(self.edge.max(initial=-1)) + 1)
        return order, indptr

    @property
    def n_greens(self) -> int:
        """Number of green spaces in the set (with or without entries)."""
        return len(self.green_ids)

    def seeds(self, network: WalkNetwork) -> tuple[IntArray, FloatArray, IntArray]:
        """Node seeds of the entries: (node, distance from the entry (m), green index).

        An entry on edge :math:`e = (u, v)` over :math:`[s, t]` seeds :math:`u` at distance
        :math:`s` and :math:`v` at :math:`L_e - t`.
        """
        u = network.edge_u[self.edge]
        v = network.edge_v[self.edge]
        tail = np.maximum(network.edge_length_m[self.edge] - self.end_m, 0.0)
        nodes = np.concatenate([u, v])
        dist = np.concatenate([self.start_m, tail])
        group = np.concatenate([self.green, self.green])
        return nodes, dist, group

    def points(self, network: WalkNetwork) -> GeomArray:
        """The start point of each entry (shapely Points, RD New)."""
        geoms = network.edge_geometry[self.edge]
        geo_len = shapely.length(geoms)
        length = network.edge_length_m[self.edge]
        frac = np.divide(self.start_m, length, out=np.zeros_like(self.start_m), where=length > 0)
        return np.asarray(shapely.line_interpolate_point(geoms, frac * geo_len), dtype=object)

    def subset(self, mask: npt.NDArray[np.bool_]) -> Entries:
        """Entries where ``mask`` (per entry) is True; the green table is kept."""
        return Entries(self.green_ids, self.green_area_ha, self.green[mask], self.edge[mask],
                       self.start_m[mask], self.end_m[mask])

    def concat(self, other: Entries) -> Entries:
        """Entries of both sets; ``other``'s greens are appended after this set's greens."""
        offset = self.n_greens
        return Entries(
            np.concatenate([self.green_ids, other.green_ids]),
            np.concatenate([self.green_area_ha, other.green_area_ha]),
            np.concatenate([self.green, other.green + offset]),
            np.concatenate([self.edge, other.edge]),
            np.concatenate([self.start_m, other.start_m]),
            np.concatenate([self.end_m, other.end_m]),
        )

    def without_greens(self, green_ids: npt.ArrayLike) -> Entries:
        """Entries with the green spaces ``green_ids`` left out (green indices are kept)."""
        drop = np.isin(self.green_ids, np.asarray(green_ids, dtype=np.int64))
        return self.subset(~drop[self.green])


def _explode(geoms: GeomArray) -> tuple[GeomArray, IntArray]:
    """Single-part geometries of ``geoms`` and the index of the geometry each came from."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    while len(parts) and (shapely.get_type_id(parts) >= 4).any():
        parts, inner = shapely.get_parts(parts, return_index=True)
        owner = owner[inner]
    return np.asarray(parts, dtype=object), owner.astype(np.int64)


def select_green(green: pd.DataFrame, min_area_ha: float = DEFAULT_MIN_AREA_HA,
                 public_only: bool = True) -> pd.DataFrame:
    """Green spaces that count: public (by default) and at least ``min_area_ha`` (ha)."""
    if len(green) == 0:
        return green
    keep = green["area_ha"].to_numpy(dtype=float) >= min_area_ha
    if public_only:
        keep &= green["public"].to_numpy(dtype=bool)
    return green[keep]


def green_entries(
    network: WalkNetwork,
    green: pd.DataFrame,
    *,
    buffer_m: float = ENTRY_BUFFER_M,
    connect_max_m: float = CONNECT_MAX_M,
    only_edges: IntArray | None = None,
) -> Entries:
    """Entry intervals of every green space in ``green`` on ``network``.

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    green : GeoDataFrame
        Green spaces with ``green_id``, ``area_ha`` and polygon ``geometry`` (RD New). Filter
        them first with :func:`select_green`.
    buffer_m : float
        Buffer (m) around each green space; see :data:`ENTRY_BUFFER_M`.
    connect_max_m : float
        Join a green space without entries to the nearest network point within this distance
        (m); see :data:`CONNECT_MAX_M`.
    only_edges : numpy.ndarray of int, optional
        Look only at these (alive) edges, e.g. the edges a scenario added; no joining then.

    Returns
    -------
    Entries
        One row per (green space, edge part) inside the buffered green space.
    """
    ids = green["green_id"].to_numpy(dtype=np.int64) if len(green) else np.zeros(0, np.int64)
    area = green["area_ha"].to_numpy(dtype=np.float64) if len(green) else np.zeros(0)
    empty = Entries(ids, area, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                    np.zeros(0))
    if len(green) == 0 or len(network.alive_edges) == 0:
        return empty
    polys = np.asarray(green.geometry.array, dtype=object)
    zones = shapely.buffer(polys, buffer_m) if buffer_m > 0 else polys
    if only_edges is None:
        candidates, tree = network.alive_edges, network.edge_tree
    else:
        candidates = np.asarray(only_edges, dtype=np.int64)
        candidates = candidates[network.edge_alive[candidates]]
        tree = shapely.STRtree(network.edge_geometry[candidates])
        connect_max_m = 0.0
    gi, tj = tree.query(zones, predicate="intersects")
    edges = candidates[tj]
    pieces = shapely.intersection(network.edge_geometry[edges], zones[gi])
    parts, owner = _explode(pieces)
    keep = ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    # first and last vertex of every part (a Point's are the same)
    first = shapely.get_point(parts, 0)
    last = shapely.get_point(parts, -1)
    is_point = shapely.get_type_id(parts) == 0
    first[is_point] = parts[is_point]
    last[is_point] = parts[is_point]
    e = edges[owner]
    a = network.locate(e, first)
    b = network.locate(e, last)
    green_idx = gi[owner].astype(np.int64)
    starts = np.minimum(a, b)
    ends = np.maximum(a, b)

    has = np.zeros(len(green), dtype=bool)
    has[green_idx] = True
    missing = np.flatnonzero(~has)
    if len(missing) and connect_max_m > 0:
        (mi, mj), _ = network.edge_tree.query_nearest(polys[missing], max_distance=connect_max_m,
                                                      return_distance=True, all_matches=False)
        if len(mi):
            ce = network.alive_edges[mj]
            lines = shapely.shortest_line(network.edge_geometry[ce], polys[missing[mi]])
            at = network.locate(ce, shapely.get_point(lines, 0))
            green_idx = np.concatenate([green_idx, missing[mi].astype(np.int64)])
            e = np.concatenate([e, ce])
            starts = np.concatenate([starts, at])
            ends = np.concatenate([ends, at])
    order = np.lexsort((starts, e, green_idx))
    return Entries(ids, area, green_idx[order], e[order].astype(np.int64), starts[order],
                   ends[order])


def euclidean_nearest(points: GeomArray | FloatArray, green: pd.DataFrame
                      ) -> tuple[FloatArray, IntArray]:
    """Straight-line distance (m) to the nearest green space and its ``green_id``.

    This is the "circle" method (a buffer of 300 m around each home): a point inside a green
    space has distance 0. Points without any green space get ``inf`` and id -1.

    Parameters
    ----------
    points : numpy.ndarray
        Points as shapely geometries or an ``(n, 2)`` array (RD New, m).
    green : GeoDataFrame
        The green spaces that count (see :func:`select_green`).
    """
    arr = np.asarray(points)
    pts = shapely.points(arr) if arr.dtype != object else arr
    n = len(pts)
    dist = np.full(n, np.inf)
    gid = np.full(n, -1, dtype=np.int64)
    if len(green) == 0 or n == 0:
        return dist, gid
    polys = np.asarray(green.geometry.array, dtype=object)
    tree = shapely.STRtree(polys)
    (pi, gj), d = tree.query_nearest(pts, return_distance=True, all_matches=False)
    dist[pi] = d
    gid[pi] = green["green_id"].to_numpy(dtype=np.int64)[gj]
    return dist, gid
