"""Exposures of every address before and after a scenario, computed from the changes only.

:class:`ExposureBaseline` is built once per region (network, snaps, green entries, nearest
green, focal sums at every address, cooling); :func:`scenario_exposures` then evaluates a
:class:`~groengezond.scenario.apply.ScenarioDelta` locally:

- **network distance to green**: incremental updates of the nearest-green result
  (:mod:`groengezond.access.incremental`: network change, removed, then added green), equal to
  a full pass;
- **focal exposures** (green share within 300/500/1,000 m, NDVI proxy within 500 m, tree
  canopy share within 300 m): each is a disc-kernel mean
  :math:`e(x) = \\sum_y K_r(x-y) v(y) / \\sum_y K_r(x-y) m(y)` of a per-class value
  :math:`v` over valid cells :math:`m`. A change of classes changes only the numerator:
  :math:`\\Delta e(x) = (K_r * \\Delta v)(x) / \\sum_y K_r(x-y) m(y)`, convolved on tiles around
  the changed cells. Equal to a full recomputation (nodata cells are never changed). A new
  tree changes only the share crown area / cell area of its cell (:math:`\\Delta v` times
  that share, at the mature crown size);
- **trees within 30 m** of the home: new trees counted with a k-d tree of the addresses;
- **straight-line distance to green** (the WHO indicator's definition: within 300 m in a
  straight line of public green; :func:`straight_distance`): the nearest counted green space
  by geometry distance (0 inside it); after a scenario the minimum with the new green spaces,
  recomputed for the homes whose nearest green space was removed;
- **summer air temperature** (:func:`groengezond.cooling.run_cooling`): the model is run on a
  window around the changed cells (margin :attr:`PlannerOptions.cooling_margin_m`) for the
  baseline and the scenario classes, and the difference is added to the full baseline run.
  Cells outside the window are taken as unchanged (the park-cooling kernel and air mixing
  decay with distance; the margin bounds the error, see docs/planner.md). The cooling model
  knows whole cells only, so the crowns of new trees enter it as round(total crown area / cell
  area) whole ``trees`` cells, those with the largest crown cover (:func:`canopy_as_cells`):
  the canopy area is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field
from scipy import fft as sp_fft
from scipy.signal import fftconvolve
from scipy.spatial import cKDTree

from groengezond.access.entries import (
    DEFAULT_MIN_AREA_HA,
    ENTRY_BUFFER_M,
    Entries,
    green_entries,
    select_green,
)
from groengezond.access.incremental import (
    add_green,
    remap_entries,
    remove_green,
    update_for_network,
)
from groengezond.access.nearest import NearestGreen, nearest_green, point_distance
from groengezond.access.rule_3_30_300 import TREE_VIEW_RADIUS_M
from groengezond.cooling import NODATA_CODE, CoolingChange, mix_air_temperature, run_cooling
from groengezond.cooling_change import SameConvolution, unmixed_change
from groengezond.grouping import weighted_mean_by_key
from groengezond.landcover import NDVI_BY_CLASS, disc_kernel
from groengezond.network import Snap, WalkNetwork
from groengezond.region.model import Region
from groengezond.region.schema import GREEN_CLASSES
from groengezond.scenario.apply import CellChange, ScenarioDelta
from groengezond.scenario.supply_change import SupplyBaseline, supply_after, with_new_points

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FOCAL: dict[str, float] = {
    "green_share_300m": 300.0,
    "green_share_500m": 500.0,
    "green_share_1000m": 1000.0,
    "ndvi_500m": 500.0,
    "canopy_300m": 300.0,
}
"""Focal exposures and their radius (m)."""

FFT_WORKERS = 2


class PlannerOptions(BaseModel):
    """Parameters of the Planner's exposure model (units in the names)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_size_ha: float = Field(DEFAULT_MIN_AREA_HA, ge=0,
                               description="Minimum size of green counted for access (ha)")
    public_only: bool = Field(True, description="Count only public green for access")
    distance_m: float = Field(300.0, gt=0, description="WHO / 3-30-300 distance (m)")
    tree_radius_m: float = Field(TREE_VIEW_RADIUS_M, gt=0,
                                 description="Radius for trees near the home (m)")
    cooling_margin_m: float = Field(2400.0, ge=0,
                                    description="Margin of the local cooling window (m)")


