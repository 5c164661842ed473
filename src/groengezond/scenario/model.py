"""Scenario models of the Planner: a named list of interventions on a base region.

A :class:`Scenario` is a pydantic model saved as YAML or JSON (:mod:`groengezond.scenario.io`).
Every intervention has a ``kind`` (the catalogue's ``scenario_intervention`` names), an optional
``name`` and a ``geometry`` in EPSG:28992 (RD New, metres) given either as a GeoJSON-like
mapping (``{"type": "Polygon", "coordinates": [...]}``) or as a WKT string
(``"POLYGON ((...))"``). Numbers carry their unit in the field name.

:func:`validate_scenario` turns every problem (unknown kind, negative number, geometry of the
wrong type or outside the region) into one :class:`~groengezond.errors.InputError` whose
problems name the intervention (index and name) and the field.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

import shapely
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from shapely.geometry.base import BaseGeometry

from groengezond.errors import InputError, Problem

GeometryInput = dict[str, Any] | str
"""GeoJSON-like mapping or WKT string, coordinates in EPSG:28992 (m)."""


class InterventionCost(BaseModel):
    """What an intervention costs: a one-off range in euros with its price year and source.

    Attributes
    ----------
    low_eur, high_eur : float
        Range of the total cost (EUR of ``price_year``); the Planner draws uniformly in it.
    price_year : int
        Year of the prices.
    source : str
        Where the figure comes from (a tender, the municipality's unit prices, the catalogue).
    assumption : bool
        True when the figure is an assumption rather than a quoted price.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    low_eur: float = Field(ge=0)
    high_eur: float = Field(ge=0)
    price_year: int = Field(ge=1950, le=2100)
    source: str = Field(min_length=1)
    assumption: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> InterventionCost:
        if self.low_eur > self.high_eur:
            raise ValueError(f"low_eur {self.low_eur:g} is above high_eur {self.high_eur:g}")
        return self


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = ""
    geometry: GeometryInput
    catalogue_id: str | None = Field(
        None, description="Verkenner catalogue entry this intervention comes from; gives its "
                          "cost (scaled to the geometry) when ``cost`` is not given")
    cost: InterventionCost | None = None
    maintenance: InterventionCost | None = Field(
        None, description="Yearly maintenance (EUR per year); default: the catalogue entry's")


class AddGreen(_Base):
    """New green space: park, forest or pocket park on the polygon (its cells become green).

    Only its land counts (water is cut out); over buildings it is refused unless ``displace``.
    """

    kind: Literal["add_green"] = "add_green"
    green_kind: Literal["park", "forest", "pocket_park"] = "park"
    public: bool = True
    displace: bool = Field(
        False, description="Demolish the buildings under the polygon: their dwellings and "
                           "residents go, and acquisition and demolition are costed. Without "
                           "it a park over buildings is refused")


class RemoveGreen(_Base):
    """Green removed or built on: green spaces whose centroid lies in the polygon go, and the
    polygon's green cells become ``becomes`` (paved or building)."""

    kind: Literal["remove_green"] = "remove_green"
    becomes: Literal["paved", "building"] = "building"


class PlantTrees(_Base):
    """Trees at points (Point/MultiPoint) or ``count`` trees spread over a polygon."""

    kind: Literal["plant_trees"] = "plant_trees"
    count: int | None = Field(None, ge=0)
    crown_diameter_m: float = Field(
        6.0, gt=0, le=40, description="Crown diameter of a mature tree (m); the exposures and "
                                      "the yearly health figures are those at this size")
    planting_crown_diameter_m: float = Field(
        2.0, gt=0, le=40,
        description="Crown diameter at planting (m); assumption: a nursery street tree of "
                    "16-18 cm girth carries a crown of about 2 m")
    years_to_mature: int | None = Field(
        None, ge=1, le=100,
        description="Years in which the crown grows from planting to mature size (linear in "
                    "diameter); None = the scenario's appraisal period")

    @model_validator(mode="after")
    def _planting_not_above_mature(self) -> PlantTrees:
        if self.planting_crown_diameter_m > self.crown_diameter_m:
            raise ValueError(f"planting_crown_diameter_m {self.planting_crown_diameter_m:g} is "
                             f"above the mature crown_diameter_m {self.crown_diameter_m:g}")
        return self


class GreenRoofs(_Base):
    """Green roofs (and optionally façades) on the buildings inside the polygon."""

    kind: Literal["green_roofs"] = "green_roofs"
    roof_share: float = Field(1.0, ge=0, le=1)
    facades: bool = False


class Depave(_Base):
    """Paved cells in the polygon become low green (or trees)."""

    kind: Literal["depave"] = "depave"
    becomes: Literal["low_green", "trees"] = "low_green"


class AddConnection(_Base):
    """A walking/cycling connection (footbridge, tunnel, crossing): a line whose ends snap to
    the walking network."""

    kind: Literal["add_connection"] = "add_connection"
    mode: Literal["footbridge", "tunnel", "crossing"] = "footbridge"
    length_m: float | None = Field(None, gt=0)
    walking_trips_per_day: float | None = Field(
        None, ge=0, le=1_000_000,
        description="Additional walking trips per day the connection brings (a count or a "
                    "traffic-model forecast, average day of the year); with minutes_per_walk "
                    "it drives the WHO HEAT walking pathway")
    minutes_per_walk: float | None = Field(None, gt=0, le=240,
                                           description="Mean duration of such a trip (min)")
    cycling_trips_per_day: float | None = Field(None, ge=0, le=1_000_000)
    minutes_per_cycle: float | None = Field(None, gt=0, le=240)

    @model_validator(mode="after")
    def _volumes_in_pairs(self) -> AddConnection:
        for trips, minutes in (("walking_trips_per_day", "minutes_per_walk"),
                               ("cycling_trips_per_day", "minutes_per_cycle")):
            if (getattr(self, trips) is None) != (getattr(self, minutes) is None):
                raise ValueError(f"give both {trips} and {minutes} (a walking or cycling "
                                 "volume needs the number of trips and their duration), or "
                                 "neither")
        return self


class AddDwellings(_Base):
    """New dwellings with residents at points or spread over a polygon (densification, new
    neighbourhood)."""

    kind: Literal["add_dwellings"] = "add_dwellings"
    dwellings: int = Field(ge=0)
    residents: int = Field(ge=0)
    income_decile: int = Field(5, ge=1, le=10)


Intervention = Annotated[
    AddGreen | RemoveGreen | PlantTrees | GreenRoofs | Depave | AddConnection | AddDwellings,
    Field(discriminator="kind"),
]

KINDS: tuple[str, ...] = ("add_green", "remove_green", "plant_trees", "green_roofs", "depave",
                          "add_connection", "add_dwellings")
"""Intervention kinds, the same as ``groengezond.catalogue.SCENARIO_INTERVENTIONS``."""

_GEOM_TYPES: dict[str, tuple[str, ...]] = {
    "add_green": ("Polygon", "MultiPolygon"),
    "remove_green": ("Polygon", "MultiPolygon"),
    "plant_trees": ("Point", "MultiPoint", "Polygon", "MultiPolygon"),
    "green_roofs": ("Polygon", "MultiPolygon"),
    "depave": ("Polygon", "MultiPolygon"),
    "add_connection": ("LineString",),
    "add_dwellings": ("Point", "MultiPoint", "Polygon", "MultiPolygon"),
}


class ValueOverride(BaseModel):
    """A money value set in the scenario (replaces the packaged one of the same id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: float = Field(gt=0)
    low: float | None = Field(None, gt=0)
    high: float | None = Field(None, gt=0)
    currency: Literal["EUR", "USD_PPP"] | None = None
    price_year: int | None = Field(None, ge=1950, le=2100)
    source: str = Field("set in the scenario", min_length=1)


class ParameterOverride(BaseModel):
    """A valuation parameter set in the scenario (e.g. ``discount_rate``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    low: float | None = None
    high: float | None = None
    source: str = Field("set in the scenario", min_length=1)


class ValuationOverrides(BaseModel):
    """Money settings a scenario changes (see ``health/valuation.yaml`` for the ids).

    Attributes
    ----------
    values : dict
        Money values by id (``vsl_eu27``, ``depression_case_invest``, ...).
    outcome_values : dict
        Which value an outcome uses (``depression: depression_case_kpmg``).
    parameters : dict
        Parameters by name (``discount_rate``, ``usd_ppp_to_eur``).
    price_year : int, "own" or None
        Year whose prices all money is expressed in (needs the packaged CPI to hold it), or
        ``own`` to keep every value in its own price year; None keeps the default (2024).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    values: dict[str, ValueOverride] = Field(default_factory=dict)
    outcome_values: dict[str, str] = Field(default_factory=dict)
    parameters: dict[str, ParameterOverride] = Field(default_factory=dict)
    price_year: int | Literal["own"] | None = None


class Scenario(BaseModel):
    """A scenario: a name, the base region and a list of interventions.

    Attributes
    ----------
    name : str
        Name shown in results.
    region : dict
        The base region: ``{"generator": {...}}`` for a synthetic region (seed, inhabitants)
        or ``{"path": "..."}`` for a region folder; recorded in the input hash.
    description : str
        Free text.
    interventions : list of Intervention
        The changes, applied in order.
    appraisal_years : int
        Years over which the yearly benefits are discounted for the benefit-cost ratio
        (default 30: an assumption of the lifetime of green infrastructure; set your own).
    valuation : ValuationOverrides
        Money values, parameters and price year this scenario changes (default: none).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    region: dict[str, Any] = Field(default_factory=dict)
    description: str = ""
    interventions: tuple[Intervention, ...] = ()
    appraisal_years: int = Field(30, ge=1, le=100)
    valuation: ValuationOverrides = Field(default_factory=ValuationOverrides)

    def canonical_json(self) -> str:
        """Canonical JSON (sorted keys, no whitespace, defaults included)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


def _label(index: int, data: Any) -> str:
    """``intervention N 'name'``, counting from 1 as a reader of the scenario file does."""
    name = data.get("name", "") if isinstance(data, dict) else getattr(data, "name", "")
    return f"intervention {index + 1}" + (f" '{name}'" if name else "")


def parse_geometry(value: GeometryInput) -> BaseGeometry:
    """Shapely geometry from a GeoJSON-like mapping or a WKT string (RD New, m).

    Raises
    ------
    ValueError
        If the value is neither.
    """
    if isinstance(value, str):
        return shapely.from_wkt(value)
    return shapely.geometry.shape(value)


def scenario_from_data(data: Any, file: str = "scenario") -> Scenario:
    """Validate plain data (from YAML/JSON) into a :class:`Scenario`.

    Raises
    ------
    InputError
        One problem per error, naming the intervention (index and name) and the field.
    """
    if not isinstance(data, dict):
        raise InputError.single(file, "", "", "is not a mapping",
                                "give name, region and interventions")
    problems: list[Problem] = []
    items = data.get("interventions") or []
    if not isinstance(items, list):
        raise InputError.single(file, "", "interventions", "is not a list",
                                "give a list of interventions")
    for i, item in enumerate(items):
        kind = item.get("kind") if isinstance(item, dict) else None
        if kind not in KINDS:
            problems.append(Problem(file, _label(i, item), "kind", f"unknown kind {kind!r}",
                                    f"use one of: {', '.join(KINDS)}"))
    if problems:
        raise InputError(problems)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = list(err["loc"])
            where, fld = "", ".".join(str(x) for x in loc)
            if len(loc) >= 2 and loc[0] == "interventions" and isinstance(loc[1], int):
                where = _label(loc[1], items[loc[1]])
                rest = [str(x) for x in loc[2:] if str(x) not in KINDS]
                fld = ".".join(rest)
            problems.append(Problem(file, where, fld, err["msg"], "see docs/planner.md"))
        raise InputError(problems) from None


def check_geometries(scenario: Scenario, bounds: tuple[float, float, float, float],
                     file: str = "scenario") -> list[BaseGeometry]:
    """Parse every intervention's geometry and check its type and that it lies in the region.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    bounds : tuple of float
        (minx, miny, maxx, maxy) of the region (RD New, m).
    file : str
        Name used in error messages.

    Returns
    -------
    list of shapely geometries
        One per intervention.

    Raises
    ------
    InputError
        Unparseable, empty, wrong-type or out-of-region geometry; point interventions with
        neither points nor count.
    """
    problems: list[Problem] = []
    out: list[BaseGeometry] = []
    box = shapely.box(*bounds)
    for i, item in enumerate(scenario.interventions):
        where = _label(i, item)
        try:
            geom = parse_geometry(item.geometry)
        except Exception as exc:
            problems.append(Problem(file, where, "geometry", f"cannot be read ({exc})",
                                    "give GeoJSON-like {type, coordinates} or WKT in EPSG:28992",
                                    key="unreadable_geometry", params={"intervention": i + 1}))
            out.append(shapely.Point())
            continue
        out.append(geom)
        allowed = _GEOM_TYPES[item.kind]
        if geom.is_empty or geom.geom_type not in allowed:
            problems.append(Problem(file, where, "geometry",
                                    f"is {'empty' if geom.is_empty else geom.geom_type}",
                                    f"give a {' or '.join(allowed)}", key="wrong_geometry",
                                    params={"intervention": i + 1}))
        elif not box.contains(geom):
            box_m = tuple(round(b) for b in bounds)
            problems.append(Problem(file, where, "geometry",
                                    f"lies (partly) outside the region {box_m}",
                                    "draw it inside the region, coordinates in EPSG:28992 (m)",
                                    key="outside_region",
                                    params={"intervention": i + 1, "region": None}))
        if isinstance(item, PlantTrees):
            polygonal = geom.geom_type in ("Polygon", "MultiPolygon")
            if polygonal and item.count is None:
                problems.append(Problem(file, where, "count", "missing for a polygon",
                                        "give the number of trees to plant in the polygon",
                                        key="missing_count", params={"intervention": i + 1}))
        if isinstance(item, AddDwellings) and item.residents > 0 and item.dwellings == 0:
            problems.append(Problem(file, where, "dwellings", "is 0 while residents > 0",
                                    "give the number of dwellings the residents live in",
                                    key="no_dwellings", params={"intervention": i + 1}))
    if problems:
        raise InputError(problems)
    return out


def input_hash(scenario: Scenario, region_meta: dict[str, Any]) -> str:
    """sha256 of the canonical scenario JSON and the region's generator/meta.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    region_meta : dict
        Region identity: name, synthetic flag and generator parameters.
    """
    doc = {"scenario": json.loads(scenario.canonical_json()), "region": region_meta}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def from_template(template: Any, geometry: GeometryInput, name: str = "") -> Any:
    """An intervention from a catalogue :class:`~groengezond.catalogue.model.ScenarioTemplate`.

    The template's kind is kept; a size in trees becomes ``count``, in dwellings becomes
    ``dwellings`` (residents: 2.1 per dwelling, assumption ≈ the Dutch mean household size).
    Sizes in ha, m² or m are not needed (the geometry gives them). ``catalogue_id`` is set, so
    the Planner costs the intervention from the entry (scaled to the geometry). The result is
    validated like any scenario input.

    Parameters
    ----------
    template : ScenarioTemplate
        From ``Intervention.to_scenario()``.
    geometry : dict or str
        GeoJSON-like mapping or WKT (EPSG:28992).
    name : str
        Name of the intervention (default: the template's label).
    """
    data: dict[str, Any] = {"kind": template.kind, "name": name or template.label,
                            "geometry": geometry, "catalogue_id": template.catalogue_id}
    if template.size.unit == "trees":
        data["count"] = round(template.size.value)
    if template.size.unit == "dwellings":
        data["dwellings"] = round(template.size.value)
        data["residents"] = round(2.1 * template.size.value)
    scenario = scenario_from_data({"name": "template", "interventions": [data]})
    return scenario.interventions[0]
