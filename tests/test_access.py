"""Tests of the access engine: entries, nearest green, incremental updates, 2SFCA, 3-30-300."""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from groengezond.access import (
    add_green,
    aggregate,
    canopy_share,
    catchments,
    decay,
    euclidean_nearest,
    green_entries,
    nearest_green,
    remap_entries,
    remove_green,
    rule_3_30_300,
    select_green,
    trees_within,
    two_step_fca,
    update_for_network,
)
from groengezond.access.entries import Entries
from groengezond.network import NetworkDelta, Snap, WalkNetwork
from groengezond.region.schema import CRS
from groengezond.region.testing import TINY_ORIGIN, tiny_region
from test_network import random_network


def make_snap(net: WalkNetwork, edge: np.ndarray, frac: np.ndarray) -> Snap:
    offset = net.edge_length_m[edge] * frac
    return Snap(np.zeros((len(edge), 2)), edge, offset, np.zeros(len(edge)), net.edge_u[edge],
                net.edge_v[edge], net.n_nodes)


def random_entries(net: WalkNetwork, rng: np.random.Generator, greens: int) -> Entries:
    k = int(rng.integers(greens, 3 * greens + 1))
    edge = rng.integers(0, net.n_edges, k)
    a = rng.uniform(0, 1, k) * net.edge_length_m[edge]
    b = np.where(rng.random(k) < 0.4, a, rng.uniform(0, 1, k) * net.edge_length_m[edge])
    green = np.concatenate([np.arange(greens), rng.integers(0, greens, k - greens)])
    return Entries(np.arange(greens, dtype=np.int64) + 10, np.ones(greens), green.astype(np.int64),
                   edge.astype(np.int64), np.minimum(a, b), np.maximum(a, b))


def brute_force(net: WalkNetwork, entries: Entries, snap: Snap) -> np.ndarray:
    """Distance of each address to the nearest entry interval, on a subdivided networkx graph."""
    best = np.full(len(snap), np.inf)
    for j in range(entries.n_greens):
        g = nx.Graph()
        mine = entries.green == j
        for e in net.alive_edges:
            length = float(net.edge_length_m[e])
            cuts = {0.0, length}
            cuts |= {float(x) for x in snap.offset_m[snap.edge == e]}
            cuts |= {float(x) for x in entries.start_m[mine & (entries.edge == e)]}
            cuts |= {float(x) for x in entries.end_m[mine & (entries.edge == e)]}
            pts = sorted(cuts)
            names = [("n", int(net.edge_u[e]))] + [("p", int(e), x) for x in pts[1:-1]] + [
                ("n", int(net.edge_v[e]))]
            segments = zip(itertools.pairwise(names), itertools.pairwise(pts), strict=False)
            for (p, q), (x, y) in segments:
                inside = bool(np.any(mine & (entries.edge == e) & (entries.start_m <= x)
                                     & (entries.end_m >= y)))
                w = 0.0 if inside else y - x
                if p != q and (not g.has_edge(p, q) or g[p][q]["weight"] > w):
                    g.add_edge(p, q, weight=w)
        sources = []
        for e, s in zip(entries.edge[mine], entries.start_m[mine], strict=False):
            length = float(net.edge_length_m[e])
            if s == 0.0:
                sources.append(("n", int(net.edge_u[e])))
            elif s == length:
                sources.append(("n", int(net.edge_v[e])))
            else:
                sources.append(("p", int(e), float(s)))
        dist = nx.multi_source_dijkstra_path_length(g, set(sources), weight="weight")
        for i, (e, o) in enumerate(zip(snap.edge, snap.offset_m, strict=False)):
            length = float(net.edge_length_m[e])
            key = ("n", int(net.edge_u[e])) if o == 0.0 else (
                ("n", int(net.edge_v[e])) if o == length else ("p", int(e), float(o)))
            best[i] = min(best[i], dist.get(key, np.inf))
    return best


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 15), extra=st.integers(0, 12),
       greens=st.integers(1, 3))
