"""Placing residents: at address points or grid cells, or spread over buildings or points.

Ways to get the ``addresses`` layer (one row per place with residents), best first:

1. :func:`place_at_points`: residents known per point, from address points or the CBS
   *vierkantstatistieken* (100 m grid; each cell's residents at its centre);
2. :func:`place_per_buurt` with BAG: only buurt totals known; per buurt, the residents are
   shared evenly over its residential BAG verblijfsobjecten (one dwelling each) when it has
   any, else over its residential BAG panden in proportion to their dwellings (footprint area
   where a pand's count is unknown), else as in 3 or 4. Each buurt falls back on its own, and
   the residents placed each way are counted (:func:`placement_quality`);
3. :func:`spread_over_buildings`: each buurt's residents are shared over its residential
   buildings (3DBAG) in proportion to their volume (m³);
4. :func:`spread_over_points`: no buildings either; each buurt's residents are shared evenly over
   a regular lattice of points inside the buurt. These points are not addresses, and the
   ``addresses`` quality record says ``placeholder``.

Shares are rounded with the largest-remainder method, so a buurt's placed residents add up to
its published total exactly. Every result carries a note saying which method was used; the
build records it in ``RegionMeta.notes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from groengezond.errors import Problem
from groengezond.region.quality import LayerQuality, QualityStatus, worst
from groengezond.region.schema import CRS
from groengezond.sources._io import Findings, require_file, to_rd

LATTICE_SPACING_M = 50.0
"""Distance (m) between lattice points when residents are spread over points."""

RESIDENTS_PER_POINT = 10
"""At most one lattice point per this many residents is used."""

MIN_RESIDENTIAL_VOLUME_M3 = 60.0
"""Buildings smaller than this (m³: sheds, garages) get no residents."""

NOT_IN_USE = frozenset({"Pand gesloopt", "Niet gerealiseerd pand", "Bouwvergunning verleend",
                        "Sloopvergunning verleend", "Pand ten onrechte opgevoerd",
                        "Bouw gestart"})
"""BAG building statuses that get no residents."""

MAX_RESIDENTS_PER_DWELLING = 5.0
"""A buurt with more CBS residents than this per BAG dwelling is taken as not (fully) covered by
the BAG input (a sample window or a clip) and falls back to the next method. Assumption: well
above the mean household size of Dutch buurten (about 2.1 persons, CBS 2023); in the centre
sample, the two buurten the window covers have 3.1 and 3.6, the two it cuts 26 and 167."""

RESIDENT_COLUMNS = ("aantal_inwoners", "inwoners", "residents", "inhabitants", "INWONER")


@dataclass(frozen=True)
class Placement:
    """Residents placed in space.

    Attributes
    ----------
    addresses : GeoDataFrame
        ``address_id, buurt, residents`` (persons), ``placement`` (method), ``building_id``
        (-1 when not at a building) and point geometry in RD New.
    notes : list of str
        How residents were placed (for ``RegionMeta.notes``).
    warnings : list of Problem
        Places left out or repaired.
    """

    addresses: gpd.GeoDataFrame
    notes: list[str]
    warnings: list[Problem] = field(default_factory=list)


def allocate(total: int, weights: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Split an integer total in proportion to weights (largest remainder, exact sum).

    Parameters
    ----------
    total : int
        Persons to split (≥ 0).
    weights : array_like
        Non-negative weights; equal shares when they sum to 0.

    Returns
    -------
    numpy.ndarray of int64
        Shares summing to ``total``; ties go to the earlier element.
    """
    w = np.asarray(weights, dtype=float)
    if len(w) == 0:
        return np.zeros(0, dtype=np.int64)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    if w.sum() <= 0:
        w = np.ones_like(w)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        order = np.lexsort((np.arange(len(w)), -(quota - base)))
        base[order[:rest]] += 1
    result: npt.NDArray[np.int64] = base
    return result


def _frame(buurt: list[str], residents: list[int], points: list[object], placement: str,
           building: list[int]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "address_id": np.arange(len(buurt), dtype="int64"),
        "buurt": pd.Series(buurt, dtype=object),
        "residents": np.asarray(residents, dtype="int64"),
        "placement": placement,
        "building_id": np.asarray(building, dtype="int64")},
        geometry=gpd.GeoSeries(points, crs=CRS), crs=CRS)


