"""Supply of green per inhabitant: two-step floating catchment (2SFCA) over the network.

As InVEST Urban Nature Access (Natural Capital Project, *InVEST User's Guide*, "Urban Nature
Access", 2023), after Luo & Wang (2003) and the enhanced form of Luo & Qi (2009), but with
*walking-network* distances instead of straight lines, so barriers count. For green space
:math:`j` of area :math:`S_j` (m²), addresses :math:`i` with :math:`P_i` residents, network
distance :math:`d_{ij}` and decay :math:`f` with search radius :math:`r`:

.. math::

    R_j = \\frac{S_j}{\\sum_k P_k\\, f(d_{kj})}, \\qquad
    A_i = \\sum_j R_j\\, f(d_{ij}), \\qquad
    B_i = (A_i - g_{\\text{norm}})\\, P_i

:math:`A_i` is green (m²) per inhabitant available to address :math:`i`; :math:`B_i` the
balance (m², negative where there is too little). With the dichotomy decay and
:math:`r = 500` m, :math:`A_i` is "m² of green per inhabitant within 500 m"
(:func:`green_per_inhabitant`), compared to a norm of 60 m² (cited in the InVEST UNA guide
[check: secondary source, see EVIDENCE.md]).

Decay functions :math:`f(d)` for :math:`d \\le r` (0 beyond :math:`r`), as InVEST UNA:

- dichotomy: :math:`1`;
- exponential: :math:`e^{-d/r}`;
- gaussian: :math:`\\bigl(e^{-\\frac12 (d/r)^2} - e^{-\\frac12}\\bigr)
  / \\bigl(1 - e^{-\\frac12}\\bigr)`;
- density: :math:`\\tfrac34 \\bigl(1 - (d/r)^2\\bigr)`.

The catchments are computed in batches of green spaces with a bounded Dijkstra (limit
:math:`r`) from the green's entries; only (green, address) pairs within :math:`r` are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from groengezond.access.entries import Entries
from groengezond.network import Snap, WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Decay = Literal["dichotomy", "exponential", "gaussian", "density"]

DECAYS: tuple[str, ...] = ("dichotomy", "exponential", "gaussian", "density")

GREEN_NORM_M2_PER_INHABITANT = 60.0
"""Norm of green per inhabitant within 500 m (m²), as cited in the InVEST UNA guide [check]."""

SUPPLY_RADIUS_M = 500.0
"""Radius (m) of "m² of green per inhabitant within 500 m"."""



def decay(distance_m: npt.ArrayLike, radius_m: float, kind: Decay = "dichotomy") -> FloatArray:
    """Weight :math:`f(d)` of a green space at network distance ``distance_m`` (m).

    Parameters
    ----------
    distance_m : numpy.ndarray of float
        Distances (m).
    radius_m : float
        Search radius :math:`r` (m); weights are 0 beyond it.
    kind : {"dichotomy", "exponential", "gaussian", "density"}
        Decay function (see module docstring; InVEST Urban Nature Access).

    Returns
    -------
    numpy.ndarray of float
        Weights in [0, 1].
    """
    d = np.asarray(distance_m)
    if d.dtype != np.float32:
        d = d.astype(np.float64)
    x = d / d.dtype.type(radius_m)
    if kind == "dichotomy":
        w = np.ones_like(x)
    elif kind == "exponential":
        w = np.exp(-x)
    elif kind == "gaussian":
        e = np.exp(-0.5)
        w = (np.exp(-0.5 * x * x) - e) / (1.0 - e)
    elif kind == "density":
        w = 0.75 * (1.0 - x * x)
    else:
        raise ValueError(f"unknown decay {kind!r}; use one of {', '.join(DECAYS)}")
    out: FloatArray = np.asarray(w, dtype=np.float64)
    np.maximum(out, 0.0, out=out)
    out[~(x <= 1.0)] = 0.0
    return out


@dataclass(frozen=True)
class Catchments:
    """Sparse (green, address, distance) pairs within a search radius.

    Attributes
    ----------
    green : numpy.ndarray of int32
        Green index of each pair.
    address : numpy.ndarray of int32
        Address index (position in the snap) of each pair.
    dist_m : numpy.ndarray of float32
        Network distance (m), at most :attr:`radius_m`.
    radius_m : float
        Search radius (m).
    """

    green: npt.NDArray[np.int32]
    address: npt.NDArray[np.int32]
    dist_m: npt.NDArray[np.float32]
    radius_m: float


def _csr_by(keys: IntArray, n: int) -> tuple[IntArray, npt.NDArray[np.int32]]:
    """CSR (key -> positions) as :func:`groengezond.grouping.csr_by_key`, int32 positions.

    int32 halves the memory of the 2SFCA hot path over millions of address-green pairs.
    """
    order = np.argsort(keys, kind="stable").astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=indptr[1:])
    return indptr, order


def _ranges(ptr: IntArray, keys: IntArray) -> tuple[IntArray, IntArray]:
    """Positions in a CSR for every key in ``keys``, and which key each came from."""
    starts, ends = ptr[keys], ptr[keys + 1]
    cnt = ends - starts
    total = int(cnt.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pos = np.repeat(starts - np.cumsum(cnt) + cnt, cnt) + np.arange(total)
    return pos, np.repeat(np.arange(len(keys)), cnt)


TILE_FACTOR = 1.5
"""Tile side as a multiple of the search radius (tuned on a 250,000-node network)."""

MARGIN = 1.05
"""Safety factor on the radius when cutting a tile's subgraph (see :func:`catchments`)."""


