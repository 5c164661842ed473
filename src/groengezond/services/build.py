"""Build a Region from real open data: the use case behind ``groengezond build``.

Reads every file listed in a :class:`~groengezond.sources.config.BuildConfig` with the importers
of :mod:`groengezond.sources`, joins them into one :class:`~groengezond.region.model.Region`,
and writes it atomically (validated by reading it back before it replaces the target folder).
Missing layers are reported with what cannot be computed without them; every warning of every
importer is kept in ``RegionMeta.notes`` (prefixed ``warning:``) and in the build report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from groengezond.errors import InputError
from groengezond.region.model import Region, RegionMeta, Source, empty_layer
from groengezond.region.schema import LAYER_BY_NAME
from groengezond.region.store import atomic_dir, read_region, write_region
from groengezond.sources import bag3d, cbs, osm, pdok, population, rivm, rivm_50090
from groengezond.sources.areas import assemble_areas, drop_unknown_areas, select_gemeenten
from groengezond.sources.config import BuildConfig, HealthInput, OsmInput, load_config

Progress = Callable[[str, float], None]

CONSEQUENCES: dict[str, str] = {
    "health": "no health indicators: baseline health, health gaps and health impacts of "
              "scenarios cannot be computed",
    "green": "no green spaces: access to green (300 m, 3-30-300 park rule, green per "
             "inhabitant) cannot be computed",
    "trees": "no trees: the '3 trees' and canopy parts of 3-30-300 cannot be computed",
    "network": "no walking network: only straight-line distances can be computed",
    "buildings": "no buildings: residents cannot be placed at buildings, and building heights, "
                 "shade and 3D views are not available",
}
"""What cannot be computed without each optional layer."""

ALWAYS = ("inhabitants and CBS key figures per buurt, wijk and gemeente (maps, rankings, "
          "trends between the KWB years given)")

DEFAULT_SOURCES = {
    "boundaries": ("CBS/Kadaster wijk- en buurtkaart", "CC BY 4.0", "Bron: CBS/Kadaster (PDOK)"),
    "small_area": ("RIVM small-area health estimates", "CC BY 4.0", "Bron: RIVM"),
    "statline": ("Gezondheidsmonitor (GGD'en, CBS, RIVM)", "CC BY 4.0",
                 "Bron: Gezondheidsmonitor, GGD'en, CBS en RIVM"),
    "rivm_50090": ("RIVM Gezondheid per wijk en buurt (StatLine 50090NED)",
                   "RIVM open data, reuse with attribution",
                   "Bron: Gezondheidsmonitor Volwassenen en Ouderen, GGD'en, CBS en RIVM"),
    "osm": ("OpenStreetMap", "ODbL 1.0", "© OpenStreetMap contributors"),
    "buildings": ("3DBAG", "CC BY 4.0", "© 3DBAG by tudelft3d and 3DGI (BAG, AHN: Kadaster, "
                                        "Rijkswaterstaat)"),
}


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    name : str
        Region name.
    counts : dict of str to int
        Rows per layer and areas per level.
    years : list of int
        Years with indicator values.
    warnings : list of str
        Every warning of every importer and of the joins.
    notes : list of str
        Choices and caveats (also in ``RegionMeta.notes``).
    missing : dict of str to str
        Optional layers not given, with what cannot be computed without them.
    """

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def still_possible(self) -> str:
        """What can be computed with the layers given."""
        return ALWAYS


def _step(progress: Progress | None, text: str, fraction: float) -> None:
    if progress is not None:
        progress(text, fraction)


def _add_source(sources: list[Source], source: Source) -> None:
    if all(s.name != source.name for s in sources):
        sources.append(source)


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
                                    source=item.name, proportion=item.proportion)
    return rivm.read_statline_health(item.path, year=item.year, source=item.name)


def _clip(frame: gpd.GeoDataFrame, zone: Any, label: str, warnings: list[str]) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        return frame
    hits = shapely.intersects(np.asarray(frame.geometry.array, dtype=object), zone)
    if (~hits).any():
        warnings.append(f"{label}: {int((~hits).sum()):,} features lie outside the region and "
                        "its buffer; left out")
    return frame[hits].reset_index(drop=True)


