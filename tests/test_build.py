"""`groengezond build` on the recorded fixtures: a valid region, reports, atomic writes, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from groengezond.cli.build_cmd import build_command
from groengezond.errors import InputError
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder
from groengezond.sources.config import load_config

DATA = Path(__file__).resolve().parent / "data" / "sources"

try:
    import osmium  # noqa: F401

    OSM = "testdorp.osm.pbf"
except ImportError:  # pragma: no cover - without pyosmium the pbf cannot be read
    OSM = ""


def config(tmp_path: Path, **changes: object) -> Path:
    doc: dict[str, object] = {
        "name": "Testdorp", "base_dir": str(DATA), "gemeenten": ["GM9990"],
        "region": {"code": "RG9990"},
        "cbs": [{"path": "cbs_85618NED_typeddataset.json",
                 "names": "cbs_85618NED_wijkenenbuurten.json"},
                {"path": "cbs_84583NED_typeddataset.json"}],
        "boundaries": {"path": "wijkenbuurten_2023_sample.gpkg", "year": 2023},
        "health": [{"kind": "statline", "path": "rivm_50120NED_typeddataset.json"}],
        "buildings": {"path": "bag3d_sample.city.jsonl"},
    }
    if OSM:
        doc |= {"green": {"path": OSM}, "trees": {"path": OSM}, "network": {"path": OSM}}
    doc.update(changes)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_build_writes_a_valid_region(tmp_path: Path) -> None:
    out = tmp_path / "region"
    steps: list[float] = []
    report = build_to_folder(config(tmp_path), out, progress=lambda s, f: steps.append(f))
    region = read_region(out)
    assert steps == sorted(steps) and steps[-1] == 1.0
    meta = region.meta
    assert meta.synthetic is False and meta.years == [2019, 2020, 2022, 2023]
    licences = {s.name: s.licence for s in meta.sources}
    assert licences["CBS Kerncijfers wijken en buurten 2023"] == "CC BY 4.0"
    if OSM:
        assert licences["OpenStreetMap"] == "ODbL 1.0"
        assert len(region.green) == 4 and len(region.network_edges) == 5  # simplified
    assert region.counts()["areas_buurt"] == 4 and region.inhabitants == 3605
    assert len(region.buildings) == 2
    placed = region.addresses.groupby("buurt")["residents"].sum().to_dict()
    assert placed == {"BU99900101": 1250, "BU99900202": 700, "BU99900203": 805}
    assert any("volume" in n for n in meta.notes)
    assert any(n.startswith("warning:") and "BU99900201" in n for n in meta.notes)
    health = region.indicators[region.indicators["indicator"] == "perceived_health_good_pct"]
    assert health["lower"].notna().any() and "standard_error" in region.indicators
    assert report.counts["buildings"] == 2 and not report.missing.get("buildings")


def test_missing_layers_are_reported_with_consequences(tmp_path: Path) -> None:
    path = config(tmp_path, health=[], buildings=None, green=None, trees=None, network=None)
    report = build_to_folder(path, tmp_path / "r")
    assert set(report.missing) == {"health", "buildings", "green", "trees", "network",
                                   "landcover"}
    assert "3-30-300" in report.missing["trees"]
    region = read_region(tmp_path / "r")
    assert all(a.startswith("lattice") is False for a in region.addresses.columns)
    assert set(region.addresses["placement"]) == {"lattice"}
    assert any("lattice" in n for n in region.meta.notes)
    assert region.meta.quality["addresses"].status == "placeholder"


def test_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"value": [{"WijkenEnBuurten": "GM9990", "AantalInwoners_5": "veel"}]}')
    path = config(tmp_path, cbs=[{"path": str(bad), "year": 2023}])
    out = tmp_path / "out"
    with pytest.raises(InputError) as err:
        build_to_folder(path, out)
    assert err.value.problems[0].field == "AantalInwoners_5"
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "sources.yaml"]


def test_existing_region_survives_a_failed_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "region"
    build_to_folder(config(tmp_path), out)
    before = (out / "region.json").read_text()
    broken = config(tmp_path, boundaries={"path": "does-not-exist.gpkg"})
    with pytest.raises(InputError, match="does not exist"):
        build_to_folder(broken, out)
    assert (out / "region.json").read_text() == before


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: x\ncbs: []\nboundaries: []\ngemeenten: [Utrecht]\nfoo: 1\n")
    with pytest.raises(InputError) as err:
        load_config(path)
    fields = {p.field for p in err.value.problems}
    assert {"gemeenten", "foo"} <= fields
    path.write_text("name: [unclosed\n")
    with pytest.raises(InputError, match="YAML"):
        load_config(path)


def test_cli_build_command(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("build")(build_command)
    app.command("noop")(lambda: None)
    runner = CliRunner()
    result = runner.invoke(app, ["build", "--config", str(config(tmp_path)), "--out",
                                 str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "Wrote region 'Testdorp'" in result.output
    missing = runner.invoke(app, ["build", "--config", str(tmp_path / "nope.yaml"), "--out",
                                  str(tmp_path / "r2")])
    assert missing.exit_code == 2
    assert "nope.yaml" in missing.output and "does not exist" in missing.output


def test_build_with_residents_from_grid_cells(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    cells = gpd.GeoDataFrame({"aantal_inwoners": [30, 12, -99997]},
                             geometry=[box(136_100, 455_100, 136_200, 455_200),
                                       box(137_600, 455_300, 137_700, 455_400),
                                       box(136_100, 455_700, 136_200, 455_800)],
                             crs="EPSG:28992")
    grid = tmp_path / "grid.gpkg"
    cells.to_file(grid, engine="pyogrio")
    path = config(tmp_path, population={"method": "points", "path": str(grid)})
    build_to_folder(path, tmp_path / "r")
    region = read_region(tmp_path / "r")
    placed = region.addresses.groupby("buurt")["residents"].sum().to_dict()
    assert placed == {"BU99900101": 30, "BU99900203": 12}
    assert any("grid.gpkg" in n and "differ" in n for n in region.meta.notes)
