"""The Region store's layers: file names, key columns, their kinds and geometry types.

This is the one place that says what a region folder holds (DESIGN § The Region store). The
store, the validation and the generators all read it. Other columns may be added to a layer;
the key columns listed here keep their names so that every tool can read a region folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["str", "int", "float", "bool"]

CRS = "EPSG:28992"
"""The CRS of every layer inside a region: RD New, metres."""

LEVELS: tuple[str, ...] = ("buurt", "wijk", "gemeente", "region")
"""Area levels from the smallest to the largest; a parent is always one level up."""


@dataclass(frozen=True)
class Column:
    """A key column of a layer.

    Parameters
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "bool"}
        Logical type; the store checks and normalises it.
    nullable : bool
        Whether missing values are allowed.
    minimum : float or None
        Smallest allowed value for numeric columns (e.g. 0 for counts).
    description : str
        Meaning and unit.
    required : bool
        Whether every file of the layer must have the column; an optional column (e.g. the
        indicators' ``age_group``) is checked only where it is present, and an absent one
        means all nulls.
    """

    name: str
    kind: ColumnKind
    nullable: bool = False
    minimum: float | None = None
    description: str = ""
    required: bool = True


@dataclass(frozen=True)
class Layer:
    """A table of the region store.

    Parameters
    ----------
    name : str
        Attribute name on :class:`~groengezond.region.model.Region`.
    file : str
        File name inside the region folder.
    key : str or None
        Column that must be unique; None for long tables.
    columns : tuple of Column
        Key columns (more may be present).
    geometry : tuple of str
        Allowed geometry types; empty for tables without geometry.
    """

    name: str
    file: str
    key: str | None
    columns: tuple[Column, ...]
    geometry: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_spatial(self) -> bool:
        """True when the layer has a geometry column."""
        return bool(self.geometry)


POLYGONAL = ("Polygon", "MultiPolygon")

AREAS = Layer(
    "areas",
    "areas.parquet",
    "code",
    (
        Column("code", "str", description="CBS code, e.g. GM9001, WK900101, BU90010101"),
        Column("name", "str", description="Name of the area"),
        Column("level", "str", description="buurt, wijk, gemeente or region"),
        Column("parent", "str", nullable=True, description="Code of the area one level up"),
        Column("inhabitants", "int", minimum=0, description="Residents (persons)"),
    ),
    POLYGONAL,
)
INDICATORS = Layer(
    "indicators",
    "indicators.parquet",
    None,
    (
        Column("area_code", "str", description="Code of the area the value describes"),
        Column("indicator", "str", description="Indicator id, e.g. perceived_health_good_pct"),
        Column("year", "int", minimum=1900, description="Year the value describes"),
        Column("value", "float", nullable=True, description="Value in the indicator's unit"),
        Column("lower", "float", nullable=True, description="Lower bound of the 95% interval"),
        Column("upper", "float", nullable=True, description="Upper bound of the 95% interval"),
        Column("source", "str", description="Source of the value"),
        Column("age_group", "str", nullable=True, required=False,
               description="Age group the value describes (e.g. '18+', '65+'); null or absent "
                           "when the value is not age-specific"),
    ),
)
ADDRESSES = Layer(
    "addresses",
    "addresses.parquet",
    "address_id",
    (
        Column("address_id", "int", minimum=0),
        Column("buurt", "str", description="Code of the buurt the address lies in"),
        Column("residents", "int", minimum=0, description="Residents (persons)"),
    ),
    ("Point",),
)
BUILDINGS = Layer(
    "buildings",
    "buildings.parquet",
    "building_id",
    (
        Column("building_id", "int", minimum=0),
        Column("height_m", "float", minimum=0, description="Height of the roof (m)"),
        Column("dwellings", "int", minimum=0, description="Number of dwellings"),
    ),
    POLYGONAL,
)
GREEN = Layer(
    "green",
    "green.parquet",
    "green_id",
    (
        Column("green_id", "int", minimum=0),
        Column("kind", "str", description="park, forest, nature, grass, sports, allotment, ..."),
        Column("public", "bool", description="Open to the public without restriction"),
        Column("area_ha", "float", minimum=0, description="Area (ha)"),
    ),
    POLYGONAL,
)
TREES = Layer(
    "trees",
    "trees.parquet",
    "tree_id",
    (
        Column("tree_id", "int", minimum=0),
        Column("crown_diameter_m", "float", minimum=0, description="Crown diameter (m)"),
    ),
    ("Point",),
)
NETWORK_NODES = Layer(
    "network_nodes",
    "network_nodes.parquet",
    "node_id",
    (Column("node_id", "int", minimum=0),),
    ("Point",),
)
NETWORK_EDGES = Layer(
    "network_edges",
    "network_edges.parquet",
    "edge_id",
    (
        Column("edge_id", "int", minimum=0),
        Column("u", "int", minimum=0, description="node_id of the start node"),
        Column("v", "int", minimum=0, description="node_id of the end node"),
        Column("length_m", "float", minimum=0, description="Walking length (m)"),
    ),
    ("LineString",),
)
BARRIERS = Layer(
    "barriers",
    "barriers.parquet",
    "barrier_id",
    (
        Column("barrier_id", "int", minimum=0),
        Column("kind", "str", description="motorway, railway or river"),
    ),
    ("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
)

LAYERS: tuple[Layer, ...] = (
    AREAS,
    INDICATORS,
    ADDRESSES,
    BUILDINGS,
    GREEN,
    TREES,
    NETWORK_NODES,
    NETWORK_EDGES,
    BARRIERS,
)
"""Every table layer, in the order they are written and checked."""

REQUIRED_LAYERS: tuple[str, ...] = ("areas", "indicators")
"""Layers a region cannot do without; the others may be empty (a partial build)."""

LAYER_BY_NAME: dict[str, Layer] = {layer.name: layer for layer in LAYERS}

LANDCOVER_FILE = "landcover.tif"
META_FILE = "region.json"

LANDCOVER_CLASSES: dict[int, str] = {
    0: "nodata",
    1: "building",
    2: "paved",
    3: "low_green",
    4: "trees",
    5: "water",
    6: "agriculture",
    7: "bare",
}
"""Default land-cover class table (uint8 code -> name); stored in ``region.json``."""

GREEN_CLASSES: frozenset[str] = frozenset({"low_green", "trees", "agriculture"})
"""Land-cover classes that count as green (vegetated)."""
