"""Importers of real Dutch open data, and the joins that make a Region of them.

Importers are I/O adapters: each reads one kind of file and returns frames in RD New plus the
warnings of what it repaired; bad input raises :class:`~groengezond.errors.InputError` naming
file, row or feature, field, problem and fix.

- :mod:`~groengezond.sources.cbs`: CBS Kerncijfers wijken en buurten (xlsx/csv, OData JSON)
- :mod:`~groengezond.sources.pdok`: wijk/buurt boundaries (GeoPackage, GeoJSON)
- :mod:`~groengezond.sources.rivm`: RIVM small-area estimates, Gezondheidsmonitor tables
- :mod:`~groengezond.sources.osm`: OpenStreetMap green, trees, walking network (.osm.pbf, GeoJSON)
- :mod:`~groengezond.sources.bag3d`: 3DBAG buildings (CityJSON, CityJSONSeq)
- :mod:`~groengezond.sources.population`: placing residents at points, buildings or a lattice
- :mod:`~groengezond.sources.areas`: joining tables and boundaries into areas
- :mod:`~groengezond.sources.config`: the ``sources.yaml`` of ``groengezond build``
- :mod:`~groengezond.sources.fetch`: downloading CBS, PDOK and 3DBAG data (online only)
"""

from groengezond.sources.areas import AreasResult, assemble_areas
from groengezond.sources.bag3d import BuildingsLayer, read_buildings
from groengezond.sources.cbs import KwbTable, load_kwb_mapping, read_kwb
from groengezond.sources.config import BuildConfig, load_config, parse_config
from groengezond.sources.osm import OsmLayer, read_green, read_network, read_trees, split_network
from groengezond.sources.pdok import Boundaries, read_boundaries
from groengezond.sources.population import (
    Placement,
    allocate,
    place_at_points,
    read_residents,
    spread_over_buildings,
    spread_over_points,
)
from groengezond.sources.rivm import HealthTable, read_small_area, read_statline_health

__all__ = [
    "AreasResult",
    "Boundaries",
    "BuildConfig",
    "BuildingsLayer",
    "HealthTable",
    "KwbTable",
    "OsmLayer",
    "Placement",
    "allocate",
    "assemble_areas",
    "load_config",
    "load_kwb_mapping",
    "parse_config",
    "place_at_points",
    "read_boundaries",
    "read_buildings",
    "read_green",
    "read_kwb",
    "read_network",
    "read_residents",
    "read_small_area",
    "read_statline_health",
    "read_trees",
    "split_network",
    "spread_over_buildings",
    "spread_over_points",
]
