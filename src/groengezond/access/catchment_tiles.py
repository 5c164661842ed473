"""Tiles of green spaces for :func:`~groengezond.access.catchment.catchments`.

The green spaces are grouped in square tiles (by the mean position of their entry nodes). Each
tile is a self-contained piece of work: the subgraph within the search radius (× ``MARGIN``)
of the tile's entry nodes is cut out, and a bounded Dijkstra per green space runs on it. A
tile needs nothing of any other tile, so tiles can run in any process, in any order; their
results are put back in tile order before they are joined, which keeps the joined catchments
identical, bit for bit, to a run in one process (:mod:`groengezond.access.partitioned`).

:class:`TileWork` holds the arrays every tile reads (sent once to each worker);
:func:`run_tiles` computes a list of tiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from groengezond.grouping import expand_ranges

if TYPE_CHECKING:
    from groengezond.access.catchment import AddressLayout
    from groengezond.access.entries import Entries
    from groengezond.network import WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]

PairPart = tuple[IntArray, IntArray, FloatArray, FloatArray]
"""Green, segment, distance to the segment's u and v (m), per (green, edge) pair of a tile."""
DirectPart = tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]
"""Entry, segment, green, the green's distances to the segment's ends (m), per entry."""
TileResult = tuple[PairPart, DirectPart]
TileMapper = Callable[["TileWork", IntArray], list[TileResult]]
"""Runs the tiles of ``keys`` (anywhere) and returns their results in the order of ``keys``."""

MARGIN = 1.05
"""Safety factor on the radius when cutting a tile's subgraph."""


def csr_by(keys: IntArray, n: int) -> tuple[IntArray, Int32Array]:
    """CSR (key -> positions) as :func:`groengezond.grouping.csr_by_key`, int32 positions."""
    order = np.argsort(keys, kind="stable").astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=indptr[1:])
    return indptr, order


