"""Boundaries: PDOK GeoPackage layout, GeoJSON, repairs, CRS checks and the real 2016 wijken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from groengezond.errors import InputError
from groengezond.sources.pdok import read_boundaries

DATA = Path(__file__).resolve().parent / "data" / "sources"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
WIJKEN2016 = SHARED / "boundaries" / "cbs_wijken_2016_gegeneraliseerd_regio_utrecht.gpkg"


def geojson(tmp_path: Path, features: list[dict[str, object]], crs: str | None = None) -> Path:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "wijken.geojson"
    path.write_text(json.dumps(doc))
    return path


def feature(code: str, coords: list[list[float]] | None) -> dict[str, object]:
    geom = {"type": "Polygon", "coordinates": [coords]} if coords else None
    return {"type": "Feature", "properties": {"wijkcode": code, "wijknaam": code},
            "geometry": geom}


SQUARE = [[5.10, 52.08], [5.11, 52.08], [5.11, 52.09], [5.10, 52.09], [5.10, 52.08]]
BOWTIE = [[5.10, 52.08], [5.11, 52.09], [5.11, 52.08], [5.10, 52.09], [5.10, 52.08]]


def test_pdok_geopackage_layers_levels_and_water_parts() -> None:
    b = read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", year=2023)
    counts = b.polygons["level"].value_counts().to_dict()
    assert counts == {"gemeente": 1, "wijk": 2, "buurt": 4}
    assert b.polygons["code"].is_unique
    land = b.polygons.set_index("code").loc["BU99900101", "geometry"]
    assert land.area == pytest.approx(1000 * 400)  # the water part ('JA') is dropped
    assert any("more than one feature" in str(w) for w in b.warnings)
    assert b.polygons.crs.to_epsg() == 28992
    assert shapely.is_valid(b.polygons.geometry.array).all()


def test_layer_choice_and_gemeente_filter() -> None:
    b = read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", layers=["wijken"],
                        gemeenten=["GM9990"])
    assert set(b.polygons["level"]) == {"wijk"}
    none = read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", layers=["wijken"],
                           gemeenten=["GM0344"])
    assert len(none.polygons) == 0
    with pytest.raises(InputError, match="not in the file"):
        read_boundaries(DATA / "wijkenbuurten_2023_sample.gpkg", layers=["panden"])


def test_geojson_invalid_polygon_is_repaired_with_a_warning(tmp_path: Path) -> None:
    b = read_boundaries(geojson(tmp_path, [feature("WK999001", BOWTIE)]))
    assert shapely.is_valid(b.polygons.geometry.array).all()
    assert b.polygons.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert any("make_valid" in str(w) for w in b.warnings)


def test_empty_geometry_names_the_feature(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_boundaries(geojson(tmp_path, [feature("WK999001", SQUARE),
                                           feature("WK999002", None)]))
    problem = err.value.problems[0]
    assert problem.field == "geometry" and "feature 1" in problem.location and problem.fix


def test_wrong_crs_is_an_error(tmp_path: Path) -> None:
    rd = [[136000, 455000], [137000, 455000], [137000, 456000], [136000, 455000]]
    with pytest.raises(InputError, match="do not lie in the Netherlands"):
        read_boundaries(geojson(tmp_path, [feature("WK999001", rd)],
                                crs="urn:ogc:def:crs:OGC:1.3:CRS84"))


def test_wrong_codes_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a CBS wijk code"):
        read_boundaries(geojson(tmp_path, [feature("BU99900101", SQUARE)]))


def test_no_code_column(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"naam": "x"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}))
    with pytest.raises(InputError, match="no layer with CBS codes"):
        read_boundaries(path)


@pytest.mark.realdata
@pytest.mark.skipif(not WIJKEN2016.exists(), reason=f"shared real data not found at {SHARED}")
def test_real_2016_wijken_of_utrecht() -> None:
    b = read_boundaries(WIJKEN2016, year=2016, gemeenten=["GM0344"])
    assert sorted(b.polygons["code"]) == [f"WK0344{i:02d}" for i in range(1, 11)]
    assert b.polygons.area.sum() / 1e6 == pytest.approx(99.2, abs=0.1)
    everything = read_boundaries(WIJKEN2016)
    assert len(everything.polygons) == 650
