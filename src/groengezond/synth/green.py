"""Green spaces: parks, forest, nature, sports parks, allotments, cemeteries, verges, grass.

Green objects of :mod:`~groengezond.synth.landuse` become polygons: the union of their blocks,
set back behind the street space around them (paths inside a park stay inside its polygon) and
clear of barrier corridors. Small "pocket" parks take a part of some residential blocks (a half
plane through the block's centre); the buildings there give way. In post-war blocks of flats
the space between the slabs is public grass where the neighbourhood's greenness score is high
enough, and paved (parking) where it is not, so that poorer post-war neighbourhoods are clearly
less green.

``public`` is True for parks, forest, nature and grass; sports parks and allotments are for
members, cemeteries keep opening hours and verges are not accessible (column ``access``).
``area_ha`` is the polygon area / 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.buildings import Buildings
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.landuse import (
    ALLOTMENT,
    CEMETERY,
    FOREST,
    GREEN_USES,
    LANDUSE_NAMES,
    NATURE,
    PARK,
    RESIDENTIAL,
    SPORTS,
    VERGE,
    LandUse,
)
from groengezond.synth.typology import POSTWAR

ACCESS = {PARK: "public", FOREST: "public", NATURE: "public", SPORTS: "members",
          ALLOTMENT: "members", CEMETERY: "opening_hours", VERGE: "none"}
MIN_AREA_M2 = 300.0
"""Green pieces smaller than this (m²) are dropped."""
MIN_PARK_M2 = 1000.0
"""Pocket parks smaller than this (m², 0.1 ha) are dropped."""


@dataclass(frozen=True)
class Green:
    """Green spaces (arrays of one entry per space).

    Attributes
    ----------
    geometry : ndarray of shapely (Multi)Polygon
    kind : ndarray of str
        park, forest, nature, sports, allotment, cemetery, verge or grass.
    access : ndarray of str
        public, members, opening_hours or none.
    cell : ndarray of int
        A block of the space (its first), for look-ups of neighbourhood scores.
    """

    geometry: npt.NDArray[np.object_]
    kind: npt.NDArray[np.str_]
    access: npt.NDArray[np.str_]
    cell: IntArray

    def __len__(self) -> int:
        return len(self.geometry)

    @property
    def public(self) -> npt.NDArray[np.bool_]:
        """Open to the public without restriction."""
        return np.asarray(self.access == "public", dtype=bool)

    def concat(self, other: Green) -> Green:
        """Both sets of green spaces."""
        return Green(np.concatenate([self.geometry, other.geometry]),
                     np.concatenate([self.kind, other.kind]),
                     np.concatenate([self.access, other.access]),
                     np.concatenate([self.cell, other.cell]))


def _clean(geoms: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.object_],
                                                    npt.NDArray[np.bool_]]:
    """Polygonal parts only, and a mask of the geometries large enough to keep."""
    geoms = shapely.make_valid(geoms)
    types = shapely.get_type_id(geoms)
    mixed = types == 7
    if mixed.any():
        out = geoms.copy()
        for i in np.flatnonzero(mixed):
            parts = shapely.get_parts(geoms[i])
            parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
            out[i] = shapely.union_all(parts) if len(parts) else shapely.Polygon()
        geoms = out
    ok = np.isin(shapely.get_type_id(geoms), (3, 6)) & (shapely.area(geoms) >= MIN_AREA_M2)
    return np.asarray(geoms, dtype=object), ok


def green_spaces(b: Blocks, lu: LandUse, barriers: list[Barrier],
                 rng: np.random.Generator) -> Green:
    """Polygons of the green objects and the pocket parks.

    Parameters
    ----------
    b : Blocks
        The blocks.
    lu : LandUse
        Land use, green objects and pocket-park blocks.
    barriers : list of Barrier
        Green stays out of their corridors.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Green
    """
    hw = b.street_half_width_m
    obj = lu.green_object
    blocks = np.flatnonzero((obj >= 0) & np.isin(lu.use, GREEN_USES))
    order = blocks[np.lexsort((blocks, obj[blocks]))]
    ids, starts = np.unique(obj[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    geoms = np.empty(len(ids), dtype=object)
    first = order[starts]
    for i, (a, e) in enumerate(zip(starts, ends, strict=True)):
        part = b.polygons[order[a:e]]
        geoms[i] = part[0] if len(part) == 1 else shapely.coverage_union_all(part)
    setback = np.minimum.reduceat(hw[order], starts)
    geoms = shapely.buffer(geoms, -setback, join_style="mitre")
    corridors = shapely.union_all([shapely.buffer(bar.corridor, 2.0) for bar in barriers])
    touch = np.asarray(b.barrier.any(axis=1), dtype=bool)
    near = np.asarray(np.logical_or.reduceat(touch[order], starts), dtype=bool)
    if near.any():
        geoms[near] = shapely.difference(geoms[near], corridors)
    use = lu.use[first]
    kind = np.array([LANDUSE_NAMES[u] for u in use], dtype=object)
    access = np.array([ACCESS[int(u)] for u in use], dtype=object)
    geoms, ok = _clean(geoms)
    main = Green(geoms[ok], kind[ok].astype(str), access[ok].astype(str), first[ok])
    pocket = _pockets(b, lu, hw, rng)
    pocket_geoms = pocket.geometry
    if touch[pocket.cell].any():
        sel = touch[pocket.cell]
        pocket_geoms = pocket_geoms.copy()
        pocket_geoms[sel] = shapely.difference(pocket_geoms[sel], corridors)
    pocket_geoms, ok = _clean(pocket_geoms)
    ok &= shapely.area(pocket_geoms) >= MIN_PARK_M2
    pocket = Green(pocket_geoms[ok], pocket.kind[ok], pocket.access[ok], pocket.cell[ok])
    return main.concat(pocket)


def _pockets(b: Blocks, lu: LandUse, hw: FloatArray, rng: np.random.Generator) -> Green:
    """A part of each pocket-park block (beyond a line through its centre) as a park."""
    cells = np.flatnonzero(lu.pocket)
    shrunk = shapely.buffer(b.polygons[cells], -(hw[cells] + 1.0), join_style="mitre")
    centre = shapely.get_coordinates(shapely.centroid(b.polygons[cells]))
    ang = rng.uniform(0, 2 * np.pi, len(cells))
    shift = rng.uniform(0.0, 0.35, len(cells)) * np.sqrt(b.area_m2[cells])
    d = np.column_stack([np.cos(ang), np.sin(ang)])
    nrm = np.column_stack([-d[:, 1], d[:, 0]])
    c = centre + nrm * shift[:, None]
    big = 400.0
    coords = np.stack([c - d * big, c + d * big, c + d * big + nrm * big, c - d * big + nrm * big,
                       c - d * big], axis=1)
    half = shapely.polygons(coords)
    geoms = shapely.intersection(shrunk, half)
    n = len(cells)
    return Green(np.asarray(geoms, dtype=object), np.full(n, "park"), np.full(n, "public"), cells)


def grass_between_flats(b: Blocks, lu: LandUse, bld: Buildings) -> Green:
    """Public grass around the flats of post-war blocks with a high enough greenness score.

    Parameters
    ----------
    b : Blocks
        The blocks.
    lu : LandUse
        Land use and greenness per block.
    bld : Buildings
        Buildings (the flats).

    Returns
    -------
    Green
        The grass polygons (block minus street space minus 4 m around every building).
    """
    hw = b.street_half_width_m
    flats = (b.typology[bld.cell] == POSTWAR) & (bld.storeys >= 3)
    cells = np.unique(bld.cell[flats])
    cells = cells[(lu.use[cells] == RESIDENTIAL) & ~lu.pocket[cells]
                  & (lu.greenness[cells] > -0.55)]
    if len(cells) == 0:
        return Green(np.empty(0, dtype=object), np.empty(0, dtype=str), np.empty(0, dtype=str),
                     np.empty(0, dtype=np.int64))
    in_cells = np.isin(bld.cell, cells)
    polys = bld.take(in_cells).polygons()
    owner = np.searchsorted(cells, bld.cell[in_cells])
    multi = shapely.multipolygons(polys, indices=owner)
    full = np.empty(len(cells), dtype=object)
    full[:] = shapely.Polygon()
    full[np.unique(owner)] = multi
    around = shapely.buffer(full, 4.0, quad_segs=2)
    shrunk = shapely.buffer(b.polygons[cells], -(hw[cells] + 1.0), join_style="mitre")
    geoms, ok = _clean(shapely.difference(shrunk, around))
    n = int(ok.sum())
    return Green(geoms[ok], np.full(n, "grass"), np.full(n, "public"), cells[ok])


def clear_of_green(bld: Buildings, green: Green) -> npt.NDArray[np.bool_]:
    """Keep-mask of the buildings whose footprint does not overlap any green space."""
    polys = bld.polygons()
    tree = shapely.STRtree(polys)
    gi, bi = tree.query(green.geometry, predicate="intersects")
    if len(bi):
        touch = shapely.touches(green.geometry[gi], polys[bi])
        bi = bi[~touch]
    keep = np.ones(len(bld), dtype=bool)
    keep[bi] = False
    return keep


def green_area_ha(green: Green) -> FloatArray:
    """Area of each green space (ha)."""
    return np.asarray(shapely.area(green.geometry) / 1e4, dtype=np.float64)