def _luts(classes: dict[int, str]) -> dict[str, FloatArray]:
    """Per-class value (index = class code) of each focal exposure; nan = not valid."""
    out: dict[str, FloatArray] = {}
    for name in FOCAL:
        lut = np.full(256, np.nan)
        for code, cls in classes.items():
            if cls == "nodata":
                continue
            if name.startswith("green_share"):
                lut[code] = 1.0 if cls in GREEN_CLASSES else 0.0
            elif name.startswith("ndvi"):
                lut[code] = NDVI_BY_CLASS.get(cls, 0.0)
            else:
                lut[code] = 1.0 if cls == "trees" else 0.0
        out[name] = lut
    return out


@dataclass(frozen=True, eq=False)
class ExposureBaseline:
    """Everything the Planner computes once per region (see module docstring)."""

    region: Region
    options: PlannerOptions
    network: WalkNetwork
    snap: Snap
    green: gpd.GeoDataFrame
    entries: Entries
    near: NearestGreen
    xy: FloatArray
    rows: IntArray
    cols: IntArray
    focal_den: dict[str, FloatArray]
    focal: dict[str, FloatArray]
    luts: dict[str, FloatArray]
    trees_near: FloatArray
    addr_tree: cKDTree
    t_air_c: FloatArray
    t_air_raster: FloatArray | None
    buurt_codes: pd.Index
    buurt_index: IntArray
    residents: FloatArray
    supply: SupplyBaseline
    straight_m: FloatArray
    straight_green: IntArray

    @classmethod
    def build(cls, region: Region, options: PlannerOptions | None = None) -> ExposureBaseline:
        """Compute the baseline of ``region`` (network, access, focal sums, cooling)."""
        opts = options or PlannerOptions()
        network = WalkNetwork.from_region(region)
        xy = np.c_[region.addresses.geometry.x.to_numpy(), region.addresses.geometry.y.to_numpy()]
        snap = network.snap(xy)
        green = select_green(region.green, opts.min_size_ha, opts.public_only)
        entries = green_entries(network, green)
        near = nearest_green(network, snap, entries)
        luts = _luts(region.meta.landcover_classes)
        focal: dict[str, FloatArray] = {}
        den: dict[str, FloatArray] = {}
        lc = region.landcover
        n = len(xy)
        rows = cols = np.zeros(n, dtype=np.int64)
        t_air = np.full(n, np.nan)
        raster = None
        if lc is not None:
            tr = lc.transform
            h, w = lc.classes.shape
            rows = np.floor((xy[:, 1] - tr.f) / tr.e).astype(np.int64)
            cols = np.floor((xy[:, 0] - tr.c) / tr.a).astype(np.int64)
            inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
            rr, cc = np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)
            with sp_fft.set_workers(FFT_WORKERS):
                valid_conv: dict[tuple[float, bytes], npt.NDArray[np.float32]] = {}
                for name, radius in FOCAL.items():
                    vals = luts[name][lc.classes]
                    ok = ~np.isnan(vals)
                    kernel = disc_kernel(radius, lc.cell_size_m)
                    # valid cells differ by exposure (water is nodata for NDVI only)
                    vkey = (radius, np.isnan(luts[name]).tobytes())
                    if vkey not in valid_conv:
                        valid_conv[vkey] = np.round(fftconvolve(ok.astype(np.float32), kernel,
                                                                mode="same"))
                    num = fftconvolve(np.where(ok, vals, 0.0).astype(np.float32), kernel,
                                      mode="same")
                    d = valid_conv[vkey][rr, cc].astype(np.float64)
                    nm = num[rr, cc].astype(np.float64)
                    if not name.startswith("ndvi"):
                        nm = np.round(nm)
                    d = np.where(inside & (d > 0), d, np.nan)
                    den[name] = d
                    focal[name] = nm / d
            cool = run_cooling(lc.classes, lc.cell_size_m)
            raster = np.asarray(cool.t_air_c, dtype=np.float64)
            t_air = np.where(inside, raster[rr, cc], np.nan)
        tree_xy = (np.c_[region.trees.geometry.x.to_numpy(), region.trees.geometry.y.to_numpy()]
                   if len(region.trees) else np.zeros((0, 2)))
        addr_tree = cKDTree(xy)
        if len(tree_xy):
            counts = np.asarray(cKDTree(tree_xy).query_ball_point(xy, opts.tree_radius_m,
                                                                   return_length=True))
        else:
            counts = np.zeros(n)
        codes = pd.Index(region.areas_at("buurt")["code"].to_numpy())
        idx = codes.get_indexer(region.addresses["buurt"].to_numpy()).astype(np.int64)
        res = region.addresses["residents"].to_numpy(dtype=np.float64)
        supply = SupplyBaseline.build(network, snap, entries, res)
        straight, which = straight_distance(xy, green)
        return cls(region, opts, network, snap, green, entries, near, xy, rows, cols, den,
                   focal, luts, counts.astype(np.float64), addr_tree, t_air, raster, codes, idx,
                   res, supply, straight, which)


