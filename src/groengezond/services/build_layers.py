"""Build steps for the layers on the ground: clipping, BAG, placing residents, land cover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from groengezond.errors import InputError
from groengezond.landcover_build import (
    LandcoverLayers,
    NdviCalibration,
    calibrate_ndvi,
    landcover_quality,
    rasterise_landcover,
)
from groengezond.region.model import Landcover, Source
from groengezond.region.quality import LayerQuality
from groengezond.services.build_report import DEFAULT_SOURCES, add_source
from groengezond.sources import bag, population
from groengezond.sources import landcover as lc_sources
from groengezond.sources.config import BuildConfig


def clip(frame: gpd.GeoDataFrame, zone: Any, label: str, warnings: list[str]) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        return frame
    hits = shapely.intersects(np.asarray(frame.geometry.array, dtype=object), zone)
    if (~hits).any():
        warnings.append(f"{label}: {int((~hits).sum()):,} features lie outside the region and "
                        "its buffer; left out")
    return frame[hits].reset_index(drop=True)


def read_bag(config: BuildConfig, zone: Any, warnings: list[str], sources: list[Source]
              ) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """BAG verblijfsobjecten and panden of the config, clipped to the region and its buffer."""
    if config.bag is None:
        return None, None
    out: list[gpd.GeoDataFrame | None] = []
    for item, reader, what in ((config.bag.verblijfsobjecten, bag.read_verblijfsobjecten,
                                "verblijfsobjecten"),
                               (config.bag.panden, bag.read_panden, "panden")):
        if item is None:
            out.append(None)
            continue
        layer = reader(item.path)
        warnings += [str(w) for w in layer.warnings]
        out.append(clip(layer.frame, zone, f"{layer.source} (BAG {what})", warnings))
        add_source(sources, item.source(*DEFAULT_SOURCES["bag"]))
    return out[0], out[1]


def place_residents(config: BuildConfig, areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame,
           addresses: gpd.GeoDataFrame | None = None, panden: gpd.GeoDataFrame | None = None
           ) -> population.Placement:
    pop = config.population
    buurten = areas[areas["level"] == "buurt"]
    method = pop.method
    has_bag = addresses is not None or panden is not None
    if method == "auto":
        method = "points" if pop.path else ("bag" if has_bag else
                                            "buildings" if len(buildings) else "lattice")
    if method == "bag":
        if not has_bag:
            raise InputError.single("config", "population", "method", "method 'bag' needs BAG "
                                    "verblijfsobjecten or panden", "give bag.panden and/or "
                                    "bag.verblijfsobjecten")
        return population.place_per_buurt(
            buurten, addresses=addresses, panden=panden,
            buildings=buildings if len(buildings) else None, min_volume_m3=pop.min_volume_m3,
            spacing_m=pop.spacing_m, residents_per_point=pop.residents_per_point,
            max_residents_per_dwelling=pop.max_residents_per_dwelling)
    if method == "points":
        if pop.path is None:
            raise InputError.single("config", "population", "path", "method 'points' needs a "
                                    "file of address points or grid cells",
                                    "give population.path (and column)")
        points, problems = population.read_residents(pop.path, column=pop.column)
        placed = population.place_at_points(points, buurten, label=pop.path.name)
        return population.Placement(placed.addresses, placed.notes, [*problems,
                                                                     *placed.warnings])
    if method == "buildings" and len(buildings):
        return population.spread_over_buildings(buurten, buildings,
                                                min_volume_m3=pop.min_volume_m3,
                                                spacing_m=pop.spacing_m)
    placed = population.spread_over_points(buurten, spacing_m=pop.spacing_m,
                                           residents_per_point=pop.residents_per_point)
    if method == "buildings":
        placed.notes.append("population.method is 'buildings' but no buildings were given.")
    return placed


@dataclass
class BuiltLandcover:
    """The land cover of a build, its quality records and its NDVI calibration."""

    landcover: Landcover
    quality: dict[str, LayerQuality]
    calibration: NdviCalibration | None
    warnings: list[str]
    notes: list[str]


def _geoms(frame: gpd.GeoDataFrame | None) -> np.ndarray | None:
    if frame is None:
        return None
    return np.asarray(frame.geometry.array, dtype=object)


def build_landcover(config: BuildConfig, areas: gpd.GeoDataFrame, layers: dict[str, Any],
                    panden: gpd.GeoDataFrame | None, sources: list[Source]) -> BuiltLandcover:
    """Rasterise the region's land cover and calibrate its NDVI (``landcover:`` of the config).

    Green spaces and trees come from the region's layers, buildings from 3DBAG, the BAG panden
    and ``landcover.buildings``; water, paved and bare land from ``landcover``. See
    :mod:`groengezond.landcover_build` for the overwrite order and the calibration.

    Returns
    -------
    BuiltLandcover
        The raster, the quality records ``landcover`` and ``landcover.<class>``, the NDVI
        calibration (None without ``landcover.ndvi`` or without an observed gemeente), and
        the warnings and notes.
    """
    spec = config.landcover
    assert spec is not None
    warnings: list[str] = []
    notes: list[str] = []
    region_poly = areas.loc[areas["level"] == "region", "geometry"].iloc[0]
    inputs: dict[str, list[str]] = {}
    by_class: dict[str, list[np.ndarray]] = {}
    for name, item in spec.class_inputs():
        read = lc_sources.read_class_polygons(item.path, what=name, width_m=item.width_m,
                                              where=item.where)
        warnings += [str(w) for w in read.warnings]
        geoms = read.geometry[shapely.intersects(read.geometry, region_poly)]
        by_class.setdefault(name, []).append(geoms)
        inputs.setdefault(name, []).append(read.source)
        add_source(sources, item.source(read.source, "not stated in the config",
                                         "not stated in the config"))
    green = layers.get("green")
    if green is not None:
        label = f"green spaces ({config.green.path.name if config.green else 'green'})"
        for name in ("low_green", "trees", "agriculture"):
            inputs[name] = [label]
    trees = layers.get("trees")
    if trees is not None:
        inputs.setdefault("trees", []).append("tree crowns")
    buildings = [g for g in (_geoms(layers.get("buildings")), _geoms(panden)) if g is not None]
    if layers.get("buildings") is not None:
        inputs.setdefault("building", []).append("3DBAG buildings")
    if panden is not None:
        inputs.setdefault("building", []).append("BAG panden")
    buildings += by_class.get("building", [])

    def joined(parts: list[np.ndarray]) -> np.ndarray | None:
        return np.concatenate(parts).astype(object) if parts else None

    lc_layers = LandcoverLayers(
        green=_geoms(green), green_kind=None if green is None else green["kind"].to_numpy(),
        water=joined(by_class.get("water", [])), paved=joined(by_class.get("paved", [])),
        bare=joined(by_class.get("bare", [])), buildings=joined(buildings),
        tree_xy=None if trees is None else np.c_[trees.geometry.x.to_numpy(),
                                                 trees.geometry.y.to_numpy()],
        crown_diameter_m=None if trees is None else trees["crown_diameter_m"].to_numpy(float))
    result = rasterise_landcover(region_poly, lc_layers, default_class=spec.default_class)
    calibration, problem = None, None
    if spec.ndvi is None:
        problem = "no landcover.ndvi table was given"
    else:
        table = lc_sources.read_ndvi_table(spec.ndvi.path, column=spec.ndvi.column,
                                           code_column=spec.ndvi.code_column)
        warnings += [str(w) for w in table.warnings]
        gemeenten = areas[areas["level"] == "gemeente"]
        codes = gemeenten["code"].astype(str).tolist()
        unseen = [c for c in codes if c not in table.values]
        if unseen:
            warnings.append(f"{table.source}: no observed NDVI for {', '.join(unseen[:10])}; "
                            "the calibration rests on the other gemeenten")
        observed = [c not in unseen for c in codes]
        if any(observed):
            calibration = calibrate_ndvi(
                result.landcover, [g for g, o in zip(gemeenten.geometry, observed, strict=True)
                                   if o],
                [c for c, o in zip(codes, observed, strict=True) if o],
                [table.values[c] for c, o in zip(codes, observed, strict=True) if o],
                class_table=None, method=spec.ndvi.method, source=table.source)
            add_source(sources, spec.ndvi.source(*DEFAULT_SOURCES["ndvi"]))
            f = calibration.figures()
            notes.append(f"NDVI per land-cover class calibrated by a {calibration.method} of "
                         f"{calibration.gain:+.4f} so that the mean NDVI matches "
                         f"{f['ndvi_target']:.3f} ({table.source}); before {f['ndvi_before']:.3f}"
                         f", after {f['ndvi_after']:.3f}; per class: " + ", ".join(
                             f"{k} {v:.3f}" for k, v in calibration.ndvi_by_class.items())
                         + ".")
        else:
            problem = f"no gemeente of the region is in {table.source}"
            warnings.append(f"NDVI not calibrated: {problem}")
    quality = landcover_quality(result, inputs, calibration, problem)
    notes.append(f"Land cover: {quality['landcover'].reason}.")
    return BuiltLandcover(result.landcover, quality, calibration, warnings, notes)
