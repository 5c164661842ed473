"""CLI: info, validate, export and their error handling (exit 2, one line per problem)."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
from typer.testing import CliRunner

from groengezond.cli import app

runner = CliRunner()


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("synth", "info", "validate", "export", "serve", "demo"):
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0 and "Usage" in sub.output


def test_info_shows_counts_sources_and_synthetic_flag(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["info", str(tiny_dir)])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    assert "addresses" in result.output and "EUPL-1.2" in result.output


def test_info_json(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["info", str(tiny_dir), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["synthetic"] is True
    assert summary["counts"]["areas_buurt"] == 2
    assert summary["inhabitants"] == 10


def test_validate_ok_and_bad(tiny_dir: Path) -> None:
    assert runner.invoke(app, ["validate", str(tiny_dir)]).exit_code == 0
    (tiny_dir / "region.json").write_text("{not json")
    result = runner.invoke(app, ["validate", str(tiny_dir)])
    assert result.exit_code == 2
    assert "region.json" in result.output and "is not valid JSON" in result.output
    assert "Traceback" not in result.output


def test_export_gpkg(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.gpkg"
    result = runner.invoke(app, ["export", str(tiny_dir), "--format", "gpkg", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "areas" in {name for name, _ in pyogrio.list_layers(out)}


def test_export_unknown_format(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(tiny_dir), "--format", "shp", "--out",
                                 str(tmp_path / "x.shp")])
    assert result.exit_code == 2
    assert "unknown format 'shp'; use --format gpkg" in result.output
    assert not (tmp_path / "x.shp").exists()