@dataclass(frozen=True)
class Exposures:
    """Per-address exposures after a scenario, and their change (after − before).

    Attributes
    ----------
    green_network_m_before, green_network_m_after : numpy.ndarray
        Network distance to the nearest counted green (m; inf = none reachable).
    delta : dict of str to numpy.ndarray
        Change per focal exposure (share 0-1 or NDVI units), ``trees_near`` (count) and
        ``t_air_c`` (°C).
    new_green_network_m : numpy.ndarray
        Network distance to green of the new addresses (m).
    green_m2_before : numpy.ndarray
        Public green within 500 m per inhabitant (m², 2SFCA) of the existing addresses.
    green_m2_after : numpy.ndarray
        The same after the scenario: existing addresses, then the new ones.
    tree_ndvi : numpy.ndarray
        The part of ``delta["ndvi_500m"]`` that comes from new tree crowns (NDVI units).
    straight_m_after : numpy.ndarray
        Straight-line distance to the nearest counted green after the scenario (m; existing
        addresses, then the new ones; inf = none).
    t_air_window : CoolingChange or None
        Change of air temperature on the raster window of the local cooling run (°C), for
        the map layer; None when no cell changes.
    """

    green_network_m_before: FloatArray
    green_network_m_after: FloatArray
    delta: dict[str, FloatArray]
    new_green_network_m: FloatArray
    green_m2_before: FloatArray
    green_m2_after: FloatArray
    tree_ndvi: FloatArray
    straight_m_after: FloatArray
    t_air_window: CoolingChange | None = None


def straight_distance(xy: FloatArray, green: gpd.GeoDataFrame
                      ) -> tuple[FloatArray, IntArray]:
    """Straight-line distance (m) from each point to the nearest green space, and its row.

    Parameters
    ----------
    xy : numpy.ndarray, shape (n, 2)
        Points (RD New, m).
    green : GeoDataFrame
        The counted green spaces (polygons); 0 m for a point inside one.

    Returns
    -------
    numpy.ndarray, numpy.ndarray of int
        Distance (inf and -1 when there is no green space) and the row in ``green``.
    """
    n = len(xy)
    dist, which = np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    if n == 0 or len(green) == 0:
        return dist, which
    geoms = np.asarray(green.geometry.array)
    pts = shapely.points(xy)
    idx_pt, idx_g = shapely.STRtree(geoms).query_nearest(pts, all_matches=False)
    which[idx_pt] = idx_g
    dist[idx_pt] = shapely.distance(pts[idx_pt], geoms[idx_g])
    return dist, which