def test_nearest_green_matches_brute_force(seed: int, n: int, extra: int, greens: int) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, greens)
    m = int(rng.integers(1, 12))
    snap = make_snap(net, rng.integers(0, net.n_edges, m), rng.uniform(0, 1, m))
    result = nearest_green(net, snap, entries)
    expected = brute_force(net, entries, snap)
    assert np.allclose(result.dist_m, expected, equal_nan=True)
    # the reported green attains the distance
    for i in np.flatnonzero(np.isfinite(expected)):
        only = entries.subset(entries.green == result.green[i])
        assert nearest_green(net, snap, only).dist_m[i] == pytest.approx(expected[i])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 25), extra=st.integers(0, 20))
def test_add_and_remove_green_equal_full_recompute(seed: int, n: int, extra: int) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, 3)
    m = 20
    snap = make_snap(net, rng.integers(0, net.n_edges, m), rng.uniform(0, 1, m))
    state = nearest_green(net, snap, entries)
    new = random_entries(net, rng, 1)
    merged, updated = add_green(net, snap, entries, state, new)
    full = nearest_green(net, snap, merged)
    assert np.allclose(updated.dist_m, full.dist_m)
    assert np.allclose(updated.node_dist_m, full.node_dist_m)
    remaining, removed = remove_green(net, snap, merged, updated, [int(merged.green_ids[0])])
    full2 = nearest_green(net, snap, remaining)
    assert np.allclose(removed.dist_m, full2.dist_m)
    assert np.allclose(removed.node_dist_m, full2.node_dist_m)
    ok = np.isfinite(full2.dist_m)
    assert not np.isin(removed.green[ok], [0]).any()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 25), extra=st.integers(0, 20),
       adds=st.integers(1, 3), remove=st.booleans())
def test_network_delta_equals_full_recompute(seed: int, n: int, extra: int, adds: int,
                                             remove: bool) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, 2)
    m = 20
    snap = make_snap(net, rng.integers(0, net.n_edges, m), rng.uniform(0, 1, m))
    length = net.edge_length_m[snap.edge]
    frac = np.divide(snap.offset_m, length, out=np.zeros(m), where=length > 0)
    xy = shapely.get_coordinates(shapely.line_interpolate_point(net.edge_geometry[snap.edge],
                                                                frac, normalized=True))
    snap = Snap(xy, snap.edge, snap.offset_m, snap.snap_m, snap.u, snap.v, snap.n_nodes)
    state = nearest_green(net, snap, entries)
    lines = [LineString(rng.uniform(0, 1000, (2, 2))) for _ in range(adds)]
    removed = [int(rng.integers(0, net.n_edges))] if remove and net.n_edges > 1 else []
    net2, change = net.apply(NetworkDelta(add=lines, remove_edge_ids=removed))
    snap2 = snap.remap(net2, change)
    entries2 = remap_entries(entries, net2, change)
    updated = update_for_network(net2, change, snap2, entries2, state)
    full = nearest_green(net2, snap2, entries2)
    assert np.allclose(updated.dist_m, full.dist_m)
    assert np.allclose(updated.node_dist_m, full.node_dist_m)


def river_region() -> tuple[WalkNetwork, gpd.GeoDataFrame, np.ndarray]:
    """Two banks (x < 0 and x > 100) of a river, one bridge 2 km away, a park across."""
    xs_w = [-1000.0, -500.0, 0.0]
    xs_e = [100.0, 600.0, 1100.0]
    ys = [0.0, 500.0, 1000.0, 1500.0, 2000.0]
    coords = [(x, y) for x in xs_w + xs_e for y in ys]
    index = {c: i for i, c in enumerate(coords)}
    pairs = []
    for xs in (xs_w, xs_e):
        for x in xs:
            pairs += [(index[(x, a)], index[(x, b)]) for a, b in itertools.pairwise(ys)]
        for y in ys:
            pairs += [(index[(a, y)], index[(b, y)]) for a, b in itertools.pairwise(xs)]
    pairs.append((index[(0.0, 2000.0)], index[(100.0, 2000.0)]))  # the only bridge
    lines = [LineString([coords[u], coords[v]]) for u, v in pairs]
    nodes = gpd.GeoDataFrame({"node_id": np.arange(len(coords), dtype=np.int64)},
                             geometry=shapely.points(np.array(coords)), crs=CRS)
    edges = gpd.GeoDataFrame({"edge_id": np.arange(len(pairs), dtype=np.int64),
                              "u": np.array([p[0] for p in pairs], dtype=np.int64),
                              "v": np.array([p[1] for p in pairs], dtype=np.int64),
                              "length_m": [ln.length for ln in lines]}, geometry=lines, crs=CRS)
    park = gpd.GeoDataFrame({"green_id": np.array([7], dtype=np.int64), "kind": ["park"],
                             "public": [True], "area_ha": [2.0]},
                            geometry=[box(150.0, 150.0, 350.0, 250.0)], crs=CRS)
    home = np.array([[-10.0, 200.0]])
    return WalkNetwork.from_frames(nodes, edges), park, home


