"""Topology of a walking network from lines: nodes at shared vertices, then simplified.

Pure array functions (no I/O), used by every network reader of :mod:`groengezond.sources`:

- :func:`build_topology` takes the vertices of a set of lines (*parts*: an OSM way, or a piece
  of one between missing nodes; an edge of a GeoPackage or GraphML) with a *reference* per
  vertex (the OSM node id, or a key of its rounded coordinates) and makes a node of every
  reference used more than once or at the end of a part. Each part is cut at its nodes into
  edges whose geometry is the exact run of vertices between them.
- :func:`simplify` then merges the edges through every node of degree 2 (a node that only
  joins two edges: a way split where a tag changes, a bend mapped as a shared vertex) into
  one edge, keeping the whole geometry; its length is the length of that geometry, so
  network distances do not change. A ring of degree-2 nodes keeps one node.

Walking is undirected: ``oneway`` tags play no part, every edge can be walked both ways.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
GeomArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class Topology:
    """Nodes and edges of a network made from lines.

    Attributes
    ----------
    node_xy : numpy.ndarray of float, shape (n, 2)
        Node coordinates (m, in the CRS of the input).
    node_ref : numpy.ndarray of int
        Reference (OSM node id or coordinate key) of each node.
    edge_u, edge_v : numpy.ndarray of int
        End nodes of each edge (indices into the node arrays); geometry runs from ``u``.
    geometry : numpy.ndarray of shapely.LineString
        Edge geometry.
    length_m : numpy.ndarray of float
        Length of the geometry (m).
    parts : list of numpy.ndarray of int
        The input parts each edge is made of (one before :func:`simplify`, more after).
    degenerate : int
        Parts left out because they have fewer than two distinct vertices.
    """

    node_xy: FloatArray
    node_ref: IntArray
    edge_u: IntArray
    edge_v: IntArray
    geometry: GeomArray
    length_m: FloatArray
    parts: list[IntArray]
    degenerate: int = 0

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ref)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.edge_u)


def build_topology(ref: npt.ArrayLike, xy: npt.ArrayLike, part: npt.ArrayLike) -> Topology:
    """Nodes at shared references and part ends; parts cut into edges at their nodes.

    Parameters
    ----------
    ref : array of int
        Reference of each vertex: vertices with the same reference are the same point.
    xy : array of float, shape (n, 2)
        Vertex coordinates (m).
    part : array of int
        Part of each vertex; the vertices of a part are contiguous and in order.

    Returns
    -------
    Topology
        Edges in the order of the parts and along them.
    """
    ref = np.asarray(ref, dtype=np.int64)
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    part = np.asarray(part, dtype=np.int64)
    # a vertex repeating the one before it (same part) adds nothing
    keep = np.ones(len(ref), dtype=bool)
    keep[1:] = (ref[1:] != ref[:-1]) | (part[1:] != part[:-1])
    ref, xy, part = ref[keep], xy[keep], part[keep]
    n = len(ref)
    first = np.ones(n, dtype=bool)
    first[1:] = part[1:] != part[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = part[1:] != part[:-1]
    single = first & last
    n_parts = int(first.sum())
    if single.any():  # parts of one vertex: no line
        ref, xy, part = ref[~single], xy[~single], part[~single]
        first, last = first[~single], last[~single]
    if len(ref) == 0:
        empty_i = np.zeros(0, np.int64)
        return Topology(np.zeros((0, 2)), empty_i, empty_i, empty_i,
                        np.zeros(0, dtype=object), np.zeros(0), [], n_parts)
    uniq, inverse, counts = np.unique(ref, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    is_node = (counts[inverse] >= 2) | first | last
    node_vertex_ref = np.unique(inverse[is_node])
    node_of_ref = np.full(len(uniq), -1, dtype=np.int64)
    node_of_ref[node_vertex_ref] = np.arange(len(node_vertex_ref))
    # a vertex of each ref gives the node's coordinates (all are the same point)
    first_pos = np.full(len(uniq), -1, dtype=np.int64)
    first_pos[inverse] = np.arange(len(inverse))
    node_xy = xy[first_pos[node_vertex_ref]]
    # edges: a node that is not the last vertex of its part starts one
    starts = is_node & ~last
    edge_of = np.cumsum(starts) - 1
    body = np.flatnonzero(~last)  # vertex i belongs to edge edge_of[i] ...
    tail = np.flatnonzero(is_node & ~first)  # ... and a node also ends the edge before it
    owner = np.concatenate([edge_of[body], edge_of[tail - 1]])
    pos = np.concatenate([body, tail])
    order = np.lexsort((pos, owner))
    owner, pos = owner[order], pos[order]
    geoms = shapely.linestrings(xy[pos], indices=owner)
    start_vertex = np.flatnonzero(starts)
    end_vertex = tail  # one per edge, in the order of the edges
    edge_part = part[start_vertex]
    u = node_of_ref[inverse[start_vertex]]
    v = node_of_ref[inverse[end_vertex]]
    return Topology(node_xy, uniq[node_vertex_ref], u, v, np.asarray(geoms, dtype=object),
                    shapely.length(geoms).astype(np.float64),
                    [np.array([p], dtype=np.int64) for p in edge_part.tolist()],
                    n_parts - len(np.unique(part)))


def simplify(topo: Topology, keep: BoolArray | None = None) -> Topology:
    """Merge the edges through every node of degree 2 (geometry and length kept exact).

    Parameters
    ----------
    topo : Topology
        A network from :func:`build_topology`.
    keep : numpy.ndarray of bool, optional
        Nodes to keep whatever their degree.

    Returns
    -------
    Topology
        Nodes of degree other than 2 (and one node of each ring of degree-2 nodes); every
        edge a chain of input edges, oriented from its ``u``.
    """
    n, m = topo.n_nodes, topo.n_edges
    if m == 0:
        return topo
    u, v = topo.edge_u, topo.edge_v
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    through = degree == 2
    if keep is not None:
        through &= ~np.asarray(keep, dtype=bool)
    ends = np.concatenate([u, v])
    order = np.argsort(ends, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    inc = (np.concatenate([np.arange(m), np.arange(m)])[order]).tolist()
    ptr_l, u_l, v_l, through_l = ptr.tolist(), u.tolist(), v.tolist(), through.tolist()
    visited = [False] * m
    chain_edges: list[int] = []
    chain_fwd: list[bool] = []
    chain_id: list[int] = []
    chain_u: list[int] = []
    chain_v: list[int] = []

    def walk(start: int, e: int) -> None:
        c = len(chain_u)
        node = start
        while True:
            visited[e] = True
            fwd = u_l[e] == node
            chain_edges.append(e)
            chain_fwd.append(fwd)
            chain_id.append(c)
            node = v_l[e] if fwd else u_l[e]
            if not through_l[node] or node == start:
                break
            a, b = inc[ptr_l[node]], inc[ptr_l[node] + 1]
            nxt = b if a == e else a
            if visited[nxt]:
                break
            e = nxt
        chain_u.append(start)
        chain_v.append(node)

    for node in np.flatnonzero(~through).tolist():
        for k in range(ptr_l[node], ptr_l[node + 1]):
            if not visited[inc[k]]:
                walk(node, inc[k])
    for e in range(m):  # rings made only of degree-2 nodes
        if not visited[e]:
            walk(u_l[e], e)
    items = np.asarray(chain_edges, dtype=np.int64)
    fwd_a = np.asarray(chain_fwd, dtype=bool)
    cid = np.asarray(chain_id, dtype=np.int64)
    # vertices of every chain: each edge's run, reversed where walked v -> u, the shared
    # vertex between two edges written once
    coords = shapely.get_coordinates(topo.geometry[items])
    n_vert = shapely.get_num_coordinates(topo.geometry[items]).astype(np.int64)
    lo = np.r_[0, np.cumsum(n_vert)[:-1]]
    hi = lo + n_vert
    skip = np.r_[False, cid[1:] == cid[:-1]]
    cnt = n_vert - skip
    k = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    pos = np.where(np.repeat(fwd_a, cnt), np.repeat(lo + skip, cnt) + k,
                   np.repeat(hi - 1 - skip, cnt) - k)
    geoms = shapely.linestrings(coords[pos], indices=np.repeat(cid, cnt))
    used = np.unique(np.r_[chain_u, chain_v]).astype(np.int64)
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[used] = np.arange(len(used))
    splits = np.flatnonzero(np.diff(cid)) + 1
    part_lists = [np.concatenate([topo.parts[i] for i in chunk.tolist()])
                  for chunk in np.split(items, splits)]
    return Topology(topo.node_xy[used], topo.node_ref[used],
                    new_id[np.asarray(chain_u, dtype=np.int64)],
                    new_id[np.asarray(chain_v, dtype=np.int64)],
                    np.asarray(geoms, dtype=object), shapely.length(geoms).astype(np.float64),
                    [np.asarray(p, dtype=np.int64) for p in part_lists], topo.degenerate)