def catchments(network: WalkNetwork, snap: Snap, entries: Entries, radius_m: float,
               tile_m: float | None = None) -> Catchments:
    """Every (green space, address) pair within ``radius_m`` of network distance.

    Green spaces are grouped in square tiles of ``tile_m`` by the mean position of their
    entry nodes. For each tile, the subgraph of nodes within ``radius_m`` (× :data:`MARGIN`)
    of the tile's entry nodes is cut out, and one Dijkstra per green space (limit
    ``radius_m``) runs on it. This is exact as long as no edge is shorter than the straight
    line between its nodes (then a walk of length :math:`r` never leaves the disk of radius
    :math:`r`), which holds for walking networks; the margin absorbs rounding.

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

    Returns
    -------
    Catchments
    """
    if tile_m is None:
        tile_m = max(TILE_FACTOR * radius_m, 500.0)
    n = network.n_nodes
    n_addr = len(snap)
    seed_node, seed_dist, seed_group = entries.seeds(network)
    empty = Catchments(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32),
                       radius_m)
    if len(seed_node) == 0 or n_addr == 0:
        return empty
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
    tile_key[has] = (g_cell[:, 0] - g_cell[:, 0].min()) * (int(np.ptp(g_cell[:, 1])) + 1) + (
        g_cell[:, 1] - g_cell[:, 1].min())
    tiles = _csr_by(np.where(has, tile_key, 0), int(tile_key.max()) + 1)
    seeds_of = _csr_by(seed_group, g_count)
    entries_of = _csr_by(entries.green, g_count)

    a_u, a_v = snap.u, snap.v
    off_u = snap.offset_m
    off_v = network.edge_length_m[snap.edge] - snap.offset_m
    inc_u, inc_v = snap.by_u, snap.by_v
    s_order, s_edge = snap.by_edge
    graph = network.graph
    indptr_g = graph.indptr.astype(np.int64)
    reach = radius_m * MARGIN
    local = np.full(n, -1, dtype=np.int64)
    scratch = np.full(n_addr, -1, dtype=np.int64)

    out_g: list[npt.NDArray[np.int32]] = []
    out_a: list[npt.NDArray[np.int32]] = []
    out_d: list[npt.NDArray[np.float32]] = []
    for key in np.unique(tile_key[has]):
        members = tiles[1][tiles[0][key]:tiles[0][key + 1]]
        greens = np.sort(members[has[members]]).astype(np.int64)
        b = len(greens)
        pos, owner = _ranges(seeds_of[0], greens)
        sk = seeds_of[1][pos]
        sn, sd = seed_node[sk], seed_dist[sk]
        lo_xy = xy[sn].min(axis=0) - reach
        hi_xy = xy[sn].max(axis=0) + reach
        c0 = np.clip(np.floor((lo_xy - origin) / tile_m).astype(np.int64), 0, None)
        c1 = np.floor((hi_xy - origin) / tile_m).astype(np.int64)
        cx, cy = np.meshgrid(np.arange(c0[0], min(c1[0], n_cx - 1) + 1),
                             np.arange(c0[1], min(c1[1], n_cy - 1) + 1), indexing="ij")
        p_nodes, _ = _ranges(grid_ptr, (cx * n_cy + cy).ravel())
        idx = np.sort(grid_nodes[p_nodes])
        box = ((xy[idx, 0] >= lo_xy[0]) & (xy[idx, 0] <= hi_xy[0])
               & (xy[idx, 1] >= lo_xy[1]) & (xy[idx, 1] <= hi_xy[1]))
        idx = idx[box]
        ns = len(idx)
        local[idx] = np.arange(ns)
        # subgraph of the tile plus one virtual source per green
        p_edges, row = _ranges(indptr_g, idx)
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
        dmat = dijkstra(aug, directed=True, indices=np.arange(ns, ns + b), limit=radius_m)
        dmat[:, ns] = np.inf  # column ns stands for "outside the tile" below
        # addresses with a reached end; dense (greens × addresses) distances
        reached = idx[(dmat[:, :ns] <= radius_m).any(axis=0)]
        pu, _ = _ranges(inc_u[0], reached)
        pv, _ = _ranges(inc_v[0], reached)
        # addresses on an edge with an entry of a tile green (distance along the edge)
        p_ent, e_owner = _ranges(entries_of[0], greens)
        e_idx = entries_of[1][p_ent].astype(np.int64)
        e_lo = np.searchsorted(s_edge, entries.edge[e_idx], side="left")
        e_hi = np.searchsorted(s_edge, entries.edge[e_idx], side="right")
        p_s, o = _ranges(np.concatenate([[0], np.cumsum(e_hi - e_lo)]), np.arange(len(e_idx)))
        addr_s = s_order[e_lo[o] + (p_s - np.concatenate([[0], np.cumsum(e_hi - e_lo)])[o])]
        cand = np.concatenate([inc_u[1][pu], inc_v[1][pv], addr_s]).astype(np.int64)
        scratch[cand] = np.arange(len(cand))
        addr = cand[scratch[cand] == np.arange(len(cand))]
        scratch[addr] = np.arange(len(addr))
        lu = local[a_u[addr]]
        lv = local[a_v[addr]]
        lu[lu < 0] = ns
        lv[lv < 0] = ns
        dense = np.minimum(dmat[:, lu] + off_u[addr], dmat[:, lv] + off_v[addr])
        local[idx] = -1
        if len(addr_s):
            k = e_idx[o]
            off = snap.offset_m[addr_s]
            d_s = np.maximum(np.maximum(entries.start_m[k] - off, off - entries.end_m[k]), 0.0)
            np.minimum.at(dense, (e_owner[o], scratch[addr_s]), d_s)
        scratch[addr] = -1
        rows, cols = np.nonzero(dense <= radius_m)
        out_g.append(greens[rows].astype(np.int32))
        out_a.append(addr[cols].astype(np.int32))
        out_d.append(dense[rows, cols].astype(np.float32))
    if not out_g:
        return empty
    return Catchments(np.concatenate(out_g), np.concatenate(out_a), np.concatenate(out_d),
                      radius_m)


