"""Areas: gemeenten, wijken and buurten as unions of blocks, with CBS-shaped codes.

Blocks are grouped bottom-up so that areas tile each other exactly (a child is the union of
its blocks, a parent the union of its children):

1. gemeente: the gemeente of the settlement that owns the block (the countryside is shared out
   between the settlements by distance to their edges); detached pieces join a neighbour;
2. wijk: within a gemeente, the blocks of each settlement are split along the barriers into
   compartments (small ones are merged into a neighbour) and each compartment into wijken of
   about 12,000 (city) or 6,000 (towns) residents; the countryside of a gemeente is one wijk
   "Buitengebied";
3. buurt: each wijk is split into buurten of about 1,500 residents (the countryside into
   buurten of about 12 km²), with a power diagram that balances the residents
   (:func:`~groengezond.synth.clustering.balanced_clusters`), then repaired to be contiguous.

Codes have the shape CBS uses, in a range no real gemeente has: gemeente ``GM9001``..., wijk
``WK`` + 4-digit gemeente number + 2 digits, buurt ``BU`` + the wijk's 6 digits + 2 digits; the
region is ``NL9000``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.clustering import (
    adjacency_pairs,
    balanced_clusters,
    components,
    make_contiguous,
)
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.geometry import side_of
from groengezond.synth.names import NameMaker
from groengezond.synth.territory import Territory
from groengezond.synth.typology import RURAL, TYPOLOGY_NAMES

REGION_CODE = "NL9000"
"""Code of the region-level area."""
BUURT_TARGET = 1_500
"""Residents per buurt aimed at."""
RURAL_BUURT_KM2 = 12.0
"""Area per countryside buurt aimed at (km²)."""
WIJK_TARGET = {"city": (8.0, 2_500, 12_000), "town": (4.0, 2_000, 6_000),
               "small_town": (3.0, 2_000, 5_000), "village": (2.0, 2_000, 5_000)}
"""Per settlement kind: (wijken aimed at, min and max residents per wijk)."""
MIN_COMPARTMENT = 900
"""Residents below which a compartment between barriers joins its neighbour."""


@dataclass(frozen=True)
class Areas:
    """The area hierarchy.

    Attributes
    ----------
    block_buurt : ndarray of int (n_blocks,)
        Row in the tables below of the buurt each block belongs to.
    code, name, level, parent : list of str (None for the region's parent)
        One entry per area: buurten first, then wijken, gemeenten and the region.
    geometry : ndarray of shapely geometry
        Area polygons.
    typology : list of str
        Typology of most residents of the area (buurten and wijken); "" otherwise.
    """

    block_buurt: IntArray
    code: list[str]
    name: list[str]
    level: list[str]
    parent: list[str | None]
    geometry: npt.NDArray[np.object_]
    typology: list[str]
    inhabitants: IntArray


def _crossing_pairs(b: Blocks, pairs: IntArray, barriers: list[Barrier]) -> npt.NDArray[np.bool_]:
    """Which adjacent block pairs lie on opposite sides of a barrier they both touch."""
    cut = np.zeros(len(pairs), dtype=bool)
    for k, bar in enumerate(barriers):
        touch = b.barrier[:, k]
        both = touch[pairs[:, 0]] & touch[pairs[:, 1]]
        if not both.any():
            continue
        cells = np.unique(pairs[both].ravel())
        side = np.zeros(len(b))
        side[cells] = side_of(bar.line, b.seeds[cells])
        cut |= both & (side[pairs[:, 0]] != side[pairs[:, 1]])
    return cut


def _merge_small(label: IntArray, pairs: IntArray, weight: FloatArray, small: float,
                 group: IntArray, rounds: int = 6) -> IntArray:
    """Labels whose total weight is below ``small`` take a neighbouring label of their group."""
    label = label.copy()
    for _ in range(rounds):
        total = np.bincount(label, weights=weight)
        tiny = total[label] < small
        if not tiny.any():
            break
        a, c = pairs[:, 0], pairs[:, 1]
        moved = False
        for x, y in ((a, c), (c, a)):
            ok = tiny[x] & ~tiny[y] & (group[x] == group[y])
            if ok.any():
                src = np.unique(label[x[ok]])
                dest = np.zeros(int(label.max()) + 1, dtype=np.int64) - 1
                dest[label[x[ok]]] = label[y[ok]]
                remap = np.arange(int(label.max()) + 1)
                remap[src] = dest[src]
                label = remap[label]
                tiny = np.bincount(label, weights=weight, minlength=len(total))[label] < small
                moved = True
        if not moved:
            break
    return label


def make_areas(t: Territory, b: Blocks, barriers: list[Barrier], block_pop: FloatArray,
               rng: np.random.Generator) -> Areas:
    """Group blocks into buurten, wijken and gemeenten.

    Parameters
    ----------
    t : Territory
        The planned region.
    b : Blocks
        The blocks.
    barriers : list of Barrier
        Barriers (wijken do not straddle them unless one side is tiny).
    block_pop : ndarray (n_blocks,)
        Residents per block (persons).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Areas
    """
    n = len(b)
    pairs = adjacency_pairs(b.ridge_cells)
    st = t.settlements
    hectares = b.area_m2 / 1e4
    gem = make_contiguous(st.gemeente[b.settlement], pairs, block_pop + 0.01 * hectares)
    rural = b.typology == RURAL
    # settlement key: the settlement for urban blocks, a per-gemeente countryside key otherwise
    skey = np.where(rural, len(st) + gem, b.settlement)
    cut = _crossing_pairs(b, pairs, barriers)
    same = ~cut & (skey[pairs[:, 0]] == skey[pairs[:, 1]]) & (gem[pairs[:, 0]] == gem[pairs[:, 1]])
    comp = components(n, pairs[same], np.ones(n, dtype=bool))
    comp = np.where(rural, -1 - gem, comp)
    _, comp = np.unique(comp, return_inverse=True)
    comp = _merge_small(comp, pairs, np.where(rural, 0.0, block_pop) + 1e-3 * ~rural,
                        MIN_COMPARTMENT, np.where(rural, -1 - gem, gem))
    wijk = np.zeros(n, dtype=np.int64)
    next_label = 0
    for c in np.unique(comp):
        idx = np.flatnonzero(comp == c)
        pop = float(block_pop[idx].sum())
        if rural[idx[0]]:
            k = 1
        else:
            s = int(np.bincount(b.settlement[idx], weights=block_pop[idx] + 1e-6).argmax())
            share, low, high = WIJK_TARGET[st.kind[s]]
            target = float(np.clip(st.pop[s] / share, low, high))
            k = max(1, round(pop / target))
        lab = balanced_clusters(b.seeds[idx], block_pop[idx] + 0.05 * hectares[idx], k, rng)
        wijk[idx] = next_label + lab
        next_label += int(lab.max()) + 1
    wijk = make_contiguous(wijk, pairs, block_pop + 0.01 * hectares, group=gem)
    _, wijk = np.unique(wijk, return_inverse=True)
    buurt = np.zeros(n, dtype=np.int64)
    next_label = 0
    for w in range(int(wijk.max()) + 1):
        idx = np.flatnonzero(wijk == w)
        if len(idx) == 0:
            continue
        pop = float(block_pop[idx].sum())
        if rural[idx].mean() > 0.5:
            k = max(1, round(float(b.area_m2[idx].sum()) / 1e6 / RURAL_BUURT_KM2))
            weight = hectares[idx]
        else:
            k = max(1, round(pop / BUURT_TARGET))
            weight = block_pop[idx] + 0.05 * hectares[idx]
        lab = balanced_clusters(b.seeds[idx], weight, min(k, 99), rng)
        buurt[idx] = next_label + lab
        next_label += int(lab.max()) + 1
    buurt = make_contiguous(buurt, pairs, block_pop + 0.01 * hectares, group=wijk)
    _, buurt = np.unique(buurt, return_inverse=True)
    return _tables(t, b, gem, wijk, buurt, block_pop, rng)


def _union(polys: npt.NDArray[np.object_], label: IntArray,
           k: int) -> npt.NDArray[np.object_]:
    """Union of ``polys`` per label 0..k-1."""
    order = np.argsort(label, kind="stable")
    starts = np.searchsorted(label[order], np.arange(k + 1))
    out = np.empty(k, dtype=object)
    for i in range(k):
        part = polys[order[starts[i]:starts[i + 1]]]
        out[i] = part[0] if len(part) == 1 else shapely.coverage_union_all(part)
    return out


def _tables(t: Territory, b: Blocks, gem: IntArray, wijk: IntArray, buurt: IntArray,
            block_pop: FloatArray, rng: np.random.Generator) -> Areas:
    """Codes, names, parents, polygons and inhabitants of every area."""
    st = t.settlements
    n_b, n_w = int(buurt.max()) + 1, int(wijk.max()) + 1
    buurt_wijk = np.zeros(n_b, dtype=np.int64)
    buurt_wijk[buurt] = wijk
    wijk_gem = np.zeros(n_w, dtype=np.int64)
    wijk_gem[wijk] = gem
    gem_ids = np.unique(gem)
    pop_b = np.bincount(buurt, weights=block_pop, minlength=n_b)
    pop_w = np.bincount(wijk, weights=block_pop, minlength=n_w)
    cx = np.bincount(buurt, weights=b.seeds[:, 0] * (block_pop + 1e-3), minlength=n_b)
    cy = np.bincount(buurt, weights=b.seeds[:, 1] * (block_pop + 1e-3), minlength=n_b)
    wb = np.bincount(buurt, weights=block_pop + 1e-3, minlength=n_b)
    bx, by = cx / wb, cy / wb
    wx = np.bincount(buurt_wijk, weights=bx * (pop_b + 1e-3), minlength=n_w) / np.bincount(
        buurt_wijk, weights=pop_b + 1e-3, minlength=n_w)
    wy = np.bincount(buurt_wijk, weights=by * (pop_b + 1e-3), minlength=n_w) / np.bincount(
        buurt_wijk, weights=pop_b + 1e-3, minlength=n_w)
    typ_pop = np.zeros((n_b, len(TYPOLOGY_NAMES)))
    np.add.at(typ_pop, (buurt, b.typology.astype(np.int64)), block_pop + 1e-3 * b.area_m2 / 1e4)
    typ_b = typ_pop.argmax(axis=1)
    typ_w_pop = np.zeros((n_w, len(TYPOLOGY_NAMES)))
    np.add.at(typ_w_pop, buurt_wijk, typ_pop)
    typ_w = typ_w_pop.argmax(axis=1)
    place_names = NameMaker(rng)
    gem_code: dict[int, str] = {}
    gem_name: dict[int, str] = {}
    main_of: dict[int, int] = {}
    for s in range(len(st)):
        main_of.setdefault(int(st.gemeente[s]), s)
    settlement_name = [place_names.city() if s == 0 else place_names.place()
                       for s in range(len(st))]
    for rank, g in enumerate(gem_ids):
        gem_code[int(g)] = f"GM{9001 + rank:04d}"
        gem_name[int(g)] = settlement_name[main_of[int(g)]]
    wijk_code = np.empty(n_w, dtype=object)
    wijk_name = np.empty(n_w, dtype=object)
    buurt_code = np.empty(n_b, dtype=object)
    buurt_name = np.empty(n_b, dtype=object)
    wijk_settlement = np.zeros(n_w, dtype=np.int64)
    blk_w_settle = np.zeros((n_w, len(st)))
    np.add.at(blk_w_settle, (wijk, b.settlement), block_pop + 1e-6)
    wijk_settlement = blk_w_settle.argmax(axis=1)
    for g in gem_ids:
        maker = NameMaker(rng)
        main = main_of[int(g)]
        ws = np.flatnonzero(wijk_gem == g)
        dist = np.hypot(wx[ws] - st.x[main], wy[ws] - st.y[main])
        rural_w = typ_w[ws] == RURAL
        ws = ws[np.lexsort((dist, rural_w))]
        central_done = False
        for j, w in enumerate(ws[:99]):
            stem = f"{gem_code[int(g)][2:]}{j + 1:02d}"
            wijk_code[w] = f"WK{stem}"
            s = int(wijk_settlement[w])
            if typ_w[w] == RURAL:
                wijk_name[w] = maker.plain(f"Buitengebied {gem_name[int(g)]}")
            elif s != main:
                wijk_name[w] = maker.plain(settlement_name[s])
            else:
                angle = float(np.arctan2(wy[w] - st.y[s], wx[w] - st.x[s]))
                wijk_name[w] = maker.wijk(angle, central=not central_done)
                central_done = True
            bs = np.flatnonzero(buurt_wijk == w)
            bs = bs[np.lexsort((bx[bs], -by[bs]))]
            for i, bu in enumerate(bs[:99]):
                buurt_code[bu] = f"BU{stem}{i + 1:02d}"
                if typ_b[bu] == RURAL:
                    buurt_name[bu] = maker.plain(f"Verspreide huizen {wijk_name[w]}")
                else:
                    buurt_name[bu] = maker.buurt()
    if any(c is None for c in buurt_code) or any(c is None for c in wijk_code):
        raise ValueError("more than 99 wijken in a gemeente or buurten in a wijk")
    geo_b = _union(b.polygons, buurt, n_b)
    geo_w = _union(geo_b, buurt_wijk, n_w)
    gem_index = np.searchsorted(gem_ids, wijk_gem)
    geo_g = _union(geo_w, gem_index, len(gem_ids))
    region = shapely.coverage_union_all(geo_g)
    region_name = f"Synthetische regio {gem_name[0]}"
    code: list[str] = [*buurt_code, *wijk_code, *(gem_code[int(g)] for g in gem_ids), REGION_CODE]
    name = [*buurt_name, *wijk_name, *(gem_name[int(g)] for g in gem_ids), region_name]
    level = ["buurt"] * n_b + ["wijk"] * n_w + ["gemeente"] * len(gem_ids) + ["region"]
    parent: list[str | None] = [*wijk_code[buurt_wijk], *(gem_code[int(g)] for g in wijk_gem),
                                *([REGION_CODE] * len(gem_ids)), None]
    typology = ([TYPOLOGY_NAMES[i] for i in typ_b] + [TYPOLOGY_NAMES[i] for i in typ_w]
                + [""] * (len(gem_ids) + 1))
    pop_g = np.bincount(gem_index, weights=pop_w, minlength=len(gem_ids))
    inhabitants = np.round(np.concatenate([pop_b, pop_w, pop_g, [pop_g.sum()]])).astype(np.int64)
    geometry = np.concatenate([geo_b, geo_w, geo_g, np.array([region], dtype=object)])
    return Areas(block_buurt=buurt, code=[str(c) for c in code], name=[str(x) for x in name],
                 level=level, parent=[None if p is None else str(p) for p in parent],
                 geometry=geometry, typology=typology, inhabitants=inhabitants)
