"""Verkenner catalogue: the file validates, sources are filled, search filters, CLI."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from groengezond.catalogue.model import (
    CATALOGUE_FILE,
    FABRICS,
    PROBLEMS,
    SCALES,
    SCENARIO_INTERVENTIONS,
    SIZE_UNITS,
    Size,
    load_catalogue,
    parse_catalogue,
)
from groengezond.catalogue.search import search
from groengezond.cli.catalogue_cmd import catalogue_app
from groengezond.errors import InputError
from groengezond.health.erf import load_erf_registry

CAT = load_catalogue()
runner = CliRunner()


def raw_catalogue() -> dict[str, Any]:
    text = resources.files("groengezond.catalogue").joinpath(CATALOGUE_FILE).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def dump(raw: dict[str, Any]) -> str:
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def test_catalogue_validates_with_at_least_25_entries() -> None:
    assert len(CAT) >= 25
    assert CAT.version >= 1 and CAT.updated.year >= 2025
    assert len(set(CAT.ids)) == len(CAT)


def test_every_entry_maps_to_a_scenario_intervention_and_has_sources() -> None:
    pathways = set(load_erf_registry().pathways)
    for item in CAT.interventions:
        assert item.scenario_intervention in SCENARIO_INTERVENTIONS, item.id
        assert item.typical_size.unit in SIZE_UNITS[item.scenario_intervention], item.id
        sources = CAT.sources_of(item.id)
        assert sources and all(s.citation.strip() for s in sources), item.id
        assert item.name_nl.strip() and item.name_en.strip(), item.id
        assert item.description("nl") and item.description("en"), item.id
        assert item.co_benefits("nl") and item.problems and item.pathways, item.id
        assert set(item.pathways) <= pathways, item.id
        assert item.evidence.basis_nl.strip() and item.evidence.basis_en.strip(), item.id
        cost = item.cost
        assert cost.price_year >= 2000 and cost.basis.strip(), item.id
        if cost.assumption:
            assert "Assumption" in cost.basis_en and "Aanname" in cost.basis_nl, item.id
        template = item.to_scenario()
        assert template.kind == item.scenario_intervention
        assert template.catalogue_id == item.id


def test_catalogue_covers_every_problem_and_key_interventions() -> None:
    for problem in PROBLEMS:
        assert search(CAT, problem=problem), problem
    for wanted in ("street_trees", "pocket_park", "green_schoolyard", "tile_removal",
                   "green_roofs", "footbridge", "sports_park_opened", "allotment_gardens",
                   "food_forest", "wadi", "healthy_route"):
        assert wanted in CAT
    used = {i.scenario_intervention for i in CAT.interventions}
    assert used >= set(SCENARIO_INTERVENTIONS) - {"remove_green"}


def test_search_filters() -> None:
    heat = search(CAT, problem="heat")
    assert heat and all("heat" in i.problems for i in heat)
    wijk = search(CAT, area_type="wijk")
    assert wijk and all("wijk" in i.scales for i in wijk)
    postwar = search(CAT, area_type="Postwar")
    assert postwar and all("postwar" in i.fabrics for i in postwar)
    cheap = search(CAT, max_cost_eur=20_000)
    assert cheap and all(i.typical_cost_eur[0] <= 20_000 for i in cheap)
    sure = search(CAT, max_cost_eur=20_000, cost_basis="high")
    assert all(i.typical_cost_eur[1] <= 20_000 for i in sure) and len(sure) <= len(cheap)
    assert [i.id for i in search(CAT, text="brug")] == ["footbridge"]
    assert [i.id for i in search(CAT, text="SCHOOLPLEIN groen")] == ["green_schoolyard"]
    assert search(CAT, problem="mental health") == search(CAT, problem="mental_health")
    trees = search(CAT, intervention="plant_trees")
    assert trees and all(i.scenario_intervention == "plant_trees" for i in trees)
    strong = search(CAT, min_evidence="moderate")
    assert strong and all(i.evidence.strength in ("strong", "moderate") for i in strong)


def test_search_orders_by_evidence_then_cost() -> None:
    order = ("strong", "moderate", "limited", "emerging")
    found = search(CAT)
    keys = [(order.index(i.evidence.strength), i.typical_cost_eur[0]) for i in found]
    assert keys == sorted(keys)


def test_search_rejects_unknown_values() -> None:
    with pytest.raises(InputError) as err:
        search(CAT, problem="noise", area_type="moon", max_cost_eur=-1, intervention="x",
               min_evidence="great")
    fields = [p.field for p in err.value.problems]
    assert fields == ["problem", "area_type", "max_cost_eur", "intervention", "min_evidence"]


@given(problem=st.sampled_from([None, *PROBLEMS]),
       area=st.sampled_from([None, *SCALES, *FABRICS]),
       budget=st.one_of(st.none(), st.floats(0, 1e7)))
def test_more_filters_never_find_more(problem: str | None, area: str | None,
                                      budget: float | None) -> None:
    everything = set(search(CAT))
    one = set(search(CAT, problem=problem))
    both = set(search(CAT, problem=problem, area_type=area, max_cost_eur=budget))
    assert both <= one <= everything


def test_to_scenario_scales_cost_and_checks_units() -> None:
    trees = CAT["street_trees"]
    t = trees.to_scenario(Size(value=10, unit="trees"))
    assert (t.cost_low_eur, t.cost_high_eur) == (15_000, 50_000)
    assert t.price_year == 2024 and t.cost_assumption
    park = CAT["neighbourhood_park"]  # cost per ha
    assert park.cost_for(Size(value=5000, unit="m2")) == pytest.approx((250_000, 1_000_000))
    bridge = CAT["footbridge"]  # cost per project
    assert bridge.to_scenario(Size(value=80, unit="m")).cost_low_eur == 500_000
    with pytest.raises(InputError, match="does not fit"):
        trees.to_scenario(Size(value=100, unit="m2"))


def test_parse_errors_name_entry_and_field() -> None:
    raw = raw_catalogue()
    raw["interventions"][1]["scenario_intervention"] = "build_a_castle"
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    problem = err.value.problems[0]
    assert problem.location == "interventions 'tree_avenue'"
    assert problem.field == "scenario_intervention"

    raw = raw_catalogue()
    raw["interventions"][0]["sources"] = ["nobody2099"]
    raw["interventions"][0]["pathways"] = ["magic"]
    raw["interventions"][0]["cost"]["per"] = "m"
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    fields = {(p.location, p.field) for p in err.value.problems}
    assert fields == {("interventions 'street_trees'", "sources"),
                      ("interventions 'street_trees'", "pathways"),
                      ("interventions 'street_trees'", "cost.per")}

    raw = raw_catalogue()
    raw["interventions"][0]["sources"] = []
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    assert err.value.problems[0].field == "sources"


def test_cli_search_and_show() -> None:
    result = runner.invoke(catalogue_app, ["search", "--problem", "heat", "--area-type", "wijk",
                                           "--max-cost-eur", "200000"])
    assert result.exit_code == 0, result.output
    assert "green_roofs" in result.output and "assumption" in result.output
    result = runner.invoke(catalogue_app, ["show", "footbridge"])
    assert result.exit_code == 0, result.output
    assert "add_connection" in result.output and "Mindell" in result.output
    assert "Voetgangersbrug" in result.output


def test_cli_errors_exit_2_with_one_line() -> None:
    result = runner.invoke(catalogue_app, ["search", "--problem", "noise"])
    assert result.exit_code == 2
    assert "unknown problem 'noise'" in result.output and "Traceback" not in result.output
    result = runner.invoke(catalogue_app, ["show", "nope"])
    assert result.exit_code == 2 and "unknown intervention" in result.output
    result = runner.invoke(catalogue_app, ["search", "--text", "zzzz"])
    assert result.exit_code == 0 and "No intervention" in result.output


def test_every_text_is_in_dutch_and_english_and_differs() -> None:
    """Every text a user reads exists in both languages, and the Dutch is not the English."""
    for item in CAT.interventions:
        pairs = [(item.description_nl, item.description_en),
                 (item.evidence.basis_nl, item.evidence.basis_en),
                 (item.cost.basis_nl, item.cost.basis_en),
                 (item.notes_nl, item.notes_en)]
        if item.maintenance is not None:
            pairs.append((item.maintenance.basis_nl, item.maintenance.basis_en))
        for nl, en in pairs:
            assert bool(nl) == bool(en) and (not nl or nl != en), item.id
        assert len(item.co_benefits_nl) == len(item.co_benefits_en), item.id
        assert set(item.co_benefits_nl).isdisjoint(item.co_benefits_en), item.id
    assert CAT.cost_note("nl").startswith("Aanname")
    assert CAT.cost_note("en").startswith("Assumption")


@pytest.mark.parametrize("field", ["description_nl", "co_benefits_en", "name_en"])
def test_a_missing_translation_is_refused(field: str) -> None:
    raw = raw_catalogue()
    del raw["interventions"][0][field]
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    p = err.value.problems[0]
    assert p.location == "interventions 'street_trees'" and p.field == field


def test_a_missing_translation_of_notes_and_evidence_is_refused() -> None:
    raw = raw_catalogue()
    item = next(i for i in raw["interventions"] if i["id"] == "tiny_forest")
    del item["notes_nl"]
    with pytest.raises(InputError, match="notes_nl is missing"):
        parse_catalogue(dump(raw))
    raw = raw_catalogue()
    del raw["interventions"][0]["evidence"]["basis_en"]
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    assert err.value.problems[0].field == "evidence.basis_en"


@pytest.mark.parametrize("where", ["description", "evidence", "cost", "co_benefits", "notes"])
def test_english_copied_into_the_dutch_field_is_refused(where: str) -> None:
    raw = raw_catalogue()
    item = next(i for i in raw["interventions"] if i["id"] == "tiny_forest")
    if where == "description":
        item["description_nl"] = item["description_en"]
    elif where == "evidence":
        item["evidence"]["basis_nl"] = item["evidence"]["basis_en"]
    elif where == "cost":
        item["cost"]["basis_nl"] = item["cost"]["basis_en"]
    elif where == "co_benefits":
        item["co_benefits_nl"] = ["shade for the children and residents", "biodiversiteit",
                                  "natuureducatie"]
    else:
        item["notes_nl"] = "Modelled as new green; shade only once the canopy has grown."
    with pytest.raises(InputError) as err:
        parse_catalogue(dump(raw))
    p = err.value.problems[0]
    assert p.location == "interventions 'tiny_forest'"
    assert "_nl" in p.problem and ("English" in p.problem), p.problem


def test_english_words_in_a_dutch_text_are_refused_but_dutch_passes() -> None:
    raw = raw_catalogue()
    raw["interventions"][0]["description_nl"] = (
        "Plant bomen langs woonstraten with enough rooting volume for the trees.")
    with pytest.raises(InputError, match="reads as English"):
        parse_catalogue(dump(raw))
    # Dutch words that are spelled as English ones ("of", "park", "plant") are not counted
    raw = raw_catalogue()
    raw["interventions"][0]["description_nl"] = "Plant een park of een bos in de buurt."
    assert parse_catalogue(dump(raw))["street_trees"].description("nl").startswith("Plant")


def test_cli_speaks_dutch_with_lang_nl() -> None:
    result = runner.invoke(catalogue_app, ["show", "tiny_forest", "--lang", "nl"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "beschrijving" in out and "opkomend bewijs" in out and "minibos" in out
    assert "Doorgerekend als nieuw groen" in out and "Aanname" in out
    assert "Plant a dense" not in out
    result = runner.invoke(catalogue_app, ["search", "--problem", "heat", "--lang", "nl"])
    assert result.exit_code == 0, result.output
    assert " van 31 ingrepen" in result.output and "aanname" in result.output
    result = runner.invoke(catalogue_app, ["search", "--text", "zzzz", "--lang", "nl"])
    assert result.exit_code == 0 and "Geen ingreep" in result.output
    result = runner.invoke(catalogue_app, ["show", "tiny_forest", "--lang", "de"])
    assert result.exit_code == 2


def test_size_text_per_language() -> None:
    assert Size(value=1000, unit="m2").text("nl") == "1.000 m²"
    assert Size(value=20, unit="trees").text("nl") == "20 bomen"
    assert Size(value=1.5, unit="ha").text("nl") == "1,5 ha"
    assert str(Size(value=1000, unit="m2")) == "1,000 m²"


def test_the_api_document_carries_both_languages() -> None:
    from groengezond.api.catalogue import item_doc

    doc = item_doc(CAT["tiny_forest"], CAT, full=True)
    assert doc["name_nl"] == "Tiny Forest (minibos)" and doc["name_en"] == "Tiny forest"
    assert doc["description_nl"].startswith("Plant een dicht minibos")
    assert doc["description_en"].startswith("Plant a dense")
    assert doc["evidence_text_nl"] == "opkomend bewijs"
    assert doc["evidence_text_en"] == "emerging evidence"
    assert doc["evidence"]["basis_nl"] and doc["evidence"]["basis_en"]
    assert doc["typical_size_text_nl"] == "250 m²" and doc["notes_nl"].startswith("Doorgerekend")
    assert doc["cost"]["basis_nl"].startswith("Aanname")
    assert "description" not in doc and "co_benefits" not in doc