@dataclass(frozen=True)
class Supply:
    """Result of :func:`two_step_fca`.

    Attributes
    ----------
    green_m2_per_inhabitant : numpy.ndarray of float
        :math:`A_i` per address (m² of green per inhabitant).
    ratio : numpy.ndarray of float
        :math:`R_j` per green space (m² per decay-weighted inhabitant; ``nan`` if no one
        lives within the radius).
    balance_m2 : numpy.ndarray of float
        :math:`B_i = (A_i - g_{\\text{norm}}) P_i` per address (m²).
    """

    green_m2_per_inhabitant: FloatArray
    ratio: FloatArray
    balance_m2: FloatArray


def two_step_fca(
    catchment: Catchments,
    residents: npt.ArrayLike,
    green_area_m2: npt.ArrayLike,
    kind: Decay = "exponential",
    norm_m2: float = GREEN_NORM_M2_PER_INHABITANT,
) -> Supply:
    """Two-step floating catchment over precomputed catchments (see module formulas).

    Parameters
    ----------
    catchment : Catchments
        Pairs within the search radius (:func:`catchments`).
    residents : array of float
        :math:`P_i` per address (persons).
    green_area_m2 : array of float
        :math:`S_j` per green index (m²).
    kind : {"dichotomy", "exponential", "gaussian", "density"}
        Decay function.
    norm_m2 : float
        :math:`g_{\\text{norm}}` (m² per inhabitant) for the balance.

    Returns
    -------
    Supply
    """
    pop = np.asarray(residents, dtype=np.float64)
    area = np.asarray(green_area_m2, dtype=np.float64)
    f = decay(catchment.dist_m, catchment.radius_m, kind)
    demand = np.bincount(catchment.green, weights=pop[catchment.address] * f,
                         minlength=len(area))
    ratio = np.divide(area, demand, out=np.full(len(area), np.nan), where=demand > 0)
    r = np.nan_to_num(ratio, nan=0.0)
    per_cap: FloatArray = np.asarray(
        np.bincount(catchment.address, weights=r[catchment.green] * f, minlength=len(pop)),
        dtype=np.float64)
    return Supply(per_cap, ratio, (per_cap - norm_m2) * pop)


def green_per_inhabitant(network: WalkNetwork, snap: Snap, entries: Entries,
                         residents: npt.ArrayLike, radius_m: float = SUPPLY_RADIUS_M,
                         norm_m2: float = GREEN_NORM_M2_PER_INHABITANT) -> Supply:
    """m² of green per inhabitant within ``radius_m`` (2SFCA with the dichotomy decay)."""
    catch = catchments(network, snap, entries, radius_m)
    return two_step_fca(catch, residents, entries.green_area_ha * 1e4, "dichotomy", norm_m2)
