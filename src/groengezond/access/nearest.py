"""Nearest public green by walking-network distance, for every node and address.

The search is one multi-source Dijkstra (:func:`scipy.sparse.csgraph.dijkstra` with
``min_only=True``) over the network augmented with one *virtual node per green space*. The
virtual node of green space :math:`j` has a directed edge to each node its entries seed
(:meth:`Entries.seeds`), weighted by the walk from the entry to that node. The distance of a
node is then the distance from the nearest virtual node, and ``sources`` says which green space
that is. Paths never pass through a virtual node (it has no incoming edges).

The distance of an address snapped to edge :math:`e = (u, v)` at offset :math:`o` is

.. math::

    D = \\min\\Bigl(d_u + o,\\; d_v + (L_e - o),\\;
        \\min_{k \\in E(e)} \\max(0, s_k - o, o - t_k)\\Bigr)

where :math:`d` are node distances, :math:`L_e` the edge length and :math:`E(e)` the entries
:math:`[s_k, t_k]` on the same edge (a home on the street along a park is at the distance of
its doorstep walk if it faces the park). By default the *doorstep walk* :math:`w` (the
straight line from the home to its snapped point on the street, :attr:`Snap.snap_m`) is added:
the distance of an address is :math:`w + D`. Pass ``doorstep=False`` for street distances
only. Straight-line distances (the "circle" method) come from
:func:`~groengezond.access.entries.euclidean_nearest`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from groengezond.access.entries import Entries
from groengezond.network import Snap, WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def multi_source(
    graph: sp.csr_matrix,
    seed_node: IntArray,
    seed_dist: FloatArray,
    seed_group: IntArray,
    n_groups: int,
    limit_m: float = np.inf,
) -> tuple[FloatArray, IntArray]:
    """Distance from the nearest group of seeds, and which group, for every node.

    Parameters
    ----------
    graph : scipy.sparse.csr_matrix
        Symmetric adjacency of the network (see :func:`groengezond.network.build_csr`).
    seed_node : numpy.ndarray of int
        Node of each seed.
    seed_dist : numpy.ndarray of float
        Distance (m) already travelled at each seed (≥ 0).
    seed_group : numpy.ndarray of int
        Group of each seed, in ``0 .. n_groups - 1`` (e.g. the green index).
    n_groups : int
        Number of groups.
    limit_m : float
        Nodes farther than this (m) from every seed get ``inf`` (bounded search).

    Returns
    -------
    dist : numpy.ndarray of float
        :math:`d_n = \\min_k (s_k + \\delta(\\text{node}_k, n))` over seeds :math:`k` (m).
    group : numpy.ndarray of int
        Group of the seed that attains it; -1 where ``dist`` is ``inf``.
    """
    n = graph.shape[0]
    if n_groups == 0 or len(seed_node) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    # one seed per (group, node), at its shortest distance, sorted by group then node
    key = np.asarray(seed_group, dtype=np.int64) * n + seed_node
    order = np.argsort(key, kind="stable")
    first = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
    dist = np.minimum.reduceat(seed_dist[order], first)
    node, group = seed_node[order[first]], seed_group[order[first]]
    counts = np.bincount(group, minlength=n_groups)
    itype = graph.indices.dtype
    indptr = np.concatenate([graph.indptr,
                             graph.indptr[-1] + np.cumsum(counts).astype(graph.indptr.dtype)])
    indices = np.concatenate([graph.indices, node.astype(itype)])
    data = np.concatenate([graph.data, np.maximum(dist, 0.0)])
    size = n + n_groups
    aug = sp.csr_matrix((data, indices, indptr.astype(itype)), shape=(size, size))
    d, _, src = dijkstra(aug, directed=True, indices=np.arange(n, size), min_only=True,
                         return_predecessors=True, limit=limit_m)
    d = np.asarray(d[:n], dtype=np.float64)
    src = np.asarray(src[:n], dtype=np.int64)
    out_group = np.where(src >= n, src - n, -1)
    out_group[~np.isfinite(d)] = -1
    return d, out_group


def point_distance(
    network: WalkNetwork,
    node_dist: FloatArray,
    node_label: IntArray,
    entries: Entries,
    edge: IntArray,
    offset_m: FloatArray,
    ends: tuple[IntArray, IntArray] | None = None,
) -> tuple[FloatArray, IntArray]:
    """Network distance (m) and green index of points on edges (see module formula).

    Parameters
    ----------
    network : WalkNetwork
    node_dist, node_label : numpy.ndarray
        Node distances (m) and green index per node, from :func:`multi_source`.
    entries : Entries
        The entries the node distances were computed from (for same-edge entries).
    edge, offset_m : numpy.ndarray
        Edge and offset from its ``u`` (m) of each point.
    ends : (numpy.ndarray, numpy.ndarray), optional
        The edges' ``u`` and ``v`` if already at hand (e.g. :attr:`Snap.u`, :attr:`Snap.v`).
    """
    u = network.edge_u[edge] if ends is None else ends[0]
    v = network.edge_v[edge] if ends is None else ends[1]
    length = network.edge_length_m[edge]
    du = node_dist[u] + offset_m
    dv = node_dist[v] + (length - offset_m)
    dist = np.minimum(du, dv)
    label = node_label[np.where(du <= dv, u, v)]  # -1 where both ends are unreached
    if len(entries):
        order, indptr = entries.edge_index
        # entries per edge, for every edge of the network (the index stops at the last one)
        per_edge = np.zeros(max(network.n_edges, len(indptr) - 1), dtype=np.int32)
        per_edge[:len(indptr) - 1] = np.diff(indptr)
        pts = np.flatnonzero(per_edge[edge])
        if len(pts):
            lo = indptr[edge[pts]]
            cnt = per_edge[edge[pts]].astype(np.int64)
            # rows of one point are contiguous: (point, entry on its edge)
            start = np.cumsum(cnt) - cnt
            k = order[np.repeat(lo - start, cnt) + np.arange(cnt.sum())]
            o = np.repeat(offset_m[pts], cnt)
            d = np.maximum(np.maximum(entries.start_m[k] - o, o - entries.end_m[k]), 0.0)
            # per point the nearest entry, the first of equals (as a stable sort would)
            dd = np.minimum.reduceat(d, start)
            row = np.arange(len(d))
            first = np.minimum.reduceat(np.where(d == np.repeat(dd, cnt), row, len(d)), start)
            gg = entries.green[k[first]]
            closer = dd < dist[pts]
            dist[pts[closer]] = dd[closer]
            label[pts[closer]] = gg[closer]
    return dist, label.astype(np.int64, copy=False)


@dataclass(frozen=True)
class NearestGreen:
    """Nearest green space by network distance, per node and per address.

    Attributes
    ----------
    node_dist_m : numpy.ndarray of float
        Network distance of each node to the nearest entry (m; ``inf`` if unreachable).
    node_green : numpy.ndarray of int
        Green index (into :attr:`Entries.green_ids`) of that green space, -1 if none.
    dist_m : numpy.ndarray of float
        Network distance of each snapped address (m), its doorstep walk included when
        :attr:`doorstep` is set.
    green : numpy.ndarray of int
        Green index of each address's nearest green space, -1 if none.
    doorstep : bool
        Whether :attr:`dist_m` includes the walk from the home to the street
        (:attr:`Snap.snap_m`); incremental updates keep the same choice.
    """

    node_dist_m: FloatArray
    node_green: IntArray
    dist_m: FloatArray
    green: IntArray
    doorstep: bool = True

    def green_id(self, entries: Entries) -> IntArray:
        """``green_id`` of each address's nearest green space (-1 where none)."""
        if entries.n_greens == 0:
            return np.full(len(self.green), -1, dtype=np.int64)
        ids = entries.green_ids[np.clip(self.green, 0, None)]
        return np.where(self.green >= 0, ids, -1).astype(np.int64)


def nearest_green(network: WalkNetwork, snap: Snap, entries: Entries,
                  limit_m: float = np.inf, doorstep: bool = True) -> NearestGreen:
    """Nearest green space by walking-network distance for every node and address.

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    snap : Snap
        Addresses snapped to ``network`` (:meth:`WalkNetwork.snap`).
    entries : Entries
        Entries of the green spaces that count (:func:`~groengezond.access.entries.green_entries`).
    limit_m : float
        Stop searching beyond this network distance (m); farther places get ``inf``.
    doorstep : bool
        Add each address's walk to the street (:attr:`Snap.snap_m`, m) to its distance.

    Returns
    -------
    NearestGreen
    """
    nodes, dist, group = entries.seeds(network)
    node_dist, node_green = multi_source(network.graph, nodes, dist, group, entries.n_greens,
                                         limit_m)
    d, g = point_distance(network, node_dist, node_green, entries, snap.edge, snap.offset_m,
                          (snap.u, snap.v))
    if doorstep:
        d = d + snap.snap_m
    if np.isfinite(limit_m):
        far = d > limit_m
        d[far] = np.inf
        g[far] = -1
    return NearestGreen(node_dist, node_green, d, g, doorstep)
