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
from groengezond.indicators.compute import Z95, area_values
from groengezond.indicators.registry import load_registry
from groengezond.landcover_build import (
    LandcoverLayers,
    NdviCalibration,
    calibrate_ndvi,
    landcover_quality,
    rasterise_landcover,
)
from groengezond.network_quality import region_network_quality
from groengezond.region.model import Landcover, Region, RegionMeta, Source, empty_layer
from groengezond.region.quality import LayerQuality, assess_layers, merge_records
from groengezond.region.schema import LAYER_BY_NAME
from groengezond.region.store import atomic_dir, read_region, write_region
from groengezond.sources import bag, bag3d, cbs, osm, pdok, population, rivm, rivm_50090
from groengezond.sources import landcover as lc_sources
from groengezond.sources._io import listing
from groengezond.sources.areas import assemble_areas, drop_unknown_areas, select_gemeenten
from groengezond.sources.config import (
    BuildConfig,
    HealthInput,
    OsmInput,
    TableInput,
    load_config,
)
from groengezond.sources.tables import TableRead, read_table

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
    "landcover": "no land cover: green share, NDVI, canopy and cooling (and the Planner's "
                 "pathways resting on them) cannot be computed",
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
    "bag": ("Basisregistratie Adressen en Gebouwen (BAG)", "CC0 1.0", "Bron: Kadaster, BAG"),
    "ndvi": ("Sentinel-2 NDVI per gemeente", "Copernicus open licence; CC BY 4.0 (CBS)",
             "Contains modified Copernicus Sentinel data; Bron: CBS"),
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
    columns_not_read : dict of str to list of str
        Per ``tables:`` file, the columns that were neither mapped nor ignored.
    """

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    columns_not_read: dict[str, list[str]] = field(default_factory=dict)

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
                                    source=item.name, proportion=item.proportion,
                                    region_codes=codes)
    return rivm.read_statline_health(item.path, year=item.year, source=item.name,
                                     region_codes=codes)


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
    for table_input in (t for t in config.tables if t.defines_areas):
        table_read = _read_table(table_input, config.gemeenten or None, report, sources)
        tables.append(cbs.KwbTable(table_read.year, table_read.source, table_read.areas[
            ["code", "name", "level", "parent", "inhabitants"]], table_read.indicators,
            table_read.warnings))
    primary = next((t for t in tables if t.year == config.primary_year),
                   max(tables, key=lambda t: t.year))
    chosen = select_gemeenten(primary, config.gemeenten or None)
    # Other tables are read for the region's gemeenten only: their percentage scales are
    # decided, and their values checked, on the rows of the region.
    extra_tables = [_read_table(t, chosen, report, sources) for t in config.tables
                    if not t.defines_areas]
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
    boundaries = _matching_wijken(boundaries, warnings)
    _step(progress, "joining areas", 0.2)
    joined = assemble_areas(tables, boundaries, gemeenten=chosen, primary_year=primary.year,
                            region_code=config.region.code,
                            region_name=config.region.name or config.name)
    areas = _names_from_boundaries(joined.areas, boundaries)
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
        notes.append("The walking network holds the OSM ways pedestrians may use, noded at "
                     "shared nodes and simplified through nodes of degree 2; ways crossing "
                     "without a shared node (bridges, tunnels) are not connected.")
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
    bag_layers = _read_bag(config, zone, warnings, sources)
    indicators = pd.concat(values, ignore_index=True)
    indicators["year"] = indicators["year"].astype("int64")
    if config.missing_buurt_polygons == "omit":
        areas, indicators = _omit_buurten(areas, indicators, report)
    _step(progress, "placing residents", 0.8)
    quality: dict[str, LayerQuality] = {}
    if (areas["level"] == "buurt").any():
        placement = _place(config, areas, buildings, *bag_layers)
        layers["addresses"] = placement.addresses
        notes += placement.notes
        warnings += [str(w) for w in placement.warnings]
        quality["addresses"] = population.placement_quality(placement.addresses)
    extra_meta: dict[str, Any] = {}
    if config.landcover is None:
        report.missing["landcover"] = CONSEQUENCES["landcover"]
    else:
        _step(progress, "land cover", 0.85)
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
        _step(progress, "measuring the walking network", 0.85)
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


def _read_table(item: TableInput, gemeenten: list[str] | None, report: BuildReport,
                sources: list[Source]) -> TableRead:
    """Read one ``tables:`` entry; its warnings and unread columns go into the report."""
    read = read_table(item.path, item, gemeenten=gemeenten, source=item.name)
    report.warnings.extend(str(w) for w in read.warnings)
    if read.unread:
        report.columns_not_read[item.path.name] = list(read.unread)
    _add_source(sources, item.source(f"{item.path.name} ({read.year})",
                                     "as published (give `licence` in the config)",
                                     f"Bron: {item.path.name}"))
    return read


MIN_INSIDE_GEMEENTE = 0.5
"""Share of a wijk polygon's area that must lie inside its gemeente's polygon (from another
boundary file, e.g. a 2016 wijk map against the 2024 gemeente map) for it to be used: below it
the code no longer describes the same place. Generalised outlines and water clipping leave
matching wijken 83-100 % inside (province of Utrecht and surroundings, 2016 against 2024)."""


def _matching_wijken(boundaries: list[pdok.Boundaries], warnings: list[str]
                     ) -> list[pdok.Boundaries]:
    """Leave out wijk polygons that lie mostly outside their gemeente's polygon."""
    gemeenten: dict[str, Any] = {}
    for b in boundaries:
        at = b.at("gemeente")
        for code, geom in zip(at["code"], at.geometry, strict=True):
            gemeenten.setdefault(str(code), geom)
    if not gemeenten:
        return boundaries
    out = []
    for b in boundaries:
        wijken = b.polygons[b.polygons["level"] == "wijk"]
        parent = wijken["code"].str.slice(2, 6).radd("GM")
        has = parent.isin(gemeenten).to_numpy()
        if not has.any() or b.at("gemeente").shape[0]:
            out.append(b)
            continue
        geoms = np.asarray(wijken.geometry.array, dtype=object)[has]
        own = np.asarray([gemeenten[c] for c in parent[has]], dtype=object)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = shapely.area(shapely.intersection(geoms, own)) / shapely.area(geoms)
        bad = wijken["code"].to_numpy()[has][share < MIN_INSIDE_GEMEENTE]
        if len(bad):
            warnings.append(f"{b.source}: {len(bad)} wijk polygons lie mostly outside their "
                            f"gemeente's polygon (the code describes another place now) and "
                            f"are not used: {listing(bad)}")
            keep = ~b.polygons["code"].isin(set(bad))
            b = pdok.Boundaries(b.polygons[keep].reset_index(drop=True), b.year, b.source,
                                b.warnings)
        out.append(b)
    return out