def ranges_of(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """Positions ``lo[i] .. hi[i] - 1`` for every ``i``, and the ``i`` each came from."""
    cnt = np.maximum(hi - lo, 0)
    pos = expand_ranges(lo, lo + cnt)
    return pos, np.repeat(np.arange(len(lo)), cnt)


def ranges(ptr: IntArray, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Positions in a CSR for every key in ``keys``, and which key each came from."""
    return ranges_of(ptr[keys], ptr[keys + 1])


@dataclass(frozen=True)
class TileWork:
    """The arrays every tile reads: network, seeds, address segments and the tile grid.

    Attributes
    ----------
    radius_m, tile_m : float
        Search radius and tile side (m).
    graph : scipy.sparse.csr_matrix
        Adjacency of the walking network (edge lengths, m).
    node_xy : numpy.ndarray of float, shape (n, 2)
        Node coordinates (m, EPSG:28992).
    origin : numpy.ndarray of float
        Lower-left corner of the node grid (m).
    n_cx, n_cy : int
        Node grid size (cells of ``tile_m``).
    grid_ptr, grid_nodes : numpy.ndarray of int
        Nodes per grid cell (CSR).
    seed_node, seed_dist : numpy.ndarray
        Entry nodes of the green spaces and the distance already walked there (m).
    tile_ptr, tile_members : numpy.ndarray of int
        Green indices per tile key (CSR).
    has_seed : numpy.ndarray of bool
        Green spaces with at least one entry node.
    seeds_ptr, seeds_order : numpy.ndarray of int
        Seeds per green index (CSR).
    entries_ptr, entries_order : numpy.ndarray of int
        Entries per green index (CSR).
    entry_edge : numpy.ndarray of int
        Network edge of each entry.
    seg_of_node_ptr, seg_of_node : numpy.ndarray of int
        Address segments per node (CSR over ``u`` then ``v``; modulo the segment count).
    seg_of_edge : numpy.ndarray of int
        Segment of each edge (-1 without addresses).
    seg_u, seg_v : numpy.ndarray of int
        End nodes of each segment.
    keys : numpy.ndarray of int
        The tile keys that hold a green space, ascending (the order of the results).
    key_cells : numpy.ndarray of int, shape (k, 2)
        Grid cell (column, row) of each key, for grouping tiles into partitions.
    """

    radius_m: float
    tile_m: float
    graph: sp.csr_matrix
    node_xy: FloatArray
    origin: FloatArray
    n_cx: int
    n_cy: int
    grid_ptr: IntArray
    grid_nodes: IntArray
    seed_node: IntArray
    seed_dist: FloatArray
    tile_ptr: IntArray
    tile_members: Int32Array
    has_seed: npt.NDArray[np.bool_]
    seeds_ptr: IntArray
    seeds_order: Int32Array
    entries_ptr: IntArray
    entries_order: Int32Array
    entry_edge: IntArray
    seg_of_node_ptr: IntArray
    seg_of_node: Int32Array
    seg_of_edge: IntArray
    seg_u: IntArray
    seg_v: IntArray
    keys: IntArray
    key_cells: IntArray

    @property
    def n_nodes(self) -> int:
        """Number of network nodes."""
        return int(self.graph.shape[0])

    @property
    def n_seg(self) -> int:
        """Number of address segments (edges with addresses)."""
        return len(self.seg_u)


def run_tiles(work: TileWork, keys: IntArray) -> list[TileResult]:
    """The (green, edge) pairs and same-edge entries of each tile in ``keys``, in that order.

    Parameters
    ----------
    work : TileWork
    keys : numpy.ndarray of int
        Tile keys (a subset of :attr:`TileWork.keys`).

    Returns
    -------
    list of TileResult
        One per key: the pairs ``(green, segment, d_u, d_v)`` with a reached end, and per
        entry on an edge with addresses ``(entry, segment, green, d_u, d_v)``.
    """
    n, n_seg = work.n_nodes, work.n_seg
    xy, graph, tile_m = work.node_xy, work.graph, work.tile_m
    indptr_g = graph.indptr.astype(np.int64)
    reach = work.radius_m * MARGIN
    local = np.full(n, -1, dtype=np.int64)
    column = np.full(n_seg, -1, dtype=np.int64)
    out: list[TileResult] = []
    for key in np.asarray(keys, dtype=np.int64):
        members = work.tile_members[work.tile_ptr[key]:work.tile_ptr[key + 1]]
        greens = np.sort(members[work.has_seed[members]]).astype(np.int64)
        b = len(greens)
        pos, owner = ranges(work.seeds_ptr, greens)
        sk = work.seeds_order[pos]
        sn, sd = work.seed_node[sk], work.seed_dist[sk]
        lo_xy = xy[sn].min(axis=0) - reach
        hi_xy = xy[sn].max(axis=0) + reach
        c0 = np.clip(np.floor((lo_xy - work.origin) / tile_m).astype(np.int64), 0, None)
        c1 = np.floor((hi_xy - work.origin) / tile_m).astype(np.int64)
        cx, cy = np.meshgrid(np.arange(c0[0], min(c1[0], work.n_cx - 1) + 1),
                             np.arange(c0[1], min(c1[1], work.n_cy - 1) + 1), indexing="ij")
        p_nodes, _ = ranges(work.grid_ptr, (cx * work.n_cy + cy).ravel())
        idx = np.sort(work.grid_nodes[p_nodes])
        box = ((xy[idx, 0] >= lo_xy[0]) & (xy[idx, 0] <= hi_xy[0])
               & (xy[idx, 1] >= lo_xy[1]) & (xy[idx, 1] <= hi_xy[1]))
        idx = idx[box]
        ns = len(idx)
        local[idx] = np.arange(ns)
        # subgraph of the tile plus one virtual source per green
        p_edges, row = ranges(indptr_g, idx)
        col = local[graph.indices[p_edges]]
        inside = col >= 0
        row, col, w = row[inside], col[inside], graph.data[p_edges][inside]
        order = np.lexsort((sd, local[sn], owner))
        rows_all = np.concatenate([row, ns + owner[order]])
        indptr = np.zeros(ns + b + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows_all, minlength=ns + b), out=indptr[1:])
        aug = sp.csr_matrix((np.concatenate([w, sd[order]]),
                             np.concatenate([col, local[sn][order]]).astype(np.int32),
                             indptr.astype(np.int32)), shape=(ns + b, ns + b))
        dmat = dijkstra(aug, directed=True, indices=np.arange(ns, ns + b), limit=work.radius_m)
        dmat[:, ns] = np.inf  # column ns stands for "outside the tile" below
        near = dmat[:, :ns + 1] <= work.radius_m
        # edges with addresses and a reached end: (green, edge) pairs
        p_seg, _ = ranges(work.seg_of_node_ptr, idx[near[:, :ns].any(axis=0)])
        cand = np.unique(work.seg_of_node[p_seg] % n_seg).astype(np.int64)
        lu = local[work.seg_u[cand]]
        lv = local[work.seg_v[cand]]
        lu[lu < 0] = ns
        lv[lv < 0] = ns
        mask = near[:, lu] | near[:, lv]
        # edges with an entry of a tile green: per address (distance along the edge)
        p_ent, e_owner = ranges(work.entries_ptr, greens)
        e_idx = work.entries_order[p_ent].astype(np.int64)
        e_seg = work.seg_of_edge[work.entry_edge[e_idx]]
        on = e_seg >= 0
        e_idx, e_owner, e_seg = e_idx[on], e_owner[on], e_seg[on]
        column[cand] = np.arange(len(cand))
        hit = column[e_seg] >= 0
        mask[e_owner[hit], column[e_seg[hit]]] = False
        column[cand] = -1
        eu = local[work.seg_u[e_seg]]
        ev = local[work.seg_v[e_seg]]
        eu[eu < 0] = ns
        ev[ev < 0] = ns
        direct: DirectPart = (e_idx, e_seg, greens[e_owner], dmat[e_owner, eu],
                              dmat[e_owner, ev])
        local[idx] = -1
        rows, cols = np.nonzero(mask)
        pairs: PairPart = (greens[rows], cand[cols], dmat[rows, lu[cols]], dmat[rows, lv[cols]])
        out.append((pairs, direct))
    return out


def plan_tiles(network: WalkNetwork, lay: AddressLayout, entries: Entries, radius_m: float,
               tile_m: float) -> TileWork | None:
    """Group the green spaces in tiles of ``tile_m`` and gather what every tile reads.

    Returns
    -------
    TileWork or None
        None when there is no entry node or no edge with addresses (no pairs at all).
    """
    seed_node, seed_dist, seed_group = entries.seeds(network)
    n = network.n_nodes
    n_seg = lay.n_segments
    if not (len(seed_node) and n_seg):
        return None
    xy = network.node_xy
    g_count = entries.n_greens
    counts = np.bincount(seed_group, minlength=g_count)
    has = counts > 0
    mean_xy = np.stack([np.bincount(seed_group, weights=xy[seed_node, i], minlength=g_count)
                        for i in (0, 1)], axis=1)[has] / counts[has, None]
    # node grid (cells of tile_m) to cut tile subgraphs without scanning every node
    origin, n_cx, n_cy, grid_ptr, grid_nodes = network.node_grid(tile_m)
    g_cell = np.floor((mean_xy - origin) / tile_m).astype(np.int64)
    tile_key = np.full(g_count, -1, dtype=np.int64)
    height = int(np.ptp(g_cell[:, 1])) + 1
    tile_key[has] = (g_cell[:, 0] - g_cell[:, 0].min()) * height + (
        g_cell[:, 1] - g_cell[:, 1].min())
    tile_ptr, tile_members = csr_by(np.where(has, tile_key, 0), int(tile_key.max()) + 1)
    seeds_ptr, seeds_order = csr_by(seed_group, g_count)
    entries_ptr, entries_order = csr_by(entries.green, g_count)
    seg_of_node_ptr, seg_of_node = csr_by(np.r_[lay.seg_u, lay.seg_v], n)
    seg_of_edge = np.full(max(network.n_edges, int(entries.edge.max(initial=-1)) + 1), -1,
                          dtype=np.int64)
    seg_of_edge[lay.seg_edge] = np.arange(n_seg)
    keys = np.unique(tile_key[has])
    key_cells = np.stack([keys // height, keys % height], axis=1)
    return TileWork(
        radius_m=float(radius_m), tile_m=float(tile_m), graph=network.graph, node_xy=xy,
        origin=np.asarray(origin, dtype=np.float64), n_cx=int(n_cx), n_cy=int(n_cy),
        grid_ptr=grid_ptr, grid_nodes=grid_nodes, seed_node=seed_node, seed_dist=seed_dist,
        tile_ptr=tile_ptr, tile_members=tile_members, has_seed=has, seeds_ptr=seeds_ptr,
        seeds_order=seeds_order, entries_ptr=entries_ptr, entries_order=entries_order,
        entry_edge=np.asarray(entries.edge, dtype=np.int64), seg_of_node_ptr=seg_of_node_ptr,
        seg_of_node=seg_of_node, seg_of_edge=seg_of_edge,
        seg_u=np.asarray(lay.seg_u, dtype=np.int64), seg_v=np.asarray(lay.seg_v, dtype=np.int64),
        keys=keys, key_cells=key_cells)
