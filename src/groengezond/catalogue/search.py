"""Search and filter the Verkenner catalogue (pure functions, no I/O).

Filters combine with AND:

- ``text``: every word must occur (case-insensitive) in the id, Dutch or English name,
  description, co-benefits or notes;
- ``problem``: heat, access, mental_health or physical_activity (also ``mental-health`` and
  ``mental health``);
- ``area_type``: a scale (street, buurt, wijk, gemeente) or an urban fabric (core, inner,
  postwar, suburb, villa, village, work, rural);
- ``max_cost_eur``: the lower end of the cost at the typical size is at most this budget
  (``cost_basis="high"`` uses the upper end: surely within budget);
- ``intervention``: the scenario intervention (e.g. ``plant_trees``);
- ``min_evidence``: at least this evidence strength.

Results are ordered by evidence strength (strongest first), then by cost at the typical size.

Examples
--------
>>> from groengezond.catalogue.model import load_catalogue
>>> from groengezond.catalogue.search import search
>>> [i.id for i in search(load_catalogue(), problem="heat", max_cost_eur=20_000)]
['tile_removal', 'playground_shade_trees', 'wadi', 'parking_to_green', 'tiny_forest']
"""

from __future__ import annotations

from typing import Literal

from groengezond.catalogue.model import (
    FABRICS,
    PROBLEMS,
    SCALES,
    SCENARIO_INTERVENTIONS,
    STRENGTHS,
    Catalogue,
    Intervention,
)
from groengezond.errors import InputError, Problem

_REQUEST = "catalogue search"


def normalise_problem(problem: str) -> str:
    """``Mental health`` / ``mental-health`` → ``mental_health``; unknown values unchanged."""
    return problem.strip().lower().replace("-", "_").replace(" ", "_")


def _text_of(item: Intervention) -> str:
    parts = [item.id, item.name_nl, item.name_en, item.description_nl, item.description_en,
             item.notes_nl, item.notes_en, item.scenario_intervention, *item.co_benefits_nl,
             *item.co_benefits_en]
    return " ".join(parts).lower()


def check_filters(problem: str | None = None, area_type: str | None = None,
                  max_cost_eur: float | None = None, intervention: str | None = None,
                  min_evidence: str | None = None) -> list[Problem]:
    """Problems with the filter values (empty when every given value is known)."""
    out: list[Problem] = []
    if problem is not None and normalise_problem(problem) not in PROBLEMS:
        out.append(Problem(_REQUEST, "", "problem", f"unknown problem {problem!r}",
                           f"use one of: {', '.join(PROBLEMS)}"))
    if area_type is not None and area_type.strip().lower() not in (*SCALES, *FABRICS):
        out.append(Problem(_REQUEST, "", "area_type", f"unknown area type {area_type!r}",
                           f"use a scale ({', '.join(SCALES)}) or a fabric "
                           f"({', '.join(FABRICS)})"))
    if max_cost_eur is not None and max_cost_eur < 0:
        out.append(Problem(_REQUEST, "", "max_cost_eur", f"{max_cost_eur} is negative",
                           "give a budget in euros ≥ 0"))
    if intervention is not None and intervention not in SCENARIO_INTERVENTIONS:
        out.append(Problem(_REQUEST, "", "intervention",
                           f"unknown intervention {intervention!r}",
                           f"use one of: {', '.join(SCENARIO_INTERVENTIONS)}"))
    if min_evidence is not None and min_evidence not in STRENGTHS:
        out.append(Problem(_REQUEST, "", "min_evidence", f"unknown strength {min_evidence!r}",
                           f"use one of: {', '.join(STRENGTHS)}"))
    return out


def search(catalogue: Catalogue, *, text: str | None = None, problem: str | None = None,
           area_type: str | None = None, max_cost_eur: float | None = None,
           intervention: str | None = None, min_evidence: str | None = None,
           cost_basis: Literal["low", "high"] = "low") -> tuple[Intervention, ...]:
    """Entries that pass every given filter, strongest evidence first, then cheapest.

    Parameters
    ----------
    catalogue : Catalogue
        The catalogue (:func:`~groengezond.catalogue.model.load_catalogue`).
    text : str, optional
        Words that must all occur (case-insensitive).
    problem : str, optional
        Health problem the entry must address.
    area_type : str, optional
        Scale or urban fabric the entry must suit.
    max_cost_eur : float, optional
        Budget (EUR) for the entry at its typical size.
    intervention : str, optional
        Scenario intervention the entry must map to.
    min_evidence : str, optional
        Weakest evidence strength accepted.
    cost_basis : {"low", "high"}
        Compare the budget with the lower (default) or upper end of the cost range.

    Returns
    -------
    tuple of Intervention

    Raises
    ------
    InputError
        When a filter value is unknown (the message lists the allowed values).
    """
    problems = check_filters(problem, area_type, max_cost_eur, intervention, min_evidence)
    if problems:
        raise InputError(problems)
    words = text.lower().split() if text else []
    prob = normalise_problem(problem) if problem else None
    area = area_type.strip().lower() if area_type else None
    weakest = STRENGTHS.index(min_evidence) if min_evidence else len(STRENGTHS) - 1
    found: list[Intervention] = []
    for item in catalogue.interventions:
        haystack = _text_of(item)
        if any(w not in haystack for w in words):
            continue
        if prob and prob not in item.problems:
            continue
        if area and area not in item.scales and area not in item.fabrics:
            continue
        lo, hi = item.typical_cost_eur
        if max_cost_eur is not None and (lo if cost_basis == "low" else hi) > max_cost_eur:
            continue
        if intervention and item.scenario_intervention != intervention:
            continue
        if STRENGTHS.index(item.evidence.strength) > weakest:
            continue
        found.append(item)
    found.sort(key=lambda i: (STRENGTHS.index(i.evidence.strength), i.typical_cost_eur[0]))
    return tuple(found)
