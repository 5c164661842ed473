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
        assert item.name_nl.strip() and item.name_en.strip() and item.description.strip()
        assert item.co_benefits and item.problems and item.pathways, item.id
        assert set(item.pathways) <= pathways, item.id
        assert item.evidence.basis.strip(), item.id
        cost = item.cost
        assert cost.price_year >= 2000 and cost.basis.strip(), item.id
        if cost.assumption:
            assert "Assumption" in cost.basis, item.id
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