def _join(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return _frame([], [], [], "none", [])
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=CRS)
    out["address_id"] = np.arange(len(out), dtype="int64")
    return out


def spread_over_points(buurten: gpd.GeoDataFrame, *, spacing_m: float = LATTICE_SPACING_M,
                       residents_per_point: int = RESIDENTS_PER_POINT) -> Placement:
    """Share each buurt's residents evenly over lattice points inside it.

    Parameters
    ----------
    buurten : GeoDataFrame
        ``code``, ``inhabitants`` (persons) and polygon geometry (RD New).
    spacing_m : float
        Lattice spacing (m).
    residents_per_point : int
        At most one point per this many residents.

    Returns
    -------
    Placement
        Points with ``placement = "lattice"``.
    """
    codes, counts, points = [], [], []
    for k, (code, total, poly) in enumerate(zip(buurten["code"], buurten["inhabitants"],
                                                buurten.geometry, strict=True)):
        total = int(total)
        if total <= 0 or poly is None or poly.is_empty:
            continue
        minx, miny, maxx, maxy = poly.bounds
        phase = ((k * 0.6180339887) % 1.0, (k * 0.3819660113) % 1.0)
        xs = np.arange(minx + phase[0] * spacing_m, maxx, spacing_m)
        ys = np.arange(miny + phase[1] * spacing_m, maxy, spacing_m)
        gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
        shapely.prepare(poly)
        inside = shapely.contains_xy(poly, gx, gy)
        px, py = gx[inside], gy[inside]
        if len(px) == 0:
            rep = poly.representative_point()
            px, py = np.array([rep.x]), np.array([rep.y])
        n = min(len(px), max(1, math.ceil(total / residents_per_point)))
        pick = np.unique(np.linspace(0, len(px) - 1, n).round().astype(int))
        shares = allocate(total, np.ones(len(pick)))
        keep = shares > 0
        codes += [code] * int(keep.sum())
        counts += shares[keep].tolist()
        points += list(shapely.points(px[pick][keep], py[pick][keep]))
    frame = _frame(codes, counts, points, "lattice", [-1] * len(codes))
    note = (f"Residents were spread evenly over a regular {spacing_m:g} m lattice of points "
            f"inside each buurt (at most one point per {residents_per_point} residents), "
            "because neither addresses, a population grid nor buildings were given. These "
            "points are not addresses: distances from them are indicative.")
    return Placement(frame, [note])


def spread_over_buildings(buurten: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, *,
                          min_volume_m3: float = MIN_RESIDENTIAL_VOLUME_M3,
                          spacing_m: float = LATTICE_SPACING_M) -> Placement:
    """Share each buurt's residents over its buildings in proportion to their volume.

    Parameters
    ----------
    buurten : GeoDataFrame
        ``code``, ``inhabitants`` (persons) and polygon geometry (RD New).
    buildings : GeoDataFrame
        ``building_id``, footprint polygons, and ``volume_m3`` (m³; else footprint area ×
        ``height_m``); ``status`` (BAG) when known.
    min_volume_m3 : float
        Smaller buildings get no residents (m³).
    spacing_m : float
        Lattice spacing (m) for buurten without any residential building.

    Returns
    -------
    Placement
        Points at the buildings' representative points, ``placement = "building_volume"``;
        buurten without buildings fall back to :func:`spread_over_points` (noted).
    """
    volume = (buildings["volume_m3"].to_numpy(dtype=float) if "volume_m3" in buildings
              else buildings.geometry.area.to_numpy() * buildings["height_m"].to_numpy(float))
    status = buildings["status"].astype(str) if "status" in buildings else \
        pd.Series("", index=buildings.index)
    usable = (volume >= min_volume_m3) & ~status.isin(NOT_IN_USE).to_numpy()
    usable_idx = np.flatnonzero(usable)
    reps = shapely.point_on_surface(np.asarray(buildings.geometry.array, dtype=object)[usable])
    tree = shapely.STRtree(reps)
    polys = np.asarray(buurten.geometry.array, dtype=object)
    pairs = tree.query(polys, predicate="contains_properly")
    by_buurt: dict[int, np.ndarray] = {}
    for b in np.unique(pairs[0]):
        by_buurt[int(b)] = pairs[1][pairs[0] == b]
    codes, counts, points, ids = [], [], [], []
    empty = []
    ids_all = buildings["building_id"].to_numpy()
    for i, (code, total) in enumerate(zip(buurten["code"], buurten["inhabitants"],
                                          strict=True)):
        total = int(total)
        if total <= 0:
            continue
        members = by_buurt.get(i)
        if members is None or len(members) == 0:
            empty.append(i)
            continue
        shares = allocate(total, volume[usable_idx[members]])
        keep = shares > 0
        codes += [code] * int(keep.sum())
        counts += shares[keep].tolist()
        points += list(reps[members][keep])
        ids += ids_all[usable_idx[members]][keep].tolist()
    frame = _frame(codes, counts, points, "building_volume", ids)
    notes = [f"Residents were spread over residential buildings in proportion to their volume "
             f"(buildings of at least {min_volume_m3:g} m³ and in use; 3DBAG has no dwelling "
             "counts); each buurt's placed residents add up to its CBS total."]
    warnings: list[Problem] = []
    if empty:
        fallback = spread_over_points(buurten.iloc[empty], spacing_m=spacing_m)
        codes_empty = list(buurten["code"].iloc[empty])
        notes.append(f"{len(empty)} buurten have residents but no building: their residents "
                     f"were spread over lattice points ({', '.join(codes_empty[:10])}"
                     f"{' ...' if len(empty) > 10 else ''}).")
        frame = _join([frame, fallback.addresses])
    return Placement(frame, notes, warnings)


