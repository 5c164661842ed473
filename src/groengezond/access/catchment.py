"""Catchments: every (green space, address) pair within a network distance, per edge.

Used by the two-step floating catchment (:mod:`groengezond.access.supply`). Green spaces are
grouped in square tiles; per tile, the subgraph within the radius of the tile's entry nodes is
cut out and a bounded Dijkstra per green space gives its distance :math:`d_u` to every node
within the radius :math:`r`.

The addresses are then handled *per edge*, not per (green, address) pair. An address on edge
:math:`e = (u, v)` of length :math:`L` at offset :math:`o` (walk :math:`t = L - o` to
:math:`v`) is at :math:`\\min(d_u + o, d_v + t)` from a green (as in
:mod:`groengezond.access.nearest`). Along the edge's addresses sorted by offset this is
reached over :math:`u` for a first run of them and over :math:`v` for a last run; the
addresses between (if any) are beyond :math:`r`. So one (green, edge) pair stands for all its
(green, address) pairs: about 0.8 million instead of 14.5 million on the 1.5-million
inhabitant synthetic region at :math:`r = 2` km. The runs are found by bisection with the
same floating-point comparisons as the per-address formula, so the pairs are exactly those
with :math:`d \\le r`. Edges that hold an entry of the green itself (distance along the edge to
the entry) are listed per address.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from groengezond.access.catchment_tiles import (
    DirectPart,
    PairPart,
    TileMapper,
    plan_tiles,
    ranges_of,
    run_tiles,
)
from groengezond.access.entries import Entries
from groengezond.network import Snap, WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


TILE_FACTOR = 1.5
"""Tile side as a multiple of the search radius (tuned on a 250,000-node network)."""

PAIR_CHUNK = 1 << 21
"""(Green, address) pairs per chunk of :meth:`Catchments.iter_pairs` (bounds the memory)."""


@dataclass(frozen=True)
class AddressLayout:
    """Addresses sorted by edge and, within an edge, by offset: one *segment* per edge.

    Attributes
    ----------
    order : numpy.ndarray of int
        Address index (position in the snap) at each sorted position.
    seg_ptr : numpy.ndarray of int
        Start of each segment in the sorted order, and the total at the end (CSR).
    seg_edge : numpy.ndarray of int
        Edge of each segment (edges without addresses have none).
    seg_u, seg_v : numpy.ndarray of int
        End nodes of each segment's edge.
    head_m : numpy.ndarray of float
        Walk from the edge's ``u`` end to the address (m), per sorted position.
    tail_m : numpy.ndarray of float
        Walk from the address to the edge's ``v`` end (m), per sorted position.
    local, rlocal : numpy.ndarray of int
        Position within the segment counted from its start and from its end.
    """

    order: IntArray
    seg_ptr: IntArray
    seg_edge: IntArray
    seg_u: IntArray
    seg_v: IntArray
    head_m: FloatArray
    tail_m: FloatArray
    local: IntArray
    rlocal: IntArray

    @classmethod
    def build(cls, network: WalkNetwork, snap: Snap) -> AddressLayout:
        """Sort the addresses of ``snap`` by (edge, offset)."""
        n = len(snap)
        by, e_sorted = snap.by_edge  # cached stable sort by edge
        start = np.flatnonzero(np.r_[True, e_sorted[1:] != e_sorted[:-1]]) if n else by[:0]
        counts = np.diff(np.r_[start, n])
        # within an edge by offset: one float key, segment rank + offset / (1+) its maximum
        off = snap.offset_m[by]
        top = np.maximum.reduceat(off, start) if n else off
        key = np.repeat(np.arange(len(start), dtype=np.float64), counts) + off / np.repeat(
            top * (1.0 + 2.0**-20) + 1e-9, counts)
        order = by[np.argsort(key, kind="stable")]
        edge, head = snap.edge[order], snap.offset_m[order]
        if ((edge[1:] < edge[:-1]) | ((edge[1:] == edge[:-1]) & (head[1:] < head[:-1]))).any():
            order = np.lexsort((snap.offset_m, snap.edge))  # negative offsets or rounding ties
            edge, head = snap.edge[order], snap.offset_m[order]
        tail = network.edge_length_m[edge] - head
        seg_ptr = np.r_[start, n].astype(np.int64)
        seg_of = np.repeat(np.arange(len(start)), counts)
        local = np.arange(n) - seg_ptr[seg_of]
        first = order[start]
        return cls(order.astype(np.int64), seg_ptr, snap.edge[first], snap.u[first],
                   snap.v[first], head, tail, local, counts[seg_of] - 1 - local)

    @property
    def n_segments(self) -> int:
        """Number of edges with at least one address."""
        return len(self.seg_ptr) - 1


def segment_cumsum(x: npt.ArrayLike, local: IntArray, reverse: bool = False) -> FloatArray:
    """Inclusive cumulative sum of ``x`` within segments (prefix, or suffix if ``reverse``).

    ``local`` is each element's position within its segment, counted from the segment's start
    (or from its end for a suffix sum). A log-step scan: each output is the sum of the
    segment's own elements only, so a segment of zeros stays exactly zero and rounding does not
    carry from one segment into the next.
    """
    out = np.array(x, dtype=np.float64)
    longest = int(local.max()) + 1 if len(local) else 0
    s = 1
    while s < longest:
        if reverse:
            out[:-s] += np.where(local[:-s] >= s, out[s:], 0.0)
        else:
            out[s:] += np.where(local[s:] >= s, out[:-s], 0.0)
        s *= 2
    return out


def _leading_true(pred: Callable[[IntArray, IntArray], BoolArray], lo: IntArray,
                  hi: IntArray) -> IntArray:
    """Per row ``i``, the first ``k`` in ``[lo_i, hi_i)`` where ``pred`` is false (else ``hi_i``).

    ``pred(rows, k)`` must be true then false over the range of each row (vectorised bisection).
    """
    lo, hi = lo.copy(), hi.copy()
    act = np.flatnonzero(lo < hi)
    while len(act):
        mid = (lo[act] + hi[act]) // 2
        ok = pred(act, mid)
        lo[act] = np.where(ok, mid + 1, lo[act])
        hi[act] = np.where(ok, hi[act], mid)
        act = act[lo[act] < hi[act]]
    return lo


@dataclass(frozen=True)
class Catchments:
    """(green space, address) pairs within a search radius, stored per (green, edge).

    The addresses of one edge :math:`(u, v)` form a *segment* sorted by offset (see
    :class:`AddressLayout`). For a green :math:`j` with node distances :math:`d_u, d_v`, the
    address at offset :math:`o` (walk :math:`t = L - o` to :math:`v`) is at
    :math:`\\min(d_u + o, d_v + t)`: a first run of the segment is reached over :math:`u`
    (``u_count`` addresses), a last run over :math:`v` (from ``v_start``), and the addresses
    between are farther than the radius. (Green, edge) pairs where the green has an entry on
    the edge itself are listed per address instead (``direct_*``).

    Attributes
    ----------
    radius_m : float
        Search radius (m).
    layout : AddressLayout
        The addresses sorted by edge and offset.
    pair_green, pair_seg : numpy.ndarray of int
        Green index and segment of each (green, edge) pair.
    pair_du, pair_dv : numpy.ndarray of float
        Network distance (m) from the green to the edge's ``u`` and ``v`` (``inf`` beyond the
        radius).
    u_count, v_start : numpy.ndarray of int
        Positions (within the segment) ``[0, u_count)`` are reached over ``u`` and
        ``[v_start, n)`` over ``v``, all within the radius.
    direct_green, direct_address : numpy.ndarray of int
        Pairs on an edge with an entry of the green (address = index in the snap).
    direct_dist_m : numpy.ndarray of float
        Their network distance (m), at most :attr:`radius_m`.
    """

    radius_m: float
    layout: AddressLayout
    pair_green: IntArray
    pair_seg: IntArray
    pair_du: FloatArray
    pair_dv: FloatArray
    u_count: IntArray
    v_start: IntArray
    direct_green: IntArray
    direct_address: IntArray
    direct_dist_m: FloatArray

    @property
    def n_pairs(self) -> int:
        """Number of (green, address) pairs within the radius."""
        n = np.diff(self.layout.seg_ptr)[self.pair_seg]
        return int(self.u_count.sum() + (n - self.v_start).sum()) + len(self.direct_green)

    def iter_pairs(self, max_pairs: int = PAIR_CHUNK) -> Iterator[tuple[IntArray, IntArray,
                                                                       FloatArray]]:
        """(green, address, distance (m)) of the pairs within the radius, in chunks.

        Each chunk holds about ``max_pairs`` pairs (more if one (green, edge) pair has more
        addresses), so the whole list is never in memory at once; the pairs on edges with an
        entry of the green come last.
        """
        lay = self.layout
        base = lay.seg_ptr[self.pair_seg]
        n = lay.seg_ptr[self.pair_seg + 1] - base
        cum = np.cumsum(self.u_count + (n - self.v_start))
        total = int(cum[-1]) if len(cum) else 0
        cuts = np.unique(np.r_[0, np.searchsorted(cum, np.arange(max_pairs, total, max_pairs),
                                                  side="right"), len(cum)])
        for a, b in itertools.pairwise(cuts):
            sl = slice(int(a), int(b))
            pos_u, i_u = ranges_of(base[sl], base[sl] + self.u_count[sl])
            pos_v, i_v = ranges_of(base[sl] + self.v_start[sl], base[sl] + n[sl])
            green = self.pair_green[sl]
            yield (np.concatenate([green[i_u], green[i_v]]),
                   lay.order[np.concatenate([pos_u, pos_v])],
                   np.concatenate([self.pair_du[sl][i_u] + lay.head_m[pos_u],
                                   self.pair_dv[sl][i_v] + lay.tail_m[pos_v]]))
        yield self.direct_green, self.direct_address, self.direct_dist_m

    def pairs(self) -> tuple[IntArray, IntArray, FloatArray]:
        """All (green, address, distance (m)) pairs within the radius, as three arrays.

        Memory grows with :attr:`n_pairs` (16 bytes a pair and more); :func:`two_step_fca`
        does not need it.
        """
        green, address, dist = zip(*self.iter_pairs(), strict=True)
        return np.concatenate(green), np.concatenate(address), np.concatenate(dist)

    @property
    def green(self) -> IntArray:
        """Green index of every pair within the radius (materialised by :meth:`pairs`)."""
        return self.pairs()[0]

    @property
    def address(self) -> IntArray:
        """Address index (position in the snap) of every pair (see :meth:`pairs`)."""
        return self.pairs()[1]

    @property
    def dist_m(self) -> FloatArray:
        """Network distance (m) of every pair, at most :attr:`radius_m` (see :meth:`pairs`)."""
        return self.pairs()[2]


def _split_runs(lay: AddressLayout, seg: IntArray, du: FloatArray, dv: FloatArray,
                radius_m: float) -> tuple[IntArray, IntArray]:
    """``u_count`` and ``v_start`` of (green, edge) pairs (see :class:`Catchments`).

    Position ``k`` is reached over ``u`` iff ``du + o_k <= dv + t_k`` and ``du + o_k <= r``
    (true then false along the sorted segment), over ``v`` iff ``dv + t_k < du + o_k`` and
    ``dv + t_k <= r`` (false then true), evaluated exactly as the per-address formula.
    """
    base = lay.seg_ptr[seg]
    n = lay.seg_ptr[seg + 1] - base
    head, tail = lay.head_m, lay.tail_m
    # most pairs reach the whole edge over one end: settle them with one test
    last = base + n - 1
    a = du + head[last]
    all_u = (a <= dv + tail[last]) & (a <= radius_m)
    b = dv + tail[base]
    all_v = (b < du + head[base]) & (b <= radius_m)
    u_count = np.where(all_u, n, 0)
    v_start = u_count.copy()
    mixed = np.flatnonzero(~all_u & ~all_v)
    base_m, du_m, dv_m = base[mixed], du[mixed], dv[mixed]

    def by_u(rows: IntArray, k: IntArray) -> BoolArray:
        pos = base_m[rows] + k
        a = du_m[rows] + head[pos]
        out: BoolArray = (a <= dv_m[rows] + tail[pos]) & (a <= radius_m)
        return out

    def not_by_v(rows: IntArray, k: IntArray) -> BoolArray:
        pos = base_m[rows] + k
        b = dv_m[rows] + tail[pos]
        out: BoolArray = (b >= du_m[rows] + head[pos]) | (b > radius_m)
        return out

    # here position n - 1 is not reached over u, position 0 not over v; the v-run mostly
    # starts right after the u-run
    n_m = n[mixed]
    rows = np.arange(len(mixed))
    u_count[mixed] = k_u = _leading_true(by_u, np.zeros(len(mixed), np.int64), n_m - 1)
    lo = np.where(not_by_v(rows, k_u), k_u + 1, k_u)
    v_start[mixed] = _leading_true(not_by_v, lo, np.where(lo > k_u, n_m, k_u))
    return u_count, v_start


def catchments(network: WalkNetwork, snap: Snap, entries: Entries, radius_m: float,
               tile_m: float | None = None, mapper: TileMapper | None = None) -> Catchments:
    """Every (green space, address) pair within ``radius_m`` of network distance.

    Green spaces are grouped in square tiles of ``tile_m`` by the mean position of their
    entry nodes. For each tile, the subgraph of nodes within ``radius_m`` (× :data:`MARGIN`)
    of the tile's entry nodes is cut out, and one Dijkstra per green space (limit
    ``radius_m``) runs on it. This is exact as long as no edge is shorter than the straight
    line between its nodes (then a walk of length :math:`r` never leaves the disk of radius
    :math:`r`), which holds for walking networks; the margin absorbs rounding. The node
    distances are then carried to the addresses per edge (see :class:`Catchments`), without
    listing every (green, address) pair.

    Parameters
    ----------
    network : WalkNetwork
    snap : Snap
        Addresses snapped to ``network``.
    entries : Entries
        Entries of the green spaces.
    radius_m : float
        Search radius (m).
    tile_m : float, optional
        Tile side (m); by default :data:`TILE_FACTOR` × ``radius_m`` (at least 500 m).
    mapper : callable, optional
        Runs the tiles (:data:`~groengezond.access.catchment_tiles.TileMapper`), e.g. over
        partitions on Dask workers (:mod:`groengezond.access.partitioned`); by default here,
        in order. The result is the same either way.

    Returns
    -------
    Catchments
    """
    if tile_m is None:
        tile_m = max(TILE_FACTOR * radius_m, 500.0)
    lay = AddressLayout.build(network, snap)
    i64, f64 = np.zeros(0, np.int64), np.zeros(0, np.float64)
    pairs: list[PairPart] = []
    direct: list[DirectPart] = []
    work = plan_tiles(network, lay, entries, radius_m, tile_m)
    if work is not None:
        results = (mapper or run_tiles)(work, work.keys)
        pairs = [r[0] for r in results]
        direct = [r[1] for r in results]
    if pairs:
        p_green, p_seg, p_du, p_dv = (np.concatenate(x) for x in zip(*pairs, strict=True))
    else:
        p_green, p_seg, p_du, p_dv = i64, i64, f64, f64
    u_count, v_start = _split_runs(lay, p_seg, p_du, p_dv, radius_m)
    d_green, d_addr, d_dist = _direct_pairs(lay, entries, direct, radius_m)
    return Catchments(radius_m, lay, p_green, p_seg, p_du, p_dv, u_count, v_start,
                      d_green, d_addr, d_dist)


def _direct_pairs(lay: AddressLayout, entries: Entries,
                  direct: list[tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]],
                  radius_m: float) -> tuple[IntArray, IntArray, FloatArray]:
    """(green, address, distance (m)) on edges with an entry of the green, within the radius.

    ``direct`` holds, per entry on an edge with addresses: the entry, the edge's segment, the
    green and the green's distances to the edge's ends. An address is at the shortest of the
    walks over either end and along the edge to any entry of the green on it.
    """
    i64, f64 = np.zeros(0, np.int64), np.zeros(0, np.float64)
    if not direct:
        return i64, i64, f64
    k, seg, green, du, dv = (np.concatenate(x) for x in zip(*direct, strict=True))
    pos, i = ranges_of(lay.seg_ptr[seg], lay.seg_ptr[seg + 1])
    if len(pos) == 0:
        return i64, i64, f64
    o, t, k = lay.head_m[pos], lay.tail_m[pos], k[i]
    along = np.maximum(np.maximum(entries.start_m[k] - o, o - entries.end_m[k]), 0.0)
    dist = np.minimum(np.minimum(du[i] + o, dv[i] + t), along)
    n_addr = len(lay.order)
    key = green[i] * n_addr + pos
    best = np.lexsort((dist, key))
    key, dist = key[best], dist[best]
    first = np.r_[True, key[1:] != key[:-1]] & (dist <= radius_m)
    key, dist = key[first], dist[first]
    return key // n_addr, lay.order[key % n_addr], dist
