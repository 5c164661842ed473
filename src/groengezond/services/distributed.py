"""Distributed access on Dask: the catchments' tile partitions run on dask.distributed workers.

A :class:`DaskSettings` says where to run: a ``LocalCluster`` of ``workers`` processes on this
machine (the default), or an existing cluster at ``scheduler`` (``tcp://host:8786``, e.g. one
started with dask-jobqueue on an HPC system or the Dask Helm chart on Kubernetes; see
``docs/national.md``). :func:`distributed_mapper` returns a
:data:`~groengezond.access.catchment_tiles.TileMapper` for
:func:`~groengezond.services.access.compute_access`: the shared arrays
(:class:`~groengezond.access.catchment_tiles.TileWork`) are sent once to every worker, each
partition of tiles (:func:`~groengezond.access.partitioned.plan_partitions`) becomes one task,
and the results come back in tile order, so the answer is identical to a single-machine run.

Memory model per worker: the network graph and the address segments
(:class:`~groengezond.access.catchment_tiles.TileWork`, about 40 bytes per node, 24 per edge
and 16 per address) plus, while a tile runs, a dense distance matrix of (greens in the tile) ×
(nodes within the radius of the tile) float64s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from groengezond.access.catchment_tiles import TileMapper, TileResult, TileWork, run_tiles
from groengezond.access.partitioned import partitioned_mapper

IntArray = npt.NDArray[np.int64]

DEFAULT_PARTITIONS = 26
"""Default number of partitions (as many as the 26 gemeenten of Regio Utrecht's province)."""


@dataclass(frozen=True)
class DaskSettings:
    """Where the partitions run.

    Attributes
    ----------
    workers : int
        Worker processes of a local cluster (ignored with ``scheduler``).
    scheduler : str or None
        Address of an existing Dask scheduler; None starts a ``LocalCluster``.
    memory_limit : str
        Memory limit per local worker (Dask syntax, e.g. ``"4GB"``).
    """

    workers: int = 2
    scheduler: str | None = None
    memory_limit: str = "4GB"


@contextmanager
def dask_client(settings: DaskSettings) -> Iterator[Any]:
    """A ``distributed.Client`` for ``settings``, closed (with its local cluster) on exit."""
    from distributed import Client, LocalCluster

    if settings.scheduler:
        client = Client(settings.scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    if settings.workers < 1:
        raise ValueError(f"workers must be at least 1, not {settings.workers}")
    cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True,
                           memory_limit=settings.memory_limit, dashboard_address=None)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def dask_runner(client: Any) -> Any:
    """A :data:`~groengezond.access.partitioned.PartitionRunner` on ``client``'s workers."""

    def run(work: TileWork, parts: Sequence[IntArray]) -> list[list[TileResult]]:
        shared = client.scatter(work, broadcast=True)
        futures = [client.submit(run_tiles, shared, keys, pure=False) for keys in parts]
        results: list[list[TileResult]] = client.gather(futures)
        return results

    return run


def distributed_mapper(client: Any, n_partitions: int = DEFAULT_PARTITIONS) -> TileMapper:
    """A tile mapper that runs ``n_partitions`` partitions on ``client``'s workers."""
    return partitioned_mapper(n_partitions, dask_runner(client))


def worker_memory(client: Any) -> dict[str, float]:
    """Resident memory (bytes) of every worker process, by worker address."""

    def rss() -> float:
        import psutil

        return float(psutil.Process().memory_info().rss)

    out: dict[str, float] = client.run(rss)
    return out
