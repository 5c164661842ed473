"""Scenario models: validation, errors naming intervention and field, YAML round trip, hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.region.testing import tiny_region
from groengezond.scenario.apply import apply_scenario
from groengezond.scenario.io import load_scenario, save_scenario
from groengezond.scenario.model import (
    AddGreen,
    Scenario,
    input_hash,
    parse_geometry,
    scenario_from_data,
)


def _inside() -> tuple[float, float]:
    region = tiny_region()
    c = region.areas.union_all().representative_point()
    return float(c.x), float(c.y)


def _park(x: float, y: float, size: float = 50.0) -> str:
    return f"POLYGON (({x} {y}, {x + size} {y}, {x + size} {y + size}, {x} {y + size}, {x} {y}))"


def test_unknown_kind_names_intervention_and_field() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data({"name": "s", "interventions": [
            {"kind": "add_green", "name": "ok", "geometry": _park(0, 0)},
            {"kind": "add_lake", "name": "Meer", "geometry": _park(0, 0)}]})
    text = str(err.value)
    assert "intervention 2 'Meer'" in text and "kind" in text and "add_lake" in text


def test_negative_number_names_intervention_and_field() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_data({"name": "s", "interventions": [
            {"kind": "plant_trees", "name": "Bomen", "count": -5, "geometry": _park(0, 0)}]})
    problem = err.value.problems[0]
    assert problem.location == "intervention 1 'Bomen'"
    assert problem.field == "count"


def test_geometry_outside_region() -> None:
    region = tiny_region()
    sc = scenario_from_data({"name": "s", "interventions": [
        {"kind": "add_green", "name": "Far", "geometry": _park(0.0, 0.0)}]})
    with pytest.raises(InputError) as err:
        apply_scenario(region, sc)
    problem = err.value.problems[0]
    assert problem.location == "intervention 1 'Far'"
    assert problem.field == "geometry"
    assert "outside the region" in problem.problem


def test_wrong_geometry_type_and_missing_count() -> None:
    region = tiny_region()
    x, y = _inside()
    sc = scenario_from_data({"name": "s", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": _park(x, y)},
        {"kind": "plant_trees", "name": "Bomen", "geometry": _park(x, y)}]})
    with pytest.raises(InputError) as err:
        apply_scenario(region, sc)
    fields = {(p.location, p.field) for p in err.value.problems}
    assert ("intervention 1 'Brug'", "geometry") in fields
    assert ("intervention 2 'Bomen'", "count") in fields


def test_geojson_and_wkt_are_the_same_geometry() -> None:
    wkt = _park(10.0, 20.0)
    geo = {"type": "Polygon", "coordinates": [[[10, 20], [60, 20], [60, 70], [10, 70], [10, 20]]]}
    assert parse_geometry(wkt).equals(parse_geometry(geo))


def test_yaml_and_json_round_trip(tmp_path: Path) -> None:
    x, y = _inside()
    sc = Scenario(name="Park", region={"generator": {"inhabitants": 20000, "seed": 1}},
                  interventions=(AddGreen(name="P", geometry=_park(x, y)),))
    for name in ("s.yaml", "s.json"):
        path = save_scenario(sc, tmp_path / name)
        back = load_scenario(path)
        assert back == sc
        assert back.canonical_json() == sc.canonical_json()


def test_load_reports_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: s\ninterventions:\n  - kind: add_dwellings\n    name: Wijk\n"
                    "    geometry: POINT (1 2)\n    dwellings: 10\n    residents: -3\n")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    problem = err.value.problems[0]
    assert problem.file == str(path)
    assert problem.location == "intervention 1 'Wijk'" and problem.field == "residents"


def test_input_hash_depends_on_scenario_and_region() -> None:
    a = Scenario(name="a")
    b = Scenario(name="b")
    meta = {"generator": {"seed": 1}}
    assert input_hash(a, meta) == input_hash(Scenario(name="a"), meta)
    assert input_hash(a, meta) != input_hash(b, meta)
    assert input_hash(a, meta) != input_hash(a, {"generator": {"seed": 2}})
    assert len(input_hash(a, meta)) == 64


def test_from_catalogue_template() -> None:
    from groengezond.catalogue.model import Size, load_catalogue
    from groengezond.scenario.model import PlantTrees, from_template

    cat = load_catalogue()
    trees = next(i for i in cat.interventions if i.scenario_intervention == "plant_trees")
    item = from_template(trees.to_scenario(Size(value=30, unit="trees")), _park(0, 0))
    assert isinstance(item, PlantTrees) and item.count == 30


def test_example_scenarios_load() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "scenarios"
    files = sorted(root.glob("*.yaml"))
    assert len(files) >= 2
    for f in files:
        sc = load_scenario(f)
        assert sc.interventions
        if f.name.startswith("utrecht_"):  # real places: the region built from shared data
            assert sc.region["path"] == "data/utrecht"
        else:  # the synthetic demo region
            assert sc.region["generator"]["seed"] == 42
