"""Buildings: footprints, heights and dwellings, laid out block by block.

All footprints are rectangles, made with numpy for all blocks at once:

- *frontage*: rows of parcels along every edge of a block, set back behind the street space
  and the front garden. Parcels stop short of the corners (where the rows of two edges would
  meet, :math:`m = (o + d) / \\tan(\\alpha / 2)` for offset o, depth d and corner angle α).
  Continuous rows make the perimeter blocks of the historic core and the 19th-century ring,
  rows broken every 4-8 houses the suburbs' terraces, single houses with gaps villas and
  villages, large boxes the business parks, and sparse houses with barns the ribbons along rural
  roads;
- *slabs*: parallel rows of flats (4-storey "portiek" flats, 8-10-storey gallery flats) in
  post-war blocks, and point towers of 12-15 storeys.

A candidate footprint is kept if it lies inside its block (behind the street space) and does
not overlap a footprint along another edge. Heights are storeys × 3 m plus a roof; dwellings
follow from floor area (apartments) or are 1 per house.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import shapely

from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.geometry import hits
from groengezond.synth.landuse import AGRICULTURE, RESIDENTIAL, WORKS, LandUse
from groengezond.synth.territory import STOREY_FACTOR, Territory
from groengezond.synth.typology import (
    CORE,
    INNER,
    POSTWAR,
    RURAL,
    STOREY_M,
    SUBURB,
    TYPOLOGIES,
    VILLA,
    VILLAGE,
    WORK,
)

USES = ("residential", "mixed", "work", "farm_building")
"""Building use codes (index = code)."""
RES, MIXED, WORKUSE, BARN = range(4)


@dataclass(frozen=True)
class Frontage:
    """How parcels line the edges of one block typology (lengths in m)."""

    setback: float
    depth: tuple[float, float]
    slot: tuple[float, float]
    fill: tuple[float, float]
    terrace: tuple[int, int]
    keep: float


FRONTAGE: dict[int, Frontage] = {
    CORE: Frontage(0.0, (10.0, 15.0), (6.5, 10.0), (1.0, 1.0), (0, 0), 1.0),
    INNER: Frontage(1.5, (9.0, 11.5), (6.0, 8.0), (1.0, 1.0), (0, 0), 1.0),
    SUBURB: Frontage(5.0, (8.5, 10.0), (5.7, 7.0), (1.0, 1.0), (3, 6), 1.0),
    VILLA: Frontage(8.0, (10.0, 13.0), (17.0, 24.0), (0.5, 0.6), (0, 0), 1.0),
    VILLAGE: Frontage(5.0, (9.0, 11.0), (12.0, 18.0), (0.6, 0.75), (0, 0), 1.0),
    WORK: Frontage(10.0, (25.0, 50.0), (35.0, 70.0), (0.75, 0.85), (0, 0), 0.9),
    RURAL: Frontage(12.0, (11.0, 13.0), (140.0, 220.0), (0.06, 0.08), (0, 0), 0.3),
    POSTWAR: Frontage(4.0, (8.5, 10.0), (5.1, 6.0), (1.0, 1.0), (5, 9), 1.0),
}


@dataclass(frozen=True)
class Buildings:
    """Building footprints as rectangles (origin, unit axis u, lengths a along u, b along v).

    ``v`` is ``u`` turned 90° anticlockwise. Attributes are arrays of one entry per building.
    """

    cell: IntArray
    origin: FloatArray
    u: FloatArray
    a: FloatArray
    b: FloatArray
    storeys: IntArray
    height_m: FloatArray
    dwellings: IntArray
    use: IntArray

    def __len__(self) -> int:
        return len(self.cell)

    @property
    def v(self) -> FloatArray:
        """Second axis of each rectangle (unit vector)."""
        return np.column_stack([-self.u[:, 1], self.u[:, 0]])

    def polygons(self) -> npt.NDArray[np.object_]:
        """Footprint polygons."""
        return _rects(self.origin, self.u, self.v, self.a, self.b)

    def take(self, keep: npt.NDArray[np.bool_] | IntArray) -> Buildings:
        """A subset of the buildings."""
        return Buildings(**{f: getattr(self, f)[keep] for f in self.__dataclass_fields__})

    def with_dwellings(self, dwellings: IntArray) -> Buildings:
        """A copy with other dwelling counts."""
        return replace(self, dwellings=dwellings)


def _rects(o: FloatArray, u: FloatArray, v: FloatArray, a: FloatArray,
           b: FloatArray) -> npt.NDArray[np.object_]:
    ua, vb = u * a[:, None], v * b[:, None]
    coords = np.stack([o, o + ua, o + ua + vb, o + vb, o], axis=1)
    return np.asarray(shapely.polygons(coords), dtype=object)


def _edges(b: Blocks, cells: IntArray) -> dict[str, FloatArray | IntArray]:
    """Every edge of the given blocks with its geometry and corner angles."""
    off = b.cell_offsets
    n_v = off[cells + 1] - off[cells]
    total = int(n_v.sum())
    cell = np.repeat(cells, n_v)
    start = np.repeat(off[cells], n_v)
    nn = np.repeat(n_v, n_v)
    k = np.arange(total) - np.repeat(np.cumsum(n_v) - n_v, n_v)
    vid = b.cell_vertices
    p = b.vertices[vid[start + k]]
    q = b.vertices[vid[start + (k + 1) % nn]]
    r = b.vertices[vid[start + (k - 1) % nn]]
    s = b.vertices[vid[start + (k + 2) % nn]]
    seg = q - p
    length = np.hypot(seg[:, 0], seg[:, 1])
    d = seg / np.maximum(length, 1e-9)[:, None]
    normal = np.column_stack([-d[:, 1], d[:, 0]])

    def angle(a: FloatArray, c: FloatArray) -> FloatArray:
        cross = a[:, 0] * c[:, 1] - a[:, 1] * c[:, 0]
        return np.asarray(np.arctan2(np.abs(cross), (a * c).sum(axis=1)), dtype=np.float64)

    ang_p = angle(r - p, q - p)
    ang_q = angle(p - q, s - q)
    h = ((b.seeds[cell] - p) * normal).sum(axis=1)
    return {"cell": cell, "p": p, "d": d, "n": normal, "length": length, "ang_p": ang_p,
            "ang_q": ang_q, "h": h}


def _frontage(b: Blocks, cells: IntArray, style: Frontage, hw: FloatArray,
              rng: np.random.Generator) -> tuple[IntArray, FloatArray, FloatArray, FloatArray,
                                                 FloatArray]:
    """Parcels along the edges of ``cells``: (cell, origin, u, a, b) per footprint."""
    e = _edges(b, cells)
    m = len(e["cell"])
    cell = np.asarray(e["cell"], dtype=np.int64)
    o1 = hw[cell] + style.setback
    depth = rng.uniform(*style.depth, m)
    depth = np.minimum(depth, e["h"] - o1 - 1.0)
    ok = depth >= 0.6 * style.depth[0]
    tan_p = np.tan(np.clip(e["ang_p"], 1e-3, np.pi - 1e-3) / 2)
    tan_q = np.tan(np.clip(e["ang_q"], 1e-3, np.pi - 1e-3) / 2)
    m_p = (o1 + depth) / tan_p + 0.5
    m_q = (o1 + depth) / tan_q + 0.5
    slot = rng.uniform(*style.slot, m)
    usable = e["length"] - m_p - m_q
    count = np.where(ok & (usable > slot), np.floor(usable / slot), 0).astype(np.int64)
    fill = rng.uniform(*style.fill, m)
    terrace = rng.integers(style.terrace[0], style.terrace[1] + 1, m)
    edge = np.repeat(np.arange(m), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    first = m_p + (usable - count * slot) / 2
    width = slot[edge] * fill[edge] - 0.1
    t = first[edge] + k * slot[edge] + (slot[edge] - width) / 2
    keep = np.ones(len(edge), dtype=bool)
    tt = terrace[edge]
    keep &= ~((tt > 0) & (k % (tt + 1) == tt))
    if style.keep < 1.0:
        keep &= rng.random(len(edge)) < style.keep
    edge, t, width = edge[keep], t[keep], width[keep]
    d, nrm, p = e["d"][edge], e["n"][edge], e["p"][edge]
    origin = p + d * t[:, None] + nrm * o1[edge][:, None]
    return (np.asarray(cell[edge], dtype=np.int64), np.asarray(origin, dtype=np.float64),
            np.asarray(d, dtype=np.float64), np.asarray(width, dtype=np.float64),
            np.asarray(depth[edge], dtype=np.float64))


def _slabs(b: Blocks, cells: IntArray, hw: FloatArray, rng: np.random.Generator,
           tower: npt.NDArray[np.bool_]) -> tuple[IntArray, FloatArray, FloatArray, FloatArray,
                                                   FloatArray, IntArray]:
    """Rows of flats (or towers where ``tower``) in post-war blocks.

    Each row of each block has three candidates of decreasing length; the returned group id
    names the (row, block) a candidate belongs to, the longest candidate coming first.
    """
    e = _edges(b, cells)
    cell = np.asarray(e["cell"], dtype=np.int64)
    # main direction of each block: its longest edge, or for some blocks the second longest
    order = np.lexsort((-e["length"], cell))
    first = np.ones(len(order), dtype=bool)
    first[1:] = cell[order][1:] != cell[order][:-1]
    main = order[first]
    mc = cell[main]
    d, nrm, p = e["d"][main], e["n"][main], e["p"][main]
    centroid = shapely.get_coordinates(shapely.centroid(b.polygons[mc]))
    cu = ((centroid - p) * d).sum(axis=1)
    reach = e["h"][main] * 2.0
    is_tower = tower[mc]
    depth = np.where(is_tower, rng.uniform(18, 24, len(mc)), rng.uniform(10, 12.5, len(mc)))
    gap = np.where(is_tower, rng.uniform(25, 40, len(mc)), rng.uniform(28, 40, len(mc)))
    long = np.where(is_tower, depth, rng.uniform(45, 110, len(mc)))
    rows = 6
    out_cell, out_o, out_u, out_a, out_b, out_g = [], [], [], [], [], []
    for r in range(rows):
        off = hw[mc] + 10.0 + r * (depth + gap)
        fits = off + depth < reach - hw[mc] - 8.0
        for shrink in (1.0, 0.65, 0.4):
            length = long * np.where(is_tower, 1.0, shrink)
            o = p + d * (cu - length / 2)[:, None] + nrm * off[:, None]
            out_cell.append(np.where(fits, mc, -1))
            out_o.append(o)
            out_u.append(d)
            out_a.append(length)
            out_b.append(depth)
            out_g.append(r * len(mc) + np.arange(len(mc)))
    cell_c = np.concatenate(out_cell)
    sel = cell_c >= 0
    f8 = np.float64
    return (np.asarray(cell_c[sel], dtype=np.int64), np.asarray(np.vstack(out_o)[sel], dtype=f8),
            np.asarray(np.vstack(out_u)[sel], dtype=f8),
            np.asarray(np.concatenate(out_a)[sel], dtype=f8),
            np.asarray(np.concatenate(out_b)[sel], dtype=f8),
            np.asarray(np.concatenate(out_g)[sel], dtype=np.int64))


def _first_fit(group: IntArray, inside: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Keep, per ``group`` (a slab row), only the first candidate that fits inside."""
    keep = np.zeros(len(group), dtype=bool)
    idx = np.flatnonzero(inside)
    _, first = np.unique(group[idx], return_index=True)
    keep[idx[first]] = True
    return keep


