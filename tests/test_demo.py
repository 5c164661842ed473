"""The demo path without the server: synth via the CLI, then the baseline."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from typer.testing import CliRunner

from groengezond.cli import app
from groengezond.region.store import read_region

runner = CliRunner()


def test_demo_generates_region_and_baseline(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--region", str(folder), "--inhabitants", "20000",
                                 "--seed", "7", "--no-serve"])
    assert result.exit_code == 0, result.output
    region = read_region(folder)
    assert region.meta.synthetic is True
    assert region.inhabitants == 20_000
    baseline = json.loads((folder / "baseline" / "baseline.json").read_text())
    assert baseline["synthetic"] is True and baseline["generator"]["seed"] == 7
    assert 0.0 < baseline["summary"]["within_300m_network"] <= 1.0
    areas = gpd.read_parquet(folder / "baseline" / "access_areas.parquet")
    assert set(region.areas["code"]) == set(areas["code"])
    assert "residents within 300 m (network)" in result.output

    # a second run reuses the region instead of generating it again
    again = runner.invoke(app, ["demo", "--region", str(folder), "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "Using the region in" in again.output


def test_synth_rejects_too_few_inhabitants(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "r"), "--inhabitants", "10"])
    assert result.exit_code == 2
    assert not (tmp_path / "r").exists()
