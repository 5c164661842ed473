"""Trees: street trees along the streets and trees in parks and cemeteries.

A street side is lined with trees with a probability that rises with the neighbourhood's
greenness score (logistic in the score, lower in the historic core and along rural roads), so
that tree density differs strongly between neighbourhoods. Lined sides get a tree every 8-14 m
on the pavement, 1.5 m inside the street space. Parks and cemeteries get 20-90 trees per
hectare. Crown diameters are log-normal around 5-9 m (greener, richer neighbourhoods have older,
larger trees), clipped to 3-15 m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.buildings import Buildings
from groengezond.synth.fields import FloatArray
from groengezond.synth.geometry import hits
from groengezond.synth.green import Green
from groengezond.synth.landuse import LandUse
from groengezond.synth.streets import Network
from groengezond.synth.typology import CORE, RURAL

END_CLEARANCE_M = 7.0
"""No street tree within this distance (m) of an intersection."""


@dataclass(frozen=True)
class Trees:
    """Tree points with crown diameter (m) and kind (``street`` or ``park``)."""

    xy: FloatArray
    crown_m: FloatArray
    kind: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return len(self.xy)


def _street_trees(b: Blocks, lu: LandUse, net: Network,
                  rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    hw = b.street_half_width_m
    sel = np.flatnonzero(np.isin(net.kind, ("street", "road")))
    sides_e = np.repeat(sel, 2)
    sides_c = net.cells[sel].ravel()
    ok = sides_c >= 0
    sides_e, sides_c = sides_e[ok], sides_c[ok]
    g = lu.greenness[sides_c]
    typ = b.typology[sides_c]
    p = 1.0 / (1.0 + np.exp(-(1.3 * g - 0.1)))
    p = np.where(typ == CORE, 0.35 * p, np.where(typ == RURAL, 0.18 * p, p))
    lined = rng.random(len(p)) < p
    sides_e, sides_c, g = sides_e[lined], sides_c[lined], g[lined]
    a, c = net.xy[net.u[sides_e]], net.xy[net.v[sides_e]]
    seg = c - a
    length = np.hypot(seg[:, 0], seg[:, 1])
    d = seg / np.maximum(length, 1e-9)[:, None]
    nrm = np.column_stack([-d[:, 1], d[:, 0]])
    side = np.sign(((b.seeds[sides_c] - a) * nrm).sum(axis=1))
    offset = np.maximum(hw[sides_c] - 1.5, 1.5) * side
    spacing = rng.uniform(8.0, 14.0, len(sides_e))
    usable = length - 2 * END_CLEARANCE_M
    count = np.where(usable > 0, np.floor(usable / spacing) + 1, 0).astype(np.int64)
    idx = np.repeat(np.arange(len(sides_e)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    start = END_CLEARANCE_M + (usable - (count - 1) * spacing) / 2
    t = start[idx] + k * spacing[idx]
    xy = a[idx] + d[idx] * t[:, None] + nrm[idx] * offset[idx][:, None]
    median = np.clip(6.5 + 1.5 * g, 4.0, 10.0)
    crown = median[idx] * np.exp(rng.normal(0.0, 0.3, len(idx)))
    return xy, crown


def _park_trees(green: Green, lu: LandUse,
                rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    sel = np.flatnonzero(np.isin(green.kind, ("park", "cemetery")))
    geoms = green.geometry[sel]
    area_ha = shapely.area(geoms) / 1e4
    density = rng.uniform(20.0, 90.0, len(sel))
    count = rng.poisson(area_ha * density)
    tries = 3 * count + 4
    idx = np.repeat(np.arange(len(sel)), tries)
    bounds = shapely.bounds(geoms)
    x = rng.uniform(bounds[idx, 0], bounds[idx, 2])
    y = rng.uniform(bounds[idx, 1], bounds[idx, 3])
    shapely.prepare(geoms)
    inside = shapely.contains_xy(geoms[idx], x, y)
    rank = np.cumsum(inside) - 1
    first_of = np.repeat(np.cumsum(tries) - tries, tries)
    before = np.concatenate([[0], np.cumsum(inside)])[first_of]
    keep = inside & (rank - before < count[idx])
    g = lu.greenness[green.cell[sel]][idx[keep]]
    crown = np.clip(7.0 + 1.0 * g, 5.0, 11.0) * np.exp(rng.normal(0.0, 0.3, int(keep.sum())))
    return np.column_stack([x[keep], y[keep]]), crown


def make_trees(b: Blocks, lu: LandUse, net: Network, green: Green, bld: Buildings,
               barriers: list[Barrier], rng: np.random.Generator) -> Trees:
    """Place street trees and park trees.

    Parameters
    ----------
    b : Blocks
        The blocks (typology, street half width).
    lu : LandUse
        Greenness per block.
    net : Network
        The walking network (street trees line its streets).
    green : Green
        Green spaces (park and cemetery trees).
    bld : Buildings
        No tree stands inside a building.
    barriers : list of Barrier
        No tree stands in a barrier corridor.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Trees
    """
    sxy, scrown = _street_trees(b, lu, net, rng)
    pxy, pcrown = _park_trees(green, lu, rng)
    xy = np.vstack([sxy, pxy])
    crown = np.clip(np.concatenate([scrown, pcrown]), 3.0, 15.0)
    kind = np.concatenate([np.full(len(sxy), "street"), np.full(len(pxy), "park")])
    pts = shapely.points(xy)
    keep = np.ones(len(xy), dtype=bool)
    polys = bld.polygons()
    tree = shapely.STRtree(pts)
    _, inside = tree.query(polys, predicate="contains")
    keep[inside] = False
    for bar in barriers:
        keep &= ~hits(pts, bar.corridor, 1.0)
    return Trees(np.round(xy[keep], 2), np.round(crown[keep], 1), kind[keep])
