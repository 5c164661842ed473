"""The walking network: an immutable CSR graph with node and edge tables, and address snapping.

A :class:`WalkNetwork` is built once from a region's ``network_nodes`` and ``network_edges``
(:func:`WalkNetwork.from_region`). It holds

- a node table: external ``node_id`` and RD New coordinates (m) per internal node index;
- an edge table: external ``edge_id``, end nodes ``u`` and ``v`` (internal indices), walking
  length ``length_m`` and the line geometry oriented from ``u`` to ``v``, and an ``alive`` flag;
- the undirected graph as a symmetric CSR matrix (both directions stored, parallel edges
  reduced to the shortest one, self-loops dropped), ready for
  :func:`scipy.sparse.csgraph.dijkstra`.

Places that are not nodes (addresses, green-space entries) are *points on edges*: an edge
index and an offset along it from ``u`` (m). The network distance of such a point from a
set of sources with node distances :math:`d` is

.. math::

    D(e, o) = \\min\\bigl(d_{u_e} + o,\\; d_{v_e} + (L_e - o)\\bigr)

where :math:`L_e` is the edge's walking length; :mod:`groengezond.access` adds the sources
that lie on the same edge. Addresses are snapped to the nearest edge with a shapely
``STRtree`` (:meth:`WalkNetwork.snap`); the perpendicular distance is kept (``snap_m``, the
doorstep walk), and :mod:`groengezond.access` adds it to nearest-green distances by default.

A scenario never edits a network in place. :meth:`WalkNetwork.apply` takes a
:class:`NetworkDelta` (new edges such as a footbridge, removed edge ids) and returns a new
network plus a :class:`NetworkChange` that says what moved: edges keep their indices (a removed
or split edge is only marked dead), new nodes and edges are appended, and an endpoint of a new
edge that lands in the middle of an edge splits it in two. :meth:`Snap.remap` carries snapped
points across such a change.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
import shapely
import shapely.ops
from shapely.geometry import LineString

from groengezond.grouping import csr_by_key, expand_ranges, sorted_by_key

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
GeomArray = npt.NDArray[np.object_]

JOIN_TOLERANCE_M = 1.0
"""An endpoint of a new edge within this distance (m) of a node joins that node."""


def _as_geoms(values: Any) -> GeomArray:
    return np.asarray(getattr(values, "array", values), dtype=object)


def build_csr(n_nodes: int, u: IntArray, v: IntArray, length_m: FloatArray) -> sp.csr_matrix:
    """Build the symmetric CSR adjacency of an undirected graph.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    u, v : numpy.ndarray of int
        End nodes of each edge (internal indices).
    length_m : numpy.ndarray of float
        Edge lengths (m); must be finite and ≥ 0.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n_nodes, n_nodes)`` matrix with both directions of every edge, parallel edges
        reduced to the shortest, self-loops dropped. Zero-length edges are kept as explicit
        zeros (``scipy.sparse.csgraph`` treats explicit zeros of a sparse matrix as edges).
    """
    rows = np.concatenate([u, v]).astype(np.int64)
    cols = np.concatenate([v, u]).astype(np.int64)
    data = np.concatenate([length_m, length_m]).astype(np.float64)
    keep = rows != cols
    rows, cols, data = rows[keep], cols[keep], data[keep]
    order = np.lexsort((data, cols, rows))
    rows, cols, data = rows[order], cols[order], data[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, data = rows[first], cols[first], data[first]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_nodes), out=indptr[1:])
    index_type = np.int32 if n_nodes < 2**31 - 1 else np.int64
    return sp.csr_matrix(
        (data, cols.astype(index_type), indptr.astype(index_type)), shape=(n_nodes, n_nodes)
    )


@dataclass(frozen=True)
class Snap:
    """Points snapped to the nearest edge of a network.

    Attributes
    ----------
    xy : numpy.ndarray of float, shape (n, 2)
        The original points (RD New, m).
    edge : numpy.ndarray of int
        Internal index of the edge each point is snapped to.
    offset_m : numpy.ndarray of float
        Walking distance along the edge from its ``u`` end to the snapped point (m).
    snap_m : numpy.ndarray of float
        Straight-line distance from the point to the edge (m): the doorstep walk, added to
        nearest-green distances by :func:`groengezond.access.nearest.nearest_green`.
    u, v : numpy.ndarray of int
        End nodes of each point's edge (internal node indices).
    n_nodes : int
        Number of nodes of the network the points are snapped to.
    """

    xy: FloatArray
    edge: IntArray
    offset_m: FloatArray
    snap_m: FloatArray
    u: IntArray
    v: IntArray
    n_nodes: int

    def __len__(self) -> int:
        return len(self.edge)

    @cached_property
    def by_edge(self) -> tuple[IntArray, IntArray]:
        """(order, sorted edges): the points sorted by edge, for look-ups by edge."""
        return sorted_by_key(self.edge)

    @cached_property
    def by_u(self) -> tuple[IntArray, IntArray]:
        """CSR (node -> points whose edge starts at that node): (indptr, points)."""
        return csr_by_key(self.u, self.n_nodes)

    @cached_property
    def by_v(self) -> tuple[IntArray, IntArray]:
        """CSR (node -> points whose edge ends at that node): (indptr, points)."""
        return csr_by_key(self.v, self.n_nodes)

    def on_edges(self, edges: IntArray) -> IntArray:
        """Indices of the points snapped to any of ``edges`` (sorted, unique)."""
        order, sorted_edge = self.by_edge
        edges = np.unique(edges)
        return np.sort(order[expand_ranges(np.searchsorted(sorted_edge, edges, side="left"),
                                     np.searchsorted(sorted_edge, edges, side="right"))])

    def remap(self, network: WalkNetwork, change: NetworkChange) -> Snap:
        """Carry the points over to ``network`` after ``change``.

        Points on a split edge move to the half that holds them (same place, same distances);
        points on a removed edge are snapped again to the nearest alive edge. Points on other
        edges keep their snap: a new edge does not capture addresses.
        """
        edge = self.edge.copy()
        offset = self.offset_m.copy()
        for old, at, first, second in zip(change.split_edge, change.split_offset_m,
                                          change.split_children[:, 0],
                                          change.split_children[:, 1], strict=True):
            on = edge == old
            low = on & (offset <= at)
            high = on & ~low
            edge[low] = first
            edge[high] = second
            offset[high] = offset[high] - at
        snap_m = self.snap_m.copy()
        lost = ~network.edge_alive[edge]
        if lost.any():
            again = network.snap(self.xy[lost])
            edge[lost] = again.edge
            offset[lost] = again.offset_m
            snap_m[lost] = again.snap_m
        length = network.edge_length_m[edge]
        return Snap(self.xy, edge, np.clip(offset, 0.0, length), snap_m, network.edge_u[edge],
                    network.edge_v[edge], network.n_nodes)


@dataclass(frozen=True)
class NetworkDelta:
    """A small change to a network, as a scenario makes it.

    Attributes
    ----------
    add : sequence of shapely.LineString
        New walkable lines (RD New, m), e.g. a footbridge. Each endpoint is joined to the
        network: to a node within :data:`JOIN_TOLERANCE_M`, otherwise to the nearest point of
        the nearest alive edge, which is split there; the straight connector from the endpoint
        to that point is part of the new edge.
    add_length_m : sequence of float or None
        Walking length of each new line (m); by default its geometric length (connectors
        included). Give it for stairs or ramps that walk longer than they look.
    remove_edge_ids : sequence of int
        External ``edge_id`` of edges that can no longer be walked.
    """

    add: Sequence[LineString] = ()
    add_length_m: Sequence[float] | None = None
    remove_edge_ids: Sequence[int] = ()


@dataclass(frozen=True)
class NetworkChange:
    """What :meth:`WalkNetwork.apply` changed (all internal indices of the new network).

    Attributes
    ----------
    new_nodes : numpy.ndarray of int
        Nodes appended (split points).
    new_edges : numpy.ndarray of int
        Edges appended: the added lines and the halves of split edges.
    added_edges : numpy.ndarray of int
        The alive parts of the added lines (a subset of ``new_edges``; when a later line of the
        delta lands on an earlier one, that one's halves are listed instead of it).
    removed_edges : numpy.ndarray of int
        Edges removed by the delta (not those only split).
    split_edge, split_offset_m, split_children, split_node : numpy.ndarray
        One row per split, in the order they were made: the edge split, the offset from its
        ``u`` (m), the two halves (``u``-side, ``v``-side) and the node made at the split.
    """

    new_nodes: IntArray
    new_edges: IntArray
    added_edges: IntArray
    removed_edges: IntArray
    split_edge: IntArray
    split_offset_m: FloatArray
    split_children: IntArray
    split_node: IntArray

    @property
    def only_adds(self) -> bool:
        """True when nothing was removed (splits do not count: they keep every path)."""
        return len(self.removed_edges) == 0


@dataclass(frozen=True, eq=False)
class WalkNetwork:
    """An immutable walking network.

    Build it with :meth:`from_region` or :meth:`from_frames`. Internal node and edge indices
    are positions in the tables below; ``node_id`` and ``edge_id`` are the region's ids.

    Attributes
    ----------
    node_id : numpy.ndarray of int
        External node id per internal node.
    node_xy : numpy.ndarray of float, shape (n, 2)
        Node coordinates (RD New, m).
    edge_id : numpy.ndarray of int
        External edge id per internal edge (-1 for the halves of a split edge and for added
        edges without an id).
    edge_u, edge_v : numpy.ndarray of int
        End nodes (internal indices); the geometry runs from ``u`` to ``v``.
    edge_length_m : numpy.ndarray of float
        Walking length (m).
    edge_geometry : numpy.ndarray of shapely.LineString
        Edge geometry oriented from ``u`` to ``v``.
    edge_alive : numpy.ndarray of bool
        False for removed and split edges (they stay in the table so indices are stable).
    """

    node_id: IntArray
    node_xy: FloatArray
    edge_id: IntArray
    edge_u: IntArray
    edge_v: IntArray
    edge_length_m: FloatArray
    edge_geometry: GeomArray
    edge_alive: BoolArray
    graph: sp.csr_matrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        alive = self.edge_alive
        object.__setattr__(
            self,
            "graph",
            build_csr(self.n_nodes, self.edge_u[alive], self.edge_v[alive],
                      self.edge_length_m[alive]),
        )
        for array in (self.node_id, self.node_xy, self.edge_id, self.edge_u, self.edge_v,
                      self.edge_length_m, self.edge_geometry, self.edge_alive):
            array.setflags(write=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(cls, nodes: pd.DataFrame, edges: pd.DataFrame) -> WalkNetwork:
        """Build a network from node and edge tables (region store columns).

        Parameters
        ----------
        nodes : GeoDataFrame
            ``node_id`` and point ``geometry`` (RD New, m).
        edges : GeoDataFrame
            ``edge_id``, ``u``, ``v`` (node ids), ``length_m`` (m) and line ``geometry``.
            Edges without geometry get a straight line between their nodes.

        Returns
        -------
        WalkNetwork
        """
        node_ids = nodes["node_id"].to_numpy(dtype=np.int64)
        xy = shapely.get_coordinates(_as_geoms(nodes.geometry))[:, :2].astype(np.float64)
        index = pd.Index(node_ids)
        u = index.get_indexer(edges["u"].to_numpy(dtype=np.int64)).astype(np.int64)
        v = index.get_indexer(edges["v"].to_numpy(dtype=np.int64)).astype(np.int64)
        if len(u) and (u.min() < 0 or v.min() < 0):
            raise ValueError("network edges refer to node ids that are not in the node table")
        length = edges["length_m"].to_numpy(dtype=np.float64)
        if "geometry" in edges.columns:
            geoms = _as_geoms(edges.geometry).copy()
        else:
            geoms = np.full(len(edges), None, dtype=object)
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        if missing.any():
            geoms[missing] = shapely.linestrings(
                np.stack([xy[u[missing]], xy[v[missing]]], axis=1)
            )
        if len(geoms):
            starts = shapely.get_point(geoms, 0)
            d_u = shapely.distance(starts, shapely.points(xy[u]))
            d_v = shapely.distance(starts, shapely.points(xy[v]))
            flip = d_v < d_u
            if flip.any():
                geoms[flip] = shapely.reverse(geoms[flip])
        return cls(node_ids, xy, edges["edge_id"].to_numpy(dtype=np.int64), u, v, length,
                   geoms, np.ones(len(edges), dtype=bool))

    @classmethod
    def from_region(cls, region: Any) -> WalkNetwork:
        """Build the network of a :class:`~groengezond.region.model.Region`."""
        return cls.from_frames(region.network_nodes, region.network_edges)

    # ------------------------------------------------------------------ properties
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_id)

    @property
    def n_edges(self) -> int:
        """Number of edges in the table (alive or not)."""
        return len(self.edge_id)

    @cached_property
    def alive_edges(self) -> IntArray:
        """Internal indices of the alive edges."""
        return np.flatnonzero(self.edge_alive).astype(np.int64)

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """STRtree over the geometries of the alive edges (tree index -> :attr:`alive_edges`)."""
        return shapely.STRtree(self.edge_geometry[self.alive_edges])

    def neighbours(self, nodes: IntArray) -> IntArray:
        """All neighbours of ``nodes`` in the graph (with repeats)."""
        indptr = self.graph.indptr
        pos = expand_ranges(indptr[nodes].astype(np.int64), indptr[nodes + 1].astype(np.int64))
        return np.asarray(self.graph.indices[pos], dtype=np.int64)

    @cached_property
    def _incidence(self) -> tuple[IntArray, IntArray]:
        alive = self.alive_edges
        ends = np.concatenate([self.edge_u[alive], self.edge_v[alive]])
        edges = np.concatenate([alive, alive])
        order = np.argsort(ends, kind="stable")
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=self.n_nodes), out=indptr[1:])
        return indptr, edges[order].astype(np.int64)

    def node_grid(self, cell_m: float) -> tuple[FloatArray, int, int, IntArray, IntArray]:
        """Nodes bucketed in square cells of ``cell_m`` (m), cached per cell size.

        Returns (origin xy, number of cell columns, number of cell rows, CSR indptr over
        ``col * rows + row``, node indices).
        """
        cache: dict[float, tuple[FloatArray, int, int, IntArray, IntArray]] = self._grids
        if cell_m not in cache:
            xy = self.node_xy
            origin = xy.min(axis=0) if len(xy) else np.zeros(2)
            cell = np.floor((xy - origin) / cell_m).astype(np.int64)
            cols = int(cell[:, 0].max(initial=0)) + 1
            rows = int(cell[:, 1].max(initial=0)) + 1
            indptr, nodes = csr_by_key(cell[:, 0] * rows + cell[:, 1], cols * rows)
            cache[cell_m] = (origin, cols, rows, indptr, nodes)
        return cache[cell_m]

    @cached_property
    def _grids(self) -> dict[float, tuple[FloatArray, int, int, IntArray, IntArray]]:
        return {}

    def incident_edges(self, nodes: IntArray) -> IntArray:
        """Alive edges with an end in ``nodes`` (with repeats)."""
        indptr, edges = self._incidence
        return edges[expand_ranges(indptr[nodes], indptr[nodes + 1])]

    def to_networkx(self) -> Any:
        """The alive graph as an undirected ``networkx.Graph`` (needs networkx)."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(self.n_nodes))
        for e in self.alive_edges:
            a, b, w = int(self.edge_u[e]), int(self.edge_v[e]), float(self.edge_length_m[e])
            if a != b and (not graph.has_edge(a, b) or graph[a][b]["weight"] > w):
                graph.add_edge(a, b, weight=w)
        return graph

    # ------------------------------------------------------------------ snapping
    def snap(self, xy: FloatArray | GeomArray) -> Snap:
        """Snap points to the nearest alive edge.

        Parameters
        ----------
        xy : numpy.ndarray
            Points as an ``(n, 2)`` array of RD New coordinates (m) or shapely points.

        Returns
        -------
        Snap
            Edge, offset along it from ``u`` (m, scaled from the geometry to ``length_m``) and
            the straight-line snap distance (m) of every point.
        """
        arr = np.asarray(xy)
        if arr.dtype == object:
            coords = shapely.get_coordinates(arr)[:, :2].astype(np.float64)
        else:
            coords = arr.astype(np.float64).reshape(-1, 2)
        n = len(coords)
        if n == 0:
            empty = np.zeros(0, np.int64)
            return Snap(coords, empty, np.zeros(0), np.zeros(0), empty, empty, self.n_nodes)
        if len(self.alive_edges) == 0:
            raise ValueError("cannot snap points to a network without edges")
        points = shapely.points(coords)
        (src, hit), dist = self.edge_tree.query_nearest(points, return_distance=True,
                                                         all_matches=False)
        edge = np.full(n, -1, dtype=np.int64)
        snap_m = np.full(n, np.inf)
        edge[src] = self.alive_edges[hit]
        snap_m[src] = dist
        offset = self.locate(edge, points)
        return Snap(coords, edge, offset, snap_m, self.edge_u[edge], self.edge_v[edge],
                    self.n_nodes)

    def locate(self, edge: IntArray, points: GeomArray) -> FloatArray:
        """Offset (m from ``u``, in walking length) of the projection of each point on its edge."""
        geoms = self.edge_geometry[edge]
        along = shapely.line_locate_point(geoms, points)
        geo_len = shapely.length(geoms)
        length = self.edge_length_m[edge]
        scale = np.divide(length, geo_len, out=np.ones_like(length), where=geo_len > 0)
        return np.asarray(np.clip(along * scale, 0.0, length), dtype=np.float64)

    # ------------------------------------------------------------------ scenario deltas
    def apply(self, delta: NetworkDelta) -> tuple[WalkNetwork, NetworkChange]:
        """Return a new network with ``delta`` applied, and what changed.

        The original network is not modified. See :class:`NetworkDelta` for how new lines are
        joined. Edge indices are stable: removed and split edges are marked dead, new nodes and
        edges are appended.

        Raises
        ------
        ValueError
            If an edge id to remove is unknown or a new line is not a LineString.
        """
        node_id = list(self.node_id)
        node_xy = self.node_xy.copy()
        edge_id = list(self.edge_id)
        edge_u = list(self.edge_u)
        edge_v = list(self.edge_v)
        length = list(self.edge_length_m)
        geoms = list(self.edge_geometry)
        alive = list(self.edge_alive)
        extra_xy: list[tuple[float, float]] = []
        next_node_id = int(self.node_id.max()) + 1 if self.n_nodes else 0

        removed: list[int] = []
        if len(delta.remove_edge_ids):
            ids = np.asarray(delta.remove_edge_ids, dtype=np.int64)
            unknown = ids[~np.isin(ids, self.edge_id)]
            if len(unknown):
                raise ValueError(f"cannot remove unknown edge ids {unknown.tolist()[:10]}")
            for e in np.flatnonzero(np.isin(self.edge_id, ids) & self.edge_alive):
                alive[int(e)] = False
                removed.append(int(e))

        splits: list[tuple[int, float, int, int, int]] = []
        new_edges: list[int] = []
        added: list[int] = []

        def all_xy() -> FloatArray:
            if not extra_xy:
                return node_xy
            return np.vstack([node_xy, np.asarray(extra_xy, dtype=np.float64)])

        def join(point: tuple[float, float]) -> tuple[int, tuple[float, float]]:
            nonlocal next_node_id
            coords = all_xy()
            alive_idx = np.flatnonzero(np.asarray(alive))
            if len(alive_idx) == 0:
                raise ValueError("cannot join a new line to a network without edges")
            d2 = ((coords - np.asarray(point)) ** 2).sum(axis=1)
            nearest_node = int(np.argmin(d2))
            if d2[nearest_node] <= JOIN_TOLERANCE_M**2:
                return nearest_node, (float(coords[nearest_node, 0]),
                                      float(coords[nearest_node, 1]))
            pt = shapely.Point(point)
            cand = np.asarray(geoms, dtype=object)[alive_idx]
            e = int(alive_idx[int(np.argmin(shapely.distance(cand, pt)))])
            g = geoms[e]
            along = float(shapely.line_locate_point(g, pt))
            geo_len = float(g.length)
            q = g.interpolate(along)
            at = along * (length[e] / geo_len) if geo_len > 0 else 0.0
            for end, node in ((0.0, edge_u[e]), (length[e], edge_v[e])):
                if abs(at - end) <= JOIN_TOLERANCE_M:
                    return int(node), (float(coords[node, 0]), float(coords[node, 1]))
            new_node = len(coords)
            node_id.append(next_node_id)
            next_node_id += 1
            extra_xy.append((float(q.x), float(q.y)))
            first = shapely.ops.substring(g, 0.0, along)
            second = shapely.ops.substring(g, along, geo_len)
            alive[e] = False
            children = []
            for a, b, part, part_len in ((edge_u[e], new_node, first, at),
                                         (new_node, edge_v[e], second, length[e] - at)):
                edge_id.append(-1)
                edge_u.append(int(a))
                edge_v.append(int(b))
                length.append(float(part_len))
                geoms.append(part)
                alive.append(True)
                children.append(len(edge_id) - 1)
                new_edges.append(len(edge_id) - 1)
            splits.append((e, at, children[0], children[1], new_node))
            if e in added:  # a later line landed on an earlier added line
                added.extend(children)
            return new_node, (float(q.x), float(q.y))

        lengths_given = list(delta.add_length_m) if delta.add_length_m is not None else None
        for i, line in enumerate(delta.add):
            if not isinstance(line, LineString) or line.is_empty:
                raise ValueError(f"added line {i} is not a non-empty LineString")
            coords = [tuple(c[:2]) for c in line.coords]
            a, qa = join((float(coords[0][0]), float(coords[0][1])))
            b, qb = join((float(coords[-1][0]), float(coords[-1][1])))
            path = [qa, *coords, qb]
            dedup = [path[0]] + [c for p, c in itertools.pairwise(path) if c != p]
            geom = LineString(dedup) if len(dedup) > 1 else LineString([qa, qb])
            edge_id.append(-1)
            edge_u.append(a)
            edge_v.append(b)
            length.append(float(lengths_given[i]) if lengths_given else float(geom.length))
            geoms.append(geom)
            alive.append(True)
            new_edges.append(len(edge_id) - 1)
            added.append(len(edge_id) - 1)

        network = WalkNetwork(
            np.asarray(node_id, dtype=np.int64),
            all_xy().copy(),
            np.asarray(edge_id, dtype=np.int64),
            np.asarray(edge_u, dtype=np.int64),
            np.asarray(edge_v, dtype=np.int64),
            np.asarray(length, dtype=np.float64),
            np.asarray([*geoms, None], dtype=object)[:-1],
            np.asarray(alive, dtype=bool),
        )
        split_arr = np.asarray(splits, dtype=np.float64).reshape(-1, 5)
        change = NetworkChange(
            new_nodes=np.arange(self.n_nodes, network.n_nodes, dtype=np.int64),
            new_edges=np.asarray(new_edges, dtype=np.int64),
            added_edges=np.asarray(sorted(a for a in added if alive[a]), dtype=np.int64),
            removed_edges=np.asarray(removed, dtype=np.int64),
            split_edge=split_arr[:, 0].astype(np.int64),
            split_offset_m=split_arr[:, 1].astype(np.float64),
            split_children=split_arr[:, 2:4].astype(np.int64),
            split_node=split_arr[:, 4].astype(np.int64),
        )
        return network, change