def _renumber(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    frame = frame.reset_index(drop=True)
    frame[key] = np.arange(len(frame), dtype="int64")
    return frame


def _network(item: Any, zone: Any, warnings: list[str], label: str
             ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    layer = osm.read_network(item.path, source=label)
    warnings += [str(w) for w in layer.warnings]
    nodes, edges = osm.split_network(layer)
    edges = _clip(edges, zone, f"{label} (network)", warnings)
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
    _step(progress, "CBS key figures", 0.02)
    tables = [cbs.read_kwb(c.path, c.year, names=c.names) for c in config.cbs]
    for cbs_input, table in zip(config.cbs, tables, strict=True):
        warnings += [str(w) for w in table.warnings]
        _add_source(sources, cbs_input.source(f"CBS Kerncijfers wijken en buurten {table.year}",
                                         "CC BY 4.0",
                                         f"Bron: CBS, Kerncijfers wijken en buurten {table.year}"))
    primary = next((t for t in tables if t.year == config.primary_year),
                   max(tables, key=lambda t: t.year))
    chosen = select_gemeenten(primary, config.gemeenten or None)
    _step(progress, "boundaries", 0.12)
    boundaries = []
    for area_input in config.boundaries:
        b = pdok.read_boundaries(area_input.path, layers=area_input.layers,
                                 year=area_input.year, gemeenten=chosen)
        boundaries.append(b)
        warnings += [str(w) for w in b.warnings]
        year = f" {area_input.year}" if area_input.year else ""
        name, licence, attribution = DEFAULT_SOURCES["boundaries"]
        _add_source(sources, area_input.source(name + year, licence, attribution))
    _step(progress, "joining areas", 0.2)
    joined = assemble_areas(tables, boundaries, gemeenten=chosen, primary_year=primary.year,
                            region_code=config.region.code,
                            region_name=config.region.name or config.name)
    areas = joined.areas
    warnings += joined.warnings
    notes += joined.notes
    codes = set(areas["code"])
    values = [joined.indicators.assign(standard_error=np.nan)]
    _step(progress, "health", 0.3)
    for health_input in config.health:
        health = _read_health(health_input, codes)
        warnings += [str(w) for w in health.warnings]
        values.append(drop_unknown_areas(health.indicators, codes, health.source, warnings))
        _add_source(sources, health_input.source(*DEFAULT_SOURCES[health_input.kind]))
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
        _step(progress, step, fraction)
        reader = osm.read_green if key == "green" else osm.read_trees
        layer = reader(item.path, source=item.path.name)
        warnings += [str(w) for w in layer.warnings]
        id_col = "green_id" if key == "green" else "tree_id"
        layers[key] = _renumber(_clip(layer.frame, zone, f"{item.path.name} ({key})", warnings),
                                id_col)
        _add_source(sources, item.source(*DEFAULT_SOURCES["osm"]))
    if config.network is None:
        report.missing["network"] = CONSEQUENCES["network"]
    else:
        _step(progress, "walking network", 0.6)
        nodes, edges = _network(config.network, zone, warnings, config.network.path.name)
        layers["network_nodes"], layers["network_edges"] = nodes, edges
        _add_source(sources, config.network.source(*DEFAULT_SOURCES["osm"]))
        notes.append("The walking network holds the OSM ways pedestrians may use, split at "
                     "shared nodes; ways crossing without a shared node (bridges, tunnels) are "
                     "not connected.")
    buildings = empty_layer(LAYER_BY_NAME["buildings"])
    if config.buildings is None:
        report.missing["buildings"] = CONSEQUENCES["buildings"]
    else:
        _step(progress, "buildings", 0.7)
        read = bag3d.read_buildings(config.buildings.path, lod=config.buildings.lod)
        warnings += [str(w) for w in read.warnings]
        buildings = _renumber(_clip(read.frame, region_poly, read.source + " (buildings)",
                                    warnings), "building_id")
        layers["buildings"] = buildings
        _add_source(sources, config.buildings.source(*DEFAULT_SOURCES["buildings"]))
    _step(progress, "placing residents", 0.8)
    placement = _place(config, areas, buildings)
    layers["addresses"] = placement.addresses
    notes += placement.notes
    warnings += [str(w) for w in placement.warnings]
    indicators = pd.concat(values, ignore_index=True)
    indicators["year"] = indicators["year"].astype("int64")
    years = sorted(int(y) for y in indicators["year"].unique())
    report.years = years
    meta = RegionMeta(
        name=config.name, years=years, synthetic=False, sources=sources,
        notes=[*notes, *(f"warning: {w}" for w in warnings)],
        generator={"builder": "groengezond build",
                   "config": str(config.config_path) if config.config_path else None,
                   "gemeenten": chosen, "primary_year": primary.year,
                   "region_code": config.region.code})
    region = Region(meta=meta, areas=areas, indicators=indicators, **layers)
    report.counts = region.counts()
    return region, report


def _place(config: BuildConfig, areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame
           ) -> population.Placement:
    pop = config.population
    buurten = areas[areas["level"] == "buurt"]
    method = pop.method
    if method == "auto":
        method = "points" if pop.path else ("buildings" if len(buildings) else "lattice")
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
    _step(progress, "writing and validating", 0.9)
    with atomic_dir(Path(out)) as tmp:
        write_region(region, tmp)
        read_region(tmp)
    _step(progress, "done", 1.0)
    return report

