"""Blocks: the Voronoi cells of seed points whose spacing follows the typology.

Every block is a convex Voronoi cell; its edges are the streets (:mod:`~groengezond.synth.streets`)
and its inside holds buildings or green. Seeds come from jittered lattices, one per patch of a
typology in a district, each with its own orientation: the historic core gets small, strongly
jittered (organic) blocks, post-war and suburban patches regular oblong blocks, the countryside
cells of about a square kilometre whose edges are the rural roads. Where patches meet, the
lattices' seeds mix into irregular transitional blocks, as where real neighbourhoods of
different eras meet. Buurten, wijken and gemeenten are unions of blocks
(:mod:`~groengezond.synth.areas`), so they tile each other exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from scipy import ndimage
from scipy.spatial import Voronoi, cKDTree

from groengezond.synth.barriers import Barrier
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.geometry import hits
from groengezond.synth.territory import Territory
from groengezond.synth.typology import RURAL, TYPOLOGIES


@dataclass(frozen=True)
class Blocks:
    """The blocks (Voronoi cells) of the region.

    Attributes
    ----------
    seeds : ndarray (n, 2)
        Seed point of each block (m, RD New); it lies inside its block.
    typology, settlement, district : ndarray (n,)
        Typology code, owning settlement and district of each block.
    ring : ndarray (n,)
        Warped distance of the seed to its settlement's centre (1 ≈ edge).
    vertices : ndarray (nv, 2)
        Voronoi vertices (m); shared by neighbouring cells, so cells tile exactly.
    cell_vertices, cell_offsets : ndarray
        Vertex indices of block i (counter-clockwise) are
        ``cell_vertices[cell_offsets[i]:cell_offsets[i + 1]]``.
    polygons : ndarray of shapely Polygon (n,)
        Block polygons (the whole cell, street space included).
    area_m2 : ndarray (n,)
        Area of each block (m²).
    ridge_cells : ndarray (m, 2)
        The two blocks on either side of each Voronoi edge (-1 outside the region).
    ridge_vertices : ndarray (m, 2)
        The two vertices of each Voronoi edge.
    barrier : ndarray of bool (n, n_barriers)
        Whether each block touches each barrier's corridor.
    """

    seeds: FloatArray
    typology: npt.NDArray[np.uint8]
    settlement: IntArray
    district: IntArray
    ring: FloatArray
    vertices: FloatArray
    cell_vertices: IntArray
    cell_offsets: IntArray
    polygons: npt.NDArray[np.object_]
    area_m2: FloatArray
    ridge_cells: IntArray
    ridge_vertices: IntArray
    barrier: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.seeds)

    @property
    def street_half_width_m(self) -> FloatArray:
        """Half width of the street space around each block (m), from its typology."""
        hw = np.array([t.street_half_width_m for t in TYPOLOGIES])
        return np.asarray(hw[self.typology], dtype=np.float64)


def _lattice(centres: FloatArray, spacing: float, aspect: float, jitter: float, angle: float,
             rng: np.random.Generator) -> FloatArray:
    """Jittered, rotated lattice points covering the bounding box of ``centres`` (+100 m)."""
    c, s = np.cos(angle), np.sin(angle)
    u = centres @ np.array([[c, -s], [s, c]])
    lo, hi = u.min(axis=0) - 100.0, u.max(axis=0) + 100.0
    sx, sy = spacing * np.sqrt(aspect), spacing / np.sqrt(aspect)
    ox, oy = rng.uniform(0, sx), rng.uniform(0, sy)
    gx = np.arange(lo[0] + ox, hi[0], sx)
    gy = np.arange(lo[1] + oy, hi[1], sy)
    px, py = np.meshgrid(gx, gy)
    pts = np.column_stack([px.ravel(), py.ravel()])
    pts += rng.uniform(-jitter, jitter, pts.shape) * np.array([sx, sy])
    return np.asarray(pts @ np.array([[c, s], [-s, c]]), dtype=np.float64)


def _seeds(t: Territory, rng: np.random.Generator) -> tuple[FloatArray, IntArray, FloatArray]:
    """Seed points, their typology and their lattice spacing (m), before clean-up.

    The countryside gets three bands of spacing: small fields and ribbons next to the towns,
    then medium, then the open country, so that blocks grow gradually outwards.
    """
    grid = t.grid
    gx, gy = grid.centres()
    typ = t.typology.ravel().astype(np.int64)
    key = t.district.ravel() * 8 + typ
    urban = np.flatnonzero(typ != RURAL)
    order = urban[np.argsort(key[urban], kind="stable")]
    keys, starts = np.unique(key[order], return_index=True)
    groups = np.split(order, starts[1:])
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    pts_all: list[FloatArray] = []
    typ_all: list[IntArray] = []
    gap_all: list[FloatArray] = []
    for k, cells in zip(keys, groups, strict=True):
        ty = TYPOLOGIES[int(k % 8)]
        spacing = 5.0 * round(ty.spacing_m * rng.uniform(0.9, 1.1) / 5.0)
        pts = _lattice(centres[cells], spacing, ty.aspect, ty.jitter, rng.uniform(0, np.pi), rng)
        row, col = grid.index(pts[:, 0], pts[:, 1])
        keep = (key.reshape(grid.shape)[row, col] == k) & _inside(t, pts)
        pts_all.append(pts[keep])
        typ_all.append(np.full(int(keep.sum()), int(k % 8), dtype=np.int64))
        gap_all.append(np.full(int(keep.sum()), spacing))
    rural = TYPOLOGIES[RURAL]
    far = min(rural.spacing_m, 0.18 * np.sqrt((t.bounds[2] - t.bounds[0])
                                              * (t.bounds[3] - t.bounds[1])))
    to_urban = ndimage.distance_transform_edt(t.typology == RURAL) * grid.cell_m
    band = np.digitize(to_urban, [350.0, 1100.0])
    for b, spacing in enumerate((260.0, 520.0, far)):
        mask = (band == b) & (t.typology == RURAL)
        if not mask.any():
            continue
        pts = _lattice(centres[mask.ravel()], spacing, 1.0, rural.jitter,
                       rng.uniform(0, np.pi), rng)
        row, col = grid.index(pts[:, 0], pts[:, 1])
        keep = mask[row, col] & _inside(t, pts)
        pts_all.append(pts[keep])
        typ_all.append(np.full(int(keep.sum()), RURAL, dtype=np.int64))
        gap_all.append(np.full(int(keep.sum()), spacing))
    return np.vstack(pts_all), np.concatenate(typ_all), np.concatenate(gap_all)


def _inside(t: Territory, pts: FloatArray) -> npt.NDArray[np.bool_]:
    minx, miny, maxx, maxy = t.bounds
    return np.asarray((pts[:, 0] > minx) & (pts[:, 0] < maxx) & (pts[:, 1] > miny)
                      & (pts[:, 1] < maxy), dtype=bool)


def _thin(pts: FloatArray, spacing: FloatArray,
          barriers: list[Barrier]) -> npt.NDArray[np.bool_]:
    """Keep-mask: drop seeds too close to a denser seed or inside a barrier corridor.

    Going from the densest lattices to the coarsest, a seed is dropped when a kept seed of a
    denser lattice lies within 0.45 of its own spacing; seeds of equally dense lattices that
    meet at a patch border are thinned the same way among themselves.
    """
    keep = np.zeros(len(pts), dtype=bool)
    levels = np.unique(spacing)
    for s in levels:
        cand = np.flatnonzero(spacing == s)
        kept = np.flatnonzero(keep)
        ok = np.ones(len(cand), dtype=bool)
        if len(kept):
            dist, _ = cKDTree(pts[kept]).query(pts[cand], distance_upper_bound=0.45 * s)
            ok = ~np.isfinite(dist)
        cand = cand[ok]
        pairs = cKDTree(pts[cand]).query_pairs(0.45 * s, output_type="ndarray")
        drop = np.zeros(len(cand), dtype=bool)
        if len(pairs):
            drop[np.maximum(pairs[:, 0], pairs[:, 1])] = True
        keep[cand[~drop]] = True
    points = shapely.points(pts)
    for b in barriers:
        keep &= ~hits(points, b.line, b.width_m / 2.0 + 12.0)
    return keep


def make_blocks(t: Territory, barriers: list[Barrier], rng: np.random.Generator) -> Blocks:
    """Make the blocks of the region.

    Parameters
    ----------
    t : Territory
        The planned region.
    barriers : list of Barrier
        Motorway, railway and river; no seed lies in their corridors.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Blocks
    """
    pts, typ, spacing = _seeds(t, rng)
    keep = _thin(pts, spacing, barriers)
    pts, typ = pts[keep], typ[keep]
    n = len(pts)
    minx, miny, maxx, maxy = t.bounds
    ring_gap = 0.6 * TYPOLOGIES[RURAL].spacing_m
    dummies = _frame(minx - ring_gap / 2, miny - ring_gap / 2, maxx + ring_gap / 2,
                     maxy + ring_gap / 2, ring_gap)
    far = 10.0 * max(maxx - minx, maxy - miny)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    corners = np.array([[cx - far, cy - far], [cx + far, cy - far], [cx + far, cy + far],
                        [cx - far, cy + far]])
    vor = Voronoi(np.vstack([pts, dummies, corners]))
    region_of = vor.point_region[:n]
    lengths = np.array([len(vor.regions[r]) for r in region_of], dtype=np.int64)
    flat = np.fromiter((v for r in region_of for v in vor.regions[r]), dtype=np.int64,
                       count=int(lengths.sum()))
    if (flat < 0).any():
        raise RuntimeError("a block of the region is unbounded; the dummy frame is too small")
    owner = np.repeat(np.arange(n), lengths)
    vxy = vor.vertices[flat]
    ang = np.arctan2(vxy[:, 1] - pts[owner, 1], vxy[:, 0] - pts[owner, 0])
    order = np.lexsort((ang, owner))
    flat = flat[order]
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    rings = shapely.linearrings(vor.vertices[flat], indices=owner)
    polygons = shapely.polygons(rings)
    rp = np.asarray(vor.ridge_points, dtype=np.int64)
    rv = np.asarray(vor.ridge_vertices, dtype=np.int64)
    sel = (rv >= 0).all(axis=1) & ((rp[:, 0] < n) | (rp[:, 1] < n))
    rp, rv = rp[sel], rv[sel]
    rp = np.where(rp < n, rp, -1)
    row, col = t.grid.index(pts[:, 0], pts[:, 1])
    touch = np.column_stack([hits(polygons, b.corridor) for b in barriers])
    return Blocks(
        seeds=pts, typology=typ.astype(np.uint8), settlement=t.owner[row, col],
        district=t.district[row, col], ring=t.ring[row, col], vertices=vor.vertices,
        cell_vertices=flat, cell_offsets=offsets, polygons=polygons,
        area_m2=shapely.area(polygons), ridge_cells=rp, ridge_vertices=rv, barrier=touch,
    )


def _frame(x0: float, y0: float, x1: float, y1: float, step: float) -> FloatArray:
    """Points every ``step`` m along the rectangle (x0, y0)-(x1, y1)."""
    xs = np.arange(x0, x1 + step / 2, step)
    ys = np.arange(y0 + step, y1 - step / 2, step)
    return np.vstack([
        np.column_stack([xs, np.full_like(xs, y0)]), np.column_stack([xs, np.full_like(xs, y1)]),
        np.column_stack([np.full_like(ys, x0), ys]), np.column_stack([np.full_like(ys, x1), ys]),
    ])
