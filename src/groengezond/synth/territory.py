"""The territory: the region's extent, its settlements and the planning grid of typologies.

One large city holds about 60% of the inhabitants; the rest live in towns and villages grouped
into gemeenten, and a few in the countryside. Every settlement is an irregular blob: the
distance from its centre is warped by a few angular harmonics and by smooth noise, and its
zones are filled as rings in that warped distance, from the historic core outwards, until each
typology holds its share of the settlement's residents at the typology's gross density
(:data:`~groengezond.synth.typology.TYPOLOGIES`). The city has a lobe of new suburbs on one side
(beyond the motorway, see :mod:`~groengezond.synth.barriers`), and business parks ("work") and
villa quarters take angular sectors of the outer ring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from groengezond.synth.fields import FloatArray, Grid, IntArray, smooth_field
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

CENTRE_RD = (136_000.0, 456_000.0)
"""Centre of the region (RD New, m): the synthetic city sits where the real region's maps open."""

REGION_DENSITY_KM2 = 750.0
"""Overall density of the region (residents per km²), about that of the province of Utrecht."""

GRID_CELL_M = 100.0
"""Cell size of the planning grid (m)."""

RURAL_DENSITY_KM2 = 16.0
"""Expected residents per km² of countryside (farms and ribbon houses), for the budget."""

CITY_SHARE = 0.6
"""Share of the inhabitants living in the city."""

CITY_PLAN_FACTOR = 1.2
"""The city is planned this much larger: barriers, quays, verges, parks and business parks
take a larger share of its blocks than of the towns' (calibrated on generated regions)."""

PLAN_FACTOR = 0.92
"""All settlements are planned this much smaller, so that the dwellings built hold the
inhabitants at a mean household size of about 2.1 (calibrated on generated regions)."""

# Composition per settlement kind: rings from the centre outwards; each ring is a list of
# (typology, share of residents); the first typology of an outer ring is its default and the
# others take angular sectors. ``work`` is a share of the residential area, not of residents.
COMPOSITION: dict[str, tuple[tuple[tuple[int, float], ...], ...]] = {
    "city": (((CORE, 0.07),), ((INNER, 0.16),), ((POSTWAR, 0.37),),
             ((SUBURB, 0.35), (VILLA, 0.05))),
    "town": (((CORE, 0.07),), ((POSTWAR, 0.20),), ((SUBURB, 0.61), (VILLA, 0.12))),
    "small_town": (((CORE, 0.06),), ((SUBURB, 0.50), (VILLAGE, 0.32), (VILLA, 0.12))),
    "village": (((VILLAGE, 0.88), (VILLA, 0.12)),),
}
WORK_SHARE = {"city": 0.09, "town": 0.10, "small_town": 0.06, "village": 0.0}
STOREY_FACTOR = {"city": 1.0, "town": 0.75, "small_town": 0.6, "village": 0.5}