def test_river_without_crossing_and_footbridge() -> None:
    net, park, home = river_region()
    snap = net.snap(home)
    entries = green_entries(net, park)
    assert len(entries) > 0
    near = nearest_green(net, snap, entries)
    circle, gid = euclidean_nearest(home, park)
    assert circle[0] == pytest.approx(160.0)
    assert gid[0] == 7
    assert near.dist_m[0] > 3000.0  # round by the only bridge, 2 km up the river
    bridge = LineString([(0.0, 200.0), (100.0, 200.0)])
    net2, change = net.apply(NetworkDelta(add=[bridge]))
    snap2 = snap.remap(net2, change)
    entries2 = remap_entries(entries, net2, change, park)
    updated = update_for_network(net2, change, snap2, entries2, near)
    assert updated.dist_m[0] < 200.0  # the gap with the circle closes
    assert updated.dist_m[0] == pytest.approx(nearest_green(net2, snap2, entries2).dist_m[0])
    assert updated.green_id(entries2)[0] == 7


def test_entries_of_tiny_region() -> None:
    r = tiny_region()
    net = WalkNetwork.from_region(r)
    green = select_green(r.green, 1.0)
    assert green["green_id"].tolist() == [1]  # the allotment is private and small
    entries = green_entries(net, green)
    # the park (x 700-900, y 0-100) borders the street y = 0: entry along x 690..910
    assert entries.edge.tolist() == [1]
    assert entries.start_m[0] == pytest.approx(190.0)
    assert entries.end_m[0] == pytest.approx(410.0)
    assert len(select_green(r.green, 0.5, public_only=False)) == 2
    snap = net.snap(np.asarray(r.addresses.geometry.array))
    street = nearest_green(net, snap, entries, doorstep=False)
    assert street.dist_m.tolist() == pytest.approx([590.0, 390.0, 590.0, 390.0])
    # by default the walk from the door to the street is added
    near = nearest_green(net, snap, entries)
    assert near.dist_m.tolist() == pytest.approx(np.array([590.0, 390.0, 590.0, 390.0])
                                                 + snap.snap_m)
    assert snap.snap_m.tolist() == pytest.approx([100.0, 120.0, 100.0, 100.0])


def test_green_far_from_network_is_joined_or_unreachable() -> None:
    r = tiny_region()
    net = WalkNetwork.from_region(r)
    x0, y0 = TINY_ORIGIN
    green = gpd.GeoDataFrame({"green_id": np.array([1, 2], dtype=np.int64),
                              "area_ha": [1.0, 1.0], "public": [True, True]},
                             geometry=[box(x0 + 200, y0 + 60, x0 + 300, y0 + 160),
                                       box(x0 + 200, y0 + 5000, x0 + 300, y0 + 5100)], crs=CRS)
    entries = green_entries(net, green)
    assert sorted(set(entries.green.tolist())) == [0]
    assert entries.start_m[0] == pytest.approx(entries.end_m[0])


def test_euclidean_inside_is_zero() -> None:
    r = tiny_region()
    x0, y0 = TINY_ORIGIN
    dist, gid = euclidean_nearest(np.array([[x0 + 800, y0 + 50]]), select_green(r.green))
    assert dist[0] == 0.0 and gid[0] == 1


