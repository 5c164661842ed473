"""Response models of the Verkenner catalogue (``/api/catalogue``).

The fields of an item are those of :class:`groengezond.catalogue.model.Intervention` (its
sub-models are reused as they are), plus the cost at the typical size.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from groengezond.api.contract import Contract
from groengezond.catalogue.model import (
    Cost,
    Evidence,
    Fabric,
    HealthProblem,
    Scale,
    ScenarioIntervention,
    Size,
    Source,
)


class TypicalCost(Contract):
    """The cost at the typical size (EUR, price year), and whether it is an assumption."""

    low: float
    high: float
    price_year: int
    assumption: bool


class CatalogueItem(Contract):
    """One intervention as served: the registry fields plus its cost at the typical size."""

    id: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str
    scenario_intervention: ScenarioIntervention
    typical_size: Size
    min_size: Size | None = Field(description="Smallest size the entry describes")
    cost: Cost
    maintenance: Cost | None = Field(description="Yearly maintenance, per unit and year")
    problems: list[HealthProblem]
    pathways: list[str]
    co_benefits_nl: list[str]
    co_benefits_en: list[str]
    evidence: Evidence
    scales: list[Scale]
    fabrics: list[Fabric]
    sources: list[str] = Field(description="Source ids (see ``sources_full``)")
    notes_nl: str
    notes_en: str
    evidence_text_nl: str = Field(description="The evidence strength in Dutch words")
    evidence_text_en: str = Field(description="The evidence strength in English words")
    typical_cost_eur: TypicalCost
    typical_size_text: str = Field(description="The typical size in words, e.g. '1 ha'")
    typical_size_text_nl: str = Field(description="The typical size in Dutch words")


class SourceOut(Source):
    """A source of the catalogue with its citation as one text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str


class CatalogueItemFull(CatalogueItem):
    """One intervention with its full sources."""

    sources_full: list[SourceOut]


class CatalogueSearch(Contract):
    """Interventions passing every filter, strongest evidence first, then cheapest."""

    count: int
    of: int
    cost_note: str
    cost_note_nl: str
    cost_note_en: str
    items: list[CatalogueItem]
