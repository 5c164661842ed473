"""Access over spatial partitions: the tiles of green spaces, grouped and run anywhere.

The expensive part of the access measures is the bounded Dijkstra per green space behind the
catchments of the two-step floating catchment (2SFCA within 2 km, and green per inhabitant
within 500 m; :mod:`groengezond.access.catchment`). Its unit of work is a *tile* of green
spaces together with the network within the search radius of the tile (its buffer). This
module groups the tiles into ``n`` spatially compact partitions (consecutive runs along a
Hilbert curve over the tile grid, of about equal numbers of green spaces), runs each partition
through a caller-given function (in this process, or on Dask workers:
:mod:`groengezond.services.distributed`), and puts the tiles' results back in tile order.

Because every tile is computed by the same code on the same arrays, and the results are joined
in the same order as in a single run, the catchments, and every measure derived from them, are
identical bit for bit to the single-machine run (``tests/test_access_partitioned.py``).

Formula
-------
The Hilbert index :math:`h(x, y)` of a cell on a :math:`2^k \\times 2^k` grid is the classic
iterative one (Hamilton 2006): at each level :math:`s = 2^{k-1}, \\dots, 1`,
:math:`r_x = [x \\wedge s > 0]`, :math:`r_y = [y \\wedge s > 0]`,
:math:`h \\mathrel{+}= s^2 ((3 r_x) \\oplus r_y)`, then the quadrant is rotated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from groengezond.access.catchment_tiles import TileMapper, TileResult, TileWork, run_tiles

IntArray = npt.NDArray[np.int64]

PartitionRunner = Callable[[TileWork, Sequence[IntArray]], list[list[TileResult]]]
"""Runs every partition's tile keys (e.g. on Dask workers) and returns their results, in order."""


def hilbert_index(x: npt.ArrayLike, y: npt.ArrayLike, order: int) -> IntArray:
    """Hilbert-curve index of grid cells ``(x, y)`` on a ``2**order`` square grid.

    Parameters
    ----------
    x, y : array of int
        Cell column and row, in ``0 .. 2**order - 1``.
    order : int
        Number of levels of the curve.

    Returns
    -------
    numpy.ndarray of int
        Position of each cell along the curve, in ``0 .. 4**order - 1``.
    """
    x = np.asarray(x, dtype=np.int64).copy()
    y = np.asarray(y, dtype=np.int64).copy()
    n = 1 << order
    d = np.zeros(len(x), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        # rotate the quadrant
        flip = ~ry & rx
        x = np.where(flip, s - 1 - x, x)
        y = np.where(flip, s - 1 - y, y)
        swap = ~ry
        x, y = np.where(swap, y, x), np.where(swap, x, y)
        x &= s - 1
        y &= s - 1
        s >>= 1
    return d


def plan_partitions(work: TileWork, n_partitions: int) -> list[IntArray]:
    """Group the tiles of ``work`` into at most ``n_partitions`` compact partitions.

    The tiles are sorted along a Hilbert curve over their grid cells and cut into consecutive
    runs holding about equal numbers of green spaces (the work of a tile grows with them).

    Parameters
    ----------
    work : TileWork
    n_partitions : int
        Wanted number of partitions (≥ 1); fewer come back when there are fewer tiles.

    Returns
    -------
    list of numpy.ndarray of int
        Tile keys per partition, each ascending; together exactly :attr:`TileWork.keys`.
    """
    if n_partitions < 1:
        raise ValueError(f"n_partitions must be at least 1, not {n_partitions}")
    keys = work.keys
    if len(keys) == 0:
        return []
    cells = work.key_cells
    span = int(max(cells.max(initial=0), 1))
    order = max(int(np.ceil(np.log2(span + 1))), 1)
    curve = np.argsort(hilbert_index(cells[:, 0], cells[:, 1], order), kind="stable")
    greens = np.diff(work.tile_ptr)[keys][curve].astype(np.float64)
    cum = np.cumsum(greens)
    cut = np.searchsorted(cum, cum[-1] * np.arange(1, n_partitions) / n_partitions,
                          side="right")
    parts = [np.sort(keys[curve[a:b]]) for a, b in zip(np.r_[0, cut], np.r_[cut, len(keys)],
                                                         strict=True) if b > a]
    return parts


def serial_runner(work: TileWork, parts: Sequence[IntArray]) -> list[list[TileResult]]:
    """Run the partitions one after another in this process (the reference for the others)."""
    return [run_tiles(work, keys) for keys in parts]


def partitioned_mapper(n_partitions: int, runner: PartitionRunner | None = None) -> TileMapper:
    """A :data:`TileMapper` that runs the tiles in ``n_partitions`` partitions via ``runner``.

    Parameters
    ----------
    n_partitions : int
        Number of partitions (see :func:`plan_partitions`).
    runner : callable, optional
        Runs the partitions (:data:`PartitionRunner`); :func:`serial_runner` by default.

    Returns
    -------
    TileMapper
        Returns the tiles' results in the order of the keys it is given, whatever order the
        partitions ran in.
    """
    run = runner or serial_runner

    def mapper(work: TileWork, keys: IntArray) -> list[TileResult]:
        parts = plan_partitions(work, n_partitions)
        results = run(work, parts)
        by_key: dict[int, TileResult] = {}
        for part, part_results in zip(parts, results, strict=True):
            if len(part_results) != len(part):
                raise RuntimeError(f"a partition returned {len(part_results)} tiles for "
                                   f"{len(part)} keys")
            by_key.update(zip(part.tolist(), part_results, strict=True))
        missing = set(np.asarray(keys).tolist()) - set(by_key)
        if missing:
            raise RuntimeError(f"{len(missing)} tiles were not computed by any partition")
        return [by_key[int(k)] for k in keys]

    return mapper
