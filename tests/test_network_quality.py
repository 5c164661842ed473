"""Network quality: components, snapping, unreachable green; the gate; the doorstep walk."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from groengezond.access import add_green, nearest_green, remove_green, update_for_network
from groengezond.access.incremental import remap_entries
from groengezond.errors import InputError
from groengezond.network import NetworkDelta, Snap, WalkNetwork
from groengezond.network_quality import (
    MAX_MEDIAN_SNAP_M,
    measure_network,
    region_network_quality,
)
from groengezond.region.checks import network_warnings
from groengezond.region.schema import CRS
from groengezond.region.testing import tiny_region
from groengezond.services.access import AccessOptions, compute_access
from test_access import make_snap, random_entries
from test_network import random_network


def two_pieces() -> WalkNetwork:
    """A 3-edge street (0-300 m along y = 0) and a separate 1-edge piece far away."""
    xy = np.array([[0, 0], [100, 0], [200, 0], [300, 0], [5000, 0], [5100, 0]], dtype=float)
    u = np.array([0, 1, 2, 4])
    v = np.array([1, 2, 3, 5])
    nodes = gpd.GeoDataFrame({"node_id": np.arange(6)}, geometry=shapely.points(xy), crs=CRS)
    edges = gpd.GeoDataFrame({"edge_id": np.arange(4), "u": u, "v": v,
                              "length_m": np.full(4, 100.0)},
                             geometry=shapely.linestrings(np.stack([xy[u], xy[v]], 1)), crs=CRS)
    return WalkNetwork.from_frames(nodes, edges)


def test_measure_components_residents_and_snap_percentiles() -> None:
    net = two_pieces()
    homes = np.array([[50, 10], [150, 20], [250, 30], [5050, 400]], dtype=float)
    snap = net.snap(homes)
    residents = np.array([1.0, 2.0, 3.0, 4.0])
    q = measure_network(net, snap, residents)
    assert q.n_components == 2 and q.n_nodes == 6 and q.n_edges == 4
    assert q.main_component_nodes_share == pytest.approx(4 / 6)
    assert q.main_component_residents_share == pytest.approx(6 / 10)
    assert q.snap_p50_m == pytest.approx(25.0)
    assert q.snap_max_m == pytest.approx(400.0)
    assert q.snap_p90_m == pytest.approx(np.percentile([10, 20, 30, 400], 90))
    assert np.isnan(q.no_green_residents_share)  # not computable without green
    reasons = q.degraded_reasons()
    assert len(reasons) == 1 and "60.0 % of residents are in the main component" in reasons[0]
    record = q.record("x.geojson")
    assert record.status == "placeholder" and record.key == "network.degraded"
    assert record.figures["main_component_residents_share"] == pytest.approx(0.6)
    # with green distances: the residents with no route
    q2 = measure_network(net, snap, residents, np.array([50.0, 60.0, 70.0, np.inf]))
    assert q2.no_green_residents_share == pytest.approx(0.4)


def test_a_connected_network_close_to_the_homes_passes() -> None:
    net = two_pieces()
    snap = net.snap(np.array([[50, 10], [150, 20], [250, 30]], dtype=float))
    q = measure_network(net, snap, np.ones(3), np.zeros(3))
    assert not q.degraded and q.snap_p50_m <= MAX_MEDIAN_SNAP_M
    assert q.record().status == "real" and q.record().key == "network.ok"
    assert q.no_green_residents_share == 0.0


def test_tiny_region_fails_the_snap_gate_and_validate_warns() -> None:
    region = tiny_region()
    q = region_network_quality(region)
    assert q is not None and q.snap_p50_m == pytest.approx(100.0)
    assert q.main_component_residents_share == 1.0
    warnings = network_warnings(region)
    assert len(warnings) == 1
    text = str(warnings[0])
    assert "median walk from a home to the network is 100 m" in text and "p90" in text
    with pytest.raises(InputError, match="network distances are not published"):
        compute_access(region)
    flagged = compute_access(region, AccessOptions(allow_degraded_network=True))
    assert flagged.addresses["network_degraded"].all()
    assert flagged.summary["network_degraded"] is True


def test_homes_on_the_street_pass_the_gate() -> None:
    region = tiny_region()
    net = WalkNetwork.from_region(region)
    pts = np.asarray(region.addresses.geometry.array, dtype=object)
    snap = net.snap(pts)
    on_street = shapely.line_interpolate_point(net.edge_geometry[snap.edge],
                                               shapely.line_locate_point(
                                                   net.edge_geometry[snap.edge], pts))
    moved = region.with_layers(addresses=region.addresses.set_geometry(
        gpd.GeoSeries(on_street, crs=CRS)))
    assert network_warnings(moved) == []
    result = compute_access(moved)
    assert not result.addresses["network_degraded"].any()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 20), extra=st.integers(0, 15),
       adds=st.integers(0, 2))
def test_doorstep_walk_kept_by_incremental_updates(seed: int, n: int, extra: int,
                                                   adds: int) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, 3)
    m = 20
    base = make_snap(net, rng.integers(0, net.n_edges, m), rng.uniform(0, 1, m))
    snap = Snap(base.xy, base.edge, base.offset_m, rng.uniform(0, 80, m), base.u, base.v,
                base.n_nodes)
    state = nearest_green(net, snap, entries)
    street = nearest_green(net, snap, entries, doorstep=False)
    np.testing.assert_allclose(state.dist_m, street.dist_m + snap.snap_m)
    new = random_entries(net, rng, 1)
    merged, updated = add_green(net, snap, entries, state, new)
    np.testing.assert_allclose(updated.dist_m, nearest_green(net, snap, merged).dist_m)
    remaining, removed = remove_green(net, snap, merged, updated, [int(merged.green_ids[0])])
    np.testing.assert_allclose(removed.dist_m, nearest_green(net, snap, remaining).dist_m)
    if adds:
        lines = [LineString(rng.uniform(0, 1000, (2, 2))) for _ in range(adds)]
        net2, change = net.apply(NetworkDelta(add=lines))
        snap2 = snap.remap(net2, change)
        entries2 = remap_entries(remaining, net2, change)
        moved = update_for_network(net2, change, snap2, entries2, removed)
        np.testing.assert_allclose(moved.dist_m, nearest_green(net2, snap2, entries2).dist_m)
        assert moved.doorstep


def test_no_green_share_counts_unreachable_homes() -> None:
    net = two_pieces()
    snap = net.snap(np.array([[50, 5], [5050, 5]], dtype=float))
    park = gpd.GeoDataFrame({"green_id": [1], "area_ha": [2.0], "public": [True]},
                            geometry=[Point(300, 0).buffer(30)], crs=CRS)
    from groengezond.access import green_entries

    near = nearest_green(net, snap, green_entries(net, park))
    q = measure_network(net, snap, np.array([3.0, 1.0]), near.dist_m)
    assert q.no_green_residents_share == pytest.approx(0.25)
    assert np.isinf(near.dist_m[1])


def test_synthetic_region_passes_the_gate() -> None:
    from groengezond.synth import generate_region

    q = region_network_quality(generate_region(20_000, 7))
    assert q is not None and not q.degraded, q.summary()
    assert q.main_component_residents_share > 0.99 and q.snap_p50_m < MAX_MEDIAN_SNAP_M
    assert q.no_green_residents_share < 0.05
