"""Incremental updates of the nearest-green result for scenario changes.

Every function here returns exactly what :func:`~groengezond.access.nearest.nearest_green`
would return for the changed inputs (up to floating-point rounding of sums taken in another
order), while searching only the part of the network the change can reach:

- **adding a green space** (:func:`add_green`) or **adding edges**
  (:func:`update_for_network` with a change that only adds) can only shorten distances. A
  bounded Dijkstra runs from the new seeds (the new entries; the ends of new edges at the
  distance of their other end plus the edge), and the result is the element-wise minimum
  :math:`d' = \\min(d, d_{\\text{new}})`. The bound :math:`r` starts near the current
  distances at the seeds and doubles until no improved node has a neighbour beyond
  :math:`r` and every seed that improves its node is within :math:`r`; then no node beyond
  :math:`r` can improve (a shortest path to it would leave the searched ball through a node
  that did not improve, whose old distance already bounds it);
- **removing a green space** (:func:`remove_green`) recomputes the affected part only: the
  nodes whose nearest green it was, by a Dijkstra on that part seeded from its boundary
  (unchanged neighbours at their final distance) and from the remaining entries inside it;
- **removing edges** does a full pass (the affected part is the subtree of the shortest-path
  forest below the removed edges; a full pass is fast enough and simpler to trust).

Address snaps are kept across changes (:meth:`~groengezond.network.Snap.remap`): a home keeps
its access street; only homes whose edge was removed are snapped again. The doorstep walk is
added (or not) as in the state being updated (:attr:`NearestGreen.doorstep`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.access.entries import ENTRY_BUFFER_M, Entries, green_entries
from groengezond.access.nearest import NearestGreen, multi_source, nearest_green, point_distance
from groengezond.network import NetworkChange, Snap, WalkNetwork

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_BOUND_M = 200.0
"""Smallest first bound (m) of the bounded search."""


def bounded_improvement(
    network: WalkNetwork,
    current: FloatArray,
    seed_node: IntArray,
    seed_dist: FloatArray,
    seed_label: IntArray,
) -> tuple[FloatArray, IntArray]:
    """Distances from new seeds, searched only as far as they can improve ``current``.

    Parameters
    ----------
    network : WalkNetwork
        The network to search (after the change).
    current : numpy.ndarray of float
        Current node distances (m), consistent with the network before the change.
    seed_node, seed_dist, seed_label : numpy.ndarray
        New seeds: node, distance already travelled (m) and the green index they carry.

    Returns
    -------
    dist : numpy.ndarray of float
        Distance from the seeds (m) where that is below ``current``, else ``inf``... or any
        value not below ``current`` (callers take the element-wise minimum).
    label : numpy.ndarray of int
        Green index carried to each node (-1 where not reached).
    """
    n = network.n_nodes
    improving = seed_dist < current[seed_node]
    if not improving.any():
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    node, dist, label = seed_node[improving], seed_dist[improving], seed_label[improving]
    labels, group = np.unique(label, return_inverse=True)
    at_seeds = current[node]
    finite_all = current[np.isfinite(current)]
    if not np.isfinite(at_seeds).all() or len(finite_all) == 0:
        limit = np.inf
    else:
        limit = max(float(dist.max()) + 0.75 * float(at_seeds.max()), MIN_BOUND_M)
    cap = 4.0 * (float(finite_all.max()) + float(dist.max())) if len(finite_all) else np.inf
    while True:
        d, g = multi_source(network.graph, node, dist, group.astype(np.int64), len(labels),
                            limit)
        if np.isinf(limit):
            break
        improved = np.flatnonzero(d < current)
        ok = bool(np.isfinite(d[network.neighbours(improved)]).all()
                  and np.isfinite(d[node]).all())
        if ok:
            break
        limit = limit * 2.0 if limit * 2.0 < cap else np.inf
    out_label = np.where(g >= 0, labels[np.clip(g, 0, None)], -1).astype(np.int64)
    return d, out_label


def _merge(network: WalkNetwork, snap: Snap, entries: Entries, state: NearestGreen,
           node_dist: FloatArray, node_green: IntArray, d: FloatArray, lab: IntArray,
           extra_edges: IntArray) -> NearestGreen:
    """Element-wise minimum of node distances; recompute the addresses that can change."""
    improved = np.flatnonzero(d < node_dist)
    node_dist = node_dist.copy()
    node_green = node_green.copy()
    node_dist[improved] = d[improved]
    node_green[improved] = lab[improved]
    edges = np.concatenate([network.incident_edges(improved), extra_edges])
    affected = snap.on_edges(edges)
    return _refresh(network, snap, entries, state, node_dist, node_green, affected)


def add_green(network: WalkNetwork, snap: Snap, entries: Entries, state: NearestGreen,
              new: Entries) -> tuple[Entries, NearestGreen]:
    """Add green spaces (their entries ``new``) and update nearest-green distances.

    Parameters
    ----------
    network, snap, entries, state
        The inputs and result of :func:`~groengezond.access.nearest.nearest_green`.
    new : Entries
        Entries of the new green spaces (e.g. from
        :func:`~groengezond.access.entries.green_entries` on a frame of new parks).

    Returns
    -------
    (Entries, NearestGreen)
        All entries (``new``'s greens appended) and the updated result, equal to a full pass.
    """
    merged = entries.concat(new)
    nodes, dist, group = new.seeds(network)
    d, lab = bounded_improvement(network, state.node_dist_m, nodes, dist,
                                 group + entries.n_greens)
    return merged, _merge(network, snap, merged, state, state.node_dist_m, state.node_green,
                          d, lab, new.edge)


def remove_green(network: WalkNetwork, snap: Snap, entries: Entries, state: NearestGreen,
                 green_ids: npt.ArrayLike) -> tuple[Entries, NearestGreen]:
    """Remove green spaces and recompute only the part of the network that used them.

    Returns
    -------
    (Entries, NearestGreen)
        The remaining entries (green indices unchanged) and the result, equal to a full pass.
    """
    remaining = entries.without_greens(green_ids)
    gone = np.flatnonzero(np.isin(entries.green_ids, np.asarray(green_ids, dtype=np.int64)))
    in_a = np.isin(state.node_green, gone)
    area = np.flatnonzero(in_a)
    node_dist = state.node_dist_m.copy()
    node_green = state.node_green.copy()
    if len(area):
        graph = network.graph
        sub = graph[area][:, area]
        local = np.full(network.n_nodes, -1, dtype=np.int64)
        local[area] = np.arange(len(area))
        # boundary seeds: an unchanged neighbour b of a node n in the area seeds n at d_b + w
        starts = graph.indptr[area].astype(np.int64)
        ends = graph.indptr[area + 1].astype(np.int64)
        counts = ends - starts
        owner = np.repeat(area, counts)
        pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        nb = np.asarray(graph.indices[pos], dtype=np.int64)
        w = np.asarray(graph.data[pos], dtype=np.float64)
        outside = ~in_a[nb] & np.isfinite(node_dist[nb])
        seed_node = [local[owner[outside]]]
        seed_dist = [node_dist[nb[outside]] + w[outside]]
        seed_label = [node_green[nb[outside]]]
        e_nodes, e_dist, e_group = remaining.seeds(network)
        inside = in_a[e_nodes]
        seed_node.append(local[e_nodes[inside]])
        seed_dist.append(e_dist[inside])
        seed_label.append(e_group[inside])
        sn, sd, sl = (np.concatenate(seed_node), np.concatenate(seed_dist),
                      np.concatenate(seed_label))
        labels, group = np.unique(sl, return_inverse=True)
        if len(labels) == 0:  # no green left to reach (e.g. all green removed)
            node_dist[area] = np.inf
            node_green[area] = -1
        else:
            d, g = multi_source(sub, sn, sd, group.astype(np.int64), len(labels))
            node_dist[area] = d
            node_green[area] = np.where(g >= 0, labels[np.clip(g, 0, None)], -1)
    edges = np.concatenate([network.incident_edges(area), entries.edge[np.isin(entries.green,
                                                                               gone)]])
    affected = np.union1d(snap.on_edges(edges), np.flatnonzero(np.isin(state.green, gone)))
    return remaining, _refresh(network, snap, remaining, state, node_dist, node_green, affected)


def remap_entries(entries: Entries, network: WalkNetwork, change: NetworkChange,
                  green: pd.DataFrame | None = None, buffer_m: float = ENTRY_BUFFER_M
                  ) -> Entries:
    """Carry entries over a network change.

    Entries on a split edge move to its halves (an interval across the split point becomes
    two), entries on a removed edge are dropped and, when ``green`` (the same selection of
    green spaces the entries were made from) is given, new edges that run into a green space
    get entries too.
    """
    green_idx, edge = entries.green.copy(), entries.edge.copy()
    start, end = entries.start_m.copy(), entries.end_m.copy()
    for old, at, first, second in zip(change.split_edge, change.split_offset_m,
                                      change.split_children[:, 0], change.split_children[:, 1],
                                      strict=True):
        on = edge == old
        low = on & (start <= at)
        high = on & (end >= at)
        keep = ~on
        parts_g = [green_idx[keep], green_idx[low], green_idx[high]]
        parts_e = [edge[keep], np.full(int(low.sum()), first), np.full(int(high.sum()), second)]
        parts_s = [start[keep], start[low], np.maximum(start[high], at) - at]
        parts_t = [end[keep], np.minimum(end[low], at), end[high] - at]
        green_idx = np.concatenate(parts_g).astype(np.int64)
        edge = np.concatenate(parts_e).astype(np.int64)
        start = np.concatenate(parts_s)
        end = np.concatenate(parts_t)
    alive = network.edge_alive[edge]
    out = Entries(entries.green_ids, entries.green_area_ha, green_idx[alive], edge[alive],
                  start[alive], end[alive])
    if green is not None and len(change.added_edges) and len(green):
        found = green_entries(network, green, buffer_m=buffer_m, only_edges=change.added_edges)
        index = pd.Index(entries.green_ids).get_indexer(found.green_ids[found.green])
        ok = index >= 0
        out = Entries(entries.green_ids, entries.green_area_ha,
                      np.concatenate([out.green, index[ok]]).astype(np.int64),
                      np.concatenate([out.edge, found.edge[ok]]),
                      np.concatenate([out.start_m, found.start_m[ok]]),
                      np.concatenate([out.end_m, found.end_m[ok]]))
    return out


def update_for_network(network: WalkNetwork, change: NetworkChange, snap: Snap,
                       entries: Entries, state: NearestGreen) -> NearestGreen:
    """Update nearest-green distances after :meth:`WalkNetwork.apply`.

    Parameters
    ----------
    network : WalkNetwork
        The network after the change.
    change : NetworkChange
        What :meth:`WalkNetwork.apply` changed.
    snap : Snap
        Addresses remapped to the new network (:meth:`Snap.remap`).
    entries : Entries
        Entries remapped to the new network (:func:`remap_entries`).
    state : NearestGreen
        Result on the network before the change.

    Returns
    -------
    NearestGreen
        Equal to :func:`~groengezond.access.nearest.nearest_green` on the new inputs.
    """
    if not change.only_adds:
        return nearest_green(network, snap, entries, doorstep=state.doorstep)
    n_old = len(state.node_dist_m)
    node_dist = np.concatenate([state.node_dist_m, np.full(network.n_nodes - n_old, np.inf)])
    node_green = np.concatenate([state.node_green,
                                 np.full(network.n_nodes - n_old, -1, dtype=np.int64)])
    # split nodes: distance along the halves of the edge they split (pre-change distances)
    added = change.added_edges
    halves = np.setdiff1d(network.incident_edges(change.new_nodes), added)
    for _ in range(len(change.new_nodes)):
        if len(halves) == 0:
            break
        at_u = np.isin(network.edge_u[halves], change.new_nodes)
        at_v = np.isin(network.edge_v[halves], change.new_nodes)
        pe = np.concatenate([halves[at_u], halves[at_v]])
        po = np.concatenate([np.zeros(int(at_u.sum())), network.edge_length_m[halves[at_v]]])
        px = np.concatenate([network.edge_u[halves[at_u]], network.edge_v[halves[at_v]]])
        dd, gg = point_distance(network, node_dist, node_green, entries, pe, po)
        order = np.lexsort((dd, px))
        first = np.ones(len(order), dtype=bool)
        first[1:] = px[order][1:] != px[order][:-1]
        best = order[first]
        better = dd[best] < node_dist[px[best]]
        if not better.any():
            break
        node_dist[px[best[better]]] = dd[best[better]]
        node_green[px[best[better]]] = gg[best[better]]
    a, b = network.edge_u[added], network.edge_v[added]
    w = network.edge_length_m[added]
    seed_node = [b, a]
    seed_dist = [node_dist[a] + w, node_dist[b] + w]
    seed_label = [node_green[a], node_green[b]]
    on_added = np.isin(entries.edge, added)
    if on_added.any():
        nodes, dist, group = entries.subset(on_added).seeds(network)
        seed_node.append(nodes)
        seed_dist.append(dist)
        seed_label.append(group)
    sn, sd, sl = (np.concatenate(seed_node), np.concatenate(seed_dist),
                  np.concatenate(seed_label))
    finite = np.isfinite(sd)
    d, lab = bounded_improvement(network, node_dist, sn[finite], sd[finite], sl[finite])
    base = NearestGreen(node_dist, node_green, state.dist_m, state.green, state.doorstep)
    return _merge(network, snap, entries, base, node_dist, node_green, d, lab,
                  np.concatenate([change.new_edges, entries.edge[on_added]]))


def _refresh(network: WalkNetwork, snap: Snap, entries: Entries, state: NearestGreen,
             node_dist: FloatArray, node_green: IntArray, affected: IntArray) -> NearestGreen:
    """New state with the distances of the ``affected`` addresses recomputed from the nodes."""
    dist_m = state.dist_m.copy()
    green = state.green.copy()
    if len(affected):
        dd, gg = point_distance(network, node_dist, node_green, entries, snap.edge[affected],
                                snap.offset_m[affected])
        dist_m[affected] = dd + snap.snap_m[affected] if state.doorstep else dd
        green[affected] = gg
    return NearestGreen(node_dist, node_green, dist_m, green, state.doorstep)