@dataclass(frozen=True)
class Settlements:
    """The settlements of the region (arrays of one entry per settlement; 0 is the city).

    Attributes
    ----------
    x, y : ndarray of float
        Centre (m, RD New).
    pop : ndarray of int
        Planned residents (persons).
    radius_m : ndarray of float
        Radius of the settlement's unwarped disk (m).
    kind : tuple of str
        ``city``, ``town``, ``small_town`` or ``village``.
    gemeente : ndarray of int
        Index of the gemeente the settlement belongs to (0 = the city's).
    work_angle, villa_angle : ndarray of float
        Direction (rad) of the business park and villa sectors.
    """

    x: FloatArray
    y: FloatArray
    pop: IntArray
    radius_m: FloatArray
    kind: tuple[str, ...]
    gemeente: IntArray
    work_angle: FloatArray
    villa_angle: FloatArray
    warp_amp: FloatArray
    warp_phase: FloatArray

    def __len__(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class Territory:
    """The planned region.

    Attributes
    ----------
    bounds : tuple of float
        (minx, miny, maxx, maxy) of the rectangle the region is planned in (m).
    grid : Grid
        The 100 m planning grid.
    settlements : Settlements
        Settlements with their centres and sizes.
    n_gemeenten : int
        Number of gemeenten (the city's is 0).
    owner : ndarray of int, shape grid.shape
        Settlement that owns each grid cell (its gemeente owns the cell).
    typology : ndarray of uint8, shape grid.shape
        Typology code per cell (see :mod:`~groengezond.synth.typology`).
    ring : ndarray of float, shape grid.shape
        Warped distance to the owner's centre (1 is about the settlement's edge).
    district : ndarray of int, shape grid.shape
        District id: patches of about 1.2 km² that share a street orientation.
    income, green, forest : ndarray of float, shape grid.shape
        Smooth standard-normal fields: income (1.5 km), greenness (1.2 km), forest (2.5 km).
    lobe_angle : float
        Direction (rad) of the city's lobe of new suburbs.
    lobe_ring : float
        Warped distance of the city's post-war edge, where the motorway passes (dimensionless).
    """

    bounds: tuple[float, float, float, float]
    grid: Grid
    settlements: Settlements
    n_gemeenten: int
    owner: IntArray
    typology: npt.NDArray[np.uint8]
    ring: FloatArray
    district: IntArray
    income: FloatArray
    green: FloatArray
    forest: FloatArray
    lobe_angle: float
    lobe_ring: float


def _zone_area_km2(kind: str, pop: float) -> tuple[float, float]:
    """Residential area (km²) of a settlement and its share inside the post-war ring."""
    rings = COMPOSITION[kind]
    areas = [sum(share * pop / TYPOLOGIES[t].density_km2 for t, share in ring) for ring in rings]
    total = sum(areas) * (1.0 + WORK_SHARE[kind])
    inner = sum(areas[:-1]) / total if len(areas) > 1 else 0.0
    return total, inner


def _kind(pop: float) -> str:
    if pop >= 15_000:
        return "town"
    if pop >= 4_000:
        return "small_town"
    return "village"


def _plan_pops(inhabitants: int, area_km2: float,
               rng: np.random.Generator) -> list[tuple[int, str, int]]:
    """(planned residents, kind, gemeente) per settlement; the city first."""
    rural = RURAL_DENSITY_KM2 * area_km2 * 0.8
    city = CITY_SHARE * inhabitants
    rest = max(inhabitants - city - rural, 0.1 * inhabitants)
    n_gem = int(np.clip(round(np.sqrt(0.4 * inhabitants) / 40.0), 2, 40))
    weights = (np.arange(1, n_gem + 1) ** -0.9) * rng.lognormal(0.0, 0.25, n_gem)
    gem_pops = PLAN_FACTOR * rest * np.sort(weights)[::-1] / weights.sum()
    out: list[tuple[int, str, int]] = [(round(city * CITY_PLAN_FACTOR * PLAN_FACTOR), "city", 0)]
    villages: list[tuple[int, str, int]] = []
    for g, pop in enumerate(gem_pops, start=1):
        n_vil = 0 if pop < 9_000 else int(rng.integers(1, 2 + min(2, int(pop // 14_000))))
        main_share = rng.uniform(0.72, 0.85) if n_vil else 1.0
        vil = rng.dirichlet(np.full(n_vil, 3.0)) * (1.0 - main_share) * pop if n_vil else []
        kept = [v for v in vil if v >= 900]
        main = pop - sum(kept)
        out.append((round(main), _kind(main), g))
        villages += [(round(v), _kind(v), g) for v in kept]
    return out + villages


def _place(pops: list[tuple[int, str, int]], bounds: tuple[float, float, float, float],
           radii: FloatArray, lobe: float, rng: np.random.Generator) -> FloatArray:
    """Centres (n, 2) by best-candidate sampling: far from each other and from the edges."""
    minx, miny, maxx, maxy = bounds
    gap = 1200.0 * float(np.clip(np.sqrt(pops[0][0] / 0.6 / 1.5e6), 0.35, 1.0))
    xy = np.zeros((len(pops), 2))
    xy[0] = ((minx + maxx) / 2, (miny + maxy) / 2) + rng.normal(0, 0.02, 2) * (maxx - minx)
    main_of: dict[int, int] = {}
    for i, (_, _, g) in enumerate(pops):
        main_of.setdefault(g, i)
    # the city's effective reach, larger towards its lobe
    for i in range(1, len(pops)):
        cand = np.column_stack([rng.uniform(minx, maxx, 96), rng.uniform(miny, maxy, 96)])
        edge = np.minimum.reduce([cand[:, 0] - minx, maxx - cand[:, 0], cand[:, 1] - miny,
                                  maxy - cand[:, 1]]) - radii[i] - 0.3 * gap
        d = np.hypot(cand[:, None, 0] - xy[None, :i, 0], cand[:, None, 1] - xy[None, :i, 1])
        reach = radii[:i].copy()
        ang = np.arctan2(cand[:, 1] - xy[0, 1], cand[:, 0] - xy[0, 0])
        toward_lobe = np.cos(ang - lobe)
        clear = d - reach[None, :] - radii[i] - gap
        clear[:, 0] -= radii[0] * (0.35 + 0.55 * np.clip(toward_lobe, 0, 1)) + gap
        score = np.minimum(clear.min(axis=1), 2.0 * edge)
        g = pops[i][2]
        if main_of[g] < i:
            m = main_of[g]
            far = d[:, m] - radii[m] - radii[i] - 2.5 * gap
            score = score - 0.7 * np.clip(far, 0, None)
        xy[i] = cand[int(np.argmax(score))]
    return xy


def plan_territory(inhabitants: int, rng: np.random.Generator) -> Territory:
    """Plan the region for ``inhabitants`` residents.

    Parameters
    ----------
    inhabitants : int
        Residents of the region (persons).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Territory
    """
    area_km2 = inhabitants / REGION_DENSITY_KM2
    width = float(np.sqrt(area_km2 * 1.25) * 1000.0)
    height = width / 1.25
    cx, cy = CENTRE_RD
    bounds = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    grid = Grid(bounds[0], bounds[1], GRID_CELL_M, int(np.ceil(height / GRID_CELL_M)),
                int(np.ceil(width / GRID_CELL_M)))
    pops = _plan_pops(inhabitants, area_km2, rng)
    n = len(pops)
    kinds = tuple(k for _, k, _ in pops)
    warp_amp = rng.uniform(0.04, 0.16, (n, 3))
    warp_phase = rng.uniform(0, 2 * np.pi, (n, 3))
    mean_sq = 1.0 + 0.5 * (warp_amp**2).sum(axis=1)
    zone = [_zone_area_km2(k, p) for p, k, _ in pops]
    radii = np.sqrt(np.array([a for a, _ in zone]) * 1e6 / (np.pi * mean_sq))
    lobe = float(rng.uniform(0, 2 * np.pi))
    lobe_ring = float(np.sqrt(zone[0][1]))
    # the lobe adds area beyond the post-war ring; shrink the city's radius to compensate
    radii[0] *= 0.88
    xy = _place(pops, bounds, radii, lobe, rng)
    work_angle = rng.uniform(0, 2 * np.pi, n)
    work_angle[0] = lobe + rng.choice([-1.0, 1.0]) * 0.55
    villa_angle = work_angle + np.pi + rng.uniform(-0.8, 0.8, n)
    settlements = Settlements(
        x=xy[:, 0], y=xy[:, 1], pop=np.array([p for p, _, _ in pops], dtype=np.int64),
        radius_m=radii, kind=kinds, gemeente=np.array([g for _, _, g in pops], dtype=np.int64),
        work_angle=work_angle, villa_angle=villa_angle, warp_amp=warp_amp, warp_phase=warp_phase,
    )
    edge_noise = smooth_field(rng, grid.shape, 7.0)
    owner, ring, angle = _ownership(grid, settlements, edge_noise, lobe, lobe_ring)
    typology = _fill_zones(grid, settlements, owner, ring, angle, lobe, lobe_ring)
    district = _districts(grid, area_km2, rng)
    return Territory(
        bounds=bounds, grid=grid, settlements=settlements,
        n_gemeenten=int(settlements.gemeente.max()) + 1, owner=owner, typology=typology,
        ring=ring, district=district, income=smooth_field(rng, grid.shape, 15.0),
        green=smooth_field(rng, grid.shape, 12.0), forest=smooth_field(rng, grid.shape, 25.0),
        lobe_angle=lobe, lobe_ring=lobe_ring,
    )


def _angdiff(a: FloatArray, b: float | FloatArray) -> FloatArray:
    return np.asarray(np.abs((a - b + np.pi) % (2 * np.pi) - np.pi), dtype=np.float64)


def _ownership(grid: Grid, st: Settlements, noise: FloatArray, lobe: float,
               lobe_ring: float) -> tuple[IntArray, FloatArray, FloatArray]:
    """Owner settlement, warped ring distance and angle per grid cell."""
    gx, gy = grid.centres()
    best = np.full(grid.shape, np.inf)
    owner = np.zeros(grid.shape, dtype=np.int64)
    ring = np.zeros(grid.shape)
    angle = np.zeros(grid.shape)
    wobble = np.exp(0.07 * noise)
    for s in range(len(st)):
        dx, dy = gx - st.x[s], gy - st.y[s]
        r = np.hypot(dx, dy)
        th = np.arctan2(dy, dx)
        f = 1.0 + sum(st.warp_amp[s, k] * np.cos((k + 1) * th - st.warp_phase[s, k])
                      for k in range(3))
        d = r / (st.radius_m[s] * f) * wobble
        if s == 0:
            stretch = 1.0 + 0.75 * np.exp(-0.5 * (_angdiff(th, lobe) / 0.45) ** 2)
            d = np.where(d > lobe_ring, lobe_ring + (d - lobe_ring) / stretch, d)
        # additively weighted: distance beyond the settlement's (warped) edge
        metric = (d - 1.0) * st.radius_m[s]
        better = metric < best
        best = np.where(better, metric, best)
        owner[better] = s
        ring[better] = d[better]
        angle[better] = th[better]
    return owner, ring, angle


def _fill_zones(grid: Grid, st: Settlements, owner: IntArray, ring: FloatArray,
                angle: FloatArray, lobe: float, lobe_ring: float) -> npt.NDArray[np.uint8]:
    """Typology per cell: each settlement's rings filled outwards until their quotas are met."""
    typ = np.full(grid.shape, RURAL, dtype=np.uint8)
    cell_km2 = (grid.cell_m / 1000.0) ** 2
    flat_owner, flat_ring, flat_angle = owner.ravel(), ring.ravel(), angle.ravel()
    flat = typ.ravel()
    for s in range(len(st)):
        kind = st.kind[s]
        cells = np.flatnonzero(flat_owner == s)
        cells = cells[np.argsort(flat_ring[cells], kind="stable")]
        pos = 0
        rings = COMPOSITION[kind]
        for r, members in enumerate(rings):
            quotas = [(t, share * st.pop[s] / TYPOLOGIES[t].density_km2 / cell_km2)
                      for t, share in members]
            if r == len(rings) - 1:
                res = sum(q for _, q in quotas)
                quotas.append((WORK, WORK_SHARE[kind] * res))
            total = int(np.round(sum(q for _, q in quotas)))
            take = cells[pos:pos + total]
            pos += total
            if len(members) == 1 and r < len(rings) - 1:
                flat[take] = members[0][0]
                continue
            flat[take] = members[0][0]
            free = np.ones(len(take), dtype=bool)
            for t, q in quotas[1:]:
                direction = st.villa_angle[s] if t != WORK else st.work_angle[s]
                if t == VILLAGE:
                    direction = st.villa_angle[s] + np.pi
                if s == 0 and t == WORK:
                    # business parks along the motorway: just outside the post-war edge
                    score = (_angdiff(flat_angle[take], direction)
                             + 2.5 * np.abs(flat_ring[take] - lobe_ring * 1.08))
                else:
                    # a crescent at the outer edge of the sector, not a wedge from the centre
                    rr = flat_ring[take]
                    span = max(float(rr.max() - rr.min()), 1e-9)
                    score = (_angdiff(flat_angle[take], direction) / np.pi
                             + 0.7 * (rr.max() - rr) / span)
                score = np.where(free, score, np.inf)
                pick = np.argsort(score, kind="stable")[: int(np.round(q))]
                pick = pick[np.isfinite(score[pick])]
                flat[take[pick]] = t
                free[pick] = False
    return typ


def _districts(grid: Grid, area_km2: float, rng: np.random.Generator) -> IntArray:
    """District id per grid cell: nearest of Poisson points, about one per 1.2 km²."""
    n = max(4, int(rng.poisson(area_km2 / 1.2)))
    pts = np.column_stack([
        rng.uniform(grid.x0, grid.x0 + grid.nx * grid.cell_m, n),
        rng.uniform(grid.y0, grid.y0 + grid.ny * grid.cell_m, n),
    ])
    gx, gy = grid.centres()
    _, idx = cKDTree(pts).query(np.column_stack([gx.ravel(), gy.ravel()]))
    return np.asarray(idx, dtype=np.int64).reshape(grid.shape)