def _straight_after(base: ExposureBaseline, delta: ScenarioDelta, new_xy: FloatArray
                    ) -> FloatArray:
    """Straight-line distance to counted green after ``delta`` (existing, then new homes)."""
    out = base.straight_m.copy()
    gone = np.isin(base.green["green_id"].to_numpy(), delta.removed_green_ids)
    keep = base.green[~gone]
    if gone.any():  # homes whose nearest green space went: against what is left
        hit = np.flatnonzero(gone[np.maximum(base.straight_green, 0)]
                             & (base.straight_green >= 0))
        out[hit] = straight_distance(base.xy[hit], keep)[0]
    new = select_green(delta.new_green, base.options.min_size_ha, base.options.public_only)
    if len(new):
        # only homes whose distance to the new green's bounding box is below their distance
        # now can come closer (a lower bound of the distance to the polygon)
        minx, miny, maxx, maxy = (float(b) for b in new.total_bounds)
        dx = np.maximum(np.maximum(minx - base.xy[:, 0], base.xy[:, 0] - maxx), 0.0)
        dy = np.maximum(np.maximum(miny - base.xy[:, 1], base.xy[:, 1] - maxy), 0.0)
        cand = np.flatnonzero(np.hypot(dx, dy) < out)
        out[cand] = np.minimum(out[cand], straight_distance(base.xy[cand], new)[0])
    if len(new_xy):
        allg = pd.concat([keep, new], ignore_index=True) if len(new) else keep
        out = np.concatenate([out, straight_distance(new_xy, allg)[0]])
    return out


