"""The synthetic region generator: every step, in order, from one seed.

:func:`generate_region` plans the territory, lays out barriers, blocks, land use, the walking
network, buildings, green spaces, people, areas, trees and the land-cover raster, derives the
indicators, and assembles a :class:`~groengezond.region.model.Region` that passes
:func:`~groengezond.region.checks.check_layers`. Each step draws from its own
``numpy.random.Generator`` spawned from the seed, so the output is bit-for-bit reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import groengezond
from groengezond.errors import InputError
from groengezond.region.model import Region, RegionMeta, Source
from groengezond.region.quality import assess_layers
from groengezond.region.schema import CRS
from groengezond.synth.areas import Areas, make_areas
from groengezond.synth.barriers import Barrier, make_barriers
from groengezond.synth.blocks import make_blocks
from groengezond.synth.buildings import USES, Buildings, make_buildings
from groengezond.synth.green import (
    Green,
    clear_of_green,
    grass_between_flats,
    green_area_ha,
    green_spaces,
)
from groengezond.synth.health import YEARS, make_indicators
from groengezond.synth.landuse import assign_land_use
from groengezond.synth.people import People, make_people, per_block
from groengezond.synth.rasterize import make_landcover
from groengezond.synth.streets import Network, make_network
from groengezond.synth.territory import plan_territory
from groengezond.synth.trees import Trees, make_trees
from groengezond.synth.typology import TYPOLOGY_NAMES

MIN_INHABITANTS = 2_000
MAX_INHABITANTS = 5_000_000
STEPS: tuple[tuple[str, float], ...] = (
    ("territory", 0.05), ("blocks", 0.08), ("land use", 0.02), ("network", 0.06),
    ("buildings", 0.2), ("green", 0.08), ("people", 0.08), ("areas", 0.1), ("trees", 0.08),
    ("land cover", 0.12), ("indicators", 0.05), ("assembly", 0.08),
)
"""Steps reported to ``progress`` and their share of the work."""

NOTES = (
    "Everything in this region is invented: places, names, people, buildings, green spaces and "
    "health figures. It is made by groengezond's synthetic region generator for demonstrations,"
    " tests and living labs; it describes no real place or person.",
    "Territory: one city with about 60% of the inhabitants (historic core, 19th-century ring, "
    "post-war neighbourhoods, suburbs with a lobe of new suburbs beyond the motorway, villa "
    "quarters, business parks) and towns and villages grouped into gemeenten; zones are filled "
    "as rings of a warped distance at each typology's gross density.",
    "Blocks are Voronoi cells of jittered lattices whose spacing follows the typology; buurten, "
    "wijken and gemeenten are unions of blocks, so they tile exactly; buurten hold about 1,500 "
    "residents (countryside buurten about 12 km²).",
    "Walking network: the block edges (streets, park and forest paths, rural roads). A motorway, "
    "a railway and a river cross the region; the network crosses them only at a few bridges and "
    "tunnels (edges of kind 'crossing').",
    "Buildings are rectangles: perimeter blocks in the core, rows in the suburbs, slabs and "
    "towers in post-war neighbourhoods, detached houses in villas and villages, ribbons with "
    "barns along rural roads; height = storeys x 3 m + roof; one address per dwelling.",
    "Households: sizes by typology, adjusted to the exact number of inhabitants; ages by "
    "household composition; income from a spatially clustered latent score (post-war "
    "neighbourhoods poorer on average, villa quarters richer), as region-wide deciles and "
    "standardised household income (EUR, 2022 prices).",
    "Green: parks of 0.1-50 ha placed more often in greener, richer neighbourhoods; forest and "
    "nature in the countryside; sports parks and allotments (members only), cemeteries "
    "(opening hours), verges; grass between flats only in the greener post-war blocks; street "
    "trees lining streets with a probability rising with greenness.",
    "Land cover (10 m) is rasterised from the layers. Health indicators per buurt for 2012, "
    "2016, 2020 and 2022 are generated from income, green share within ~300 m, age and buurt "
    "effects, with 95% intervals from an effective survey sample (see docs/synthetic.md); "
    "wijk, gemeente and region values are resident-weighted means.",
)


def _check_input(inhabitants: int, seed: int) -> None:
    if isinstance(inhabitants, bool) or not isinstance(inhabitants, int | np.integer):
        raise InputError.single("generate_region", "", "inhabitants",
                                f"is {inhabitants!r}, not a whole number",
                                f"give a whole number from {MIN_INHABITANTS} to "
                                f"{MAX_INHABITANTS}")
    if not MIN_INHABITANTS <= int(inhabitants) <= MAX_INHABITANTS:
        raise InputError.single("generate_region", "", "inhabitants",
                                f"is {inhabitants}, outside {MIN_INHABITANTS}-{MAX_INHABITANTS}",
                                f"give a number of inhabitants from {MIN_INHABITANTS} to "
                                f"{MAX_INHABITANTS}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError.single("generate_region", "", "seed",
                                f"is {seed!r}, not a whole number of 0 or more",
                                "give a seed such as 42")


def generate_region(inhabitants: int = 150_000, seed: int = 42, *,
                    progress: Callable[[str, float], None] | None = None) -> Region:
    """Generate a synthetic region of ``inhabitants`` residents.

    Parameters
    ----------
    inhabitants : int
        Residents of the region (persons), 2,000 to 5,000,000; the addresses hold exactly this
        many. The default region of 150,000 takes a few seconds; 1,500,000 about a minute.
    seed : int
        Seed of the random generator; the same seed gives a bit-for-bit identical region.
    progress : callable, optional
        Called as ``progress(step_name, fraction_done)`` after each step (fraction 0-1).

    Returns
    -------
    Region
        A valid region (``meta.synthetic`` is True) with areas, indicators, addresses,
        buildings, green spaces, trees, the walking network, barriers and a land-cover raster.

    Raises
    ------
    InputError
        If ``inhabitants`` or ``seed`` is out of range.

    Examples
    --------
    >>> region = generate_region(20_000, seed=1)  # doctest: +SKIP
    >>> region.inhabitants  # doctest: +SKIP
    20000
    """
    _check_input(inhabitants, seed)
    inhabitants = int(inhabitants)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(len(STEPS))]
    done = 0.0

    def report(i: int) -> None:
        nonlocal done
        done += STEPS[i][1]
        if progress is not None:
            progress(STEPS[i][0], min(done, 1.0))

    territory = plan_territory(inhabitants, rngs[0])
    barriers = make_barriers(territory, rngs[0])
    report(0)
    blocks = make_blocks(territory, barriers, rngs[1])
    report(1)
    landuse = assign_land_use(territory, blocks, rngs[2])
    report(2)
    network = make_network(territory, blocks, landuse, barriers, rngs[3])
    report(3)
    buildings = make_buildings(territory, blocks, landuse, barriers, rngs[4])
    report(4)
    green = green_spaces(blocks, landuse, barriers, rngs[5])
    buildings = buildings.take(clear_of_green(buildings, green))
    green = green.concat(grass_between_flats(blocks, landuse, buildings))
    report(5)
    people, buildings = make_people(blocks, landuse, buildings, inhabitants, rngs[6])
    report(6)
    block_pop = per_block(people.residents, people.cell, len(blocks))
    areas = make_areas(territory, blocks, barriers, block_pop, rngs[7])
    report(7)
    trees = make_trees(blocks, landuse, network, green, buildings, barriers, rngs[8])
    report(8)
    region_outline = areas.geometry[-1]
    landcover = make_landcover(blocks, landuse, buildings, green, network, trees, barriers,
                               region_outline, rngs[9])
    report(9)
    source = f"synthetic (groengezond synth, seed {seed})"
    indicators = make_indicators(areas, people, areas.block_buurt, landcover, source, rngs[10])
    report(10)
    region = Region(
        meta=_meta(inhabitants, int(seed)),
        areas=_areas_frame(areas),
        indicators=indicators,
        addresses=_addresses_frame(people, areas, blocks.typology),
        buildings=_buildings_frame(buildings, blocks.typology),
        green=_green_frame(green),
        trees=_trees_frame(trees),
        network_nodes=_nodes_frame(network),
        network_edges=_edges_frame(network),
        barriers=_barriers_frame(barriers),
        landcover=landcover,
    )
    # Quality records: every layer is real within the synthetic world (region/quality.py).
    region = region.with_layers(meta=region.meta.model_copy(
        update={"quality": assess_layers(region)}))
    report(11)
    return region


def _meta(inhabitants: int, seed: int) -> RegionMeta:
    source = Source(
        # Dutch first, like the region's name: the web app shows it on the map as written
        name="groengezond-generator van synthetische regio's (groengezond.synth)",
        licence="CC0-1.0",
        attribution=("Synthetische gegevens van de groengezond-generator (code EUPL-1.2, "
                     "gegevens CC0-1.0); niets ervan is echt."),
    )
    return RegionMeta(
        name=f"Synthetische regio (seed {seed})",
        years=list(YEARS),
        synthetic=True,
        sources=[source],
        notes=list(NOTES),
        generator={"seed": seed, "inhabitants": inhabitants,
                   "version": groengezond.__version__, "generator": "groengezond.synth"},
    )


def _areas_frame(a: Areas) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "parent": a.parent,
            "inhabitants": a.inhabitants.astype(np.int64),
            "typology": a.typology,
            "area_ha": np.round(shapely.area(a.geometry) / 1e4, 4),
            "geometry_quality": "real",  # each area's own generated polygon
        },
        geometry=gpd.GeoSeries(a.geometry, crs=CRS), crs=CRS,
    )


def _addresses_frame(p: People, a: Areas, typology: np.ndarray) -> gpd.GeoDataFrame:
    codes = np.asarray(a.code, dtype=object)[a.block_buurt[p.cell]]
    return gpd.GeoDataFrame(
        {
            "address_id": np.arange(len(p), dtype=np.int64),
            "buurt": codes.astype(str),
            "residents": p.residents.astype(np.int64),
            "household_size": p.residents.astype(np.int64),
            "age_0_17": p.age_0_17.astype(np.int64),
            "age_18_64": p.age_18_64.astype(np.int64),
            "age_65_plus": p.age_65_plus.astype(np.int64),
            "income_decile": p.income_decile.astype(np.int64),
            "income_eur": p.income_eur.astype(np.float64),
            "building_id": p.building.astype(np.int64),
        },
        geometry=gpd.GeoSeries(shapely.points(np.round(p.xy, 2)), crs=CRS), crs=CRS,
    )


def _buildings_frame(b: Buildings, typology: np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "building_id": np.arange(len(b), dtype=np.int64),
            "height_m": np.round(b.height_m, 1).astype(np.float64),
            "dwellings": b.dwellings.astype(np.int64),
            "storeys": b.storeys.astype(np.int64),
            "use": np.asarray(USES, dtype=object)[b.use].astype(str),
            "typology": np.asarray(TYPOLOGY_NAMES, dtype=object)[typology[b.cell]].astype(str),
        },
        geometry=gpd.GeoSeries(b.polygons(), crs=CRS), crs=CRS,
    )


def _green_frame(g: Green) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "green_id": np.arange(len(g), dtype=np.int64),
            "kind": g.kind.astype(str),
            "public": g.public.astype(bool),
            "access": g.access.astype(str),
            "area_ha": green_area_ha(g),
        },
        geometry=gpd.GeoSeries(g.geometry, crs=CRS), crs=CRS,
    )


def _trees_frame(t: Trees) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"tree_id": np.arange(len(t), dtype=np.int64),
         "crown_diameter_m": t.crown_m.astype(np.float64), "kind": t.kind.astype(str)},
        geometry=gpd.GeoSeries(shapely.points(t.xy), crs=CRS), crs=CRS,
    )


def _nodes_frame(n: Network) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"node_id": np.arange(len(n.xy), dtype=np.int64)},
                            geometry=gpd.GeoSeries(shapely.points(n.xy), crs=CRS), crs=CRS)


def _edges_frame(n: Network) -> gpd.GeoDataFrame:
    lines = n.lines()
    return gpd.GeoDataFrame(
        {"edge_id": np.arange(len(n.u), dtype=np.int64), "u": n.u.astype(np.int64),
         "v": n.v.astype(np.int64), "length_m": shapely.length(lines).astype(np.float64),
         "kind": n.kind.astype(str)},
        geometry=gpd.GeoSeries(lines, crs=CRS), crs=CRS,
    )


def _barriers_frame(barriers: list[Barrier]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"barrier_id": np.arange(len(barriers), dtype=np.int64),
         "kind": [b.kind for b in barriers], "name": [b.name for b in barriers],
         "width_m": np.array([b.width_m for b in barriers], dtype=np.float64)},
        geometry=gpd.GeoSeries([b.geometry for b in barriers], crs=CRS), crs=CRS,
    )


def summary(region: Region) -> pd.Series:
    """Counts of a generated region (for benchmarks and logs)."""
    c = region.counts()
    return pd.Series({
        "inhabitants": region.inhabitants, "addresses": c["addresses"],
        "buildings": c["buildings"], "network_nodes": c["network_nodes"],
        "network_edges": c["network_edges"], "green_spaces": c["green"], "trees": c["trees"],
        "buurten": c["areas_buurt"], "wijken": c["areas_wijk"], "gemeenten": c["areas_gemeente"],
        "landcover_cells": c["landcover_cells"],
    })
