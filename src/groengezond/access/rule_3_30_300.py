"""The WHO green-space indicator and the 3-30-300 rule, per address and per buurt.

- **WHO indicator** (WHO Regional Office for Europe 2016, *Urban green spaces and health: a
  review of evidence*; *Urban green spaces: a brief for action* 2017): the share of residents
  living within 300 m of a public green space of at least 0.5-1 ha. WHO states 300 m *linear*
  distance; we report it by walking network (the default: what a resident has to walk) and
  by straight line, so both can be compared.
- **3-30-300** (Konijnendijk 2021, *The 3-30-300 rule for urban forestry and greener cities*,
  Biophilic Cities Journal 4(2); Konijnendijk 2023, J. For. Res. 34:821-830): every home sees
  at least 3 trees, every neighbourhood has at least 30 % tree canopy, every home is within
  300 m of a public green space (here: network distance, minimum size as for the WHO
  indicator; Konijnendijk suggests at least 1 ha).

"Seeing" 3 trees is approximated by counting trees within :data:`TREE_VIEW_RADIUS_M` of the
address point, without line-of-sight. This radius is an **assumption** (there is no agreed
operationalisation; a view from a window across a street reaches about that far); change it
with ``tree_radius_m``.

Canopy per buurt (:func:`canopy_share`) is the share of the buurt's area under tree canopy:
the 10 m cells of land-cover class ``trees`` plus the crown area of every tree of the tree
layer that stands outside such a cell, so that street trees too small for the land-cover map
still count.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio.features
import shapely

from groengezond.region.model import Landcover

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WHO_DISTANCE_M = 300.0
"""WHO (2016) and 3-30-300 distance to the nearest public green space (m)."""

TREES_MIN = 3
"""3-30-300: trees a home should see."""

CANOPY_MIN_SHARE = 0.30
"""3-30-300: minimum tree canopy share of a neighbourhood (fraction)."""

TREE_VIEW_RADIUS_M = 30.0
"""Radius (m) within which a tree counts as visible from a home. **Assumption** (see module)."""

TREE_CLASSES: frozenset[str] = frozenset({"trees"})
"""Land-cover classes that count as tree canopy."""


def trees_within(points: npt.ArrayLike, trees: npt.ArrayLike,
                 radius_m: float = TREE_VIEW_RADIUS_M) -> IntArray:
    """Number of trees within ``radius_m`` (m, straight line) of each point.

    Parameters
    ----------
    points : array of shapely Points or (n, 2) coordinates (RD New, m)
    trees : array of shapely Points or (m, 2) coordinates (RD New, m)
    radius_m : float
        Radius (m); default :data:`TREE_VIEW_RADIUS_M`.
    """
    from scipy.spatial import cKDTree

    p = _coords(points)
    t = _coords(trees)
    if len(p) == 0 or len(t) == 0:
        return np.zeros(len(p), dtype=np.int64)
    counts = cKDTree(t).query_ball_point(p, r=radius_m, return_length=True)
    return np.asarray(counts, dtype=np.int64)


def _coords(values: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(getattr(values, "array", values))
    if arr.dtype == object:
        return np.asarray(shapely.get_coordinates(arr)[:, :2], dtype=np.float64)
    return np.asarray(arr, dtype=np.float64).reshape(-1, 2)


def area_index_raster(landcover: Landcover, polygons: Iterable[object]) -> npt.NDArray[np.int32]:
    """Raster of the index of the polygon each cell centre lies in (-1 outside all)."""
    shapes = [(geom, i) for i, geom in enumerate(polygons) if geom is not None]
    if not shapes:
        return np.full(landcover.classes.shape, -1, dtype=np.int32)
    out = rasterio.features.rasterize(shapes, out_shape=landcover.classes.shape,
                                      transform=landcover.transform, fill=-1, dtype="int32")
    return np.asarray(out, dtype=np.int32)


def canopy_mask(landcover: Landcover, class_table: dict[int, str]) -> npt.NDArray[np.bool_]:
    """Cells whose land-cover class is tree canopy (:data:`TREE_CLASSES`)."""
    codes = [code for code, name in class_table.items() if name in TREE_CLASSES]
    return np.isin(landcover.classes, codes)


def _cell_of(landcover: Landcover, xy: FloatArray) -> tuple[IntArray, IntArray, npt.NDArray[
        np.bool_]]:
    tr = landcover.transform
    r = np.floor((xy[:, 1] - tr.f) / tr.e).astype(np.int64)
    c = np.floor((xy[:, 0] - tr.c) / tr.a).astype(np.int64)
    h, w = landcover.classes.shape
    ok = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    return np.where(ok, r, 0), np.where(ok, c, 0), ok


def canopy_share(landcover: Landcover, class_table: dict[int, str], areas: pd.DataFrame,
                 trees: pd.DataFrame | None = None) -> pd.Series:
    r"""Tree canopy share of each area (fraction of its area).

    .. math::

        c_A = \min\Bigl(1, \frac{a\, n^{\text{trees}}_A
              + \sum_{t \in T_A} \pi (D_t / 2)^2}{a\, n^{\text{valid}}_A}\Bigr)

    with :math:`a` the cell area (m²), :math:`n^{\text{trees}}_A` the cells of class
    ``trees`` in area :math:`A`, :math:`n^{\text{valid}}_A` its non-nodata cells and
    :math:`T_A` the trees of the tree layer in :math:`A` that stand *outside* a ``trees`` cell
    (so a tree already in the land-cover canopy is not counted twice), with crown diameter
    :math:`D_t` (m). Overlapping crowns of separate trees are counted twice (an overstatement
    where crowns touch).

    Parameters
    ----------
    landcover : Landcover
        10 m land-cover raster.
    class_table : dict of int to str
        Land-cover class table (``region.json``).
    areas : GeoDataFrame
        Areas of one level (``code``, polygon ``geometry``), e.g. the buurten.
    trees : GeoDataFrame, optional
        Trees (point ``geometry``, ``crown_diameter_m``).

    Returns
    -------
    pandas.Series
        Canopy share (0-1) indexed by area ``code``; ``nan`` for an area without cells.
    """
    mask = canopy_mask(landcover, class_table)
    index = area_index_raster(landcover, np.asarray(areas.geometry.array, dtype=object))
    valid = (index >= 0) & (landcover.classes != 0)
    cell_area = abs(landcover.transform.a * landcover.transform.e)
    total = np.bincount(index[valid], minlength=len(areas)).astype(np.float64) * cell_area
    canopy = np.bincount(index[valid & mask], minlength=len(areas)).astype(np.float64)
    canopy *= cell_area
    if trees is not None and len(trees):
        xy = _coords(np.asarray(trees.geometry.array))
        r, c, ok = _cell_of(landcover, xy)
        outside = ok & ~mask[r, c] & (index[r, c] >= 0)
        crown = np.pi * (trees["crown_diameter_m"].to_numpy(dtype=np.float64) / 2.0) ** 2
        canopy += np.bincount(index[r[outside], c[outside]], weights=crown[outside],
                              minlength=len(areas))
    share = np.divide(canopy, total, out=np.full(len(areas), np.nan), where=total > 0)
    return pd.Series(np.minimum(share, 1.0), index=pd.Index(areas["code"].to_numpy(), name="code"),
                     name="canopy_share")


def rule_3_30_300(trees_near: npt.ArrayLike, buurt_canopy_share: npt.ArrayLike,
                  green_network_m: npt.ArrayLike, *, trees_min: int = TREES_MIN,
                  canopy_min: float = CANOPY_MIN_SHARE,
                  distance_m: float = WHO_DISTANCE_M) -> pd.DataFrame:
    """Which parts of the 3-30-300 rule each address meets.

    Parameters
    ----------
    trees_near : array of int
        Trees within the view radius of each address (:func:`trees_within`).
    buurt_canopy_share : array of float
        Canopy share (0-1) of each address's buurt (:func:`canopy_share`).
    green_network_m : array of float
        Network distance to the nearest public green space (m).

    Returns
    -------
    pandas.DataFrame
        Boolean columns ``meets_3_trees``, ``meets_30_canopy``, ``meets_300_green`` and
        ``meets_3_30_300`` (all three).
    """
    t = np.asarray(trees_near) >= trees_min
    c = np.nan_to_num(np.asarray(buurt_canopy_share, dtype=np.float64), nan=0.0) >= canopy_min
    g = np.asarray(green_network_m, dtype=np.float64) <= distance_m
    return pd.DataFrame({"meets_3_trees": t, "meets_30_canopy": c, "meets_300_green": g,
                         "meets_3_30_300": t & c & g})
