"""``groengezond catalogue``: search the Verkenner catalogue and show one intervention.

A thin adapter over :mod:`groengezond.catalogue`: ``search`` filters by text, problem, area
type, budget, scenario intervention and evidence strength and prints a table; ``show ID``
prints one entry with its cost (price year, assumption or source), pathways, evidence and
sources. Registered by the application as ``app.add_typer(catalogue_app, name="catalogue")``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from groengezond.catalogue.model import Intervention, load_catalogue
from groengezond.catalogue.search import search
from groengezond.cli.common import console, report_errors

catalogue_app = typer.Typer(
    name="catalogue",
    help="Verkenner: interventions for green, healthy neighbourhoods (search, show).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _eur(x: float) -> str:
    if x >= 1_000_000:
        return f"€{x / 1_000_000:,.1f} M"
    if x >= 10_000:
        return f"€{x / 1000:,.0f} k"
    return f"€{x:,.0f}"


def _cost_range(item: Intervention) -> str:
    lo, hi = item.typical_cost_eur
    flag = "*" if item.cost.assumption else ""
    return f"{_eur(lo)}–{_eur(hi)}{flag}"


@catalogue_app.command("search")
@report_errors
def search_command(
    text: Annotated[str | None, typer.Option(help="Words that must all occur.")] = None,
    problem: Annotated[str | None, typer.Option(
        help="heat, access, mental_health or physical_activity.")] = None,
    area_type: Annotated[str | None, typer.Option(
        help="Scale (street, buurt, wijk, gemeente) or fabric (core, inner, postwar, suburb, "
             "villa, village, work, rural).")] = None,
    max_cost_eur: Annotated[float | None, typer.Option(
        help="Budget in euros for the typical size (lower end of the cost range).")] = None,
    intervention: Annotated[str | None, typer.Option(
        help="Scenario intervention, e.g. plant_trees, depave, add_connection.")] = None,
    min_evidence: Annotated[str | None, typer.Option(
        help="Weakest evidence accepted: strong, moderate, limited, emerging.")] = None,
) -> None:
    """Search the catalogue; filters combine (all must hold)."""
    cat = load_catalogue()
    found = search(cat, text=text, problem=problem, area_type=area_type,
                   max_cost_eur=max_cost_eur, intervention=intervention,
                   min_evidence=min_evidence)
    if not found:
        console.print("No intervention matches these filters.")
        return
    table = Table(title=f"Verkenner: {len(found)} of {len(cat)} interventions")
    table.add_column("id", no_wrap=True)
    for header in ("name", "scenario", "typical size", "cost", "problems", "evidence"):
        table.add_column(header)
    for item in found:
        table.add_row(item.id, item.name_en, item.scenario_intervention,
                      str(item.typical_size), _cost_range(item), ", ".join(item.problems),
                      item.evidence.strength)
    console.print(table)
    if any(i.cost.assumption for i in found):
        console.print(f"* cost range is an assumption ({found[0].cost.price_year} prices), "
                      "not a cited figure; see 'catalogue show ID'.")


@catalogue_app.command("show")
@report_errors
def show_command(
    intervention_id: Annotated[str, typer.Argument(metavar="ID",
                                                   help="Id of the intervention.")],
) -> None:
    """Show one intervention: description, scenario mapping, cost, pathways, evidence, sources."""
    cat = load_catalogue()
    item = cat.get(intervention_id)
    table = Table(show_header=False, title=f"{item.name_en} — {item.name_nl}")
    table.add_column("field", style="bold")
    table.add_column("value")
    lo, hi = item.typical_cost_eur
    cost_kind = "assumption" if item.cost.assumption else "source"
    rows = [
        ("id", item.id),
        ("description", item.description.strip()),
        ("scenario intervention", item.scenario_intervention),
        ("typical size", str(item.typical_size)),
        ("cost per unit", f"{_eur(item.cost.low_eur)}–{_eur(item.cost.high_eur)} per "
                          f"{item.cost.per} ({item.cost.price_year} prices)"),
        ("cost at typical size", f"{_eur(lo)}–{_eur(hi)}"),
        (f"cost basis ({cost_kind})", item.cost.basis.strip()),
        ("problems", ", ".join(item.problems)),
        ("health pathways", ", ".join(item.pathways)),
        ("co-benefits", ", ".join(item.co_benefits)),
        ("evidence", f"{item.evidence.strength}: {item.evidence.basis.strip()}"),
        ("scales", ", ".join(item.scales)),
        ("urban fabrics", ", ".join(item.fabrics)),
    ]
    if item.notes:
        rows.append(("notes", item.notes.strip()))
    for field, value in rows:
        table.add_row(field, value)
    console.print(table)
    for source in cat.sources_of(item.id):
        console.print(f"[dim]source: {source}[/]", highlight=False)
