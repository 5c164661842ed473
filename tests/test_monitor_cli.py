"""Tests of ``groengezond monitor`` (groengezond.cli.monitor_cmd), run through Typer."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from groengezond.cli.monitor_cmd import monitor_command
from groengezond.indicators.testing import monitor_region
from groengezond.region.store import write_region

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app with the monitor command registered as the lead registers it."""

    app.command("monitor")(monitor_command)
    return app


@pytest.fixture(scope="module")
def region_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_region(monitor_region(), tmp_path_factory.mktemp("r") / "region")


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(_app(), ["monitor", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.output


def test_default_shows_ranking_gap_and_trend(region_dir: Path) -> None:
    code, out = _run(str(region_dir), "--indicator", "healthy_life_expectancy_years",
                     "--sims", "1000")
    assert code == 0, out
    assert "Healthy life expectancy" in out and "SYNTHETIC" in out
    assert "Ranking" in out and "Wijk 1.2" in out
    assert "Gap" in out and "significant" in out
    assert "Trend of the gap" in out and "rising" in out
    assert "SII" in out and "RII" in out
    assert any(a in out for a in "▲▼►")


def test_writes_csv_and_gpkg_with_suppression(region_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out = _run(str(region_dir), "--level", "buurt", "--out", str(out_dir), "--sims", "500")
    assert code == 0, out
    for name in ("ranking", "gap", "gap_trend", "inequality", "values", "trends",
                 "concentration"):
        assert (out_dir / f"{name}.csv").exists(), name
    ranking = pd.read_csv(out_dir / "ranking.csv", dtype=str, keep_default_na=False)
    small = ranking[ranking["area_code"] == "BU90020304"].iloc[0]
    assert small["value"] == "." and small["rank"] == "."
    assert small["suppressed"] == "True"
    assert "fewer than 10 persons" in small["suppression_reason"]
    values = pd.read_csv(out_dir / "values.csv", dtype=str, keep_default_na=False)
    tiny = values[(values["area_code"] == "BU90020304")
                  & (values["indicator"] == "healthy_life_expectancy_years")]
    assert (tiny["value"] == ".").all()
    assert not (tiny["value"] == "0").any()
    layer = gpd.read_file(out_dir / "monitor.gpkg", layer="ranking")
    assert len(layer) == len(ranking)
    assert layer.loc[layer["area_code"] == "BU90020304", "value"].isna().all()


def test_charts(region_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out_dir = tmp_path / "charts"
    code, out = _run(str(region_dir), "--level", "buurt", "--out", str(out_dir), "--chart",
                     "--sims", "200")
    assert code == 0, out
    for name in ("ranking", "trend", "map"):
        for ext in ("png", "svg"):
            path = out_dir / f"{name}.{ext}"
            assert path.stat().st_size > 1000, path
    assert (out_dir / "ranking.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (out_dir / "map.svg").read_bytes()[:2000]


def test_compare_two_areas(region_dir: Path) -> None:
    code, out = _run(str(region_dir), "--compare", "Wijk 1.1,Wijk 1.2", "--sims", "200")
    assert code == 0, out
    assert "Wijk 1.1 − Wijk 1.2" in out


@pytest.mark.parametrize("args, message", [
    (["--indicator", "nope"], "unknown indicator"),
    (["--level", "street"], "unknown level"),
    (["--year", "1999"], "no values for 1999"),
    (["--chart"], "add --out"),
    (["--compare", "only-one"], "is not two areas"),
    (["--sims", "5"], "too few"),
])
def test_bad_input_exits_2(region_dir: Path, args: list[str], message: str) -> None:
    code, out = _run(str(region_dir), *args)
    assert code == 2
    assert message in out


def test_missing_region_exits_2(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "nowhere"))
    assert code == 2
    assert "is not a folder" in out


def test_access_results_read_from_folder(region_dir: Path, tmp_path: Path) -> None:
    areas = monitor_region().areas
    buurten = areas[areas["level"] == "buurt"]
    acc = tmp_path / "access"
    acc.mkdir()
    pd.DataFrame({"code": buurten["code"], "within_300m_network": 0.5,
                  "meets_3_30_300": 0.25}).to_parquet(acc / "access_areas.parquet")
    code, out = _run(str(region_dir), "--access", str(acc), "--indicator",
                     "rule_3_30_300_all_pct", "--sims", "200")
    assert code == 0, out
    assert "3-30-300" in out and "25.0" in out
    assert "Green access read from" in out


def test_access_folder_missing_exits_2(region_dir: Path, tmp_path: Path) -> None:
    code, out = _run(str(region_dir), "--access", str(tmp_path))
    assert code == 2
    assert "access_areas.parquet" in out
