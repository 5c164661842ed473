"""The Verkenner catalogue: interventions for green, healthy neighbourhoods.

The catalogue is the YAML file ``interventions.yaml`` in this package, validated by the
pydantic models below. Every entry has a Dutch and English name, a description, the scenario
intervention it maps to (one of :data:`SCENARIO_INTERVENTIONS`), a typical size, a cost per unit
with its price year and source (a range labelled as an assumption where no source can be cited),
the health pathways it acts on (the pathway names of the ERF registry), co-benefits, the
strength of the evidence and its sources. :meth:`Intervention.to_scenario` turns an entry into a
template that a scenario can take.

Errors name the entry (by id) and the field.

Examples
--------
>>> from groengezond.catalogue.model import load_catalogue
>>> cat = load_catalogue()
>>> cat["street_trees"].scenario_intervention
'plant_trees'
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from groengezond.errors import InputError, Problem

CATALOGUE_FILE = "interventions.yaml"
_FIX = "see docs/catalogue.md for the fields"

ScenarioIntervention = Literal["add_green", "remove_green", "plant_trees", "green_roofs",
                               "depave", "add_connection", "add_dwellings"]
SCENARIO_INTERVENTIONS: tuple[str, ...] = ("add_green", "remove_green", "plant_trees",
                                           "green_roofs", "depave", "add_connection",
                                           "add_dwellings")
"""The interventions a scenario knows (``groengezond.scenario``)."""

HealthProblem = Literal["heat", "access", "mental_health", "physical_activity"]
PROBLEMS: tuple[str, ...] = ("heat", "access", "mental_health", "physical_activity")
Scale = Literal["street", "buurt", "wijk", "gemeente"]
SCALES: tuple[str, ...] = ("street", "buurt", "wijk", "gemeente")
Fabric = Literal["core", "inner", "postwar", "suburb", "villa", "village", "work", "rural"]
FABRICS: tuple[str, ...] = ("core", "inner", "postwar", "suburb", "villa", "village", "work",
                            "rural")
"""Urban fabrics, the typology names of the synthetic region (``synth/typology.py``)."""
Strength = Literal["strong", "moderate", "limited", "emerging"]
STRENGTHS: tuple[str, ...] = ("strong", "moderate", "limited", "emerging")
"""Evidence strengths from strongest to weakest."""
SizeUnit = Literal["trees", "m2", "ha", "m", "dwellings"]

SIZE_UNITS: dict[str, tuple[str, ...]] = {
    "plant_trees": ("trees",),
    "add_green": ("m2", "ha"),
    "remove_green": ("m2", "ha"),
    "green_roofs": ("m2",),
    "depave": ("m2",),
    "add_connection": ("m",),
    "add_dwellings": ("dwellings",),
}
"""Units a typical size may have, per scenario intervention."""


class Size(BaseModel):
    """A typical size: a number with its unit (trees, m², ha, m of connection, dwellings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(gt=0)
    unit: SizeUnit

    def __str__(self) -> str:
        unit = "m²" if self.unit == "m2" else self.unit
        return f"{self.value:,.10g} {unit}"


class Cost(BaseModel):
    """Cost per unit (or per project) in euros, with price year and source.

    Attributes
    ----------
    low_eur, high_eur : float
        Range of the cost per ``per`` (EUR).
    per : str
        The unit of the typical size (cost per unit) or ``project`` (lump sum).
    price_year : int
        Year of the prices.
    assumption : bool
        True when the range is our assumption rather than a cited figure.
    basis : str
        The source, or what the assumption rests on and how to replace it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    low_eur: float = Field(ge=0)
    high_eur: float = Field(ge=0)
    per: Literal["trees", "m2", "ha", "m", "dwellings", "project"]
    price_year: int = Field(ge=1990, le=2100)
    assumption: bool
    basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Cost:
        if self.low_eur > self.high_eur:
            raise ValueError(f"low_eur {self.low_eur} is above high_eur {self.high_eur}")
        return self


class Evidence(BaseModel):
    """How strong the evidence for the health effect is, and on what that judgement rests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strength: Strength
    basis: str = Field(min_length=1)


class Source(BaseModel):
    """A publication or tool: citation, and a DOI or URL where known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    citation: str = Field(min_length=1)
    doi: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        link = f" https://doi.org/{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"{self.citation.strip()}{link}"


class ScenarioTemplate(BaseModel):
    """A catalogue entry ready to be dropped into a scenario (validated there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ScenarioIntervention
    size: Size
    catalogue_id: str
    label: str
    cost_low_eur: float
    cost_high_eur: float
    price_year: int
    cost_assumption: bool


class Intervention(BaseModel):
    """One intervention of the catalogue (see ``interventions.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_nl: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description: str = Field(min_length=1)
    scenario_intervention: ScenarioIntervention
    typical_size: Size
    min_size: Size | None = Field(
        None, description="Smallest size the entry describes (e.g. a neighbourhood park of "
                          "more than 2 ha); the Planner refuses a smaller polygon")
    cost: Cost
    maintenance: Cost | None = Field(
        None, description="Yearly maintenance, per unit of the size (or per project) and year")
    problems: tuple[HealthProblem, ...] = Field(min_length=1)
    pathways: tuple[str, ...] = Field(min_length=1)
    co_benefits: tuple[str, ...] = Field(min_length=1)
    evidence: Evidence
    scales: tuple[Scale, ...] = Field(min_length=1)
    fabrics: tuple[Fabric, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    notes: str = ""

    def cost_for(self, size: Size | None = None) -> tuple[float, float]:
        """(low, high) cost in EUR of this intervention at ``size`` (default: typical size).

        A cost per unit is scaled by the size; a cost per project is not. A size in ha with a
        cost per m² (or the reverse) is converted.
        """
        s = size or self.typical_size
        if self.cost.per == "project":
            return self.cost.low_eur, self.cost.high_eur
        factor = {("ha", "m2"): 10_000.0, ("m2", "ha"): 1e-4}.get((s.unit, self.cost.per), 1.0)
        return self.cost.low_eur * s.value * factor, self.cost.high_eur * s.value * factor

    @property
    def typical_cost_eur(self) -> tuple[float, float]:
        """(low, high) cost in EUR at the typical size."""
        return self.cost_for()

    def to_scenario(self, size: Size | None = None) -> ScenarioTemplate:
        """A scenario template of this intervention at ``size`` (default: typical size).

        Raises
        ------
        InputError
            When ``size`` has a unit this intervention does not take.
        """
        s = size or self.typical_size
        allowed = SIZE_UNITS[self.scenario_intervention]
        if s.unit not in allowed:
            raise InputError.single(CATALOGUE_FILE, f"interventions '{self.id}'", "size",
                                    f"unit {s.unit!r} does not fit "
                                    f"{self.scenario_intervention}",
                                    f"use one of: {', '.join(allowed)}")
        lo, hi = self.cost_for(s)
        return ScenarioTemplate(kind=self.scenario_intervention, size=s, catalogue_id=self.id,
                                label=self.name_en, cost_low_eur=lo, cost_high_eur=hi,
                                price_year=self.cost.price_year,
                                cost_assumption=self.cost.assumption)


class Catalogue(BaseModel):
    """The whole catalogue: version, date, shared sources and the interventions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    updated: date
    cost_note: str = ""
    maintenance_note: str = ""
    sources: dict[str, Source] = Field(min_length=1)
    interventions: tuple[Intervention, ...] = Field(min_length=1)

    def __getitem__(self, intervention_id: str) -> Intervention:
        for item in self.interventions:
            if item.id == intervention_id:
                return item
        raise KeyError(intervention_id)

    def __contains__(self, intervention_id: object) -> bool:
        return any(i.id == intervention_id for i in self.interventions)

    def __len__(self) -> int:
        return len(self.interventions)

    @property
    def ids(self) -> tuple[str, ...]:
        """Intervention ids in catalogue order."""
        return tuple(i.id for i in self.interventions)

    def get(self, intervention_id: str) -> Intervention:
        """Return an entry or raise :class:`InputError` naming the known ids."""
        try:
            return self[intervention_id]
        except KeyError:
            raise InputError.single(CATALOGUE_FILE, "", "id",
                                    f"unknown intervention {intervention_id!r}",
                                    f"use one of: {', '.join(self.ids)}") from None

    def sources_of(self, intervention_id: str) -> tuple[Source, ...]:
        """The full sources of one entry."""
        return tuple(self.sources[s] for s in self.get(intervention_id).sources)


def check_catalogue(cat: Catalogue, pathways: tuple[str, ...] | None = None,
                    file: str = CATALOGUE_FILE) -> list[Problem]:
    """Every cross-field problem of a catalogue (empty when consistent).

    Checks: unique ids; every source id is defined; the size unit fits the scenario
    intervention; a per-unit cost uses the size's unit (m² and ha convert); pathways are those
    of the ERF registry (``pathways``; default: the packaged registry's).
    """
    if pathways is None:
        from groengezond.health.erf import load_erf_registry

        pathways = load_erf_registry().pathways
    out: list[Problem] = []
    seen: set[str] = set()
    for item in cat.interventions:
        at = f"interventions '{item.id}'"
        if item.id in seen:
            out.append(Problem(file, at, "id", "appears more than once", "use a unique id"))
        seen.add(item.id)
        for ref in item.sources:
            if ref not in cat.sources:
                out.append(Problem(file, at, "sources", f"unknown source {ref!r}",
                                   "define it under 'sources' at the top of the file"))
        allowed = SIZE_UNITS[item.scenario_intervention]
        if item.typical_size.unit not in allowed:
            out.append(Problem(file, at, "typical_size.unit",
                               f"{item.typical_size.unit!r} does not fit "
                               f"{item.scenario_intervention}",
                               f"use one of: {', '.join(allowed)}"))
        per = item.cost.per
        if per != "project" and {per, item.typical_size.unit} not in ({"m2", "ha"},
                                                                      {item.typical_size.unit}):
            out.append(Problem(file, at, "cost.per", f"cost per {per!r} but size in "
                               f"{item.typical_size.unit!r}",
                               "give the cost per unit of the size, or per project"))
        for p in item.pathways:
            if p not in pathways:
                out.append(Problem(file, at, "pathways", f"unknown pathway {p!r}",
                                   f"use one of: {', '.join(pathways)}"))
    return out


def _where(raw: object, loc: tuple[int | str, ...]) -> tuple[str, str]:
    if (len(loc) >= 2 and loc[0] == "interventions" and isinstance(raw, dict)
            and isinstance(loc[1], int)):
        items = raw.get("interventions")
        if isinstance(items, list) and 0 <= loc[1] < len(items) and isinstance(items[loc[1]],
                                                                               dict):
            name = items[loc[1]].get("id") or f"#{loc[1] + 1}"
            return f"interventions '{name}'", ".".join(str(p) for p in loc[2:])
    if len(loc) >= 2 and loc[0] == "sources":
        return f"sources '{loc[1]}'", ".".join(str(p) for p in loc[2:])
    return "", ".".join(str(p) for p in loc)


def parse_catalogue(text: str, file: str = CATALOGUE_FILE,
                    pathways: tuple[str, ...] | None = None) -> Catalogue:
    """Parse and validate catalogue YAML.

    Raises
    ------
    InputError
        One problem per error, naming the entry (by id) and the field.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", "", f"is not valid YAML ({exc})",
                                "repair the YAML syntax") from exc
    try:
        cat = Catalogue.model_validate(raw)
    except ValidationError as exc:
        raise InputError(Problem(file, *_where(raw, tuple(err["loc"])), err["msg"], _FIX)
                         for err in exc.errors()) from exc
    problems = check_catalogue(cat, pathways, file)
    if problems:
        raise InputError(problems)
    return cat


@cache
def load_catalogue() -> Catalogue:
    """Return the catalogue shipped with the package (validated once, immutable)."""
    text = resources.files("groengezond.catalogue").joinpath(CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(text)
