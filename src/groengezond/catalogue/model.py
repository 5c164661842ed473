"""The Verkenner catalogue: interventions for green, healthy neighbourhoods.

The catalogue is the YAML file ``interventions.yaml`` in this package, validated by the
pydantic models below. Every entry has a Dutch and English name and description (every text a
user reads is given in both languages: ``*_nl`` and ``*_en``; the model refuses a missing
translation and English text in a Dutch field), the scenario
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

import re
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
STRENGTH_WORDS: dict[str, dict[str, str]] = {
    "strong": {"nl": "sterk bewijs", "en": "strong evidence"},
    "moderate": {"nl": "redelijk bewijs", "en": "moderate evidence"},
    "limited": {"nl": "beperkt bewijs", "en": "limited evidence"},
    "emerging": {"nl": "opkomend bewijs", "en": "emerging evidence"},
}
"""The evidence strengths in words, per language."""
Lang = Literal["nl", "en"]

ENGLISH_MARKERS: frozenset[str] = frozenset({
    "the", "and", "with", "to", "are", "for", "on", "by", "from", "that", "this", "which",
    "where", "when", "near", "more", "less", "not", "only", "homes", "trees", "street", "green",
    "residents", "walking", "evidence", "health", "cost", "children", "public", "roofs",
    "shade", "people", "gardens",
})
"""Common English words that are not Dutch words: a Dutch text holding several of them is
English copied over."""
_MAX_MARKERS = 1


def _english_in_dutch(text: str) -> list[str]:
    """The English marker words in ``text`` (lower case, each once)."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return sorted(words & ENGLISH_MARKERS)


def check_dutch(nl: str, en: str, what: str) -> None:
    """Refuse a Dutch text that is the English one or reads as English.

    Raises
    ------
    ValueError
        Naming ``what``, when ``nl`` equals ``en`` (for texts of more than three words) or
        holds more than one common English word (:data:`ENGLISH_MARKERS`; citations in
        parentheses are not counted).
    """
    if len(en.split()) > 3 and " ".join(nl.split()).lower() == " ".join(en.split()).lower():
        raise ValueError(f"{what}_nl is the English text; give the Dutch text in {what}_nl")
    found = _english_in_dutch(re.sub(r"\([^)]*\)", " ", nl))
    if len(found) > _MAX_MARKERS:
        raise ValueError(f"{what}_nl reads as English ({', '.join(found)}); give the Dutch "
                         f"text in {what}_nl")
SizeUnit = Literal["trees", "m2", "ha", "m", "dwellings"]
_UNIT_WORDS: dict[str, dict[str, str]] = {"nl": {"trees": "bomen", "dwellings": "woningen"},
                                          "en": {}}

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
        return self.text("en")

    def text(self, lang: Lang = "en") -> str:
        """The size with its unit in ``lang`` ("20 bomen", "1.000 m²")."""
        unit = "m²" if self.unit == "m2" else _UNIT_WORDS[lang].get(self.unit, self.unit)
        number = f"{self.value:,.10g}"
        if lang == "nl":
            number = number.replace(",", "_").replace(".", ",").replace("_", ".")
        return f"{number} {unit}"


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
    basis_nl, basis_en : str
        The source, or what the assumption rests on and how to replace it (Dutch, English).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    low_eur: float = Field(ge=0)
    high_eur: float = Field(ge=0)
    per: Literal["trees", "m2", "ha", "m", "dwellings", "project"]
    price_year: int = Field(ge=1990, le=2100)
    assumption: bool
    basis_nl: str = Field(min_length=1)
    basis_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Cost:
        if self.low_eur > self.high_eur:
            raise ValueError(f"low_eur {self.low_eur} is above high_eur {self.high_eur}")
        check_dutch(self.basis_nl, self.basis_en, "basis")
        return self

    @property
    def basis(self) -> str:
        """The basis in English (CLI, logs and the scenario's cost lines)."""
        return self.basis_en


class Evidence(BaseModel):
    """How strong the evidence for the health effect is, and on what that judgement rests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strength: Strength
    basis_nl: str = Field(min_length=1)
    basis_en: str = Field(min_length=1)

    @model_validator(mode="after")
    def _dutch(self) -> Evidence:
        check_dutch(self.basis_nl, self.basis_en, "evidence.basis")
        return self

    @property
    def basis(self) -> str:
        """The basis in English."""
        return self.basis_en

    def strength_text(self, lang: Lang) -> str:
        """The strength in words of ``lang`` (e.g. "redelijk bewijs")."""
        return STRENGTH_WORDS[self.strength][lang]


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
    description_nl: str = Field(min_length=1)
    description_en: str = Field(min_length=1)
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
    co_benefits_nl: tuple[str, ...] = Field(min_length=1)
    co_benefits_en: tuple[str, ...] = Field(min_length=1)
    evidence: Evidence
    scales: tuple[Scale, ...] = Field(min_length=1)
    fabrics: tuple[Fabric, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    notes_nl: str = ""
    notes_en: str = ""

    @model_validator(mode="after")
    def _translated(self) -> Intervention:
        if bool(self.notes_nl.strip()) != bool(self.notes_en.strip()):
            missing = "notes_nl" if not self.notes_nl.strip() else "notes_en"
            raise ValueError(f"{missing} is missing; give the notes in Dutch and English")
        if len(self.co_benefits_nl) != len(self.co_benefits_en):
            raise ValueError(f"co_benefits_nl has {len(self.co_benefits_nl)} items and "
                             f"co_benefits_en {len(self.co_benefits_en)}; give each in both")
        check_dutch(self.name_nl, self.name_en, "name")
        check_dutch(self.description_nl, self.description_en, "description")
        check_dutch(", ".join(self.co_benefits_nl), ", ".join(self.co_benefits_en),
                    "co_benefits")
        if self.notes_nl:
            check_dutch(self.notes_nl, self.notes_en, "notes")
        return self

    def name(self, lang: Lang) -> str:
        """The name in ``lang``."""
        return self.name_nl if lang == "nl" else self.name_en

    def description(self, lang: Lang) -> str:
        """The description in ``lang`` (whitespace trimmed)."""
        return (self.description_nl if lang == "nl" else self.description_en).strip()

    def co_benefits(self, lang: Lang) -> tuple[str, ...]:
        """The co-benefits in ``lang``."""
        return self.co_benefits_nl if lang == "nl" else self.co_benefits_en

    def notes(self, lang: Lang) -> str:
        """The notes in ``lang`` (empty when there are none)."""
        return (self.notes_nl if lang == "nl" else self.notes_en).strip()

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
    cost_note_nl: str = ""
    cost_note_en: str = ""
    maintenance_note_nl: str = ""
    maintenance_note_en: str = ""
    sources: dict[str, Source] = Field(min_length=1)
    interventions: tuple[Intervention, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _translated(self) -> Catalogue:
        for what in ("cost_note", "maintenance_note"):
            nl, en = getattr(self, f"{what}_nl"), getattr(self, f"{what}_en")
            if bool(nl.strip()) != bool(en.strip()):
                raise ValueError(f"{what} needs both {what}_nl and {what}_en")
            if nl:
                check_dutch(nl, en, what)
        return self

    def cost_note(self, lang: Lang) -> str:
        """The note on the cost ranges in ``lang``."""
        return (self.cost_note_nl if lang == "nl" else self.cost_note_en).strip()

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
