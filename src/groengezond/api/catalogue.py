"""The Verkenner catalogue over HTTP: search interventions and show one.

Thin over :mod:`groengezond.catalogue` (the same search as ``groengezond catalogue search``,
the same errors):

- ``/api/catalogue?q=&problem=&area_type=&max_cost_eur=&intervention=&min_evidence=``:
  matching interventions, strongest evidence first, then cheapest;
- ``/api/catalogue/{id}``: one intervention with its full sources.

Every text a user reads comes in Dutch and English (``name_nl``/``name_en``,
``description_nl``/``description_en``, ``co_benefits_*``, ``evidence.basis_*``, ``notes_*``,
``cost.basis_*``, and the evidence strength in words: ``evidence_text_nl``/``_en``); the web
app picks by its locale.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from groengezond.api.models_catalogue import CatalogueItemFull, CatalogueSearch
from groengezond.api.problems import ReadableRoute
from groengezond.catalogue.model import Catalogue, Intervention, load_catalogue
from groengezond.catalogue.search import search

router = APIRouter(prefix="/api/catalogue", tags=["Verkenner catalogue"],
                   route_class=ReadableRoute)


def item_doc(item: Intervention, catalogue: Catalogue, full: bool = False) -> dict[str, Any]:
    """One intervention as JSON: the registry fields plus its cost at the typical size."""
    doc = item.model_dump(mode="json")
    doc["evidence_text_nl"] = item.evidence.strength_text("nl")
    doc["evidence_text_en"] = item.evidence.strength_text("en")
    low, high = item.typical_cost_eur
    doc["typical_cost_eur"] = {"low": low, "high": high, "price_year": item.cost.price_year,
                               "assumption": item.cost.assumption}
    doc["typical_size_text"] = item.typical_size.text("en")
    doc["typical_size_text_nl"] = item.typical_size.text("nl")
    if full:
        doc["sources_full"] = [s.model_dump(mode="json") | {"text": str(s)}
                               for s in catalogue.sources_of(item.id)]
    return doc


@router.get("", summary="Search the catalogue", response_model=CatalogueSearch)
def search_catalogue(
    q: Annotated[str | None, Query(max_length=200, description="Words that must all occur")]
    = None,
    problem: Annotated[str | None, Query(description="heat, access, mental_health or "
                                         "physical_activity", max_length=40)] = None,
    area_type: Annotated[str | None, Query(description="A scale (street, buurt, wijk, "
                                           "gemeente) or an urban fabric", max_length=40)]
    = None,
    max_cost_eur: Annotated[float | None, Query(description="Budget (EUR) at the typical "
                                                "size")] = None,
    intervention: Annotated[str | None, Query(description="Scenario intervention, e.g. "
                                              "plant_trees", max_length=40)] = None,
    min_evidence: Annotated[str | None, Query(description="strong, moderate, limited or "
                                              "emerging", max_length=20)] = None,
    cost_basis: Annotated[Literal["low", "high"], Query(description="Compare the budget with "
                                                        "the low or high cost")] = "low",
) -> dict[str, Any]:
    """Interventions passing every given filter (all optional; none gives the whole list)."""
    cat = load_catalogue()
    found = search(cat, text=q or None, problem=problem, area_type=area_type,
                   max_cost_eur=max_cost_eur, intervention=intervention,
                   min_evidence=min_evidence, cost_basis=cost_basis)
    return {"count": len(found), "of": len(cat), "cost_note": cat.cost_note("en"),
            "cost_note_nl": cat.cost_note("nl"), "cost_note_en": cat.cost_note("en"),
            "items": [item_doc(i, cat) for i in found]}


@router.get("/{intervention_id}", summary="One intervention with its sources",
            response_model=CatalogueItemFull)
def show(intervention_id: str) -> dict[str, Any]:
    """Everything about one intervention: description, cost, pathways, evidence, sources."""
    cat = load_catalogue()
    return item_doc(cat.get(intervention_id), cat, full=True)
