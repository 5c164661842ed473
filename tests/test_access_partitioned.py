"""Access over partitions and on Dask workers equals the single-machine run, bit for bit.

The expensive part (the catchments' bounded Dijkstra per green space) runs per tile of green
spaces with the network within the search radius as its buffer; the tiles are grouped in
Hilbert-ordered partitions (groengezond.access.partitioned) and run in this process or on a
local Dask cluster of 2 worker processes (groengezond.services.distributed). Every per-address
and per-area column must be *equal* (not close) to the single run's.
"""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from groengezond.access.catchment import catchments
from groengezond.access.catchment_tiles import plan_tiles
from groengezond.access.entries import green_entries, select_green
from groengezond.access.partitioned import (
    hilbert_index,
    partitioned_mapper,
    plan_partitions,
)
from groengezond.network import WalkNetwork
from groengezond.region.model import Region
from groengezond.services.access import AccessResult, compute_access
from groengezond.services.distributed import DaskSettings, dask_client, distributed_mapper
from groengezond.synth import generate_region

INHABITANTS = int(os.environ.get("GG_TEST_PARTITION_INHABITANTS", "60000"))


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(inhabitants=INHABITANTS, seed=7)


@pytest.fixture(scope="module")
def single(region: Region) -> AccessResult:
    return compute_access(region)


def assert_identical(a: AccessResult, b: AccessResult) -> None:
    """Every column of both frames equal, NaN where NaN, geometry included."""
    for left, right in ((a.addresses, b.addresses), (a.areas, b.areas)):
        assert list(left.columns) == list(right.columns)
        pd.testing.assert_frame_equal(pd.DataFrame(left.drop(columns="geometry")),
                                      pd.DataFrame(right.drop(columns="geometry")),
                                      check_exact=True)
        assert gpd.GeoSeries(left.geometry).geom_equals_exact(
            gpd.GeoSeries(right.geometry), tolerance=0).all()


def test_hilbert_index_visits_every_cell_once_and_steps_to_neighbours() -> None:
    order = 3
    x, y = np.meshgrid(np.arange(8), np.arange(8), indexing="ij")
    h = hilbert_index(x.ravel(), y.ravel(), order)
    assert sorted(h.tolist()) == list(range(64))
    path = np.argsort(h)
    step = np.abs(np.diff(x.ravel()[path])) + np.abs(np.diff(y.ravel()[path]))
    assert (step == 1).all()  # a Hilbert curve moves to an edge neighbour at every step


def test_partitions_cover_every_tile_once(region: Region) -> None:
    network = WalkNetwork.from_region(region)
    snap = network.snap(np.asarray(region.addresses.geometry.array, dtype=object))
    entries = green_entries(network, select_green(region.green))
    from groengezond.access.catchment import AddressLayout

    work = plan_tiles(network, AddressLayout.build(network, snap), entries, 2000.0, 3000.0)
    assert work is not None
    parts = plan_partitions(work, 26)
    assert 1 < len(parts) <= 26
    joined = np.sort(np.concatenate(parts))
    assert np.array_equal(joined, work.keys)
    with pytest.raises(ValueError, match="at least 1"):
        plan_partitions(work, 0)


def test_catchments_in_partitions_equal_single(region: Region) -> None:
    network = WalkNetwork.from_region(region)
    snap = network.snap(np.asarray(region.addresses.geometry.array, dtype=object))
    entries = green_entries(network, select_green(region.green))
    one = catchments(network, snap, entries, 2000.0)
    many = catchments(network, snap, entries, 2000.0, mapper=partitioned_mapper(26))
    assert one.n_pairs == many.n_pairs > 0
    for name in ("pair_green", "pair_seg", "pair_du", "pair_dv", "u_count", "v_start",
                 "direct_green", "direct_address", "direct_dist_m"):
        assert np.array_equal(getattr(one, name), getattr(many, name)), name


def test_access_in_serial_partitions_equals_single(region: Region,
                                                   single: AccessResult) -> None:
    parted = compute_access(region, tile_mapper=partitioned_mapper(26))
    assert_identical(single, parted)


def test_access_on_dask_with_two_workers_equals_single(region: Region,
                                                       single: AccessResult) -> None:
    with dask_client(DaskSettings(workers=2, memory_limit="2GB")) as client:
        on_dask = compute_access(region, tile_mapper=distributed_mapper(client, 26))
        assert len(client.scheduler_info()["workers"]) == 2
    assert_identical(single, on_dask)
    assert on_dask.summary["within_300m_network"] == single.summary["within_300m_network"]
    assert np.isfinite(on_dask.addresses["supply_m2_per_inhabitant"]).any()


def test_dask_26_partitions_2_workers_equal_single_on_1_5_million_inhabitants() -> None:
    """Issue 20's check: 1.5M synthetic inhabitants, 26 partitions on 2 Dask workers."""
    big = generate_region(inhabitants=1_500_000, seed=42)
    reference = compute_access(big)
    with dask_client(DaskSettings(workers=2, memory_limit="4GB")) as client:
        mapper = distributed_mapper(client, 26)
        on_dask = compute_access(big, tile_mapper=mapper)
    assert len(reference.addresses) > 500_000
    assert_identical(reference, on_dask)
