"""The walking network: block edges as streets, barriers with a few crossings.

Every Voronoi edge between two blocks is a street (``street``), a path through a park or forest
(``path``) or a rural road (``road``); nodes are the Voronoi vertices, which are exactly the
intersections. The density of the network therefore follows the block size: fine in the
historic core, coarser in the suburbs, sparse in the countryside, and every town is connected
to the others by the rural roads.

Edges that would cross the corridor of the motorway, the railway or the river are removed.
Bridges and tunnels (``crossing``) are then added at a few places along each barrier: 3-6 where
it crosses the city, 1-2 where it crosses a town, and one every few kilometres in the
countryside. Each crossing joins the nearest cut-off street ends on either side. Pieces of the
network that are still cut off get one crossing to the main network if they are large, and are
dropped if they are a handful of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.geometry import hits, side_of
from groengezond.synth.landuse import FOREST, NATURE, PARK, LandUse
from groengezond.synth.territory import Territory
from groengezond.synth.typology import RURAL

MIN_COMPONENT_NODES = 8
"""Cut-off pieces of the network with fewer nodes than this are dropped, larger ones linked."""


@dataclass(frozen=True)
class Network:
    """The walking network.

    Attributes
    ----------
    xy : ndarray (n, 2)
        Node coordinates (m, RD New); node ids are the row numbers.
    u, v : ndarray of int (m,)
        End nodes of each edge.
    kind : ndarray of str (m,)
        ``street``, ``path``, ``road`` or ``crossing``.
    cells : ndarray of int (m, 2)
        Blocks on either side of each edge (-1 for none, e.g. crossings).
    barrier : ndarray of int (m,)
        Index of the barrier a crossing crosses (-1 for other edges).
    """

    xy: FloatArray
    u: IntArray
    v: IntArray
    kind: npt.NDArray[np.str_]
    cells: IntArray
    barrier: IntArray

    def lines(self) -> npt.NDArray[np.object_]:
        """Straight LineString geometry of every edge."""
        coords = np.stack([self.xy[self.u], self.xy[self.v]], axis=1)
        return np.asarray(shapely.linestrings(coords), dtype=object)


def _crossing_positions(t: Territory, line: shapely.LineString, others: list[Barrier],
                        rng: np.random.Generator) -> FloatArray:
    """Distances (m) along ``line`` where crossings go."""
    step = 50.0
    s = np.arange(step / 2, line.length, step)
    xy = shapely.get_coordinates(shapely.line_interpolate_point(line, s))
    typ = t.grid.sample(t.typology, xy[:, 0], xy[:, 1])
    own = t.grid.sample(t.owner, xy[:, 0], xy[:, 1]).astype(np.int64)
    label = np.where(typ != RURAL, own, -1)
    cut = np.flatnonzero(np.diff(label) != 0) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(s)]])
    out: list[float] = []
    for a, e in zip(starts, ends, strict=True):
        length = (e - a) * step
        lab = int(label[a])
        if lab == 0:
            n = int(np.clip(round(length / 700.0), 3, 6)) if length >= 1200 else max(
                1, round(length / 500.0))
        elif lab > 0:
            n = 1 + int(length > 1500)
        else:
            n = int(length // 3500)
        if n == 0:
            continue
        gap = length / n
        pos = s[a] - step / 2 + (np.arange(n) + 0.5) * gap + rng.uniform(-0.15, 0.15, n) * gap
        out += list(pos)
    pos = np.asarray(out, dtype=np.float64)
    if len(pos) and others:
        pts = shapely.line_interpolate_point(line, pos)
        near = np.zeros(len(pos), dtype=bool)
        for o in others:
            near |= hits(pts, o.line, 300.0)
        pos = pos[~near]
    return pos


def make_network(t: Territory, b: Blocks, lu: LandUse, barriers: list[Barrier],
                 rng: np.random.Generator) -> Network:
    """Build the walking network from the block edges.

    Parameters
    ----------
    t : Territory
        The planned region.
    b : Blocks
        The blocks; their edges are the streets.
    lu : LandUse
        Land use (paths in parks and forests).
    barriers : list of Barrier
        Motorway, railway and river.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Network
    """
    cells = b.ridge_cells
    u, v = b.ridge_vertices[:, 0].copy(), b.ridge_vertices[:, 1].copy()
    xy = b.vertices
    use = np.where(cells >= 0, lu.use[np.maximum(cells, 0)], -1)
    typ = np.where(cells >= 0, b.typology[np.maximum(cells, 0)], RURAL)
    green = np.isin(use, (PARK, FOREST, NATURE))
    kind = np.where(green.all(axis=1), "path",
                    np.where((typ == RURAL).all(axis=1), "road", "street")).astype(object)
    lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
    removed_by = np.full(len(u), -1, dtype=np.int64)
    for k, bar in enumerate(barriers):
        zone = shapely.buffer(bar.corridor, 2.0)
        hit = hits(lines, zone)
        removed_by[hit & (removed_by < 0)] = k
    keep = removed_by < 0
    in_corridor = np.zeros(len(xy), dtype=bool)
    node_pts = shapely.points(xy)
    for bar in barriers:
        in_corridor |= hits(node_pts, bar.corridor)
    new_u: list[int] = []
    new_v: list[int] = []
    new_bar: list[int] = []
    for k, bar in enumerate(barriers):
        ends = np.unique(np.concatenate([u[removed_by == k], v[removed_by == k]]))
        ends = ends[~in_corridor[ends]]
        if len(ends) < 2:
            continue
        side = side_of(bar.line, xy[ends])
        others = [o for j, o in enumerate(barriers) if j != k]
        pos = _crossing_positions(t, bar.line, others, rng)
        pts = shapely.get_coordinates(shapely.line_interpolate_point(bar.line, pos))
        used: set[tuple[int, int]] = set()
        for p in pts:
            d = np.hypot(xy[ends, 0] - p[0], xy[ends, 1] - p[1])
            left = np.flatnonzero((side > 0) & (d < 300.0))
            right = np.flatnonzero((side < 0) & (d < 300.0))
            if len(left) == 0 or len(right) == 0:
                continue
            a = int(ends[left[np.argmin(d[left])]])
            c = int(ends[right[np.argmin(d[right])]])
            seg = shapely.linestrings([xy[a], xy[c]])
            if (a, c) in used or any(shapely.intersects(seg, o.corridor) for o in others):
                continue
            used.add((a, c))
            new_u.append(a)
            new_v.append(c)
            new_bar.append(k)
    u = np.concatenate([u[keep], np.asarray(new_u, dtype=np.int64)])
    v = np.concatenate([v[keep], np.asarray(new_v, dtype=np.int64)])
    kind = np.concatenate([kind[keep], np.full(len(new_u), "crossing", dtype=object)])
    cells = np.vstack([cells[keep], np.full((len(new_u), 2), -1, dtype=np.int64)])
    bar_of = np.concatenate([np.full(int(keep.sum()), -1, dtype=np.int64),
                             np.asarray(new_bar, dtype=np.int64)])
    u, v, kind, cells, bar_of = _connect(xy, u, v, kind, cells, bar_of, barriers)
    return _compact(xy, u, v, kind, cells, bar_of)


def _components(n: int, u: IntArray, v: IntArray) -> IntArray:
    graph = sparse.coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n)).tocsr()
    _, comp = csgraph.connected_components(graph, directed=False)
    return np.asarray(comp, dtype=np.int64)


def _connect(xy: FloatArray, u: IntArray, v: IntArray, kind: npt.NDArray[np.object_],
             cells: IntArray, bar_of: IntArray, barriers: list[Barrier],
             ) -> tuple[IntArray, IntArray, npt.NDArray[np.object_], IntArray, IntArray]:
    """Link large cut-off pieces to the main network; drop small ones."""
    n = len(xy)
    for _ in range(6):
        comp = _components(n, u, v)
        used = np.zeros(n, dtype=bool)
        used[u] = used[v] = True
        size = np.bincount(comp[used], minlength=int(comp.max()) + 1)
        main = int(np.argmax(size))
        big = np.flatnonzero((size >= MIN_COMPONENT_NODES) & (np.arange(len(size)) != main))
        if len(big) == 0:
            break
        main_nodes = np.flatnonzero(used & (comp == main))
        tree = cKDTree(xy[main_nodes])
        add_u, add_v, add_bar = [], [], []
        for c in big:
            nodes = np.flatnonzero(used & (comp == c))
            d, j = tree.query(xy[nodes])
            i = int(np.argmin(d))
            a, c2 = int(nodes[i]), int(main_nodes[j[i]])
            seg = shapely.linestrings([xy[a], xy[c2]])
            hit = [k for k, bar in enumerate(barriers) if shapely.intersects(seg, bar.line)
                   or shapely.intersects(seg, bar.corridor)]
            add_u.append(a)
            add_v.append(c2)
            add_bar.append(hit[0] if hit else -1)
        u = np.concatenate([u, add_u])
        v = np.concatenate([v, add_v])
        extra = np.where(np.asarray(add_bar) >= 0, "crossing", "street").astype(object)
        kind = np.concatenate([kind, extra])
        cells = np.vstack([cells, np.full((len(add_u), 2), -1, dtype=np.int64)])
        bar_of = np.concatenate([bar_of, np.asarray(add_bar, dtype=np.int64)])
    comp = _components(n, u, v)
    used = np.zeros(n, dtype=bool)
    used[u] = used[v] = True
    size = np.bincount(comp[used], minlength=int(comp.max()) + 1)
    main = int(np.argmax(size))
    keep = comp[u] == main
    return u[keep], v[keep], kind[keep], cells[keep], bar_of[keep]


def _compact(xy: FloatArray, u: IntArray, v: IntArray, kind: npt.NDArray[np.object_],
             cells: IntArray, bar_of: IntArray) -> Network:
    """Merge the ends of (near) zero-length edges, drop unused nodes and renumber."""
    n = len(xy)
    length = np.hypot(*(xy[u] - xy[v]).T)
    short = length < 0.05
    if short.any():
        comp = _components(n, u[short], v[short])
        u, v = comp[u], comp[v]
        rep = np.zeros(int(comp.max()) + 1, dtype=np.int64)
        rep[comp[::-1]] = np.arange(n)[::-1]
        u, v = rep[u], rep[v]
        keep = ~short & (u != v)
        u, v, kind, cells, bar_of = u[keep], v[keep], kind[keep], cells[keep], bar_of[keep]
    # one edge per node pair
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    _, first = np.unique(lo * n + hi, return_index=True)
    first = np.sort(first)
    u, v, kind, cells, bar_of = u[first], v[first], kind[first], cells[first], bar_of[first]
    used = np.unique(np.concatenate([u, v]))
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[used] = np.arange(len(used))
    return Network(xy=xy[used], u=new_id[u], v=new_id[v], kind=kind.astype(str),
                   cells=cells, barrier=bar_of)
