"""The land-cover raster (10 m cells) derived from the region's layers.

Layers are burnt in, later ones over earlier ones (class codes of
:data:`~groengezond.region.schema.LANDCOVER_CLASSES`):

1. blocks by land use: agriculture (6) in the countryside, trees (4) in forests, low green (3)
   in parks, nature, sports parks, allotments, cemeteries, verges and the gardens of suburbs,
   villas and villages, paved (2) in the historic core, the 19th-century ring, post-war blocks
   (parking), business parks and quays, bare (7) on building sites;
2. mixed blocks: a share of the garden cells (8-35%, more in greener neighbourhoods) becomes
   trees (4); a share of the cells of blocks in the core, the 19th-century ring (5-30%:
   courtyards) and post-war blocks (10-60%: semi-public green between the flats) becomes low
   green (3), some of it trees;
3. green spaces: grass and pocket parks (3);
4. streets (2): cells under the street, sampled every 4 m along and across its paved width;
   paths are not burnt in;
5. barriers: motorway (2), railway (7), river (5);
6. tree crowns (4): every cell whose centre lies within a crown, and the cell of the trunk;
7. buildings (1): every cell whose centre lies within a footprint, and the cell of each
   footprint's centre, so that no building is lost.

Cells outside the region are 0 (nodata).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine
from rasterio import features

from groengezond.region.model import Landcover
from groengezond.synth.barriers import Barrier
from groengezond.synth.blocks import Blocks
from groengezond.synth.buildings import Buildings
from groengezond.synth.green import Green
from groengezond.synth.landuse import (
    AGRICULTURE,
    ALLOTMENT,
    CEMETERY,
    CONSTRUCTION,
    FOREST,
    NATURE,
    PARK,
    QUAY,
    RESIDENTIAL,
    SPORTS,
    VERGE,
    WORKS,
    LandUse,
)
from groengezond.synth.streets import Network
from groengezond.synth.trees import Trees
from groengezond.synth.typology import CORE, INNER, POSTWAR, RURAL, SUBURB, VILLA, VILLAGE

CELL_M = 10.0
"""Cell size of the land-cover raster (m)."""
BUILDING, PAVED, LOW_GREEN, TREES, WATER, AGRI, BARE = 1, 2, 3, 4, 5, 6, 7

USE_CLASS = {AGRICULTURE: AGRI, FOREST: TREES, NATURE: LOW_GREEN, PARK: LOW_GREEN,
             SPORTS: LOW_GREEN, ALLOTMENT: LOW_GREEN, CEMETERY: LOW_GREEN, VERGE: LOW_GREEN,
             QUAY: PAVED, CONSTRUCTION: BARE, WORKS: PAVED, RESIDENTIAL: PAVED}
GARDEN_TYPOLOGIES = (SUBURB, VILLA, VILLAGE, RURAL)


def _burn(out: npt.NDArray[np.uint8] | npt.NDArray[np.int32], geoms: npt.NDArray[np.object_],
          values: npt.NDArray[np.integer] | int, transform: Affine) -> None:
    if len(geoms) == 0:
        return
    vals = np.broadcast_to(np.asarray(values), (len(geoms),))
    features.rasterize(zip(geoms, vals.tolist(), strict=True), out=out, transform=transform)


def _index(transform: Affine, x: npt.NDArray[np.float64],
           y: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Row and column (may be outside the raster) of the cells holding points x, y."""
    col = np.floor((x - transform.c) / transform.a).astype(np.int64)
    row = np.floor((y - transform.f) / transform.e).astype(np.int64)
    return row, col


def _set(out: npt.NDArray[np.uint8], row: npt.NDArray[np.int64], col: npt.NDArray[np.int64],
         value: int) -> None:
    ok = (row >= 0) & (row < out.shape[0]) & (col >= 0) & (col < out.shape[1])
    out[row[ok], col[ok]] = value


