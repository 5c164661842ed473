"""2SFCA (catchments per edge, sums over runs) against a dense brute force, for every decay."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from groengezond.access import nearest_green, two_step_fca
from groengezond.access.catchment import AddressLayout, catchments, segment_cumsum
from groengezond.access.entries import Entries, green_entries, select_green
from groengezond.access.supply import DECAYS, decay
from groengezond.network import Snap, WalkNetwork
from groengezond.synth import generate_region
from test_access import brute_force, make_snap, random_entries
from test_network import random_network


def per_green_distances(net: WalkNetwork, snap: Snap, entries: Entries) -> np.ndarray:
    """(greens × addresses) street distances (m), one nearest-green pass per green space.

    The 2SFCA runs on street distances (from the snapped point), without the doorstep walk.
    """
    return np.stack([nearest_green(net, snap, entries.subset(entries.green == j),
                                   doorstep=False).dist_m
                     for j in range(entries.n_greens)]) if entries.n_greens else np.zeros(
        (0, len(snap)))


def only(entries: Entries, j: int) -> Entries:
    """The entries of green ``j`` alone, as a one-green set."""
    mine = entries.green == j
    return Entries(entries.green_ids[j:j + 1], entries.green_area_ha[j:j + 1],
                   np.zeros(int(mine.sum()), dtype=np.int64), entries.edge[mine],
                   entries.start_m[mine], entries.end_m[mine])


def dense_2sfca(dist: np.ndarray, pop: np.ndarray, area: np.ndarray, radius_m: float,
                kind: Any) -> tuple[np.ndarray, np.ndarray]:
    """R_j and A_i straight from the module formulas on a dense distance matrix."""
    f = np.where(dist <= radius_m, decay(dist, radius_m, kind), 0.0)
    demand = f @ pop
    ratio = np.full(len(area), np.nan)
    ratio[demand > 0] = area[demand > 0] / demand[demand > 0]
    return ratio, np.nan_to_num(ratio, nan=0.0) @ f


def assert_same(got_ratio: np.ndarray, got_a: np.ndarray, ratio: np.ndarray,
                a: np.ndarray) -> None:
    assert (np.isnan(got_ratio) == np.isnan(ratio)).all()
    np.testing.assert_allclose(got_ratio[~np.isnan(ratio)], ratio[~np.isnan(ratio)],
                               rtol=1e-9, atol=0)
    assert ((got_a == 0) == (a == 0)).all()  # no rounding residue where nothing is reached
    np.testing.assert_allclose(got_a, a, rtol=1e-9, atol=0)


@pytest.fixture(scope="module")
def region20k() -> tuple[WalkNetwork, Snap, Entries, np.ndarray, np.ndarray]:
    region = generate_region(20_000, seed=1)
    net = WalkNetwork.from_region(region)
    snap = net.snap(np.asarray(region.addresses.geometry.array, dtype=object))
    entries = green_entries(net, select_green(region.green, 1.0))
    pop = region.addresses["residents"].to_numpy(dtype=float)
    return net, snap, entries, pop, per_green_distances(net, snap, entries)


@pytest.mark.parametrize("kind", DECAYS)
@pytest.mark.parametrize(("radius", "tile"), [(500.0, None), (2000.0, None), (2000.0, 600.0)])
def test_two_step_fca_matches_dense_reference(region20k: Any, kind: Any, radius: float,
                                              tile: float | None) -> None:
    net, snap, entries, pop, dist = region20k
    area = entries.green_area_ha * 1e4
    catch = catchments(net, snap, entries, radius, tile_m=tile)
    assert catch.n_pairs == int((dist <= radius).sum())
    got = two_step_fca(catch, pop, area, kind)
    ratio, a = dense_2sfca(dist, pop, area, radius, kind)
    assert_same(got.ratio, got.green_m2_per_inhabitant, ratio, a)
    np.testing.assert_allclose(got.balance_m2, (a - 60.0) * pop, rtol=1e-9, atol=1e-6)


def test_catchment_pairs_are_the_dense_pairs(region20k: Any) -> None:
    net, snap, entries, _, dist = region20k
    catch = catchments(net, snap, entries, 1000.0)
    green, address, d = catch.pairs()
    got = np.full(dist.shape, np.inf)
    got[green, address] = d
    assert len(green) == catch.n_pairs == int((dist <= 1000.0).sum())
    np.testing.assert_allclose(got, np.where(dist <= 1000.0, dist, np.inf), rtol=1e-12)
    # chunks of any size give the same pairs
    chunks = list(catch.iter_pairs(max_pairs=997))
    assert len(chunks) > 3
    assert sorted(zip(*(np.concatenate(x).tolist() for x in zip(*chunks, strict=True)),
                      strict=True)) == sorted(zip(green.tolist(), address.tolist(), d.tolist(),
                                                  strict=True))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 25), extra=st.integers(0, 25),
       radius=st.floats(50, 1500), tile=st.sampled_from([None, 200.0, 5000.0]))
def test_two_step_fca_matches_brute_force_on_random_networks(seed: int, n: int, extra: int,
                                                            radius: float,
                                                            tile: float | None) -> None:
    net = random_network(seed, n, extra)
    rng = np.random.default_rng(seed)
    entries = random_entries(net, rng, 3)
    # addresses on random edges, several on one edge, some on the entries' own edges
    m = 30
    edge = np.concatenate([rng.integers(0, net.n_edges, m - 10),
                           np.full(5, rng.integers(0, net.n_edges)), entries.edge[:5]])
    frac = rng.uniform(0, 1, len(edge))
    frac[:3] = [0.0, 1.0, 0.5]
    snap = make_snap(net, edge, frac)
    pop = rng.integers(0, 6, len(edge)).astype(float)
    area = rng.uniform(1e3, 1e5, entries.n_greens)
    dist = np.stack([brute_force(net, only(entries, j), snap) for j in range(entries.n_greens)])
    assume(not np.any(np.abs(dist - radius) < 1e-6))  # no pair on the edge of the radius
    catch = catchments(net, snap, entries, radius, tile_m=tile)
    assert catch.n_pairs == int((dist <= radius).sum())
    for kind in DECAYS:
        got = two_step_fca(catch, pop, area, kind)  # type: ignore[arg-type]
        ratio, a = dense_2sfca(dist, pop, area, radius, kind)
        np.testing.assert_allclose(got.green_m2_per_inhabitant, a, rtol=1e-9, atol=1e-9)
        assert (np.isnan(got.ratio) == np.isnan(ratio)).all()
        np.testing.assert_allclose(got.ratio, ratio, rtol=1e-9)


def test_segment_cumsum_stays_within_segments() -> None:
    rng = np.random.default_rng(3)
    counts = rng.integers(1, 40, 200)
    counts[:3] = [1, 64, 65]
    x = rng.normal(size=counts.sum())
    x[: 1 + 64] = 0.0  # two segments of zeros
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    local = np.arange(counts.sum()) - np.repeat(starts, counts)
    rlocal = np.repeat(counts, counts) - 1 - local
    fwd = segment_cumsum(x, local)
    bwd = segment_cumsum(x, rlocal, reverse=True)
    for s, c in zip(starts, counts, strict=True):
        seg = x[s:s + c]
        np.testing.assert_allclose(fwd[s:s + c], np.cumsum(seg), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(bwd[s:s + c], np.cumsum(seg[::-1])[::-1], rtol=1e-12,
                                   atol=1e-12)
    assert (fwd[:65] == 0).all() and (bwd[:65] == 0).all()


def test_address_layout_sorts_by_edge_then_offset() -> None:
    net = random_network(7, 6, 4)
    length = float(net.edge_length_m[2])
    # equal and one-ulp-apart offsets on one edge in descending order (the float sort key
    # cannot tell them apart, so the exact sort takes over), the ends of the edge
    ulps = [0.9 * length]
    for _ in range(11):
        ulps.append(float(np.nextafter(ulps[-1], np.inf)))
    offset = np.array([*ulps[::-1], 0.9 * length, length, 0.0, 0.0, 0.0])
    edge = np.array([2] * 14 + [0, 1, 0])
    snap = Snap(np.zeros((len(edge), 2)), edge, offset, np.zeros(len(edge)), net.edge_u[edge],
                net.edge_v[edge], net.n_nodes)
    lay = AddressLayout.build(net, snap)
    assert edge[lay.order].tolist() == [0, 0, 1] + [2] * 14
    assert lay.head_m[3:].tolist() == sorted(offset[:14].tolist())
    assert lay.seg_ptr.tolist() == [0, 2, 3, 17]
    assert lay.local.tolist() == [0, 1, 0, *range(14)]
    assert lay.rlocal.tolist() == [1, 0, 0, *range(13, -1, -1)]
    np.testing.assert_array_equal(lay.tail_m, net.edge_length_m[edge[lay.order]] - lay.head_m)


def test_no_addresses_or_no_entries() -> None:
    net = random_network(1, 5, 2)
    rng = np.random.default_rng(1)
    entries = random_entries(net, rng, 2)
    empty = make_snap(net, np.zeros(0, dtype=np.int64), np.zeros(0))
    s = two_step_fca(catchments(net, empty, entries, 500.0), np.zeros(0), np.ones(2))
    assert len(s.green_m2_per_inhabitant) == 0 and np.isnan(s.ratio).all()
    snap = make_snap(net, np.array([0, 1]), np.array([0.2, 0.7]))
    none = entries.subset(np.zeros(len(entries), dtype=bool))
    for kind in DECAYS:
        s = two_step_fca(catchments(net, snap, none, 500.0), np.ones(2), np.ones(2),
                         kind)  # type: ignore[arg-type]
        assert s.green_m2_per_inhabitant.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="unknown decay"):
        two_step_fca(catchments(net, snap, entries, 500.0), np.ones(2), np.ones(2),
                     "linear")  # type: ignore[arg-type]
