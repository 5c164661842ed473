"""Quality records: area geometry status, default layer records, validate warnings, GeoPackage."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.errors import InputError
from groengezond.region.checks import quality_warnings
from groengezond.region.model import Region
from groengezond.region.quality import (
    LayerQuality,
    area_geometry_quality,
    assess_layers,
    geometry_quality_of,
    region_quality,
    set_layer_quality,
)
from groengezond.region.store import export_gpkg, read_region, write_region
from groengezond.region.testing import tiny_region
from groengezond.services.region_info import describe_region
from groengezond.sources.pdok import read_boundaries

SQUARE = [[5.10, 52.08], [5.11, 52.08], [5.11, 52.09], [5.10, 52.09], [5.10, 52.08]]


def placeholder_region() -> Region:
    """The tiny region whose second buurt carries its wijk's polygon (a placeholder)."""
    region = tiny_region()
    areas = region.areas.copy()
    wijk = areas.loc[areas["code"] == "WK999901", "geometry"].iloc[0]
    areas.loc[areas["code"] == "BU99990102", "geometry"] = wijk
    areas["geometry_source"] = ["union of gemeenten", "union of wijken", "boundary", "boundary",
                                "placeholder:wijk"]
    areas["geometry_quality"] = areas["geometry_source"].map(geometry_quality_of)
    addresses = region.addresses.assign(placement="lattice")
    return region.with_layers(areas=areas, addresses=addresses)


@pytest.mark.parametrize(("source", "status"), [
    ("boundary", "real"), ("union of buurten", "derived"), ("boundary and buurten", "derived"),
    ("placeholder:wijk", "placeholder"), ("placeholder:gemeente", "placeholder"), (None, "real"),
])
def test_geometry_status_from_source(source: str | None, status: str) -> None:
    assert geometry_quality_of(source) == status


def test_area_status_falls_back_to_geometry_source() -> None:
    region = placeholder_region()
    old = region.areas.drop(columns="geometry_quality")
    assert area_geometry_quality(old).tolist() == ["derived", "derived", "real", "real",
                                                   "placeholder"]
    assert set(area_geometry_quality(tiny_region().areas)) == {"real"}


def test_default_records_from_the_layers() -> None:
    records = assess_layers(placeholder_region())
    assert records["areas"].status == "placeholder"
    assert records["areas"].figures["placeholder_buurt"] == 1.0
    assert "1 of 2 buurten placeholder" in records["areas"].reason
    assert records["addresses"].status == "placeholder"
    assert records["addresses"].key == "addresses.lattice"
    empty = tiny_region().with_layers(green=tiny_region().green.iloc[0:0], landcover=None)
    records = assess_layers(empty)
    assert records["green"].status == "missing" and "access to green" in records["green"].reason
    assert records["landcover"].status == "missing"
    assert records["network"].status == "real"


def test_set_layer_quality_keeps_other_records() -> None:
    region = tiny_region()
    region = region.with_layers(meta=region.meta.model_copy(
        update={"quality": assess_layers(region)}))
    degraded = LayerQuality(status="placeholder", reason="cycleways only",
                            key="network.degraded", figures={"main_component_share": 0.4})
    changed = set_layer_quality(region, "network", degraded)
    assert changed.meta.quality["network"] == degraded
    assert changed.meta.quality["green"] == region.meta.quality["green"]
    assert region.meta.quality["network"].status == "real"  # the original is untouched
    assert region_quality(changed)["network"] == degraded


def test_records_survive_the_store_and_reach_validate_and_info(tmp_path: Path) -> None:
    region = placeholder_region()
    region = region.with_layers(meta=region.meta.model_copy(
        update={"quality": assess_layers(region)}))
    folder = write_region(region, tmp_path / "r")
    back = read_region(folder)
    assert back.meta.quality == region.meta.quality
    raw = json.loads((folder / "region.json").read_text("utf-8"))
    assert raw["quality"]["areas"]["status"] == "placeholder"
    warnings = quality_warnings(back.meta.quality)
    assert warnings[0].startswith("addresses is placeholder") or warnings[0].startswith(
        "areas is placeholder")
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0
    assert "warning: areas is placeholder" in " ".join(result.output.split())
    info = runner.invoke(app, ["info", str(folder)])
    text = " ".join(info.output.split())
    assert "Placeholder polygons: 1 buurten, 0 wijken, 0 gemeenten" in text
    summary = describe_region(back)
    assert summary["placeholder_areas"] == {"buurt": 1, "wijk": 0, "gemeente": 0}
    assert summary["quality"]["addresses"]["key"] == "addresses.lattice"
    as_json = runner.invoke(app, ["info", str(folder), "--json"])
    assert json.loads(as_json.output)["quality"]["areas"]["status"] == "placeholder"


def test_real_region_gets_no_quality_warning() -> None:
    assert quality_warnings(assess_layers(tiny_region())) == []


def test_geopackage_has_geometry_quality(tmp_path: Path) -> None:
    out = export_gpkg(placeholder_region(), tmp_path / "r.gpkg")
    areas = gpd.read_file(out, layer="areas").set_index("code")
    assert areas.loc["BU99990102", "geometry_quality"] == "placeholder"
    assert areas.loc["BU99990101", "geometry_quality"] == "real"
    old = tiny_region()  # no column in the region: the export adds it
    areas = gpd.read_file(export_gpkg(old, tmp_path / "old.gpkg"), layer="areas")
    assert set(areas["geometry_quality"]) == {"real"}
    meta = gpd.read_file(out, layer="region_metadata")
    assert "quality_json" in set(pd.Series(meta["key"]))


def municipal(tmp_path: Path, kode: str, wijkkode: str) -> Path:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ID": 1, "KODE": kode, "WIJKKODE": wijkkode,
                                           "NAAM": "Oog in Al"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}
    path = tmp_path / "buurt.geojson"
    path.write_text(json.dumps(doc))
    return path


def test_municipal_buurt_codes_need_one_gemeente(tmp_path: Path) -> None:
    path = municipal(tmp_path, "0112", "01")
    read = read_boundaries(path, gemeenten=["GM0344"])
    assert read.polygons["code"].tolist() == ["BU03440112"]
    assert read.polygons["level"].tolist() == ["buurt"]
    assert read.polygons["name"].tolist() == ["Oog in Al"]
    assert read_boundaries(municipal(tmp_path, "112", "1"),
                           gemeenten=["GM0344"]).polygons["code"].tolist() == ["BU03440112"]
    with pytest.raises(InputError, match="name no gemeente"):
        read_boundaries(path)
    with pytest.raises(InputError, match="name no gemeente"):
        read_boundaries(path, gemeenten=["GM0344", "GM0307"])
    with pytest.raises(InputError, match="does not match the first two digits"):
        read_boundaries(municipal(tmp_path, "0112", "02"), gemeenten=["GM0344"])


def test_synthetic_region_writes_real_records() -> None:
    from groengezond.synth.generator import generate_region

    region = generate_region(2_000, seed=3)
    assert set(region.meta.quality) == {"areas", "indicators", "addresses", "buildings",
                                        "green", "trees", "network", "landcover"}
    assert {q.status for q in region.meta.quality.values()} == {"real"}
    assert "synthetic" in region.meta.quality["green"].reason
    assert set(region.areas["geometry_quality"]) == {"real"}