def _tiles(change: CellChange, tile: int) -> dict[tuple[int, int], npt.NDArray[np.intp]]:
    keys = np.c_[change.rows // tile, change.cols // tile]
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return {(int(k[0]), int(k[1])): np.flatnonzero(inv.ravel() == i)
            for i, k in enumerate(uniq)}


def focal_delta(base: ExposureBaseline, change: CellChange) -> dict[str, FloatArray]:
    """Change of every focal exposure at every address (exact; see module docstring)."""
    n = len(base.xy)
    out = {name: np.zeros(n) for name in FOCAL}
    lc = base.region.landcover
    if lc is None or len(change) == 0:
        return out
    h, w = lc.classes.shape
    # the addresses a kernel around the changed cells can reach (in address order), so that
    # each tile looks among those only
    kmax = max(disc_kernel(r, lc.cell_size_m).shape[0] // 2 for r in FOCAL.values())
    m = kmax + max(2 * kmax, 64)  # a tile's window reaches at most this far from its cells
    reach = np.flatnonzero((base.rows >= int(change.rows.min()) - m)
                           & (base.rows <= int(change.rows.max()) + m)
                           & (base.cols >= int(change.cols.min()) - m)
                           & (base.cols <= int(change.cols.max()) + m))
    rows_r, cols_r = base.rows[reach], base.cols[reach]
    convs: dict[float, SameConvolution] = {}  # one kernel transform per radius
    for name, radius in FOCAL.items():
        lut = np.nan_to_num(base.luts[name])
        dv = lut[change.new] - lut[change.old]
        if change.share is not None:
            dv = dv * change.share
        if not dv.any():
            continue
        kernel = disc_kernel(radius, lc.cell_size_m)
        k = kernel.shape[0] // 2
        tile = max(2 * k, 64)
        num = np.zeros(n)
        for (tr_, tc_), idx in _tiles(change, tile).items():
            r0, c0 = tr_ * tile - k, tc_ * tile - k
            win = np.zeros((tile + 2 * k, tile + 2 * k), dtype=np.float64)
            np.add.at(win, (change.rows[idx] - r0, change.cols[idx] - c0), dv[idx])
            if radius not in convs:
                convs[radius] = SameConvolution(win.shape, kernel.astype(np.float64))
            conv = convs[radius](win)
            sel = reach[(rows_r >= max(r0, 0)) & (rows_r < min(r0 + win.shape[0], h))
                        & (cols_r >= max(c0, 0)) & (cols_r < min(c0 + win.shape[1], w))]
            num[sel] += conv[base.rows[sel] - r0, base.cols[sel] - c0]
        if not name.startswith("ndvi") and change.share is None:
            num = np.round(num)  # whole cells: counts are integers
        else:
            num[np.abs(num) < 1e-9] = 0.0
        out[name] = np.nan_to_num(num / base.focal_den[name])
    return out


def canopy_as_cells(change: CellChange) -> CellChange:
    """Partial crown cover as whole cells for the cooling model (canopy area kept).

    The round(sum of shares) cells with the largest share become wholly ``new``; the others
    keep their class. Whole-cell changes (``share`` None) are returned as they are.
    """
    if change.share is None or len(change) == 0:
        return change
    n = int(np.round(float(change.share.sum())))
    top = np.argsort(-change.share, kind="stable")[:n]
    return CellChange(change.rows[top], change.cols[top], change.old[top], change.new[top])


def cooling_delta(base: ExposureBaseline, changes: list[CellChange],
                  window: list[CoolingChange] | None = None) -> FloatArray:
    """Change of summer air temperature at every address (°C), from a local cooling run.

    ``window``, when given, receives the change on the raster window (for the map layer).
    """
    n = len(base.xy)
    lc = base.region.landcover
    rows = np.concatenate([c.rows for c in changes])
    if lc is None or len(rows) == 0:
        return np.zeros(n)
    cols = np.concatenate([c.cols for c in changes])
    m = int(np.ceil(base.options.cooling_margin_m / lc.cell_size_m))
    h, w = lc.classes.shape
    r0, r1 = max(int(rows.min()) - m, 0), min(int(rows.max()) + m + 1, h)
    c0, c1 = max(int(cols.min()) - m, 0), min(int(cols.max()) + m + 1, w)
    before = lc.classes[r0:r1, c0:c1]
    after = before.copy()
    for c in changes:
        after[c.rows - r0, c.cols - c0] = c.new
    # the air mixing is a normalised convolution, linear in temperature: mix the difference of
    # the unmixed temperatures once instead of mixing both runs
    change, p = unmixed_change(before, after, lc.cell_size_m)
    valid = before != NODATA_CODE
    dt = np.nan_to_num(change)
    diff = np.nan_to_num(mix_air_temperature(dt, valid, lc.cell_size_m, p.mixing_radius_m,
                                             p.mixing_kernel, p.mixing_truncate))
    if window is not None:
        window.append(CoolingChange(r0, c0, diff))
    out = np.zeros(n)
    sel = np.flatnonzero((base.rows >= r0) & (base.rows < r1) & (base.cols >= c0)
                         & (base.cols < c1))
    out[sel] = diff[base.rows[sel] - r0, base.cols[sel] - c0]
    return out


def _green_near(green: gpd.GeoDataFrame, network: WalkNetwork, edges: IntArray
                ) -> gpd.GeoDataFrame:
    """The green spaces whose entry buffer can meet one of ``edges`` (the new edges).

    :func:`remap_entries` looks for entries of every green space on the new edges; only
    those within the entry buffer of an edge can have one, and the entries found are the
    same (they are matched by green id), so the others are left out before the buffering.
    """
    if len(edges) == 0 or len(green) == 0:
        return green
    reach = shapely.buffer(network.edge_geometry[np.asarray(edges, dtype=np.int64)],
                           ENTRY_BUFFER_M + 1.0)
    _, hit = green.sindex.query(reach, predicate="intersects")
    return green.iloc[np.unique(hit)]


def _access(base: ExposureBaseline, delta: ScenarioDelta
            ) -> tuple[WalkNetwork, Entries, NearestGreen, Snap]:
    network, entries, state, snap = base.network, base.entries, base.near, base.snap
    if len(delta.network.add):
        network, change = base.network.apply(delta.network)
        snap = snap.remap(network, change)
        entries = remap_entries(entries, network, change, _green_near(base.green, network,
                                                                       change.added_edges))
        state = update_for_network(network, change, snap, entries, state)
    gone = delta.removed_green_ids[np.isin(delta.removed_green_ids, entries.green_ids)]
    if len(gone):
        entries, state = remove_green(network, snap, entries, state, gone)
    new = select_green(delta.new_green, base.options.min_size_ha, base.options.public_only)
    if len(new):
        entries, state = add_green(network, snap, entries, state, green_entries(network, new))
    return network, entries, state, snap


def scenario_exposures(base: ExposureBaseline, delta: ScenarioDelta) -> Exposures:
    """Exposures of every address after ``delta`` (see module docstring).

    Parameters
    ----------
    base : ExposureBaseline
        The region's baseline.
    delta : ScenarioDelta
        What the scenario changes.

    Returns
    -------
    Exposures
    """
    n = len(base.xy)
    before = base.near.dist_m
    network, entries, state, snap = _access(base, delta)
    d = focal_delta(base, delta.cells)
    crowns = focal_delta(base, delta.tree_cells)
    for key, value in crowns.items():
        d[key] = d[key] + value
    if len(delta.new_trees):
        txy = np.c_[delta.new_trees.geometry.x.to_numpy(), delta.new_trees.geometry.y.to_numpy()]
        hits = base.addr_tree.query_ball_point(txy, base.options.tree_radius_m)
        flat = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if len(hits) else \
            np.zeros(0, np.int64)
        d["trees_near"] = np.bincount(flat, minlength=n).astype(np.float64)
    else:
        d["trees_near"] = np.zeros(n)
    window: list[CoolingChange] = []
    d["t_air_c"] = cooling_delta(base, [delta.cells, delta.cooling_cells,
                                        canopy_as_cells(delta.tree_cells)], window)
    new_dist = np.zeros(0)
    nxy = np.zeros((0, 2))
    new_res = np.zeros(0)
    if len(delta.new_addresses):
        nxy = np.c_[delta.new_addresses.geometry.x.to_numpy(),
                    delta.new_addresses.geometry.y.to_numpy()]
        new_res = delta.new_addresses["residents"].to_numpy(dtype=np.float64)
        s = network.snap(nxy)
        new_dist, _ = point_distance(network, state.node_dist_m, state.node_green, entries,
                                     s.edge, s.offset_m)
        if state.doorstep:  # the same front-door-to-green distance as the existing homes
            new_dist = new_dist + s.snap_m
    changes = [*delta.network.add, *shapely.points(nxy)]
    gone = np.flatnonzero(np.isin(entries.green_ids, delta.removed_green_ids))
    added = np.arange(base.entries.n_greens, entries.n_greens)
    supply = supply_after(base.supply, (base.network, base.snap, base.entries),
                          (network, with_new_points(snap, network, nxy), entries),
                          np.concatenate([base.residents, new_res]), changes,
                          np.concatenate([gone[gone < base.entries.n_greens], added]))
    return Exposures(before, state.dist_m, d, np.asarray(new_dist, dtype=np.float64),
                     base.supply.per_capita, supply, crowns["ndvi_500m"],
                     _straight_after(base, delta, nxy), window[0] if window else None)


def buurt_means(base: ExposureBaseline, values: FloatArray) -> FloatArray:
    """Residents-weighted mean of per-address ``values`` per buurt (order of
    ``base.buurt_codes``; nan ignored, 0 for a buurt without residents)."""
    return weighted_mean_by_key(values, base.buurt_index, base.residents,
                                len(base.buurt_codes))
