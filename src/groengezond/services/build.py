"""Build a Region from real open data: the use case behind ``groengezond build``.

Reads every file listed in a :class:`~groengezond.sources.config.BuildConfig` with the importers
of :mod:`groengezond.sources`, joins them into one :class:`~groengezond.region.model.Region`,
and writes it atomically (validated by reading it back before it replaces the target folder).
Missing layers are reported with what cannot be computed without them; every warning of every
importer is kept in ``RegionMeta.notes`` (prefixed ``warning:``) and in the build report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from groengezond.errors import InputError
from groengezond.network_quality import region_network_quality
from groengezond.region.model import Region, RegionMeta, Source, empty_layer
from groengezond.region.quality import LayerQuality, assess_layers, merge_records
from groengezond.region.schema import LAYER_BY_NAME
from groengezond.region.store import atomic_dir, read_region, write_region
from groengezond.services.build_areas import (
    matching_wijken,
    names_from_boundaries,
    omit_buurten,
    read_table_input,
)
from groengezond.services.build_layers import build_landcover, clip, place_residents, read_bag
from groengezond.services.build_report import (
    ALWAYS,
    CONSEQUENCES,
    DEFAULT_SOURCES,
    BuildReport,
    Progress,
    add_source,
    progress_step,
)
from groengezond.sources import bag3d, cbs, osm, pdok, population, rivm, rivm_50090
from groengezond.sources.areas import assemble_areas, drop_unknown_areas, select_gemeenten
from groengezond.sources.config import (
    BuildConfig,
    HealthInput,
    OsmInput,
    load_config,
)

__all__ = ["ALWAYS", "CONSEQUENCES", "DEFAULT_SOURCES", "BuildReport", "build_region",
           "build_to_folder", "network_quality"]

def _read_health(item: HealthInput, codes: set[str]) -> rivm.HealthTable:
    if item.kind == "rivm_50090":
        return rivm_50090.read_rivm_50090(item.path, region_codes=codes, year=item.year,
                                          age_group=item.age_group, source=item.name,
                                          proportion=item.proportion)
    if item.kind == "small_area":
        if item.indicator is None or item.year is None:
            raise InputError.single("config", "health", "indicator/year",
                                    "a small_area table needs `indicator` and `year`",
                                    "give e.g. indicator: overweight_pct, year: 2012")
        return rivm.read_small_area(item.path, indicator=item.indicator, year=item.year,
                                    source=item.name, proportion=item.proportion,
                                    region_codes=codes)
    return rivm.read_statline_health(item.path, year=item.year, source=item.name,
                                     region_codes=codes)


def _renumber(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    frame = frame.reset_index(drop=True)
    frame[key] = np.arange(len(frame), dtype="int64")
    return frame


def _network(item: Any, zone: Any, warnings: list[str], label: str
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    layer = osm.read_network(item.path, source=label)
    warnings += [str(w) for w in layer.warnings]
    nodes, edges = osm.split_network(layer)
    edges = clip(edges, zone, f"{label} (network)", warnings)
    used = np.unique(np.r_[edges["u"].to_numpy(), edges["v"].to_numpy()]).astype("int64")
    nodes = nodes[nodes["node_id"].isin(used)].reset_index(drop=True)
    new_id = pd.Series(np.arange(len(nodes), dtype="int64"), index=nodes["node_id"].to_numpy())
    edges["u"] = new_id.reindex(edges["u"].to_numpy()).to_numpy()
    edges["v"] = new_id.reindex(edges["v"].to_numpy()).to_numpy()
    nodes["node_id"] = new_id.to_numpy()
    return nodes, _renumber(edges, "edge_id")


def build_region(config: BuildConfig, progress: Progress | None = None
                 ) -> tuple[Region, BuildReport]:
    """Read every input of ``config`` and join them into a Region.

    Parameters
    ----------
    config : BuildConfig
        The files per layer (paths already resolved).
    progress : callable, optional
        ``progress(step, fraction)`` callback.

    Returns
    -------
    (Region, BuildReport)

    Raises
    ------
    InputError
        From any importer, with file, row/feature, field, problem and fix.
    """
    report = BuildReport(name=config.name)
    warnings, notes = report.warnings, report.notes
    sources: list[Source] = []
    progress_step(progress, "CBS key figures", 0.02)
    tables = [cbs.read_kwb(c.path, c.year, names=c.names) for c in config.cbs]
    for cbs_input, table in zip(config.cbs, tables, strict=True):
        warnings += [str(w) for w in table.warnings]
        add_source(sources, cbs_input.source(f"CBS Kerncijfers wijken en buurten {table.year}",
                                         "CC BY 4.0",
                                         f"Bron: CBS, Kerncijfers wijken en buurten {table.year}"))
    for table_input in (t for t in config.tables if t.defines_areas):
        table_read = read_table_input(table_input, config.gemeenten or None, report, sources)
        tables.append(cbs.KwbTable(table_read.year, table_read.source, table_read.areas[
            ["code", "name", "level", "parent", "inhabitants"]], table_read.indicators,
            table_read.warnings))
    primary = next((t for t in tables if t.year == config.primary_year),
                   max(tables, key=lambda t: t.year))
    chosen = select_gemeenten(primary, config.gemeenten or None)
    # Other tables are read for the region's gemeenten only: their percentage scales are
    # decided, and their values checked, on the rows of the region.
    extra_tables = [read_table_input(t, chosen, report, sources) for t in config.tables
                    if not t.defines_areas]
    progress_step(progress, "boundaries", 0.12)
    boundaries = []
    for area_input in config.boundaries:
        b = pdok.read_boundaries(area_input.path, layers=area_input.layers,
                                 year=area_input.year, gemeenten=chosen)
        boundaries.append(b)
        warnings += [str(w) for w in b.warnings]
        year = f" {area_input.year}" if area_input.year else ""
        name, licence, attribution = DEFAULT_SOURCES["boundaries"]
        add_source(sources, area_input.source(name + year, licence, attribution))
    boundaries = matching_wijken(boundaries, warnings)
    progress_step(progress, "joining areas", 0.2)
    joined = assemble_areas(tables, boundaries, gemeenten=chosen, primary_year=primary.year,
                            region_code=config.region.code,
                            region_name=config.region.name or config.name)
    areas = names_from_boundaries(joined.areas, boundaries)
    warnings += joined.warnings
    notes += joined.notes
    codes = set(areas["code"])
    buurten = areas[areas["level"] == "buurt"]
    n_placeholder = int(buurten["geometry_source"].astype(str).str.startswith("placeholder")
                        .sum())
    if n_placeholder and config.missing_buurt_polygons == "placeholder":
        report.missing["buurt polygons"] = (
            f"{n_placeholder} of {len(buurten)} buurten have no polygon and carry their wijk's "
            "polygon as a placeholder (geometry_source): buurt maps and spatial results per "
            "buurt are not real for them (give buurt polygons, or missing_buurt_polygons: "
            "omit to leave the buurt level out)")
    values = [joined.indicators.assign(standard_error=np.nan)]
    for extra in extra_tables:
        values.append(drop_unknown_areas(extra.indicators, codes, extra.source, warnings)
                      .assign(standard_error=np.nan))
    progress_step(progress, "health", 0.3)
    for health_input in config.health:
        health = _read_health(health_input, codes)
        warnings += [str(w) for w in health.warnings]
        values.append(drop_unknown_areas(health.indicators, codes, health.source, warnings))
        add_source(sources, health_input.source(*DEFAULT_SOURCES[health_input.kind]))
    if not config.health:
        report.missing["health"] = CONSEQUENCES["health"]
    region_poly = areas.loc[areas["level"] == "region", "geometry"].iloc[0]
    zone = shapely.buffer(region_poly, config.clip_buffer_m)
    shapely.prepare(zone)
    layers: dict[str, Any] = {}
    for key, step, fraction in (("green", "green spaces", 0.4), ("trees", "trees", 0.5)):
        item: OsmInput | None = getattr(config, key)
        if item is None:
            report.missing[key] = CONSEQUENCES[key]
            continue
        progress_step(progress, step, fraction)
        reader = osm.read_green if key == "green" else osm.read_trees
        layer = reader(item.path, source=item.path.name)
        warnings += [str(w) for w in layer.warnings]
        id_col = "green_id" if key == "green" else "tree_id"
        layers[key] = _renumber(clip(layer.frame, zone, f"{item.path.name} ({key})", warnings),
                                id_col)
        add_source(sources, item.source(*DEFAULT_SOURCES["osm"]))
    if config.network is None:
        report.missing["network"] = CONSEQUENCES["network"]
    else:
        progress_step(progress, "walking network", 0.6)
        nodes, edges = _network(config.network, zone, warnings, config.network.path.name)
        layers["network_nodes"], layers["network_edges"] = nodes, edges
        add_source(sources, config.network.source(*DEFAULT_SOURCES["osm"]))
        notes.append("The walking network holds the OSM ways pedestrians may use, noded at "
                     "shared nodes and simplified through nodes of degree 2; ways crossing "
                     "without a shared node (bridges, tunnels) are not connected.")
    buildings = empty_layer(LAYER_BY_NAME["buildings"])
    if config.buildings is None:
        report.missing["buildings"] = CONSEQUENCES["buildings"]
    else:
        progress_step(progress, "buildings", 0.7)
        read = bag3d.read_buildings(config.buildings.path, lod=config.buildings.lod)
        warnings += [str(w) for w in read.warnings]
        buildings = _renumber(clip(read.frame, region_poly, read.source + " (buildings)",
                                    warnings), "building_id")
        layers["buildings"] = buildings
        add_source(sources, config.buildings.source(*DEFAULT_SOURCES["buildings"]))
    bag_layers = read_bag(config, zone, warnings, sources)
    indicators = pd.concat(values, ignore_index=True)
    indicators["year"] = indicators["year"].astype("int64")
    if config.missing_buurt_polygons == "omit":
        areas, indicators = omit_buurten(areas, indicators, report)
    progress_step(progress, "placing residents", 0.8)
    quality: dict[str, LayerQuality] = {}
    if (areas["level"] == "buurt").any():
        placement = place_residents(config, areas, buildings, *bag_layers)
        layers["addresses"] = placement.addresses
        notes += placement.notes
        warnings += [str(w) for w in placement.warnings]
        quality["addresses"] = population.placement_quality(placement.addresses)
    extra_meta: dict[str, Any] = {}
    if config.landcover is None:
        report.missing["landcover"] = CONSEQUENCES["landcover"]
    else:
        progress_step(progress, "land cover", 0.85)
        built = build_landcover(config, areas, layers, bag_layers[1], sources)
        layers["landcover"] = built.landcover
        quality.update(built.quality)
        warnings += built.warnings
        notes += built.notes
        if built.calibration is not None:
            extra_meta["ndvi_by_class"] = built.calibration.ndvi_by_class
    years = sorted(int(y) for y in indicators["year"].unique())
    report.years = years
    meta = RegionMeta(
        name=config.name, years=years, synthetic=False, sources=sources,
        notes=[*notes, *(f"warning: {w}" for w in warnings)],
        generator={"builder": "groengezond build",
                   "config": str(config.config_path) if config.config_path else None,
                   "gemeenten": chosen, "primary_year": primary.year,
                   "region_code": config.region.code},
        quality=quality, **extra_meta)
    region = _with_quality(Region(meta=meta, areas=areas, indicators=indicators, **layers),
                           config)
    if config.network is not None:
        progress_step(progress, "measuring the walking network", 0.85)
        network_quality(region, report, config.network.path.name)
    report.counts = region.counts()
    return region, report


def _with_quality(region: Region, config: BuildConfig) -> Region:
    """Fill ``meta.quality``: records already set win, then the config's, then the defaults.

    Build steps that know more about a layer (network components, land cover) set its record
    with :func:`groengezond.region.quality.set_layer_quality` before or after this; the
    defaults come from :func:`groengezond.region.quality.assess_layers`. A ``quality`` given
    in the config for an input (e.g. a truncated export) is kept, with the reason.
    """
    stated: dict[str, LayerQuality] = {}
    for name in ("green", "trees", "network", "buildings"):
        item = getattr(config, name)
        if item is not None and item.quality is not None:
            stated[name] = item.quality
    defaults = assess_layers(region)
    records = merge_records(region.meta.quality, merge_records(stated, defaults))
    return region.with_layers(meta=region.meta.model_copy(update={"quality": records}))


def network_quality(region: Region, report: BuildReport, source: str) -> None:
    """Measure the walking network against the homes and keep it as the ``network`` record.

    Sets ``region.meta.quality["network"]`` (:meth:`NetworkQuality.record`: ``real``, or
    ``placeholder`` with key ``network.degraded`` and the figures) and adds the figures to
    the report: as a warning when network distances are not fit to publish, else as a note.
    """
    measured = region_network_quality(region)
    if measured is None:
        return
    region.meta.quality["network"] = measured.record(source)
    text = f"walking network ({source}): {measured.summary()}"
    reasons = measured.degraded_reasons()
    if reasons:
        text += ("; network distances are not fit to publish (" + "; ".join(reasons)
                 + "): 'groengezond access' refuses them unless --allow-degraded-network")
        report.warnings.append(text)
        region.meta.notes.append(f"warning: {text}")
    else:
        report.notes.append(text)
        region.meta.notes.append(text)


def build_to_folder(config_path: Path, out: Path, progress: Progress | None = None
                    ) -> BuildReport:
    """Build the region described by ``config_path`` and write it to ``out`` (atomically).

    The region is written to a temporary folder, read back with full validation
    (:func:`~groengezond.region.store.read_region`) and only then renamed to ``out``; on any
    error nothing is left behind and an existing ``out`` is untouched.

    Parameters
    ----------
    config_path : Path
        ``sources.yaml``.
    out : Path
        Region folder to create or replace.
    progress : callable, optional
        ``progress(step, fraction)`` callback.

    Returns
    -------
    BuildReport
    """
    config = load_config(config_path)
    region, report = build_region(config, progress)
    progress_step(progress, "writing and validating", 0.9)
    with atomic_dir(Path(out)) as tmp:
        write_region(region, tmp)
        read_region(tmp)
    progress_step(progress, "done", 1.0)
    return report