def read_residents(path: Path, *, column: str | None = None) -> tuple[gpd.GeoDataFrame,
                                                                        list[Problem]]:
    """Read points (or grid cells) with a count of residents.

    Parameters
    ----------
    path : Path
        GeoPackage/GeoJSON of address points or CBS vierkantstatistieken cells.
    column : str, optional
        Column with residents (persons); the first of :data:`RESIDENT_COLUMNS` by default.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        ``residents`` (float persons, NaN where secret: CBS codes ≤ -99990) and point geometry
        (cell centres) in RD New, and the warnings.
    """
    path = require_file(Path(path), "residents file")
    findings = Findings(path.name)
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # GDAL errors
        findings.error("", "", f"cannot be read ({exc})", "give a GeoPackage or GeoJSON")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    name = column or next((c for c in RESIDENT_COLUMNS if c in frame.columns), None)
    if name is None or name not in frame.columns:
        findings.error("header", column or "aantal_inwoners", "column is missing",
                       "give the residents per point or cell (e.g. aantal_inwoners)")
        findings.raise_if_errors()
    assert name is not None
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    text = frame[name].notna().to_numpy() & np.isnan(values)
    for i in np.flatnonzero(text)[:20]:
        findings.error(f"feature {i}", name, f"{frame[name].iloc[i]!r} is not a number",
                       "give a count of residents")
    findings.raise_if_errors()
    secret = values <= -99_990
    if secret.any():
        findings.warn("", name, f"{int(secret.sum())} cells are secret (CBS codes -99997 ...)",
                      "their residents are unknown and not placed")
    values = np.where(secret | (values < 0), np.nan, values)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if bad.any():
        findings.warn("", "geometry", f"{int(bad.sum())} features have no geometry", "left out")
    points = gpd.GeoDataFrame({"residents": values[~bad]},
                              geometry=shapely.point_on_surface(geoms[~bad]), crs=frame.crs)
    return to_rd(points, findings), findings.warnings


def place_at_points(points: gpd.GeoDataFrame, buurten: gpd.GeoDataFrame, *,
                    label: str = "points") -> Placement:
    """Residents at given points (addresses or grid cells), each tagged with its buurt.

    Points outside every buurt, and points with unknown residents, are left out with a
    warning. Where buurt polygons overlap (placeholders), a point goes to the first buurt in
    code order that holds it, with a warning.
    """
    findings = Findings(label)
    geoms = np.asarray(points.geometry.array, dtype=object)
    polys = np.asarray(buurten.geometry.array, dtype=object)
    pairs = shapely.STRtree(polys).query(geoms, predicate="within")
    codes = buurten["code"].to_numpy()
    first: dict[int, int] = {}
    multi = 0
    for p, b in sorted(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True),
                       key=lambda t: (t[0], codes[t[1]])):
        if p in first:
            multi += 1
            continue
        first[p] = b
    residents = points["residents"].to_numpy(dtype=float)
    outside = [i for i in range(len(points)) if i not in first]
    if outside:
        findings.warn("", "geometry", f"{len(outside)} points lie outside every buurt",
                      f"left out ({int(np.nansum(residents[outside])):,} residents)")
    if multi:
        findings.warn("", "buurt", "points lie in more than one buurt polygon (placeholder "
                      "polygons)", "each given to the first buurt in code order")
    keep = [i for i in sorted(first) if np.isfinite(residents[i]) and residents[i] > 0]
    frame = _frame([str(codes[first[i]]) for i in keep],
                   [round(residents[i]) for i in keep], [geoms[i] for i in keep],
                   label, [-1] * len(keep))
    note = (f"Residents were placed at the {len(keep):,} {label} that have residents; their "
            "sums per buurt can differ from the CBS buurt totals (rounding, secret cells).")
    return Placement(frame, [note], findings.warnings)


