"""Land use per block, and the latent income and greenness scores of neighbourhoods.

Every block gets one land use: residential, work, agriculture, forest, nature, park, sports,
allotment, cemetery, verge, quay or construction. Parks of many sizes are grown as clusters of
neighbouring blocks around centres that are drawn with a probability rising with the block's
greenness score, so poor post-war neighbourhoods and dense cores get fewer and smaller parks;
sports parks, allotments and cemeteries take blocks towards the edge of each settlement. Forest
and nature lie in the countryside (where a smooth forest field is high, along the river, and in
woods at the edges of towns). Blocks that touch a barrier become verges, river parks or quays.

Latent scores (standard deviations, + is richer or greener) combine the typology's mean, smooth
fields and district and block noise; households, parks, trees and gardens all read them, which
makes income and green spatially clustered and correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from groengezond.synth.blocks import Blocks
from groengezond.synth.clustering import adjacency_pairs, components
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.territory import Territory
from groengezond.synth.typology import (
    CORE,
    INNER,
    POSTWAR,
    RURAL,
    SUBURB,
    TYPOLOGIES,
    VILLA,
    VILLAGE,
    WORK,
)

(RESIDENTIAL, WORKS, AGRICULTURE, FOREST, NATURE, PARK, SPORTS, ALLOTMENT, CEMETERY, VERGE,
 QUAY, CONSTRUCTION) = range(12)
LANDUSE_NAMES = ("residential", "work", "agriculture", "forest", "nature", "park", "sports",
                 "allotment", "cemetery", "verge", "quay", "construction")
GREEN_USES = (FOREST, NATURE, PARK, SPORTS, ALLOTMENT, CEMETERY, VERGE)
"""Land uses that become green spaces (green layer)."""
PUBLIC_USES = (FOREST, NATURE, PARK)
"""Green land uses open to the public without restriction."""


@dataclass(frozen=True)
class LandUse:
    """Land use and latent scores per block.

    Attributes
    ----------
    use : ndarray of int (n,)
        Land-use code per block (see :data:`LANDUSE_NAMES`).
    green_object : ndarray of int (n,)
        Green space a block belongs to (-1 for none); blocks of one object form one polygon.
    pocket : ndarray of bool (n,)
        Residential blocks of which a part becomes a small public park.
    income : ndarray of float (n,)
        Latent income score per block (standard deviations).
    greenness : ndarray of float (n,)
        Latent greenness score per block (standard deviations).
    """

    use: IntArray
    green_object: IntArray
    pocket: npt.NDArray[np.bool_]
    income: FloatArray
    greenness: FloatArray


def _latents(t: Territory, b: Blocks, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    x, y = b.seeds[:, 0], b.seeds[:, 1]
    base_inc = np.array([ty.income_base for ty in TYPOLOGIES])[b.typology]
    base_green = np.array([ty.green_base for ty in TYPOLOGIES])[b.typology]
    field_inc = t.grid.sample(t.income, x, y).astype(np.float64)
    field_green = t.grid.sample(t.green, x, y).astype(np.float64)
    district_noise = rng.normal(0.0, 1.0, int(t.district.max()) + 1)[b.district]
    income = (base_inc + 0.45 * field_inc + 0.30 * district_noise
              + rng.normal(0.0, 0.15, len(b)))
    greenness = (base_green + 0.45 * field_green + 0.35 * (income - base_inc)
                 + rng.normal(0.0, 0.2, len(b)))
    return income, greenness


def _grow(centre: int, target_m2: float, free: npt.NDArray[np.bool_], tree: cKDTree,
          cand: IntArray, area: FloatArray) -> IntArray:
    """Blocks nearest to ``centre`` (all free) until their area reaches ``target_m2``."""
    k = int(min(len(cand), max(4, 3 * target_m2 / max(area[centre], 1.0) + 4)))
    _, idx = tree.query(tree.data[np.searchsorted(cand, centre)], k=k)
    blocks = cand[np.atleast_1d(idx)]
    blocks = blocks[free[blocks]]
    if len(blocks) == 0 or blocks[0] != centre:
        return np.array([centre], dtype=np.int64) if free[centre] else blocks[:0]
    cum = np.cumsum(area[blocks])
    n = int(np.searchsorted(cum, target_m2)) + 1
    return np.asarray(blocks[:n], dtype=np.int64)


def assign_land_use(t: Territory, b: Blocks, rng: np.random.Generator) -> LandUse:
    """Give every block a land use.

    Parameters
    ----------
    t : Territory
        The planned region (fields).
    b : Blocks
        The blocks.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    LandUse
    """
    n = len(b)
    income, greenness = _latents(t, b, rng)
    use = np.full(n, RESIDENTIAL, dtype=np.int64)
    obj = np.full(n, -1, dtype=np.int64)
    typ = b.typology
    rural = typ == RURAL
    use[typ == WORK] = WORKS
    use[rural] = AGRICULTURE
    # countryside: forest where the forest field is high, more so far from the city
    x, y = b.seeds[:, 0], b.seeds[:, 1]
    forest_field = t.grid.sample(t.forest, x, y).astype(np.float64)
    far = np.hypot(x - t.settlements.x[0], y - t.settlements.y[0]) / (t.bounds[2] - t.bounds[0])
    score = forest_field + 1.2 * far + rng.normal(0.0, 0.35, n)
    cut = np.quantile(score[rural], 0.80) if rural.any() else np.inf
    use[rural & (score > cut)] = FOREST
    edge_wood = rural & (b.area_m2 < 0.2e6) & (forest_field > 0.2) & (rng.random(n) < 0.35)
    use[edge_wood] = FOREST
    # barriers: no homes along the motorway (verges and noise buffers); quays and river parks
    # along the river; homes may line the railway (buildings keep clear of every corridor)
    river, motorway = b.barrier[:, 2], b.barrier[:, 0]
    urban_res = use == RESIDENTIAL
    use[rural & river & (use == AGRICULTURE)] = NATURE
    dense = np.isin(typ, (CORE, INNER))
    draw = rng.random(n)
    use[urban_res & river & dense & (draw < 0.5)] = QUAY
    use[urban_res & river & (draw > 0.75 - 0.2 * np.tanh(greenness))] = PARK
    use[urban_res & motorway & (use == RESIDENTIAL)] = VERGE
    use[(typ == WORK) & motorway] = VERGE
    # clustered uses per settlement
    next_obj = 0
    pairs = adjacency_pairs(b.ridge_cells)
    for s in range(len(t.settlements)):
        cand = np.flatnonzero((b.settlement == s) & (use == RESIDENTIAL))
        if len(cand) < 3:
            continue
        next_obj = _clusters(t, b, s, cand, use, obj, greenness, next_obj, rng)
    # forest, nature and verge objects: connected pieces of equal use
    for u in (FOREST, NATURE, VERGE, PARK):
        mask = (use == u) & (obj < 0)
        comp = components(n, pairs, mask)
        obj[mask] = next_obj + comp[mask]
        next_obj = int(obj.max()) + 1
    pocket = (use == RESIDENTIAL) & np.isin(typ, (CORE, INNER, POSTWAR, SUBURB, VILLAGE))
    p_pocket = np.clip(0.05 * np.exp(0.9 * greenness), 0.0, 0.3)
    pocket &= rng.random(n) < p_pocket
    return LandUse(use=use, green_object=obj, pocket=pocket, income=income, greenness=greenness)


_Plan = tuple[int, int, npt.NDArray[np.floating] | npt.NDArray[np.bool_], float, float]
"""A clustered land use to place: (use, count, centre weights per block, min ha, max ha)."""


def _clusters(t: Territory, b: Blocks, s: int, cand: IntArray, use: IntArray, obj: IntArray,
              greenness: FloatArray, next_obj: int, rng: np.random.Generator) -> int:
    """Parks, sports parks, allotments, cemeteries and building sites of settlement ``s``."""
    area = b.area_m2
    total_km2 = float(area[cand].sum()) / 1e6
    tree = cKDTree(b.seeds[cand])
    free = np.zeros(len(b), dtype=bool)
    free[cand] = True
    ring = b.ring
    typ = b.typology
    outer = np.clip(ring / max(float(ring[cand].max()), 1e-9), 0, 1)
    plans: list[_Plan] = []
    green_w = np.exp(1.3 * greenness) * np.isin(typ, (INNER, POSTWAR, SUBURB, VILLA, VILLAGE))
    green_w = green_w + 0.15 * np.exp(1.3 * greenness) * (typ == CORE)
    n_big = rng.poisson(total_km2 / 5.0)
    if s == 0 and total_km2 > 8:
        plans.append((PARK, 1, green_w * (np.abs(outer - 0.55) < 0.2), 35.0, 50.0))
    plans += [
        (PARK, n_big, green_w, 5.0, 30.0),
        (PARK, rng.poisson(total_km2 / 0.7), green_w, 0.8, 5.0),
        (SPORTS, rng.poisson(total_km2 / 2.2 + 0.3),
         np.isin(typ, (POSTWAR, SUBURB, VILLAGE)) * outer**2, 3.0, 9.0),
        (ALLOTMENT, max(int(t.settlements.pop[s] > 8000), rng.poisson(total_km2 / 5.0)),
         np.isin(typ, (POSTWAR, SUBURB, INNER)) * (outer + 2.0 * b.barrier.any(axis=1)),
         1.0, 4.0),
        (CEMETERY, max(int(t.settlements.pop[s] > 3000), rng.poisson(total_km2 / 15.0)),
         np.isin(typ, (INNER, POSTWAR, VILLAGE, SUBURB)) * np.exp(-((outer - 0.5) / 0.25) ** 2),
         1.0, 5.0),
    ]
    if s == 0:
        lobe = np.cos(np.arctan2(b.seeds[:, 1] - t.settlements.y[0],
                                 b.seeds[:, 0] - t.settlements.x[0]) - t.lobe_angle)
        plans.append((CONSTRUCTION, rng.poisson(total_km2 / 25.0) + 1,
                      (typ == SUBURB) * np.clip(lobe, 0, 1) * outer**4, 2.0, 10.0))
    for u, count, weights, lo, hi in plans:
        for _ in range(int(count)):
            w = weights[cand] * free[cand]
            if w.sum() <= 0:
                break
            centre = int(cand[rng.choice(len(cand), p=w / w.sum())])
            target = float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) * 1e4
            blocks = _grow(centre, target, free, tree, cand, area)
            if len(blocks) == 0:
                continue
            use[blocks] = u
            obj[blocks] = next_obj
            free[blocks] = False
            next_obj += 1
    return next_obj
