"""Tests of the walking network: CSR graph, snapping, deltas, distances vs networkx."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from groengezond.access.nearest import multi_source
from groengezond.network import NetworkDelta, WalkNetwork, build_csr
from groengezond.region.schema import CRS
from groengezond.region.testing import TINY_ORIGIN, tiny_region


def random_network(seed: int, n: int, extra: int) -> WalkNetwork:
    """A connected-ish random planar-looking network with straight edges."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2))
    # a random spanning tree plus extra random edges (possibly parallel)
    u = [int(rng.integers(0, i)) for i in range(1, n)]
    v = list(range(1, n))
    for _ in range(extra):
        a, b = rng.integers(0, n, 2)
        u.append(int(a))
        v.append(int(b))
    ua, va = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    lines = shapely.linestrings(np.stack([xy[ua], xy[va]], axis=1))
    length = shapely.length(lines) * rng.uniform(1.0, 1.3, len(ua))  # walks ≥ straight line
    nodes = gpd.GeoDataFrame({"node_id": np.arange(n, dtype=np.int64) + 100},
                             geometry=shapely.points(xy), crs=CRS)
    edges = gpd.GeoDataFrame({"edge_id": np.arange(len(ua), dtype=np.int64), "u": ua + 100,
                              "v": va + 100, "length_m": length}, geometry=lines, crs=CRS)
    return WalkNetwork.from_frames(nodes, edges)


def test_from_region_builds_symmetric_csr() -> None:
    net = WalkNetwork.from_region(tiny_region())
    assert net.n_nodes == 6
    assert net.n_edges == 7
    dense = net.graph.toarray()
    assert np.allclose(dense, dense.T)
    assert dense[0, 1] == pytest.approx(500.0)
    assert not net.node_id.flags.writeable  # immutable


def test_parallel_edges_keep_shortest_and_self_loops_dropped() -> None:
    g = build_csr(3, np.array([0, 0, 1, 2]), np.array([1, 1, 1, 0]),
                  np.array([5.0, 3.0, 1.0, 0.0]))
    dense = g.toarray()
    assert dense[0, 1] == 3.0 and dense[1, 0] == 3.0
    assert dense[1, 1] == 0.0 and g[1, 1] == 0  # no self-loop stored
    assert g.nnz == 4  # 0-1, 1-0, 0-2 (explicit zero), 2-0


def test_snap_offsets_and_distance() -> None:
    r = tiny_region()
    net = WalkNetwork.from_region(r)
    x0, y0 = TINY_ORIGIN
    snap = net.snap(np.array([[x0 + 120, y0 + 10], [x0 + 990, y0 + 480]]))
    assert net.edge_u[snap.edge[0]] == 0 and net.edge_v[snap.edge[0]] == 1
    assert snap.offset_m[0] == pytest.approx(120.0)
    assert snap.snap_m[0] == pytest.approx(10.0)
    assert snap.snap_m[1] == pytest.approx(10.0)


def test_edge_geometry_is_oriented_from_u() -> None:
    r = tiny_region()
    edges = r.network_edges.copy()
    edges.loc[0, "geometry"] = shapely.reverse(edges.geometry.iloc[0])
    net = WalkNetwork.from_frames(r.network_nodes, edges)
    start = shapely.get_point(net.edge_geometry[0], 0)
    assert shapely.equals(start, r.network_nodes.geometry.iloc[0])


def test_apply_delta_splits_and_does_not_mutate() -> None:
    net = WalkNetwork.from_region(tiny_region())
    x0, y0 = TINY_ORIGIN
    before = net.graph.copy()
    bridge = LineString([(x0 + 250, y0), (x0 + 250, y0 + 500)])
    net2, change = net.apply(NetworkDelta(add=[bridge]))
    assert (net.graph != before).nnz == 0
    assert net.n_nodes == 6 and net2.n_nodes == 8
    assert len(change.split_edge) == 2 and len(change.added_edges) == 1
    assert not net2.edge_alive[change.split_edge].any()
    halves = change.split_children.ravel()
    assert net2.edge_length_m[halves].sum() == pytest.approx(1000.0)
    net3, change3 = net2.apply(NetworkDelta(remove_edge_ids=[1]))
    assert not net3.edge_alive[1] and change3.removed_edges.tolist() == [1]
    with pytest.raises(ValueError):
        net.apply(NetworkDelta(remove_edge_ids=[999]))


def test_remap_keeps_positions() -> None:
    net = WalkNetwork.from_region(tiny_region())
    x0, y0 = TINY_ORIGIN
    snap = net.snap(np.array([[x0 + 100, y0 + 10], [x0 + 400, y0 + 10]]))
    net2, change = net.apply(NetworkDelta(add=[LineString([(x0 + 250, y0),
                                                            (x0 + 250, y0 + 500)])]))
    moved = snap.remap(net2, change)
    assert moved.offset_m.tolist() == pytest.approx([100.0, 150.0])
    assert net2.edge_alive[moved.edge].all()
    net3, change3 = net2.apply(NetworkDelta(remove_edge_ids=[2]))
    assert net3.edge_alive[snap.remap(net3, change3).edge].all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 25), extra=st.integers(0, 30),
       k=st.integers(1, 4))
def test_multi_source_matches_networkx(seed: int, n: int, extra: int, k: int) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed + 1)
    seeds = rng.integers(0, n, k)
    offsets = rng.uniform(0, 50, k)
    groups = np.arange(k)
    dist, group = multi_source(net.graph, seeds, offsets, groups, k)
    g = net.to_networkx()
    for node in range(n):
        best = min(
            (offsets[i] + nx.shortest_path_length(g, int(seeds[i]), node, weight="weight"), i)
            for i in range(k)
            if nx.has_path(g, int(seeds[i]), node)
        )
        assert dist[node] == pytest.approx(best[0])
        # the reported group attains the distance (ties may pick another group)
        gi = int(group[node])
        alt = offsets[gi] + nx.shortest_path_length(g, int(seeds[gi]), node, weight="weight")
        assert alt == pytest.approx(best[0])


def test_multi_source_limit() -> None:
    net = WalkNetwork.from_region(tiny_region())
    dist, group = multi_source(net.graph, np.array([0]), np.array([0.0]), np.array([0]), 1,
                               limit_m=600.0)
    assert dist[0] == 0 and dist[1] == 500 and np.isinf(dist[2])
    assert group[2] == -1