def _names_from_boundaries(areas: gpd.GeoDataFrame, boundaries: list[pdok.Boundaries]
                           ) -> gpd.GeoDataFrame:
    """Areas named by their code (a table without rows for wijken and gemeenten) take the
    name of their polygon in the boundary files, where it has one."""
    names: dict[str, str] = {}
    for b in boundaries:
        for code, name in zip(b.polygons["code"], b.polygons["name"], strict=True):
            if name and str(name) != str(code):
                names.setdefault(str(code), str(name))
    unnamed = (areas["name"] == areas["code"]) & areas["code"].isin(names)
    if unnamed.any():
        areas = areas.copy()
        areas.loc[unnamed, "name"] = areas.loc[unnamed, "code"].map(names)
    return areas


def _omit_buurten(areas: gpd.GeoDataFrame, indicators: pd.DataFrame, report: BuildReport
                  ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Leave the buurt level out when buurten lack polygons (``missing_buurt_polygons: omit``).

    Buurt values of registry indicators are first aggregated to the wijken, gemeenten and the
    region by the Monitor's own rules (:func:`~groengezond.indicators.compute.area_values`),
    unless the source gives a value for that area itself; buurt values of indicators outside
    the registry cannot be aggregated and are left out with the buurten (named in a warning).
    """
    buurten = areas[areas["level"] == "buurt"]
    placeholder = buurten["geometry_source"].astype(str).str.startswith("placeholder")
    if not placeholder.any():
        return areas, indicators
    reg = load_registry()
    tmp = Region(meta=RegionMeta(name="omit", synthetic=False), areas=areas,
                 indicators=indicators.drop(columns="standard_error", errors="ignore"))
    table = area_values(tmp, reg).table
    upper = table[(table["level"] != "buurt") & (table["derivation"] == "aggregated")
                  & table["value"].notna()]
    se = upper["se"].to_numpy(dtype=float)
    aggregated = pd.DataFrame({
        "area_code": upper["area_code"].to_numpy(), "indicator": upper["indicator"].to_numpy(),
        "year": upper["year"].to_numpy(dtype="int64"), "value": upper["value"].to_numpy(),
        "lower": upper["value"].to_numpy() - Z95 * se,
        "upper": upper["value"].to_numpy() + Z95 * se,
        "source": upper["source"].astype(str).to_numpy() + " (aggregated from buurten)",
        "standard_error": se})
    at_buurt = indicators["area_code"].isin(set(buurten["code"]))
    lost = sorted(set(indicators.loc[at_buurt, "indicator"]) - set(reg.ids))
    if lost:
        report.warnings.append(f"missing_buurt_polygons: omit: buurt values of {len(lost)} "
                               f"indicators outside the registry cannot be aggregated and are "
                               f"left out with the buurten: {listing(lost)}")
    kept = indicators[~at_buurt]
    out = pd.concat([kept, aggregated], ignore_index=True)
    n, n_all = int(placeholder.sum()), len(buurten)
    stale = f"{n} of {n_all} buurten have no polygon in the boundary files: they carry"
    report.notes[:] = [note for note in report.notes if not note.startswith(stale)]
    report.notes.append(
        f"The buurt level is left out (missing_buurt_polygons: omit): {n} of {n_all} buurten "
        "have no polygon in the boundary files. Their values were aggregated to wijken, "
        "gemeenten and the region (resident-weighted, as the Monitor does); residents are not "
        "placed at addresses, so access to green per address cannot be computed.")
    report.missing["buurt polygons"] = (
        f"{n} of {n_all} buurten have no polygon: no buurt level, no residents at addresses "
        "(give buurt polygons, or missing_buurt_polygons: placeholder)")
    return gpd.GeoDataFrame(areas[areas["level"] != "buurt"].reset_index(drop=True),
                            geometry="geometry", crs=areas.crs), out


def _read_bag(config: BuildConfig, zone: Any, warnings: list[str], sources: list[Source]
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
        out.append(_clip(layer.frame, zone, f"{layer.source} (BAG {what})", warnings))
        _add_source(sources, item.source(*DEFAULT_SOURCES["bag"]))
    return out[0], out[1]


def _place(config: BuildConfig, areas: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame,
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
        _add_source(sources, item.source(read.source, "not stated in the config",
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
            _add_source(sources, spec.ndvi.source(*DEFAULT_SOURCES["ndvi"]))
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