PLACEMENT_STATUS: dict[str, QualityStatus] = {
    "bag_address": "derived", "bag_pand": "derived", "building_volume": "derived",
    "lattice": "placeholder"}
"""Quality of residents placed by each method; points with their own residents are real."""


def _assign(points: npt.NDArray[np.object_], buurten: gpd.GeoDataFrame
            ) -> npt.NDArray[np.int64]:
    """Index of the buurt holding each point (-1: none); the first in code order where polygons
    overlap (placeholder polygons)."""
    polys = np.asarray(buurten.geometry.array, dtype=object)
    out = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(polys) == 0:
        return out
    pairs = shapely.STRtree(polys).query(points, predicate="within")
    codes = buurten["code"].to_numpy().astype(str)
    order = np.lexsort((codes[pairs[1]], pairs[0]))
    p, b = pairs[0][order], pairs[1][order]
    first = np.r_[True, p[1:] != p[:-1]] if len(p) else np.zeros(0, dtype=bool)
    out[p[first]] = b[first]
    return out


def place_per_buurt(buurten: gpd.GeoDataFrame, *, addresses: gpd.GeoDataFrame | None = None,
                    panden: gpd.GeoDataFrame | None = None,
                    buildings: gpd.GeoDataFrame | None = None,
                    min_volume_m3: float = MIN_RESIDENTIAL_VOLUME_M3,
                    spacing_m: float = LATTICE_SPACING_M,
                    residents_per_point: int = RESIDENTS_PER_POINT,
                    max_residents_per_dwelling: float = MAX_RESIDENTS_PER_DWELLING
                    ) -> Placement:
    """Place each buurt's residents at the best places it has (see module docstring).

    Parameters
    ----------
    buurten : GeoDataFrame
        ``code``, ``inhabitants`` (persons) and polygon geometry (RD New).
    addresses : GeoDataFrame, optional
        BAG verblijfsobjecten (:func:`groengezond.sources.bag.read_verblijfsobjecten`):
        ``vbo_id``, ``residential`` and points.
    panden : GeoDataFrame, optional
        BAG panden (:func:`groengezond.sources.bag.read_panden`): ``pand_id``,
        ``residential``, ``dwellings``, ``area_m2`` and polygons.
    buildings : GeoDataFrame, optional
        3DBAG buildings for the buurten without BAG (:func:`spread_over_buildings`).
    min_volume_m3, spacing_m, residents_per_point
        As in :func:`spread_over_buildings` and :func:`spread_over_points`.
    max_residents_per_dwelling : float
        A buurt with more residents per BAG dwelling (an address, or a pand's dwellings, at
        least 1) is taken as not covered by the BAG input and falls back (noted).

    Returns
    -------
    Placement
        ``placement`` is ``bag_address``, ``bag_pand``, ``building_volume`` or ``lattice``;
        ``bag_id`` holds the verblijfsobject or pand identificatie ('' otherwise). A buurt's
        placed residents add up to its total.
    """
    totals = buurten["inhabitants"].to_numpy(dtype=np.int64)
    codes = buurten["code"].to_numpy().astype(str)
    done = np.zeros(len(buurten), dtype=bool)
    frames: list[gpd.GeoDataFrame] = []
    notes: list[str] = []
    for kind, layer in (("bag_address", addresses), ("bag_pand", panden)):
        if layer is None or len(layer) == 0:
            continue
        layer = layer[layer["residential"].to_numpy(dtype=bool)]
        if kind == "bag_address":
            points = np.asarray(layer.geometry.array, dtype=object)
            weight = np.ones(len(layer))
            homes = weight
            ids = layer["vbo_id"].to_numpy().astype(str)
        else:
            points = shapely.point_on_surface(np.asarray(layer.geometry.array, dtype=object))
            dwellings = layer["dwellings"].to_numpy(dtype=float)
            weight = np.where(dwellings > 0, dwellings, layer["area_m2"].to_numpy(float) / 100.0)
            homes = np.maximum(dwellings, 1.0)
            ids = layer["pand_id"].to_numpy().astype(str)
        where = _assign(points, buurten)
        in_buurt: list[str] = []
        residents: list[int] = []
        at: list[object] = []
        bag_ids: list[str] = []
        partial: list[str] = []
        for b in np.unique(where[where >= 0]):
            if done[b] or totals[b] <= 0:
                continue
            members = np.flatnonzero(where == b)
            if totals[b] > max_residents_per_dwelling * homes[members].sum():
                partial.append(str(codes[b]))
                continue
            shares = allocate(int(totals[b]), weight[members])
            keep = shares > 0
            in_buurt += [str(codes[b])] * int(keep.sum())
            residents += shares[keep].tolist()
            at += list(points[members][keep])
            bag_ids += ids[members][keep].tolist()
            done[b] = True
        frame = _frame(in_buurt, residents, at, kind, [-1] * len(in_buurt))
        frame["bag_id"] = pd.Series(bag_ids, dtype=object)
        frames.append(frame)
        n_buurten = len(set(in_buurt))
        what = ("residential verblijfsobjecten, evenly (one dwelling each)" if kind ==
                "bag_address" else "residential BAG panden in proportion to their dwellings "
                "(aantal_verblijfsobjecten; footprint area where unknown)")
        notes.append(f"{n_buurten} buurt(en): residents spread over their {what}.")
        if partial:
            notes.append(f"{len(partial)} buurt(en) have more than {max_residents_per_dwelling:g} "
                         f"residents per {kind.replace('_', ' ')} dwelling, so the BAG input "
                         f"covers them only in part; not used there ({', '.join(partial[:10])}"
                         f"{' ...' if len(partial) > 10 else ''}).")
    rest = np.flatnonzero(~done & (totals > 0))
    warnings: list[Problem] = []
    if len(rest):
        left = buurten.iloc[rest]
        if buildings is not None and len(buildings):
            placed = spread_over_buildings(left, buildings, min_volume_m3=min_volume_m3,
                                           spacing_m=spacing_m)
        else:
            placed = spread_over_points(left, spacing_m=spacing_m,
                                        residents_per_point=residents_per_point)
        if frames:
            notes.append(f"{len(rest)} buurt(en) have no residential BAG object: they fall "
                         "back as follows.")
        notes += placed.notes
        warnings += placed.warnings
        frames.append(placed.addresses.assign(bag_id=""))
    out = _join(frames)
    if "bag_id" not in out.columns:
        out["bag_id"] = pd.Series([], dtype=object)
    out["bag_id"] = out["bag_id"].fillna("").astype(str)
    return Placement(out, notes, warnings)