def make_buildings(t: Territory, b: Blocks, lu: LandUse, barriers: list[Barrier],
                   rng: np.random.Generator) -> Buildings:
    """Lay out the buildings of every residential, work and farming block.

    Parameters
    ----------
    t : Territory
        The planned region (storey factors of the settlements).
    b : Blocks
        The blocks.
    lu : LandUse
        Land use per block: only residential, work and agricultural blocks get buildings.
    barriers : list of Barrier
        No building lies within 8 m of a barrier's corridor.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Buildings
    """
    hw = b.street_half_width_m
    typ = b.typology.astype(np.int64)
    parts: list[tuple[IntArray, FloatArray, FloatArray, FloatArray, FloatArray, IntArray]] = []
    builds = np.isin(lu.use, (RESIDENTIAL, WORKS))
    style_pw = rng.random(len(b))
    lowrise_pw = (typ == POSTWAR) & (style_pw < 0.18)
    for ty, style in FRONTAGE.items():
        if ty == RURAL:
            cells = np.flatnonzero(lu.use == AGRICULTURE)
        elif ty == POSTWAR:
            cells = np.flatnonzero(builds & lowrise_pw)
        else:
            cells = np.flatnonzero(builds & (typ == ty))
        if len(cells) == 0:
            continue
        c, o, u, a, bb = _frontage(b, cells, style, hw, rng)
        parts.append((c, o, u, a, bb, np.full(len(c), -1, dtype=np.int64)))
    slab_cells = np.flatnonzero(builds & (typ == POSTWAR) & ~lowrise_pw)
    if len(slab_cells):
        tower = style_pw > 0.88
        parts.append(_slabs(b, slab_cells, hw, rng, tower))
    cell = np.concatenate([p[0] for p in parts])
    origin = np.vstack([p[1] for p in parts])
    uax = np.vstack([p[2] for p in parts])
    a = np.concatenate([p[3] for p in parts])
    bl = np.concatenate([p[4] for p in parts])
    group = np.concatenate([p[5] for p in parts])
    slab = group >= 0
    polys = _rects(origin, uax, np.column_stack([-uax[:, 1], uax[:, 0]]), a, bl)
    # inside the block, behind its street space
    shrunk = shapely.buffer(b.polygons, -(hw - 0.5), join_style="mitre")
    shapely.prepare(shrunk)
    inside = shapely.covered_by(polys, shrunk[cell])
    if slab.any():
        # a slab row keeps its longest variant that fits
        idx = np.flatnonzero(slab)
        inside[idx] = _first_fit(group[idx], inside[idx])
    keep = np.flatnonzero(inside)
    keep = keep[_no_overlap(polys[keep])]
    polys = polys[keep]
    zone = shapely.union_all([shapely.buffer(bar.corridor, 8.0) for bar in barriers])
    keep = keep[~hits(polys, zone)]
    cell, origin, uax, a, bl, slab = (cell[keep], origin[keep], uax[keep], a[keep], bl[keep],
                                      slab[keep])
    barns_cell, barns = _barns(cell, origin, uax, a, bl, typ, rng)
    storeys, height, dwellings, use = _heights(t, b, lu, cell, a, bl, slab, typ, rng)
    out = Buildings(cell=cell, origin=origin, u=uax, a=a, b=bl, storeys=storeys,
                    height_m=height, dwellings=dwellings, use=use)
    if len(barns_cell):
        barn_polys = _rects(barns[0], barns[1], np.column_stack([-barns[1][:, 1],
                                                                 barns[1][:, 0]]),
                            barns[2], barns[3])
        ok = shapely.covered_by(barn_polys, shrunk[barns_cell]) & ~hits(barn_polys, zone)
        n_b = int(ok.sum())
        barn = Buildings(cell=barns_cell[ok], origin=barns[0][ok], u=barns[1][ok],
                         a=barns[2][ok], b=barns[3][ok], storeys=np.ones(n_b, dtype=np.int64),
                         height_m=rng.uniform(7.0, 11.0, n_b),
                         dwellings=np.zeros(n_b, dtype=np.int64),
                         use=np.full(n_b, BARN, dtype=np.int64))
        out = _concat(out, barn)
    order = np.lexsort((out.origin[:, 1], out.origin[:, 0], out.cell))
    return out.take(order)