def test_decay_functions() -> None:
    d = np.array([0.0, 250.0, 500.0, 600.0])
    assert decay(d, 500, "dichotomy").tolist() == [1, 1, 1, 0]
    assert decay(d, 500, "exponential")[1] == pytest.approx(np.exp(-0.5))
    gauss = decay(d, 500, "gaussian")
    assert gauss[0] == pytest.approx(1.0) and gauss[2] == pytest.approx(0.0)
    assert decay(d, 500, "density")[1] == pytest.approx(0.75 * 0.75)
    with pytest.raises(ValueError):
        decay(d, 500, "linear")  # type: ignore[arg-type]


def line_case() -> tuple[WalkNetwork, Snap, Entries]:
    """Nodes 0-1-2-3 on a line, 100 m apart; green A at node 0, green B at node 3."""
    coords = np.array([[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]])
    lines = [LineString([coords[i], coords[i + 1]]) for i in range(3)]
    nodes = gpd.GeoDataFrame({"node_id": np.arange(4, dtype=np.int64)},
                             geometry=shapely.points(coords), crs=CRS)
    edges = gpd.GeoDataFrame({"edge_id": np.arange(3, dtype=np.int64),
                              "u": np.arange(3, dtype=np.int64),
                              "v": np.arange(1, 4, dtype=np.int64), "length_m": [100.0] * 3},
                             geometry=lines, crs=CRS)
    net = WalkNetwork.from_frames(nodes, edges)
    snap = net.snap(np.array([[50.0, 5.0], [150.0, 5.0], [250.0, 5.0]]))
    entries = Entries(np.array([1, 2], dtype=np.int64), np.array([1.0, 0.5]),
                      np.array([0, 1], dtype=np.int64), np.array([0, 2], dtype=np.int64),
                      np.array([0.0, 100.0]), np.array([0.0, 100.0]))
    return net, snap, entries


def test_two_step_fca_hand_computed() -> None:
    net, snap, entries = line_case()
    # distances: A -> 50, 150, 250; B -> 250, 150, 50; radius 200 (dichotomy)
    catch = catchments(net, snap, entries, 200.0)
    pairs = {(int(g), int(a)): float(d) for g, a, d in
             zip(catch.green, catch.address, catch.dist_m, strict=False)}
    assert pairs == {(0, 0): 50.0, (0, 1): 150.0, (1, 1): 150.0, (1, 2): 50.0}
    pop = np.array([10.0, 20.0, 30.0])
    s = two_step_fca(catch, pop, np.array([10_000.0, 5_000.0]), "dichotomy", norm_m2=60.0)
    # R_A = 10000 / (10 + 20) ; R_B = 5000 / (20 + 30)
    ra, rb = 10_000 / 30, 5_000 / 50
    assert s.ratio.tolist() == pytest.approx([ra, rb])
    assert s.green_m2_per_inhabitant.tolist() == pytest.approx([ra, ra + rb, rb])
    assert s.balance_m2[2] == pytest.approx((rb - 60.0) * 30)
    # exponential decay, radius 200: f(d) = exp(-d / 200)
    e = two_step_fca(catch, pop, np.array([10_000.0, 5_000.0]), "exponential")
    f = lambda d: np.exp(-d / 200)  # noqa: E731
    ra = 10_000 / (10 * f(50) + 20 * f(150))
    rb = 5_000 / (20 * f(150) + 30 * f(50))
    assert e.green_m2_per_inhabitant.tolist() == pytest.approx(
        [ra * f(50), ra * f(150) + rb * f(150), rb * f(50)])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 30), extra=st.integers(0, 30),
       radius=st.floats(50, 1500), tile=st.sampled_from([None, 200.0, 5000.0]))
