"""``groengezond plan``: prints results, writes a reproducible JSON with the input hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from groengezond.cli.plan_cmd import plan_command
from groengezond.region.store import write_region
from groengezond.scenario.io import save_scenario
from groengezond.scenario.model import scenario_from_data
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.synth import generate_region

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    a.command("plan")(plan_command)
    a.command("noop")(lambda: None)  # keep 'plan' a sub-command
    return a


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("plan")
    region = generate_region(20_000, seed=1)
    region_dir = tmp / "region"
    write_region(region, region_dir)
    park = park_in(region, ranked_by_income(region)[0], 5.0)
    a = save_scenario(scenario_from_data({
        "name": "Park", "region": {"generator": {"inhabitants": 20_000, "seed": 1}},
        "interventions": [{"kind": "add_green", "name": "P", "geometry": park.wkt}]}),
        tmp / "park.yaml")
    other = park_in(region, ranked_by_income(region)[-1], 3.0)
    b = save_scenario(scenario_from_data({
        "name": "Other", "interventions": [
            {"kind": "add_green", "name": "Q", "geometry": other.wkt}]}), tmp / "other.yaml")
    return region_dir, a, b


def test_plan_writes_json_with_hash_and_is_reproducible(app: typer.Typer, tmp_path: Path,
                                                        files: tuple[Path, Path, Path]) -> None:
    region_dir, park, nothing = files
    docs = []
    for name in ("one.json", "two.json"):
        out = tmp_path / name
        res = runner.invoke(app, ["plan", str(park), "--compare", str(nothing), "--region",
                                  str(region_dir), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert "Scenarios side by side" in res.output
        docs.append(json.loads(out.read_text()))
    assert docs[0] == docs[1]
    results = docs[0]["results"]
    assert [r["scenario"] for r in results] == ["Park", "Other"]
    assert all(len(r["input_hash"]) == 64 for r in results)
    assert results[0]["input_hash"] != results[1]["input_hash"]
    assert results[0]["seed"] == 42 and results[0]["n_draws"] == 1000
    assert docs[0]["comparison"][0]["scenario"] == "baseline"


def test_plan_default_region_from_scenario(app: typer.Typer, tmp_path: Path,
                                           files: tuple[Path, Path, Path]) -> None:
    _, park, _ = files
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["plan", str(park), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc["region"]["generator"]["seed"] == 1


def test_plan_invalid_scenario_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ninterventions:\n  - kind: add_lake\n    name: Meer\n"
                   "    geometry: POINT (0 0)\n")
    res = runner.invoke(app, ["plan", str(bad), "--out", str(tmp_path / "o.json")])
    assert res.exit_code == 2
    assert "intervention 1 'Meer'" in res.output and "kind" in res.output
    assert not (tmp_path / "o.json").exists()


def test_plan_over_buildings_exits_2_naming_the_fix(app: typer.Typer, tmp_path: Path,
                                                    files: tuple[Path, Path, Path]) -> None:
    from groengezond.region.store import read_region

    region_dir, _, _ = files
    addr = read_region(region_dir).addresses
    x, y = float(addr.geometry.x.iloc[500]), float(addr.geometry.y.iloc[500])
    bad = save_scenario(scenario_from_data({"name": "x", "interventions": [
        {"kind": "add_green", "name": "Op huizen",
         "geometry": f"POLYGON (({x - 80} {y - 80}, {x + 80} {y - 80}, {x + 80} {y + 80}, "
                     f"{x - 80} {y + 80}, {x - 80} {y - 80}))"}]}), tmp_path / "bad.yaml")
    res = runner.invoke(app, ["plan", str(bad), "--region", str(region_dir),
                              "--out", str(tmp_path / "o.json")])
    assert res.exit_code == 2
    assert "intervention 1 'Op huizen'" in res.output and "buildings" in res.output
    assert "displace: true" in res.output
    assert not (tmp_path / "o.json").exists()
