"""``groengezond catalogue``: search the Verkenner catalogue and show one intervention.

A thin adapter over :mod:`groengezond.catalogue`: ``search`` filters by text, problem, area
type, budget, scenario intervention and evidence strength and prints a table; ``show ID``
prints one entry with its cost (price year, assumption or source), pathways, evidence and
sources. ``--lang nl`` prints the catalogue's Dutch texts (names, descriptions, co-benefits,
evidence, notes, cost basis), ``--lang en`` (the default) its English ones. Registered by the
application as ``app.add_typer(catalogue_app, name="catalogue")``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from groengezond.catalogue.model import Intervention, Lang, load_catalogue
from groengezond.catalogue.search import search
from groengezond.cli.common import console, report_errors

catalogue_app = typer.Typer(
    name="catalogue",
    help="Verkenner: interventions for green, healthy neighbourhoods (search, show).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


LangOption = Annotated[Lang, typer.Option(
    "--lang", help="Language of the catalogue's texts: nl (Dutch) or en (English).")]

_HEAD: dict[str, dict[str, str]] = {
    "en": {"name": "name", "scenario": "scenario", "typical size": "typical size",
           "cost": "cost", "problems": "problems", "evidence": "evidence",
           "description": "description", "scenario intervention": "scenario intervention",
           "cost per unit": "cost per unit", "cost at typical size": "cost at typical size",
           "assumption": "assumption", "source": "source", "cost basis": "cost basis",
           "health pathways": "health pathways", "co-benefits": "co-benefits",
           "scales": "scales", "urban fabrics": "urban fabrics", "notes": "notes",
           "prices": "prices", "per": "per", "none": "No intervention matches these filters.",
           "of": "of", "interventions": "interventions",
           "star": "* cost range is an assumption ({year} prices), not a cited figure; see "
                   "'catalogue show ID'."},
    "nl": {"name": "naam", "scenario": "scenario", "typical size": "gangbare omvang",
           "cost": "kosten", "problems": "problemen", "evidence": "bewijs",
           "description": "beschrijving", "scenario intervention": "ingreep in het scenario",
           "cost per unit": "kosten per eenheid", "cost at typical size":
           "kosten bij gangbare omvang", "assumption": "aanname", "source": "bron",
           "cost basis": "onderbouwing kosten", "health pathways": "gezondheidsroutes",
           "co-benefits": "bijkomende baten", "scales": "schaal",
           "urban fabrics": "stedelijke typen", "notes": "opmerkingen", "prices": "prijspeil",
           "per": "per", "none": "Geen ingreep voldoet aan deze filters.", "of": "van",
           "interventions": "ingrepen",
           "star": "* de kostenrange is een aanname (prijspeil {year}), geen bronvermelding; zie "
                   "'catalogue show ID --lang nl'."},
}


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
    lang: LangOption = "en",
) -> None:
    """Search the catalogue; filters combine (all must hold)."""
    words = _HEAD[lang]
    cat = load_catalogue()
    found = search(cat, text=text, problem=problem, area_type=area_type,
                   max_cost_eur=max_cost_eur, intervention=intervention,
                   min_evidence=min_evidence)
    if not found:
        console.print(words["none"])
        return
    table = Table(title=f"Verkenner: {len(found)} {words['of']} {len(cat)} "
                        f"{words['interventions']}")
    table.add_column("id", no_wrap=True)
    for header in ("name", "scenario", "typical size", "cost", "problems", "evidence"):
        table.add_column(words[header])
    for item in found:
        table.add_row(item.id, item.name(lang), item.scenario_intervention,
                      str(item.typical_size), _cost_range(item), ", ".join(item.problems),
                      item.evidence.strength_text(lang))
    console.print(table)
    if any(i.cost.assumption for i in found):
        console.print(words["star"].format(year=found[0].cost.price_year), highlight=False)


@catalogue_app.command("show")
@report_errors
def show_command(
    intervention_id: Annotated[str, typer.Argument(metavar="ID",
                                                   help="Id of the intervention.")],
    lang: LangOption = "en",
) -> None:
    """Show one intervention: description, scenario mapping, cost, pathways, evidence, sources."""
    cat = load_catalogue()
    item = cat.get(intervention_id)
    w = _HEAD[lang]
    other = item.name_en if lang == "nl" else item.name_nl
    table = Table(show_header=False, title=f"{item.name(lang)} — {other}")
    table.add_column("field", style="bold")
    table.add_column("value")
    lo, hi = item.typical_cost_eur
    cost_kind = w["assumption"] if item.cost.assumption else w["source"]
    basis = item.cost.basis_nl if lang == "nl" else item.cost.basis_en
    evidence = item.evidence.basis_nl if lang == "nl" else item.evidence.basis_en
    prices = (f"{w['prices']} {item.cost.price_year}" if lang == "nl"
              else f"{item.cost.price_year} {w['prices']}")
    rows = [
        ("id", item.id),
        (w["description"], item.description(lang)),
        (w["scenario intervention"], item.scenario_intervention),
        (w["typical size"], str(item.typical_size)),
        (w["cost per unit"], f"{_eur(item.cost.low_eur)}–{_eur(item.cost.high_eur)} "
                             f"{w['per']} {item.cost.per} ({prices})"),
        (w["cost at typical size"], f"{_eur(lo)}–{_eur(hi)}"),
        (f"{w['cost basis']} ({cost_kind})", basis.strip()),
        (w["problems"], ", ".join(item.problems)),
        (w["health pathways"], ", ".join(item.pathways)),
        (w["co-benefits"], ", ".join(item.co_benefits(lang))),
        (w["evidence"], f"{item.evidence.strength_text(lang)}: {evidence.strip()}"),
        (w["scales"], ", ".join(item.scales)),
        (w["urban fabrics"], ", ".join(item.fabrics)),
    ]
    if item.notes(lang):
        rows.append((w["notes"], item.notes(lang)))
    for field, value in rows:
        table.add_row(field, value)
    console.print(table)
    for source in cat.sources_of(item.id):
        console.print(f"[dim]source: {source}[/]", highlight=False)