def placement_quality(addresses: gpd.GeoDataFrame) -> LayerQuality:
    """The ``addresses`` quality record: how many residents were placed each way.

    Residents at points that carried their own counts are ``real``, residents spread over BAG
    addresses, BAG panden or 3DBAG volumes ``derived``, and residents on the lattice a
    ``placeholder`` (the worst method used decides the status).

    Returns
    -------
    LayerQuality
        Figures ``residents.<method>`` (persons) and ``share.<method>`` (0-1).
    """
    if len(addresses) == 0:
        return LayerQuality(status="missing", reason="no residents were placed",
                            key="addresses.missing")
    per = addresses.groupby("placement")["residents"].sum()
    total = float(per.sum()) or 1.0
    statuses = [PLACEMENT_STATUS.get(str(m), "real") for m in per.index]
    status = worst(statuses)
    parts = ", ".join(f"{int(v):,} by {m}" for m, v in per.sort_values(ascending=False).items())
    figures = {f"residents.{m}": float(v) for m, v in per.items()}
    figures.update({f"share.{m}": float(v) / total for m, v in per.items()})
    if status == "placeholder":
        reason = (f"residents placed {parts}: the lattice points are not addresses, distances "
                  "from them are indicative")
        key = "addresses.lattice"
    else:
        reason = f"residents placed {parts}"
        key = "addresses.placed"
    return LayerQuality(status=status, reason=reason, key=key, figures=figures)
