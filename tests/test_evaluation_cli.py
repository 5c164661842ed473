"""``groengezond evaluate estimate|plan`` on a small simulated panel (no shared data needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.evaluation.panel import simulated_panel

runner = CliRunner()


@pytest.fixture()
def panel_csv(tmp_path: Path) -> tuple[Path, Path, pd.DataFrame]:
    long, _ = simulated_panel(300, n_clusters=20, seed=3)
    codes = sorted(long["area_code"].unique())
    treated = {c: (2016 if i % 2 else 2020) for i, c in enumerate(codes[:30])}
    on = long["area_code"].map(treated).fillna(9999) <= long["year"]
    long.loc[on, "value"] += 3.0  # a planted effect of 3 points
    p = tmp_path / "panel.csv"
    long.to_csv(p, index=False)
    t = tmp_path / "treated.csv"
    pd.DataFrame({"area_code": list(treated), "start_year": list(treated.values())}).to_csv(
        t, index=False)
    pd.DataFrame({"area_code": codes, "inhabitants": 500}).to_csv(
        tmp_path / "inhabitants.csv", index=False)
    return p, t, long


def test_estimate_cs_did_writes_tables_json_and_charts(
        tmp_path: Path, panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, t, _ = panel_csv
    out = tmp_path / "out"
    res = runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--treatment", str(t),
                              "--indicator", "perceived_health_good_pct", "--out", str(out),
                              "--inhabitants", str(tmp_path / "inhabitants.csv")])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "estimates.json").read_text())
    head = doc["estimates"][0]
    assert head["suppressed"] is False and head["persons"] == 15000
    assert head["estimator"] == "cs_did" and head["target"] == "att_simple"
    assert head["ci_low"] < 3.0 < head["ci_high"]
    assert head["identified"]
    es = pd.read_csv(out / "event_study.csv")
    assert set(es["e"]) == {-1, 0, 1}  # waves: one pre-trend wave for the 2020 cohort
    assert doc["event_study"][0]["coef"] == pytest.approx(es["coef"].iloc[0])
    assert (out / "event_study.png").stat().st_size > 1000
    assert (out / "treated_vs_comparison.png").exists()
    assert "identified" in res.output


def test_estimate_without_inhabitants_suppresses_and_says_how_to_publish(
        tmp_path: Path, panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, t, _ = panel_csv
    out = tmp_path / "closed"
    res = runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--treatment", str(t),
                              "--indicator", "perceived_health_good_pct", "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "estimates.json").read_text())
    assert all(e["estimate"] is None and e["suppressed"] for e in doc["estimates"])
    assert all(r["coef"] is None for r in doc["event_study"])
    assert "suppressed (number of persons unknown)" in res.output
    assert "--inhabitants" in res.output
    assert not (out / "att_gt.csv").exists() and doc["disclosure"]["persons_treated"] is None


def test_estimate_synth_on_three_waves_is_not_identified(
        tmp_path: Path, panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, _, long = panel_csv
    t = tmp_path / "one.csv"
    pd.DataFrame({"area_code": [long["area_code"].iloc[0]], "start_year": [2016]}).to_csv(
        t, index=False)
    out = tmp_path / "synth"
    res = runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--treatment", str(t),
                              "--indicator", "perceived_health_good_pct", "--out", str(out),
                              "--estimator", "synth"])
    assert res.exit_code == 0, res.output
    head = json.loads((out / "estimates.json").read_text())["estimates"][0]
    assert not head["identified"] and head["estimate"] is None
    assert head["key"] == "evaluation.short_pre"


def test_bad_treatment_file_exits_2(tmp_path: Path,
                                    panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, _, _ = panel_csv
    t = tmp_path / "bad.csv"
    t.write_text("area_code,start_year\nBU1,soon\n")
    res = runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--treatment", str(t),
                              "--indicator", "perceived_health_good_pct", "--out",
                              str(tmp_path / "x")])
    assert res.exit_code == 2
    assert "start_year" in res.output
    assert not (tmp_path / "x").exists()


def test_plan_gives_a_minimum_detectable_effect(
        tmp_path: Path, panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, _, _ = panel_csv
    out = tmp_path / "plan"
    res = runner.invoke(app, ["evaluate", "plan", "--panel", str(p), "--indicator",
                              "perceived_health_good_pct", "--n-treated", "30",
                              "--treat-year", "2020", "--sims", "20", "--out", str(out)])
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["mde"] is None or plan["mde"] > 0
    curve = pd.read_csv(out / "power_curve.csv")
    assert curve["power"].iloc[-1] >= curve["power"].iloc[0]


def test_estimate_on_a_region_with_one_year_is_not_identified(tmp_path: Path,
                                                              tiny_dir: Path) -> None:
    t = tmp_path / "t.csv"
    t.write_text("area_code,start_year\nBU99990101,2020\n")
    out = tmp_path / "region_out"
    res = runner.invoke(app, ["evaluate", "estimate", "--region", str(tiny_dir), "--treatment",
                              str(t), "--indicator", "perceived_health_good_pct", "--out",
                              str(out)])
    assert res.exit_code == 0, res.output
    head = json.loads((out / "estimates.json").read_text())["estimates"][0]
    assert not head["identified"] and head["key"] == "evaluation.one_period"


def test_register_import_then_estimate_from_the_register(
        tmp_path: Path, panel_csv: tuple[Path, Path, pd.DataFrame]) -> None:
    p, t, _ = panel_csv
    treated = pd.read_csv(t, dtype={"area_code": str})
    rows = ["name,areas,start_date,completion_date,cost_eur,catalogue_id"]
    for year in (2016, 2020):
        codes = ";".join(treated.loc[treated["start_year"] == year, "area_code"])
        rows.append(f"Groen {year},{codes},{year - 1}-03-01,{year - 1}-10-01,50000,park")
    csv = tmp_path / "interventions.csv"
    csv.write_text("\n".join(rows) + "\n")
    res = runner.invoke(app, ["evaluate", "register", "--csv", str(csv)])
    assert res.exit_code == 0, res.output
    assert "ids [1, 2]" in res.output
    out = tmp_path / "reg"
    res = runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--intervention", "1",
                              "--intervention", "2", "--indicator",
                              "perceived_health_good_pct", "--out", str(out),
                              "--inhabitants", str(tmp_path / "inhabitants.csv")])
    assert res.exit_code == 0, res.output
    from_register = json.loads((out / "estimates.json").read_text())["estimates"][0]
    out2 = tmp_path / "csv"
    runner.invoke(app, ["evaluate", "estimate", "--panel", str(p), "--treatment", str(t),
                        "--indicator", "perceived_health_good_pct", "--out", str(out2),
                        "--inhabitants", str(tmp_path / "inhabitants.csv")])
    from_csv = json.loads((out2 / "estimates.json").read_text())["estimates"][0]
    assert from_register["estimate"] is not None
    assert from_register["estimate"] == pytest.approx(from_csv["estimate"])


def test_register_refuses_a_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("name,areas,start_date,cost_eur\nA,BU03440101,2019-01-01,10\n"
                   "B,nonsense,2019-13-01,-5\n")
    res = runner.invoke(app, ["evaluate", "register", "--csv", str(csv)])
    assert res.exit_code == 2
    for field in ("areas", "start_date", "cost_eur"):
        assert field in res.output
    res = runner.invoke(app, ["evaluate", "register"])
    assert res.exit_code == 0 and "BU" not in res.output and "A  " not in res.output


def test_register_a_built_scenario_and_a_yaml_file(tmp_path: Path, tiny_dir: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        "name: Pleintje\ninterventions:\n- kind: add_green\n  name: Pocket park\n"
        "  catalogue_id: pocket_park\n"
        "  geometry: POLYGON ((140150 455050, 140250 455050, 140250 455150, 140150 455150, "
        "140150 455050))\n", "utf-8")
    res = runner.invoke(app, ["evaluate", "register", "--scenario", str(scenario)])
    assert res.exit_code == 2 and "--region/--started/--completed" in res.output
    res = runner.invoke(app, ["evaluate", "register", "--scenario", str(scenario), "--region",
                              str(tiny_dir), "--started", "2021-02-01", "--completed",
                              "2021-09-30"])
    assert res.exit_code == 0, res.output
    assert "ids [1]" in res.output
    # both addresses of BU99990101 lie within 300 m of the park, none of BU99990102
    assert "Pleintje: Pocket park  (1 areas)" in res.output
    yml = tmp_path / "iv.yaml"
    yml.write_text("- name: Wadi\n  areas: [BU99990102]\n  start_date: 2022-01-01\n", "utf-8")
    res = runner.invoke(app, ["evaluate", "register", "--yaml", str(yml)])
    assert res.exit_code == 0, res.output
    assert "ids [2]" in res.output and "Wadi  (1 areas)" in res.output