def _no_overlap(polys: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Keep-mask dropping the later of every pair of overlapping footprints."""
    tree = shapely.STRtree(polys)
    i, j = tree.query(polys, predicate="intersects")
    sel = i < j
    i, j = i[sel], j[sel]
    if len(i):
        touch = shapely.touches(polys[i], polys[j])
        j = j[~touch]
    keep = np.ones(len(polys), dtype=bool)
    keep[j] = False
    return keep


def _barns(cell: IntArray, origin: FloatArray, u: FloatArray, a: FloatArray, b: FloatArray,
           typ: IntArray, rng: np.random.Generator
           ) -> tuple[IntArray, tuple[FloatArray, FloatArray, FloatArray, FloatArray]]:
    """A barn behind about half of the rural houses."""
    rural = np.flatnonzero((typ[cell] == RURAL) & (rng.random(len(cell)) < 0.5))
    v = np.column_stack([-u[rural, 1], u[rural, 0]])
    width = rng.uniform(20.0, 32.0, len(rural))
    depth = rng.uniform(14.0, 22.0, len(rural))
    o = origin[rural] + v * (b[rural] + 6.0)[:, None] - u[rural] * ((width - a[rural]) / 2)[:, None]
    return cell[rural], (o, u[rural], width, depth)


def _concat(x: Buildings, y: Buildings) -> Buildings:
    return Buildings(**{f: np.concatenate([getattr(x, f), getattr(y, f)])
                        for f in x.__dataclass_fields__})


def _heights(t: Territory, b: Blocks, lu: LandUse, cell: IntArray, a: FloatArray,
             bl: FloatArray, slab: npt.NDArray[np.bool_], typ: IntArray,
             rng: np.random.Generator) -> tuple[IntArray, FloatArray, IntArray, IntArray]:
    """Storeys, height (m), dwellings and use of each footprint."""
    n = len(cell)
    ty = typ[cell]
    kind = np.array([STOREY_FACTOR[k] for k in t.settlements.kind])
    sf = kind[b.settlement[cell]]
    area = a * bl
    storeys = np.ones(n, dtype=np.int64)
    roof = rng.uniform(1.5, 3.5, n)
    use = np.full(n, RES, dtype=np.int64)
    per_floor = np.ones(n, dtype=np.int64)
    res_floors = np.ones(n, dtype=np.float64)
    core = ty == CORE
    storeys[core] = np.maximum(2, np.round(rng.uniform(3.4, 5.6, int(core.sum())) * sf[core]))
    inner = ty == INNER
    storeys[inner] = np.maximum(2, np.round(rng.uniform(2.3, 3.8, int(inner.sum())) * sf[inner]))
    flat = core | inner
    shop = flat & (rng.random(n) < np.where(core, 0.65, 0.1))
    use[shop] = MIXED
    per_floor[flat] = np.maximum(1, np.round(area[flat] * 0.8 / np.where(core, 65.0, 75.0)[flat]))
    res_floors[flat] = storeys[flat] - shop[flat]
    roof[flat] = rng.uniform(0.5, 2.5, int(flat.sum()))
    pw = (ty == POSTWAR) & slab
    tower = pw & (bl > 17.5)
    gallery = pw & ~tower & (rng.random(n) < 0.3)
    portiek = pw & ~tower & ~gallery
    storeys[portiek] = rng.integers(3, 5, int(portiek.sum())) + 1
    storeys[gallery] = rng.integers(8, 11, int(gallery.sum()))
    storeys[tower] = rng.integers(12, 16, int(tower.sum()))
    storeys[pw] = np.maximum(2, np.round(storeys[pw] * np.maximum(sf[pw], 0.7)))
    per_floor[pw] = np.maximum(1, np.round(area[pw] * 0.78 / 72.0))
    res_floors[pw] = storeys[pw] - (gallery | tower)[pw]
    roof[pw] = rng.uniform(0.3, 1.2, int(pw.sum()))
    low = np.isin(ty, (SUBURB, VILLA, VILLAGE, RURAL)) | ((ty == POSTWAR) & ~slab)
    p3 = np.where(ty == SUBURB, 0.2, 0.05)
    storeys[low] = 2 + (rng.random(int(low.sum())) < p3[low])
    one = low & np.isin(ty, (VILLAGE, RURAL)) & (rng.random(n) < 0.3)
    storeys[one] = 1
    work = lu.use[cell] == WORKS
    storeys[work] = rng.integers(1, 3, int(work.sum()))
    roof[work] = rng.uniform(1.0, 4.0, int(work.sum()))
    use[work] = WORKUSE
    dwellings = np.where(flat | pw, per_floor * res_floors, 1).astype(np.int64)
    # many 19th-century parcels are single-family houses
    dwellings[inner & ~shop & (rng.random(n) < 0.4)] = 1
    dwellings[work] = 0
    height = storeys * STOREY_M + roof
    return storeys, height, np.maximum(dwellings, 0), use


def typology_density(b: Blocks, bld: Buildings) -> dict[str, float]:
    """Dwellings per hectare of block area per typology (a diagnostic for calibration)."""
    out: dict[str, float] = {}
    area = np.bincount(b.typology, weights=b.area_m2, minlength=len(TYPOLOGIES))
    dw = np.bincount(b.typology[bld.cell], weights=bld.dwellings, minlength=len(TYPOLOGIES))
    for i, ty in enumerate(TYPOLOGIES):
        out[ty.name] = float(dw[i] / max(area[i], 1.0) * 1e4)
    return out
