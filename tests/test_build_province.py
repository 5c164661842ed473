"""Builds from a CBS-shaped table that defines the areas: other gemeenten and the province.

A hand-written buurt table over the Testdorp fixture polygons (no buurt polygons: placeholder
or omitted buurt level), and, where ../shared/data exists, Amersfoort (GM0307) and the whole
province from the province buurt table (SOURCES.md item 4) and the gemeente polygons (item 7).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from groengezond.indicators.compute import area_values
from groengezond.region.model import Region
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder

DATA = Path(__file__).resolve().parent / "data" / "sources"
REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

TABLE = """buurt_code;regio;inwoners;lbm;ses;overig
BU99900101;Zuidwest;700;4,2;-0,3;1
BU99900102;Noordwest;300;4,0;0,1;2
BU99900202;Oost-West;700;;0,2;3
BU99900203;Oost-Oost;700;4,4;.;4
BU99910101;Elders;50;4,1;0,1;5
"""


def config(tmp_path: Path, **changes: object) -> Path:
    (tmp_path / "buurten.csv").write_text(TABLE, encoding="utf-8")
    doc: dict[str, object] = {
        "name": "Testdorp", "gemeenten": ["GM9990"], "region": {"code": "RG9990"},
        "tables": [{"path": str(tmp_path / "buurten.csv"), "year": 2020,
                    "code_column": "buurt_code", "name_column": "regio",
                    "inhabitants_column": "inwoners", "defines_areas": True,
                    "columns": {"lbm": "leefbaarometer_score", "ses": "ses_woa_score"}}],
        "boundaries": {"path": str(DATA / "wijkenbuurten_2023_sample.gpkg"),
                       "layers": ["gemeenten", "wijken"], "year": 2023},
        "population": {"method": "lattice", "spacing_m": 100},
    }
    doc.update(changes)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_table_defines_areas_with_placeholder_buurten(tmp_path: Path) -> None:
    out = tmp_path / "region"
    report = build_to_folder(config(tmp_path), out)
    region = read_region(out)
    areas = region.areas.set_index("code")
    assert region.counts()["areas_buurt"] == 4 and region.counts()["areas_wijk"] == 2
    assert areas.loc["WK999001", "inhabitants"] == 1000
    assert areas.loc["WK999001", "name"] == "Wijk 01 West"  # from the polygon file
    assert areas.loc["GM9990", "name"] == "Testdorp"
    assert (region.areas_at("buurt")["geometry_source"] == "placeholder:wijk").all()
    ind = region.indicators.set_index(["area_code", "indicator"])["value"]
    assert ind[("BU99900101", "leefbaarometer_score")] == pytest.approx(4.2)
    assert ind[("BU99900101", "ses_woa_score")] == pytest.approx(-0.3)
    assert "buurt polygons" in report.missing
    assert report.columns_not_read == {"buurten.csv": ["overig"]}
    text = " ".join(report.warnings)
    assert "overig" in text and "1 rows describe areas outside" in text
    assert len(region.addresses) > 0


def test_omit_leaves_the_buurt_level_out_after_aggregating(tmp_path: Path) -> None:
    out = tmp_path / "region"
    report = build_to_folder(config(tmp_path, missing_buurt_polygons="omit"), out)
    region = read_region(out)
    assert region.counts()["areas_buurt"] == 0 and region.counts()["areas_wijk"] == 2
    assert len(region.addresses) == 0
    assert "buurt polygons" in report.missing
    assert any("left out (missing_buurt_polygons: omit)" in n for n in report.notes)
    assert not any("carry their wijk's polygon" in n for n in report.notes)
    ind = region.indicators.set_index(["area_code", "indicator"])["value"]
    # WK999001: resident-weighted mean of 4.2 (700) and 4.0 (300).
    assert ind[("WK999001", "leefbaarometer_score")] == pytest.approx(4.14)
    assert ind[("WK999002", "leefbaarometer_score")] == pytest.approx(4.4)
    values = area_values(region).table
    wijk = values[(values["indicator"] == "ses_woa_score") & (values["level"] == "wijk")]
    assert wijk.set_index("area_code").loc["WK999001", "value"] == pytest.approx(-0.18)


# ------------------------------------------------------------------ real data

needs_shared = [pytest.mark.realdata,
                pytest.mark.skipif(not SHARED.exists(),
                                   reason=f"shared real data not found at {SHARED}")]


@pytest.fixture(scope="module")
def amersfoort(tmp_path_factory: pytest.TempPathFactory) -> Region:
    if not SHARED.exists():
        pytest.skip(f"shared real data not found at {SHARED}")
    out = tmp_path_factory.mktemp("amersfoort") / "region"
    build_to_folder(REPO / "examples" / "amersfoort-sources.yaml", out)
    return read_region(out)


@pytest.mark.realdata
def test_amersfoort_builds_with_its_leefbaarometer(amersfoort: Region) -> None:
    counts = amersfoort.counts()
    assert counts["areas_gemeente"] == 1 and counts["areas_buurt"] == 145
    areas = amersfoort.areas.set_index("code")
    assert areas.loc["GM0307", "name"] == "Amersfoort"
    assert areas.loc["BU03070100", "name"] == "Hof"
    assert areas.loc["GM0307", "geometry"].area / 1e6 == pytest.approx(63.9, abs=3)
    ind = amersfoort.indicators
    lbm = ind[(ind["indicator"] == "leefbaarometer_score") & ind["value"].notna()]
    assert len(lbm) > 100 and lbm["area_code"].str.startswith("BU0307").all()
    values = area_values(amersfoort).table
    gm = values[(values["indicator"] == "leefbaarometer_score") & (values["level"] == "gemeente")]
    assert 4.0 < float(gm["value"].iloc[0]) < 4.4
    ses = ind[(ind["indicator"] == "ses_woa_score") & ind["value"].notna()]
    assert (ses["value"] < 0).any()  # negative SES scores arrive
    assert any(s.name.startswith("Provincie Utrecht buurt table") for s in amersfoort.meta.sources)


@pytest.mark.realdata
@pytest.mark.skipif(not SHARED.exists(), reason=f"shared real data not found at {SHARED}")
def test_province_builds_without_buurt_level(tmp_path: Path) -> None:
    out = tmp_path / "province"
    report = build_to_folder(REPO / "examples" / "provincie-utrecht-sources.yaml", out)
    region = read_region(out)
    counts = region.counts()
    assert counts["areas_gemeente"] == 26 and counts["areas_buurt"] == 0
    assert counts["areas_wijk"] > 200
    assert "buurt polygons" in report.missing
    ind = region.indicators
    gm = ind[(ind["indicator"] == "leefbaarometer_score") & ind["area_code"].str.startswith("GM")]
    assert len(gm) == 26 and gm["value"].between(3.9, 4.5).all()


def test_wijk_polygons_outside_their_gemeente_are_not_used(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    gemeente = gpd.GeoDataFrame({"gemeentecode": ["GM9990"], "gemeentenaam": ["Testdorp"]},
                                geometry=[box(136000, 455000, 137000, 456000)], crs="EPSG:28992")
    gemeente.to_file(tmp_path / "gemeenten.gpkg", layer="gemeenten", driver="GPKG")
    report = build_to_folder(config(tmp_path, boundaries=[
        {"path": str(tmp_path / "gemeenten.gpkg"), "year": 2024},
        {"path": str(DATA / "wijkenbuurten_2023_sample.gpkg"), "layers": ["wijken"]}]),
        tmp_path / "region")
    # WK999001 lies in the west half (inside), WK999002 in the east half (outside).
    text = " ".join(report.warnings)
    assert "1 wijk polygons lie mostly outside their gemeente's polygon" in text
    assert "WK999002" in text
    areas = read_region(tmp_path / "region").areas.set_index("code")
    assert areas.loc["WK999002", "geometry_source"] == "placeholder:gemeente"
    assert areas.loc["WK999001", "geometry_source"] == "boundary"
