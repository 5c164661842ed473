r"""Land cover of a real region: vector layers rasterised into the 10 m classes, NDVI calibrated.

**Rasterising** (:func:`rasterise_landcover`). The region's vector layers are burnt into the
classes of :data:`~groengezond.region.schema.LANDCOVER_CLASSES` on a 10 m grid aligned like the
synthetic region's (:mod:`groengezond.synth.rasterize`: origin at whole multiples of the cell,
north up, covering the region's bounds). A cell takes a class when its centre lies inside the
feature (:func:`rasterio.features.rasterize`, ``all_touched=False``). Later layers overwrite
earlier ones, in this order (:data:`BURN_ORDER`):

1. ``agriculture``: meadows and farmland (green polygons of kind ``meadow``/``farmland``);
2. ``low_green``: grass, parks, gardens, nature, sports, allotments, cemeteries, playgrounds;
3. ``trees``: forest and wood polygons;
4. ``bare``: sand, building sites, railway ballast;
5. ``water``: water polygons (a pond or canal inside a park polygon is water);
6. ``paved``: roads, paths and paved areas (a road through a park or forest cuts it);
7. tree crowns (``trees``): a disc of the crown diameter around every tree point, and the
   trunk's cell. Crowns are burnt over paved, water and grass because that is what is seen
   from above, by Sentinel-2 (NDVI) and in canopy maps (the 3-30-300 canopy share);
8. ``building``: footprints, last, because a footprint is mapped exactly while a crown is a
   disc of a default size, and roofs are not green. The cell of each footprint's centre is set
   too, so that no building is lost (as in the synthetic region).

Large land-use polygons go first, so that smaller or more specific features drawn inside them
(a forest in a park, a pond, a path) win. Cells inside the region that no layer covers take a
**default class** (``paved`` unless configured: in a Dutch city the unmapped rest is mostly
streets, yards and built-up land); their number is reported as ``default_cells`` and flagged
in the quality record. Cells outside the region are nodata (0).

**NDVI calibration** (:func:`calibrate_ndvi`). The per-class NDVI proxy
(:data:`~groengezond.landcover.NDVI_BY_CLASS`) is moved so that the mean NDVI of each
gemeente's cells matches an observed mean (the Sentinel-2 summer composite of the RIVM BB8
team, ``ndvi_sentinel2_zomer2021_gemeenten_nl.csv``). One parameter is fitted over all
gemeenten with an observation, by least squares weighted by their cells (exact for a region of
one gemeente); :math:`m_g` is the mean proxy NDVI of gemeente :math:`g` over its :math:`n_g`
valid cells and :math:`t_g` the observed mean:

- ``shift`` (default): :math:`\mathrm{NDVI}'_c = \mathrm{NDVI}_c + b`,
  :math:`b = \sum_g n_g (t_g - m_g) / \sum_g n_g`. Every difference between classes, hence
  every scenario's change of NDVI, stays as the proxy table has it; only the level moves. The
  exposure-response functions act on NDVI *differences* (per 0.1 NDVI), and on a region whose
  sources are incomplete the gap between :math:`m_g` and :math:`t_g` mostly reflects the cells
  no layer covers (filled with the default class), not the sensor: scaling every class by it
  would scale every scenario's health effect by a data gap.
- ``gain``: :math:`\mathrm{NDVI}'_c = a\, \mathrm{NDVI}_c`,
  :math:`a = \sum_g n_g m_g t_g / \sum_g n_g m_g^2`. For regions with complete land cover,
  where the gap reflects the sensor and compositing (mixed pixels compress NDVI towards 0:
  forest-dominated Utrechtse Heuvelrug has 0.35, not the 0.8 of dense canopy).

Calibrated values are clipped to [-1, 1]; when clipping bites, the mean after calibration
differs from the target and the report says so (``ndvi_max_abs_error``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from affine import Affine
from rasterio import features

from groengezond.landcover import NDVI_BY_CLASS, NODATA
from groengezond.region.model import Landcover
from groengezond.region.quality import LayerQuality, NotComputable, QualityStatus
from groengezond.region.schema import LANDCOVER_CLASSES

CELL_M = 10.0
"""Cell size (m), as in the synthetic region."""

CLASS_CODE: dict[str, int] = {name: code for code, name in LANDCOVER_CLASSES.items()
                              if code != NODATA}
"""Class name -> uint8 code."""

GREEN_KIND_CLASS: dict[str, str] = {
    "meadow": "agriculture", "farmland": "agriculture", "orchard": "agriculture",
    "forest": "trees", "wood": "trees",
    "park": "low_green", "grass": "low_green", "garden": "low_green", "nature": "low_green",
    "sports": "low_green", "allotment": "low_green", "cemetery": "low_green",
    "playground": "low_green",
}
"""Kind of a green polygon (:data:`groengezond.sources.osm.GREEN_KINDS`) -> land-cover class.
OSM ``landuse=meadow`` in the Netherlands is mostly pasture, hence agriculture; parks are
low green, their trees come in as crowns. Unknown kinds are ``low_green``."""

BURN_ORDER: tuple[str, ...] = ("agriculture", "low_green", "trees", "bare", "water", "paved",
                               "crowns", "building")
"""Order in which layers are burnt; later ones overwrite earlier ones (module docstring)."""

CLASSES: tuple[str, ...] = ("building", "paved", "low_green", "trees", "water", "agriculture",
                            "bare")
"""The land-cover classes a region can hold (nodata aside)."""

MAX_CROWN_DIAMETER_M = 40.0
"""Crowns are burnt at most this wide (m), a guard against typing errors in the data."""

DEFAULT_CLASS = "paved"
"""Class of cells inside the region that no layer covers (see module docstring)."""

GeomArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class LandcoverLayers:
    """The vector inputs of :func:`rasterise_landcover` (RD New, m).

    ``None`` means *no source was given* for that input (its class is reported missing); an
    empty array means a source was given and holds nothing in the region.

    Attributes
    ----------
    green, green_kind : arrays of geometries and str, optional
        Green polygons and their kind (``park``, ``forest``, ``meadow``, ...).
    water, paved, bare, buildings : array of geometries, optional
        Polygons of each class (paved and water ways already buffered to their width).
    tree_xy : numpy.ndarray of float, shape (n, 2), optional
        Tree positions (m).
    crown_diameter_m : numpy.ndarray of float, optional
        Crown diameter per tree (m).
    """

    green: GeomArray | None = None
    green_kind: npt.NDArray[np.str_] | None = None
    water: GeomArray | None = None
    paved: GeomArray | None = None
    bare: GeomArray | None = None
    buildings: GeomArray | None = None
    tree_xy: npt.NDArray[np.float64] | None = None
    crown_diameter_m: npt.NDArray[np.float64] | None = None


@dataclass(frozen=True)
class LandcoverResult:
    """A rasterised land cover and what it rests on.

    Attributes
    ----------
    landcover : Landcover
        The raster (uint8 classes, 10 m cells).
    cells : dict of str to int
        Cells per class inside the region (after the default fill).
    default_class : str
        Class given to cells no layer covers.
    default_cells : int
        Cells that took the default class.
    sourced : dict of str to bool
        Per class, whether any input could give it (``False``: no source).
    """

    landcover: Landcover
    cells: dict[str, int]
    default_class: str
    default_cells: int
    sourced: dict[str, bool]

    @property
    def region_cells(self) -> int:
        """Valid (non-nodata) cells."""
        return int(sum(self.cells.values()))


def grid_for(region: shapely.Geometry, cell_m: float = CELL_M) -> tuple[Affine, int, int]:
    """North-up transform and (rows, cols) of the grid covering ``region`` (as the synth's)."""
    minx, miny, maxx, maxy = shapely.bounds(region)
    x0 = np.floor(minx / cell_m) * cell_m
    y1 = np.ceil(maxy / cell_m) * cell_m
    cols = max(int(np.ceil((maxx - x0) / cell_m)), 1)
    rows = max(int(np.ceil((y1 - miny) / cell_m)), 1)
    return Affine(cell_m, 0.0, float(x0), 0.0, -cell_m, float(y1)), rows, cols


def _burn(out: npt.NDArray[np.uint8], geoms: GeomArray | None, value: int,
          transform: Affine) -> None:
    if geoms is None or len(geoms) == 0:
        return
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    # GeoJSON text from shapely's C writer: much faster than __geo_interface__ per vertex
    shapes = ((json.loads(text), value) for text in shapely.to_geojson(geoms[ok]))
    features.rasterize(shapes, out=out, transform=transform)


def _discs(out: npt.NDArray[np.uint8], xy: npt.NDArray[np.float64],
           radius: npt.NDArray[np.float64], value: int, transform: Affine,
           chunk: int = 50_000) -> None:
    """Set the cells whose centre lies within ``radius`` (m) of a point, and the point's cell."""
    for s in range(0, len(xy), chunk):
        p, r = xy[s:s + chunk], radius[s:s + chunk]
        c0 = np.floor((p[:, 0] - r - transform.c) / transform.a).astype(np.int64)
        c1 = np.floor((p[:, 0] + r - transform.c) / transform.a).astype(np.int64)
        r0 = np.floor((p[:, 1] + r - transform.f) / transform.e).astype(np.int64)
        r1 = np.floor((p[:, 1] - r - transform.f) / transform.e).astype(np.int64)
        nr, nc = r1 - r0 + 1, c1 - c0 + 1
        count = nr * nc
        idx = np.repeat(np.arange(len(p)), count)
        k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        row = r0[idx] + k // nc[idx]
        col = c0[idx] + k % nc[idx]
        cx = transform.c + (col + 0.5) * transform.a
        cy = transform.f + (row + 0.5) * transform.e
        inside = np.hypot(cx - p[idx, 0], cy - p[idx, 1]) <= r[idx]
        ok = inside & (row >= 0) & (row < out.shape[0]) & (col >= 0) & (col < out.shape[1])
        out[row[ok], col[ok]] = value
    _set_points(out, xy[:, 0], xy[:, 1], value, transform)


def _set_points(out: npt.NDArray[np.uint8], x: npt.NDArray[np.float64],
                y: npt.NDArray[np.float64], value: int, transform: Affine) -> None:
    col = np.floor((x - transform.c) / transform.a).astype(np.int64)
    row = np.floor((y - transform.f) / transform.e).astype(np.int64)
    ok = (row >= 0) & (row < out.shape[0]) & (col >= 0) & (col < out.shape[1])
    out[row[ok], col[ok]] = value


def rasterise_landcover(region: shapely.Geometry, layers: LandcoverLayers, *,
                        default_class: str = DEFAULT_CLASS,
                        cell_m: float = CELL_M) -> LandcoverResult:
    """Rasterise vector layers into land-cover classes (order in the module docstring).

    Parameters
    ----------
    region : shapely geometry
        The region's outline (RD New, m); cells outside it are nodata.
    layers : LandcoverLayers
        The vector inputs.
    default_class : str
        Class of cells inside the region that no layer covers.
    cell_m : float
        Cell size (m).

    Returns
    -------
    LandcoverResult

    Raises
    ------
    ValueError
        For an unknown ``default_class`` or mismatched tree arrays.
    """
    if default_class not in CLASS_CODE:
        raise ValueError(f"default_class {default_class!r} is not one of {sorted(CLASS_CODE)}")
    transform, rows, cols = grid_for(region, cell_m)
    out = np.zeros((rows, cols), dtype=np.uint8)
    code = CLASS_CODE
    sourced = dict.fromkeys(CLASSES, False)
    if layers.green is not None:
        kinds = (np.asarray(layers.green_kind, dtype=object) if layers.green_kind is not None
                 else np.full(len(layers.green), "park", dtype=object))
        cls = np.array([GREEN_KIND_CLASS.get(str(k), "low_green") for k in kinds], dtype=object)
        for name in ("agriculture", "low_green", "trees"):
            pick = cls == name
            sourced[name] |= bool(pick.any())
            _burn(out, layers.green[pick], code[name], transform)
    for name, geoms in (("bare", layers.bare), ("water", layers.water),
                        ("paved", layers.paved)):
        if geoms is not None:
            sourced[name] = True
            _burn(out, geoms, code[name], transform)
    if layers.tree_xy is not None:
        xy = np.asarray(layers.tree_xy, dtype=float).reshape(-1, 2)
        diameter = np.asarray(layers.crown_diameter_m, dtype=float)
        if diameter.shape != (len(xy),):
            raise ValueError("crown_diameter_m needs one value per tree")
        sourced["trees"] = True
        ok = np.isfinite(xy).all(axis=1) & np.isfinite(diameter)
        if ok.any():
            radius = np.clip(diameter[ok], 0.0, MAX_CROWN_DIAMETER_M) / 2.0
            _discs(out, xy[ok], radius, code["trees"], transform)
    if layers.buildings is not None:
        sourced["building"] = True
        geoms = layers.buildings
        _burn(out, geoms, code["building"], transform)
        if len(geoms):
            centre = shapely.centroid(geoms[~shapely.is_empty(geoms)])
            _set_points(out, shapely.get_x(centre), shapely.get_y(centre), code["building"],
                        transform)
    inside = features.rasterize([(region, 1)], out_shape=(rows, cols), transform=transform,
                                dtype=np.uint8).astype(bool)
    out[~inside] = NODATA
    empty = inside & (out == NODATA)
    default_cells = int(empty.sum())
    out[empty] = code[default_class]
    counts = np.bincount(out[inside], minlength=256)
    cells = {name: int(counts[code[name]]) for name in CLASSES}
    return LandcoverResult(Landcover(out, transform), cells, default_class, default_cells,
                           sourced)


@dataclass(frozen=True)
class NdviCalibration:
    """The NDVI calibration of a region (see module docstring).

    Attributes
    ----------
    method : {"shift", "gain"}
        How the table was moved (module docstring).
    gain : float
        The fitted parameter: the shift :math:`b` (NDVI) or the gain :math:`a` (factor).
    ndvi_by_class : dict of str to float
        Calibrated NDVI per class (stored in ``region.json`` as ``ndvi_by_class``).
    base : dict of str to float
        The proxy values before calibration.
    zones : list of str
        Codes of the zones (gemeenten) with an observed mean.
    target, before, after : numpy.ndarray of float
        Per zone: observed mean, mean of the proxy, mean after calibration (NDVI).
    cells : numpy.ndarray of int
        Valid cells per zone.
    source : str
        Where the observed means come from.
    """

    method: str
    gain: float
    ndvi_by_class: dict[str, float]
    base: dict[str, float]
    zones: list[str]
    target: npt.NDArray[np.float64]
    before: npt.NDArray[np.float64]
    after: npt.NDArray[np.float64]
    cells: npt.NDArray[np.int64]
    source: str = ""

    def figures(self) -> dict[str, float]:
        """Figures for the quality record: target, before, after (cell-weighted), gain, classes."""
        w = self.cells.astype(float)
        total = float(w.sum()) or 1.0
        out = {"ndvi_target": float((self.target * w).sum() / total),
               "ndvi_before": float((self.before * w).sum() / total),
               "ndvi_after": float((self.after * w).sum() / total),
               f"ndvi_{self.method}": self.gain,
               "ndvi_max_abs_error": float(np.max(np.abs(self.after - self.target)))
               if len(self.zones) else 0.0}
        out.update({f"ndvi.{name}": value for name, value in self.ndvi_by_class.items()
                    if np.isfinite(value)})  # water is nodata in NDVI means: no figure
        return out


def zone_means(values: npt.NDArray[np.float32], zone_index: npt.NDArray[np.int32],
               n_zones: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Mean of the non-``nan`` ``values`` per zone (``zone_index`` 1..n, 0 = none), and cells."""
    ok = (zone_index > 0) & np.isfinite(values)
    idx = zone_index[ok].astype(np.int64)
    sums = np.bincount(idx, weights=values[ok].astype(np.float64), minlength=n_zones + 1)
    counts = np.bincount(idx, minlength=n_zones + 1)
    means = np.divide(sums, counts, out=np.full(n_zones + 1, np.nan), where=counts > 0)
    return means[1:], counts[1:].astype(np.int64)


def calibrate_ndvi(landcover: Landcover, zones: Sequence[shapely.Geometry],
                   codes: Sequence[str], targets: Sequence[float], *,
                   class_table: Mapping[int, str] | None = None,
                   base: Mapping[str, float] = NDVI_BY_CLASS,
                   method: str = "shift", source: str = "") -> NdviCalibration:
    """Scale the per-class NDVI so that each zone's mean matches its observed mean.

    Parameters
    ----------
    landcover : Landcover
        The region's land cover.
    zones : sequence of shapely geometries
        Zones with an observed mean (gemeenten), RD New.
    codes : sequence of str
        Their codes.
    targets : sequence of float
        Observed mean NDVI per zone.
    class_table : mapping of int to str, optional
        Class table; default :data:`~groengezond.region.schema.LANDCOVER_CLASSES`.
    base : mapping of str to float
        NDVI per class before calibration.
    method : {"shift", "gain"}
        Shift or scale the table (module docstring).
    source : str
        Where the targets come from (reported).

    Returns
    -------
    NdviCalibration

    Raises
    ------
    ValueError
        When no zone has both a finite target and valid cells, or for an unknown method.
    """
    if method not in ("shift", "gain"):
        raise ValueError(f"method {method!r} is not 'shift' or 'gain'")
    table = dict(class_table) if class_table is not None else LANDCOVER_CLASSES
    lut = np.full(256, np.nan, dtype=np.float32)
    for code, name in table.items():
        if int(code) != NODATA and name in base:
            lut[int(code)] = base[name]
    proxy = lut[landcover.classes]
    rows, cols = landcover.classes.shape
    zone_index = np.zeros((rows, cols), dtype=np.int32)
    shapes = [(z, i + 1) for i, z in enumerate(zones) if z is not None and not z.is_empty]
    if shapes:
        features.rasterize(shapes, out=zone_index, transform=landcover.transform)
    before, cells = zone_means(proxy, zone_index, len(zones))
    target = np.asarray(targets, dtype=float)
    use = np.isfinite(target) & np.isfinite(before) & (cells > 0)
    if not use.any():
        raise ValueError("no zone has both an observed NDVI and land-cover cells")
    w = cells[use].astype(float)
    if method == "shift":
        gain = float((w * (target[use] - before[use])).sum() / w.sum())
        calibrated = {name: float(np.clip(value + gain, -1.0, 1.0))
                      for name, value in base.items()}
    else:
        denominator = float((w * before[use] ** 2).sum())
        gain = float((w * before[use] * target[use]).sum() / denominator) \
            if denominator > 0 else 1.0
        calibrated = {name: float(np.clip(gain * value, -1.0, 1.0))
                      for name, value in base.items()}
    lut2 = np.full(256, np.nan, dtype=np.float32)
    for code, name in table.items():
        if int(code) != NODATA and name in calibrated:
            lut2[int(code)] = calibrated[name]
    after, _ = zone_means(lut2[landcover.classes], zone_index, len(zones))
    keep = np.flatnonzero(use)
    return NdviCalibration(method, gain, calibrated, dict(base), [str(codes[int(i)]) for i in keep],
                           target[keep], before[keep], after[keep], cells[keep], source)


def landcover_quality(result: LandcoverResult, inputs: Mapping[str, Sequence[str]],
                      calibration: NdviCalibration | None = None,
                      ndvi_problem: str | None = None) -> dict[str, LayerQuality]:
    """Quality records of a rasterised land cover: ``landcover`` and ``landcover.<class>``.

    Parameters
    ----------
    result : LandcoverResult
        The rasterised land cover.
    inputs : mapping of str to sequence of str
        Per class, the names of the inputs that fed it (for the reasons).
    calibration : NdviCalibration, optional
        The NDVI calibration, when one was made.
    ndvi_problem : str, optional
        Why there is no calibration (reported in the reason).

    Returns
    -------
    dict of str to LayerQuality
        ``landcover`` (status ``derived``, figures: share per class, default cells, NDVI
        calibration) and one record per class: ``derived`` when a source fed it, ``missing``
        when none did (``placeholder`` for the default class without a source of its own).
    """
    total = max(result.region_cells, 1)
    out: dict[str, LayerQuality] = {}
    missing = []
    for name in CLASSES:
        share = result.cells[name] / total
        figures = {"share": share, "cells": float(result.cells[name])}
        status: QualityStatus
        if result.sourced[name]:
            status, key = "derived", "landcover.class_derived"
            reason = f"rasterised from {', '.join(inputs.get(name, ())) or 'the region layers'}"
            if name == result.default_class and result.default_cells:
                reason += (f"; also the default of {result.default_cells:,} cells no layer "
                           "covers")
        elif name == result.default_class and result.default_cells:
            status, key = "placeholder", "landcover.class_default"
            reason = (f"no source for {name}: it is the default class of the "
                      f"{result.default_cells:,} cells no layer covers")
        else:
            status, key = "missing", "landcover.class_missing"
            reason = f"no source for {name} was given"
            missing.append(name)
        out[f"landcover.{name}"] = LayerQuality(status=status, reason=reason, key=key,
                                                figures=figures)
    default_share = result.default_cells / total
    reason = (f"rasterised at {result.landcover.cell_size_m:g} m from vector layers; "
              f"{default_share:.1%} of the cells are covered by no layer and were set to "
              f"{result.default_class}")
    if missing:
        reason += f"; classes without a source: {', '.join(missing)}"
    figures = {f"share.{name}": result.cells[name] / total for name in CLASSES}
    figures.update({"cells": float(result.region_cells),
                    "default_cells": float(result.default_cells),
                    "default_share": default_share,
                    "classes_missing": float(len(missing))})
    if calibration is not None:
        f = calibration.figures()
        figures.update(f)
        reason += (f"; NDVI per class calibrated by a {calibration.method} of "
                   f"{calibration.gain:+.3f} to the observed mean {f['ndvi_target']:.3f} "
                   f"({calibration.source}): mean {f['ndvi_before']:.3f} -> "
                   f"{f['ndvi_after']:.3f}")
    else:
        reason += f"; NDVI not calibrated: {ndvi_problem or 'no observed NDVI given'}"
    out["landcover"] = LayerQuality(status="derived", reason=reason, key="landcover.derived",
                                    figures=figures)
    return out


def missing_classes(quality: Mapping[str, LayerQuality]) -> list[str]:
    """Land-cover classes whose quality record says ``missing`` (no source)."""
    return [name for name in CLASSES
            if (q := quality.get(f"landcover.{name}")) is not None and q.status == "missing"]


def landcover_not_computable(quality: Mapping[str, LayerQuality], has_landcover: bool,
                             needs: Sequence[str]) -> NotComputable | None:
    """Why a figure resting on land-cover classes ``needs`` cannot be computed, or None.

    Parameters
    ----------
    quality : mapping of str to LayerQuality
        ``RegionMeta.quality``.
    has_landcover : bool
        Whether the region has a land-cover raster at all.
    needs : sequence of str
        Classes the figure depends on, e.g. ``("low_green", "trees")`` for a change of NDVI
        from new green, ``("trees", "water", "building")`` for cooling.

    Returns
    -------
    NotComputable or None
        ``landcover.missing`` without a raster, ``landcover.class_missing`` (listing the
        classes) when a needed class has no source; None when the figure can be computed.
    """
    if not has_landcover:
        return NotComputable(key="landcover.missing", reason="the region has no land-cover "
                             "raster", missing=["landcover"])
    lacking = [name for name in missing_classes(quality) if name in needs]
    if not lacking:
        return None
    return NotComputable(key="landcover.class_missing",
                         reason=f"land cover has no source for {', '.join(lacking)}",
                         missing=[f"landcover.{name}" for name in lacking])
