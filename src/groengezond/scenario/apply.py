"""Apply a scenario to a region: the result is a :class:`ScenarioDelta`, never a new region.

Each intervention adds to the delta:

============== ===============================================================================
kind           what changes
============== ===============================================================================
add_green      a new green space (access: entries on the network if public and large enough);
               its non-green cells become ``low_green`` (all but water become ``trees`` for
               a forest)
remove_green   green spaces whose centroid lies in the polygon go; the polygon's green cells
               become ``building`` or ``paved``
plant_trees    new trees at points, or ``count`` trees spread evenly over the polygon's street
               and green cells (:data:`PLANTABLE`; never on buildings or water, a point there
               is refused); each tree turns the share crown area / cell area of its cell into
               ``trees`` (``tree_cells``, at the mature crown size)
green_roofs    roof cells of the buildings (centroid in the polygon), ``roof_share`` of them,
               count as ``low_green`` for the cooling model only (not ground-level green)
depave         ``paved`` cells in the polygon become ``low_green`` (or ``trees``)
add_connection a new walkable line whose ends join the network (:class:`NetworkDelta`)
add_dwellings  new addresses with residents (points, or a grid over the polygon)
============== ===============================================================================

When two interventions change the same cell, the later one wins (a whole-cell change
after trees removes their crown share from that cell).

Crowns grow: :func:`crown_growth` gives the share of the mature crown area reached in each
year after planting, from ``planting_crown_diameter_m`` to ``crown_diameter_m`` over
``years_to_mature`` (default the appraisal period), linear in diameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from groengezond.errors import InputError, Problem
from groengezond.messages import Message, message
from groengezond.network import NetworkDelta
from groengezond.region.model import Landcover, Region
from groengezond.region.schema import CRS, GREEN_CLASSES
from groengezond.scenario.model import (
    AddConnection,
    AddDwellings,
    AddGreen,
    Depave,
    GreenRoofs,
    PlantTrees,
    RemoveGreen,
    Scenario,
    check_geometries,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

PLANTABLE: tuple[str, ...] = ("paved", "low_green", "agriculture", "bare")
"""Land-cover classes a tree may be planted on: streets and squares (``paved``) and green or
open ground. Never ``building``, ``water`` or ``nodata``; a cell already ``trees`` gains no
canopy and is not chosen."""


@dataclass(frozen=True)
class CellChange:
    """Changed land-cover cells: row, column, old and new class code.

    ``share`` (0-1 per cell), when given, is the part of each cell that changes from ``old``
    to ``new`` (a tree crown covers part of a 10 m cell); None means whole cells.
    """

    rows: IntArray
    cols: IntArray
    old: npt.NDArray[np.uint8]
    new: npt.NDArray[np.uint8]
    share: FloatArray | None = None

    def __len__(self) -> int:
        return len(self.rows)


def _no_cells() -> CellChange:
    return CellChange(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint8),
                      np.zeros(0, np.uint8))


@dataclass(frozen=True)
class ScenarioDelta:
    """What a scenario changes in a region (only the changes).

    Attributes
    ----------
    new_green : GeoDataFrame
        New green spaces (green_id, kind, public, area_ha, geometry).
    removed_green_ids : numpy.ndarray of int
        ``green_id`` of green spaces removed.
    new_trees : GeoDataFrame
        New trees (tree_id, crown_diameter_m, geometry).
    network : NetworkDelta
        New walkable lines.
    cells : CellChange
        Land-cover changes seen by every exposure (green share, NDVI, canopy, cooling).
    cooling_cells : CellChange
        Changes seen only by the cooling model (green roofs), applied after ``cells``.
    new_addresses : GeoDataFrame
        New addresses (address_id, buurt, residents, income_decile, geometry).
    notes : list of Message
        What was assumed or left out while applying (keys of ``groengezond.messages``).
    tree_cells : CellChange
        Cells partly covered by new tree crowns at their mature size (``share`` = crown area
        over cell area, summed over the trees of a cell, at most 1); seen by every exposure.
    """

    new_green: gpd.GeoDataFrame
    removed_green_ids: IntArray
    new_trees: gpd.GeoDataFrame
    network: NetworkDelta
    cells: CellChange
    cooling_cells: CellChange
    new_addresses: gpd.GeoDataFrame
    notes: list[Message] = field(default_factory=list)
    tree_cells: CellChange = field(default_factory=lambda: _no_cells())

    @property
    def is_empty(self) -> bool:
        """True when the delta changes nothing."""
        return (len(self.new_green) == 0 and len(self.removed_green_ids) == 0
                and len(self.new_trees) == 0 and len(self.network.add) == 0
                and len(self.cells) == 0 and len(self.cooling_cells) == 0
                and len(self.new_addresses) == 0 and len(self.tree_cells) == 0)


def _codes(region: Region) -> dict[str, int]:
    return {name: int(code) for code, name in region.meta.landcover_classes.items()}


def cells_in(geom: BaseGeometry, lc: Landcover) -> tuple[IntArray, IntArray]:
    """Rows and columns of the cells whose centre lies in ``geom`` (at least the centroid's)."""
    tr = lc.transform
    n_rows, n_cols = lc.classes.shape
    minx, miny, maxx, maxy = geom.bounds
    c0 = max(int(np.floor((minx - tr.c) / tr.a)), 0)
    c1 = min(int(np.floor((maxx - tr.c) / tr.a)) + 1, n_cols)
    r0 = max(int(np.floor((maxy - tr.f) / tr.e)), 0)
    r1 = min(int(np.floor((miny - tr.f) / tr.e)) + 1, n_rows)
    rr, cc = np.mgrid[r0:r1, c0:c1]
    rr, cc = rr.ravel().astype(np.int64), cc.ravel().astype(np.int64)
    x = tr.c + (cc + 0.5) * tr.a
    y = tr.f + (rr + 0.5) * tr.e
    inside = shapely.contains_xy(geom, x, y) if len(rr) else np.zeros(0, bool)
    if not inside.any():
        pt = geom.representative_point() if geom.geom_type != "Point" else geom
        return point_cells(np.array([[pt.x, pt.y]]), lc)
    return rr[inside], cc[inside]


def point_cells(xy: npt.NDArray[np.float64], lc: Landcover) -> tuple[IntArray, IntArray]:
    """Rows and columns of the cells holding points ``xy`` ((n, 2), RD New m), clipped."""
    tr = lc.transform
    n_rows, n_cols = lc.classes.shape
    r = np.clip(np.floor((xy[:, 1] - tr.f) / tr.e), 0, n_rows - 1).astype(np.int64)
    c = np.clip(np.floor((xy[:, 0] - tr.c) / tr.a), 0, n_cols - 1).astype(np.int64)
    return r, c


def grid_points(geom: BaseGeometry, count: int) -> npt.NDArray[np.float64]:
    """``count`` points on a regular grid inside a polygon (deterministic; (count, 2), m)."""
    if count <= 0:
        return np.zeros((0, 2))
    minx, miny, maxx, maxy = geom.bounds
    spacing = float(np.sqrt(max(geom.area, 1.0) / count))
    for _ in range(30):
        xs = np.arange(minx + spacing / 2, maxx, spacing)
        ys = np.arange(miny + spacing / 2, maxy, spacing)
        gx, gy = np.meshgrid(xs, ys)
        x, y = gx.ravel(), gy.ravel()
        ok = shapely.contains_xy(geom, x, y)
        if ok.sum() >= count:
            return np.asarray(np.c_[x[ok], y[ok]][:count], dtype=np.float64)
        spacing *= 0.8
    pt = geom.representative_point()
    return np.repeat(np.array([[pt.x, pt.y]]), count, axis=0)


def _points(geom: BaseGeometry) -> npt.NDArray[np.float64]:
    return np.asarray(shapely.get_coordinates(geom), dtype=np.float64)


def apply_scenario(region: Region, scenario: Scenario) -> ScenarioDelta:
    """The delta that ``scenario`` makes to ``region`` (the region is not changed).

    Parameters
    ----------
    region : Region
        The base region (needs a land-cover raster for cell changes).
    scenario : Scenario
        The scenario; geometries in EPSG:28992 (m).

    Returns
    -------
    ScenarioDelta

    Raises
    ------
    InputError
        When a geometry is invalid or outside the region (naming intervention and field).
    """
    bounds = tuple(float(b) for b in region.areas.total_bounds)
    geoms = check_geometries(scenario, (bounds[0], bounds[1], bounds[2], bounds[3]))
    lc = region.landcover
    codes = _codes(region)
    work: dict[tuple[int, int], int] = {}  # (row, col) -> new class, exposure changes
    cool: dict[tuple[int, int], int] = {}  # cooling-only changes
    notes: list[Message] = []
    green_rows: list[dict[str, object]] = []
    removed: list[int] = []
    tree_xy: list[npt.NDArray[np.float64]] = []
    tree_crown: list[tuple[float, float, float]] = []  # mature, planting, years (nan: default)
    crowns: dict[tuple[int, int], list[float]] = {}  # (row, col) -> [class under, share]
    lines: list[shapely.LineString] = []
    lengths: list[float] = []
    any_length = False
    addr: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], int]] = []
    next_green = int(region.green["green_id"].max()) + 1 if len(region.green) else 0
    green_codes = {codes[n] for n in GREEN_CLASSES if n in codes}

    def current(r: int, c: int) -> int:
        """Class of a cell after the interventions so far (whole-cell changes)."""
        assert lc is not None
        return work.get((r, c), int(lc.classes[r, c]))

    def set_cells(target: dict[tuple[int, int], int], rows: IntArray, cols: IntArray,
                  code: int, only: set[int] | None = None, skip: set[int] | None = None) -> None:
        if lc is None:
            return
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            cur = target.get((r, c), work.get((r, c), int(lc.classes[r, c])))
            if cur == codes.get("nodata", 0):
                continue
            if only is not None and cur not in only:
                continue
            if skip is not None and cur in skip:
                continue
            target[(r, c)] = code
            if target is work:  # a whole-cell change after trees replaces their crowns
                crowns.pop((r, c), None)

    for item, geom in zip(scenario.interventions, geoms, strict=True):
        if isinstance(item, AddGreen):
            green_rows.append({"green_id": next_green, "kind": item.green_kind,
                               "public": item.public, "area_ha": geom.area / 1e4,
                               "geometry": geom})
            next_green += 1
            if lc is not None:
                r, c = cells_in(geom, lc)
                if item.green_kind == "forest":
                    set_cells(work, r, c, codes["trees"],
                              skip={codes.get("water", -1), codes["trees"]})
                else:  # cells already green stay as they are (no tree is felled)
                    set_cells(work, r, c, codes["low_green"],
                              skip={codes.get("water", -1)} | green_codes)
        elif isinstance(item, RemoveGreen):
            if len(region.green):
                cent = shapely.centroid(np.asarray(region.green.geometry.array))
                hit = shapely.contains(geom, cent)
                removed += region.green["green_id"].to_numpy()[hit].astype(int).tolist()
            if lc is not None:
                r, c = cells_in(geom, lc)
                set_cells(work, r, c, codes[item.becomes], only=green_codes)
        elif isinstance(item, PlantTrees):
            plantable = {codes[n] for n in PLANTABLE if n in codes}
            xy = _tree_points(item, geom, lc, current, plantable,
                              dict(region.meta.landcover_classes), work)
            tree_xy.append(xy)
            years = float("nan") if item.years_to_mature is None else float(item.years_to_mature)
            tree_crown += [(item.crown_diameter_m, item.planting_crown_diameter_m, years)
                           ] * len(xy)
            if lc is not None and len(xy):
                crown_share = float(min(np.pi * (item.crown_diameter_m / 2.0) ** 2
                                        / lc.cell_size_m ** 2, 1.0))
                r, c = point_cells(xy, lc)
                for rr, cc in zip(r.tolist(), c.tolist(), strict=True):
                    cur = current(rr, cc)
                    if cur not in plantable:
                        continue
                    entry = crowns.setdefault((rr, cc), [float(cur), 0.0])
                    entry[1] = min(entry[1] + crown_share, 1.0)
        elif isinstance(item, GreenRoofs):
            if len(region.buildings) and lc is not None:
                cent = shapely.centroid(np.asarray(region.buildings.geometry.array))
                for b in np.asarray(region.buildings.geometry.array)[shapely.contains(geom,
                                                                                      cent)]:
                    r, c = cells_in(b, lc)
                    is_b = lc.classes[r, c] == codes.get("building", -1)
                    r, c = r[is_b], c[is_b]
                    n = round(item.roof_share * len(r))
                    set_cells(cool, r[:n], c[:n], codes["low_green"])
            if item.facades:
                notes.append(message("scenario.facades_no_effect",
                                     "green façades are recorded but have no modelled "
                                     "effect yet"))
        elif isinstance(item, Depave):
            if lc is not None:
                r, c = cells_in(geom, lc)
                set_cells(work, r, c, codes[item.becomes], only={codes["paved"]})
        elif isinstance(item, AddConnection):
            lines.append(shapely.LineString(geom))
            lengths.append(float(item.length_m) if item.length_m else float("nan"))
            any_length = any_length or item.length_m is not None
        elif isinstance(item, AddDwellings):
            if geom.geom_type in ("Point", "MultiPoint"):
                xy = _points(geom)
            else:
                xy = grid_points(geom, max(item.dwellings, 1))
            share = np.full(len(xy), item.residents // max(len(xy), 1), dtype=np.int64)
            share[: item.residents - int(share.sum())] += 1
            addr.append((xy, share, item.income_decile))

    add_lengths = None
    if any_length:
        add_lengths = [ln if np.isfinite(ln) else float(line.length)
                       for ln, line in zip(lengths, lines, strict=True)]
    return ScenarioDelta(
        new_green=gpd.GeoDataFrame(pd.DataFrame(green_rows, columns=[
            "green_id", "kind", "public", "area_ha", "geometry"]),
            geometry="geometry", crs=CRS),
        removed_green_ids=np.asarray(sorted(set(removed)), dtype=np.int64),
        new_trees=_trees(region, tree_xy, tree_crown),
        network=NetworkDelta(add=tuple(lines), add_length_m=add_lengths),
        cells=_change(work, lc),
        cooling_cells=_change(cool, lc),
        new_addresses=_addresses(region, addr),
        notes=notes,
        tree_cells=_crown_change(crowns, codes.get("trees", 4)),
    )


def _classes_now(lc: Landcover, rows: IntArray, cols: IntArray,
                 changed: dict[tuple[int, int], int]) -> IntArray:
    """Class of each cell after the interventions so far (``changed``: whole-cell changes)."""
    out = lc.classes[rows, cols].astype(np.int64)
    if changed and len(rows):
        keys = np.asarray(list(changed.keys()), dtype=np.int64)
        vals = np.asarray(list(changed.values()), dtype=np.int64)
        w = int(lc.classes.shape[1])
        at = pd.Index(keys[:, 0] * w + keys[:, 1]).get_indexer(rows.astype(np.int64) * w + cols)
        hit = at >= 0
        out[hit] = vals[at[hit]]
    return out


def _tree_points(item: PlantTrees, geom: BaseGeometry, lc: Landcover | None,
                 current: Callable[[int, int], int], plantable: set[int],
                 names: dict[int, str], changed: dict[tuple[int, int], int]) -> FloatArray:
    """Where the trees of ``item`` stand (RD New, m).

    Points are kept where given, but a point on a building, water or outside the raster is
    refused. A polygon's ``count`` trees go to the centres of its plantable cells, spread
    evenly in raster order (every n/count-th cell); more trees than cells share cells.
    """
    if geom.geom_type in ("Point", "MultiPoint"):
        xy = _points(geom)
        if lc is None:
            return xy
        r, c = point_cells(xy, lc)
        under = [current(rr, cc) for rr, cc in zip(r.tolist(), c.tolist(), strict=True)]
        n_rows, n_cols = lc.classes.shape
        tr = lc.transform
        outside = ((xy[:, 0] - tr.c) / tr.a >= n_cols) | ((xy[:, 0] - tr.c) < 0) \
            | ((xy[:, 1] - tr.f) / tr.e >= n_rows) | ((xy[:, 1] - tr.f) / tr.e < 0)
        bad = [i for i, code in enumerate(under) if code not in plantable or outside[i]]
        if bad:
            label = f"intervention '{item.name}'" if item.name else "plant_trees"
            raise InputError([Problem(
                "scenario", label, "geometry",
                f"tree {i + 1} at ({xy[i, 0]:.1f}, {xy[i, 1]:.1f}) stands "
                + ("outside the land-cover raster" if outside[i] else
                   f"on a cell of class '{names.get(under[i], under[i])}'"),
                "move it to a street, square or green cell (not a building, water or existing "
                "canopy)") for i in bad[:10]])
        return xy
    count = int(item.count or 0)
    if lc is None or count == 0:
        return grid_points(geom, count)
    r, c = cells_in(geom, lc)
    ok = np.isin(_classes_now(lc, r, c, changed), list(plantable))
    if not ok.any():
        label = f"intervention '{item.name}'" if item.name else "plant_trees"
        raise InputError.single("scenario", label, "geometry",
                                "has no street or green cell to plant on (only buildings, "
                                "water or existing trees)",
                                "draw the polygon over streets, squares or green")
    r, c = r[ok], c[ok]
    pick = np.floor((np.arange(count) + 0.5) * len(r) / count).astype(np.int64)
    tr = lc.transform
    out: FloatArray = np.c_[tr.c + (c[pick] + 0.5) * tr.a,
                            tr.f + (r[pick] + 0.5) * tr.e].astype(np.float64)
    return out


def _crown_change(crowns: dict[tuple[int, int], list[float]], trees_code: int) -> CellChange:
    """The crown cover of new trees as a :class:`CellChange` with shares."""
    if not crowns:
        return _no_cells()
    rc = np.asarray(list(crowns.keys()), dtype=np.int64)
    vals = np.asarray(list(crowns.values()), dtype=np.float64)
    return CellChange(rc[:, 0], rc[:, 1], vals[:, 0].astype(np.uint8),
                      np.full(len(rc), trees_code, dtype=np.uint8), vals[:, 1])


def crown_growth(years: int, planting_m: float, mature_m: float,
                 years_to_mature: float) -> FloatArray:
    r"""Share of the mature crown area reached in each year 1..``years`` after planting.

    The crown diameter grows linearly from ``planting_m`` to ``mature_m`` in
    ``years_to_mature`` years and then stays; the area grows with its square:

    .. math:: g(t) = \left(rac{d_0 + (d_m - d_0)\min(t / T, 1)}{d_m}
ight)^2

    An assumption (a linear diameter growth of street trees); exposures and the yearly health
    figures are at :math:`g = 1`, and the benefit-cost ratio weighs each year by :math:`g(t)`.

    Parameters
    ----------
    years : int
        Years of the appraisal.
    planting_m, mature_m : float
        Crown diameter at planting and when mature (m).
    years_to_mature : float
        Years to reach the mature diameter (> 0).
    """
    t = np.arange(1, years + 1, dtype=np.float64)
    d = planting_m + (mature_m - planting_m) * np.minimum(t / max(years_to_mature, 1e-9), 1.0)
    return np.asarray((d / mature_m) ** 2, dtype=np.float64)


def _change(cells: dict[tuple[int, int], int], lc: Landcover | None) -> CellChange:
    if not cells or lc is None:
        return _no_cells()
    rc = np.asarray(list(cells.keys()), dtype=np.int64)
    new = np.asarray(list(cells.values()), dtype=np.uint8)
    old = lc.classes[rc[:, 0], rc[:, 1]]
    keep = old != new
    return CellChange(rc[keep, 0], rc[keep, 1], old[keep], new[keep])


def canopy_growth(new_trees: gpd.GeoDataFrame, years: int) -> FloatArray:
    """Share of the new trees' mature crown area reached in each year 1..``years``.

    The mean of :func:`crown_growth` over the trees, weighted by their mature crown area; a
    tree without ``years_to_mature`` grows over ``years`` (the appraisal period). All ones
    when there are no new trees.
    """
    out = np.ones(years)
    if len(new_trees) == 0:
        return out
    mature = new_trees["crown_diameter_m"].to_numpy(dtype=float)
    planting = new_trees["planting_crown_diameter_m"].to_numpy(dtype=float)
    ttm = new_trees["years_to_mature"].to_numpy(dtype=float)
    ttm = np.where(np.isfinite(ttm), ttm, float(years))
    keys, counts = np.unique(np.c_[mature, planting, ttm], axis=0, return_counts=True)
    weight = counts * keys[:, 0] ** 2
    total = np.zeros(years)
    for (m, p, t), w in zip(keys.tolist(), weight.tolist(), strict=True):
        total += w * crown_growth(years, p, m, t)
    return np.asarray(total / weight.sum(), dtype=np.float64)


def _trees(region: Region, xy: list[npt.NDArray[np.float64]],
           crown: list[tuple[float, float, float]]) -> gpd.GeoDataFrame:
    pts = np.vstack(xy) if xy else np.zeros((0, 2))
    start = int(region.trees["tree_id"].max()) + 1 if len(region.trees) else 0
    c = np.asarray(crown, dtype=float).reshape(-1, 3)
    return gpd.GeoDataFrame({"tree_id": np.arange(start, start + len(pts), dtype=np.int64),
                             "crown_diameter_m": c[:, 0],
                             "planting_crown_diameter_m": c[:, 1],
                             "years_to_mature": c[:, 2]},
                            geometry=shapely.points(pts) if len(pts) else [], crs=CRS)


def _addresses(region: Region, parts: list[tuple[npt.NDArray[np.float64],
                                                 npt.NDArray[np.int64], int]]
               ) -> gpd.GeoDataFrame:
    cols = ["address_id", "buurt", "residents", "income_decile"]
    if not parts:
        return gpd.GeoDataFrame(pd.DataFrame(columns=cols), geometry=[], crs=CRS)
    xy = np.vstack([p[0] for p in parts])
    res = np.concatenate([p[1] for p in parts])
    dec = np.concatenate([np.full(len(p[0]), p[2], dtype=np.int64) for p in parts])
    pts = shapely.points(xy)
    buurten = region.areas_at("buurt")
    tree = shapely.STRtree(np.asarray(buurten.geometry.array))
    idx_pt, idx_b = tree.query(pts, predicate="intersects")
    codes = np.full(len(pts), "", dtype=object)
    codes[idx_pt] = buurten["code"].to_numpy()[idx_b]
    start = int(region.addresses["address_id"].max()) + 1 if len(region.addresses) else 0
    return gpd.GeoDataFrame({"address_id": np.arange(start, start + len(pts), dtype=np.int64),
                             "buurt": codes, "residents": res, "income_decile": dec},
                            geometry=pts, crs=CRS)