def _rectangles(out: npt.NDArray[np.uint8], o: npt.NDArray[np.float64],
                u: npt.NDArray[np.float64], a: npt.NDArray[np.float64],
                b: npt.NDArray[np.float64], value: int, transform: Affine,
                chunk: int = 200_000) -> None:
    """Set the cells whose centre lies in a rectangle (origin o, unit axis u, sides a, b)."""
    v = np.column_stack([-u[:, 1], u[:, 0]])
    for s in range(0, len(o), chunk):
        oo, uu, vv = o[s:s + chunk], u[s:s + chunk], v[s:s + chunk]
        aa, bb = a[s:s + chunk], b[s:s + chunk]
        corners = np.stack([oo, oo + uu * aa[:, None], oo + vv * bb[:, None],
                            oo + uu * aa[:, None] + vv * bb[:, None]], axis=1)
        r0, c0 = _index(transform, corners[:, :, 0].min(axis=1), corners[:, :, 1].max(axis=1))
        r1, c1 = _index(transform, corners[:, :, 0].max(axis=1), corners[:, :, 1].min(axis=1))
        nr, nc = r1 - r0 + 1, c1 - c0 + 1
        count = nr * nc
        idx = np.repeat(np.arange(len(oo)), count)
        k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        row = r0[idx] + k // nc[idx]
        col = c0[idx] + k % nc[idx]
        cx = transform.c + (col + 0.5) * transform.a
        cy = transform.f + (row + 0.5) * transform.e
        dx, dy = cx - oo[idx, 0], cy - oo[idx, 1]
        su = dx * uu[idx, 0] + dy * uu[idx, 1]
        sv = dx * vv[idx, 0] + dy * vv[idx, 1]
        inside = (su >= 0) & (su <= aa[idx]) & (sv >= 0) & (sv <= bb[idx])
        _set(out, row[inside], col[inside], value)