def test_catchments_match_per_green_distances(seed: int, n: int, extra: int, radius: float,
                                              tile: float | None) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, 3)
    m = 25
    snap = make_snap(net, rng.integers(0, net.n_edges, m), rng.uniform(0, 1, m))
    catch = catchments(net, snap, entries, radius, tile_m=tile)
    got = np.full((3, m), np.inf)
    got[catch.green, catch.address] = catch.dist_m
    for j in range(3):
        d = nearest_green(net, snap, entries.subset(entries.green == j)).dist_m
        want = np.where(d <= radius, d, np.inf)
        close = np.isfinite(want) & np.isfinite(got[j])
        assert (np.isfinite(want) == np.isfinite(got[j])).all() or np.allclose(
            np.abs(np.where(np.isfinite(want), want, 0) - radius)[
                np.isfinite(want) != np.isfinite(got[j])], 0, atol=1e-3)
        assert np.allclose(got[j][close], want[close], atol=1e-3)


def test_trees_and_rule() -> None:
    r = tiny_region()
    pts = np.asarray(r.addresses.geometry.array)
    counts = trees_within(pts, np.asarray(r.trees.geometry.array), 30.0)
    assert counts.tolist() == [1, 0, 0, 0]
    assert trees_within(pts, np.asarray(r.trees.geometry.array), 1000.0).tolist() == [3] * 4
    rule = rule_3_30_300(np.array([3, 2, 5]), np.array([0.3, 0.5, np.nan]),
                         np.array([100.0, 100.0, 301.0]))
    assert rule["meets_3_30_300"].tolist() == [True, False, False]
    assert rule["meets_30_canopy"].tolist() == [True, True, False]


def test_canopy_share_from_landcover_and_crowns() -> None:
    r = tiny_region()
    classes = r.meta.landcover_classes
    buurten = r.areas_at("buurt")
    no_trees = canopy_share(r.landcover, classes, buurten)  # type: ignore[arg-type]
    assert no_trees.tolist() == [0.0, 0.0]  # the tiny raster has no 'trees' class
    lc = r.landcover
    assert lc is not None
    cl = lc.classes.copy()
    cl[0:25, 50:100] = 4  # trees on half of the eastern buurt (rows 0-24 = northern half)
    from groengezond.region.model import Landcover

    share = canopy_share(Landcover(cl, lc.transform), classes, buurten)
    assert share.loc["BU99990102"] == pytest.approx(0.5)
    crowns = canopy_share(lc, classes, buurten, r.trees)
    # one tree (crown 6 m) in the western buurt, two (8 m, 5 m) in the eastern one
    assert crowns.loc["BU99990101"] == pytest.approx(np.pi * 9 / 250_000)
    assert crowns.loc["BU99990102"] == pytest.approx(np.pi * (16 + 6.25) / 250_000)
    both = canopy_share(Landcover(cl, lc.transform), classes, buurten, r.trees)
    # the trees of the eastern buurt stand in its southern half, outside the 'trees' cells
    assert both.loc["BU99990102"] == pytest.approx(0.5 + np.pi * (16 + 6.25) / 250_000)


def test_aggregate_weighted_by_residents_and_groups() -> None:
    r = tiny_region()
    values = pd.DataFrame({"ok": [True, False, True, True], "d": [100.0, 300.0, 50.0, np.inf]})
    out = aggregate(values, r.addresses, r.areas, medians=("d",)).set_index("code")
    # residents 3, 3, 2, 2: buurt 1 -> 3/6 ok; buurt 2 -> 4/4; region -> 7/10
    assert out.loc["BU99990101", "ok"] == pytest.approx(0.5)
    assert out.loc["BU99990102", "ok"] == pytest.approx(1.0)
    assert out.loc["NL9999", "ok"] == pytest.approx(0.7)
    assert out.loc["GM9999", "residents"] == 10
    # income deciles 2, 3, 8, 9: low = first two addresses
    assert out.loc["NL9999", "ok__income_low"] == pytest.approx(0.5)
    assert out.loc["NL9999", "ok__income_high"] == pytest.approx(1.0)
    assert np.isnan(out.loc["NL9999", "ok__income_middle"])
    # weighted median of 50 (2), 100 (3), 300 (3), inf (2): half of 10 is reached at 100
    assert out.loc["NL9999", "d"] == pytest.approx(100.0)
    assert out.loc["BU99990102", "d"] == pytest.approx(50.0)