def _discs(out: npt.NDArray[np.uint8], xy: npt.NDArray[np.float64],
           radius: npt.NDArray[np.float64], value: int, transform: Affine) -> None:
    """Set the cells whose centre lies within ``radius`` of a point, and the point's cell."""
    r0, c0 = _index(transform, xy[:, 0] - radius, xy[:, 1] + radius)
    r1, c1 = _index(transform, xy[:, 0] + radius, xy[:, 1] - radius)
    nr, nc = r1 - r0 + 1, c1 - c0 + 1
    count = nr * nc
    idx = np.repeat(np.arange(len(xy)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    row = r0[idx] + k // nc[idx]
    col = c0[idx] + k % nc[idx]
    cx = transform.c + (col + 0.5) * transform.a
    cy = transform.f + (row + 0.5) * transform.e
    inside = np.hypot(cx - xy[idx, 0], cy - xy[idx, 1]) <= radius[idx]
    _set(out, row[inside], col[inside], value)
    _set(out, *_index(transform, xy[:, 0], xy[:, 1]), value)


def _lines(out: npt.NDArray[np.uint8], p: npt.NDArray[np.float64], q: npt.NDArray[np.float64],
           half_width: npt.NDArray[np.float64], value: int, transform: Affine) -> None:
    """Set the cells under segments p-q of the given half width (sampled every 4 m)."""
    step = 4.0
    seg = q - p
    length = np.hypot(seg[:, 0], seg[:, 1])
    d = seg / np.maximum(length, 1e-9)[:, None]
    n = np.column_stack([-d[:, 1], d[:, 0]])
    along = np.ceil(length / step).astype(np.int64) + 1
    across = np.ceil(2 * half_width / step).astype(np.int64) + 1
    count = along * across
    idx = np.repeat(np.arange(len(p)), count)
    k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    i, j = k // across[idx], k % across[idx]
    t = np.minimum(i * step, length[idx])
    w = -half_width[idx] + j * (2 * half_width[idx] / np.maximum(across[idx] - 1, 1))
    x = p[idx, 0] + d[idx, 0] * t + n[idx, 0] * w
    y = p[idx, 1] + d[idx, 1] * t + n[idx, 1] * w
    _set(out, *_index(transform, x, y), value)


def make_landcover(b: Blocks, lu: LandUse, bld: Buildings, green: Green, net: Network,
                   trees: Trees, barriers: list[Barrier], region: shapely.Geometry,
                   rng: np.random.Generator) -> Landcover:
    """Rasterise the region's layers into 10 m land-cover classes.

    Parameters
    ----------
    b, lu, bld, green, net, trees, barriers
        The region's blocks, land use, buildings, green spaces, walking network, trees and
        barriers.
    region : shapely geometry
        The region's outline; cells outside it are nodata (0).
    rng : numpy.random.Generator
        Source of randomness (garden trees).

    Returns
    -------
    Landcover
        uint8 classes with a north-up transform covering the region's bounds.
    """
    minx, miny, maxx, maxy = shapely.bounds(region)
    x0 = np.floor(minx / CELL_M) * CELL_M
    y1 = np.ceil(maxy / CELL_M) * CELL_M
    cols = int(np.ceil((maxx - x0) / CELL_M))
    rows = int(np.ceil((y1 - miny) / CELL_M))
    transform = Affine(CELL_M, 0.0, x0, 0.0, -CELL_M, y1)
    out = np.zeros((rows, cols), dtype=np.uint8)
    cls = np.array([USE_CLASS[int(u)] for u in lu.use], dtype=np.uint8)
    garden = (lu.use == RESIDENTIAL) & np.isin(b.typology, GARDEN_TYPOLOGIES)
    cls[garden] = LOW_GREEN
    _burn(out, b.polygons, cls, transform)
    # mixed blocks: gardens get trees; courtyards and the space between flats get some green
    g = lu.greenness
    dense = (lu.use == RESIDENTIAL) & np.isin(b.typology, (CORE, INNER, POSTWAR))
    tree_share = np.where(garden, np.clip(0.18 + 0.08 * g, 0.08, 0.35), 0.0)
    green_share = np.where(dense, np.where(b.typology == POSTWAR,
                                           np.clip(0.35 + 0.15 * g, 0.1, 0.6),
                                           np.clip(0.15 + 0.08 * g, 0.05, 0.3)), 0.0)
    mixed = np.flatnonzero(garden | dense)
    if len(mixed):
        block_id = np.zeros((rows, cols), dtype=np.int32)
        _burn(block_id, b.polygons[mixed], mixed + 1, transform)
        p_tree = np.concatenate([[0.0], tree_share])[block_id]
        p_green = np.concatenate([[0.0], green_share])[block_id]
        draw = rng.random((rows, cols), dtype=np.float32)
        out[(out == LOW_GREEN) & (draw < p_tree)] = TREES
        out[(out == PAVED) & (draw < p_green)] = LOW_GREEN
        out[(out == LOW_GREEN) & (block_id > 0) & (draw < 0.3 * p_green)] = TREES
    _burn(out, green.geometry[np.isin(green.kind, ("grass", "park"))], LOW_GREEN, transform)
    hw = b.street_half_width_m
    streets = np.flatnonzero(net.kind != "path")
    side = np.where(net.cells[streets] >= 0, net.cells[streets], 0)
    width = np.where(net.kind[streets] == "crossing", 6.0,
                     np.minimum(hw[side[:, 0]], hw[side[:, 1]]) * 0.8)
    _lines(out, net.xy[net.u[streets]], net.xy[net.v[streets]], width, PAVED, transform)
    barrier_class = {"motorway": PAVED, "railway": BARE, "river": WATER}
    _burn(out, np.array([bar.corridor for bar in barriers], dtype=object),
          np.array([barrier_class[bar.kind] for bar in barriers]), transform)
    _discs(out, trees.xy, trees.crown_m / 2.0, TREES, transform)
    _rectangles(out, bld.origin, bld.u, bld.a, bld.b, BUILDING, transform)
    centre = bld.origin + bld.u * (bld.a / 2)[:, None] + bld.v * (bld.b / 2)[:, None]
    _set(out, *_index(transform, centre[:, 0], centre[:, 1]), BUILDING)
    inside = np.zeros((rows, cols), dtype=np.uint8)
    _burn(inside, np.array([region], dtype=object), 1, transform)
    out[inside == 0] = 0
    return Landcover(out, transform)
