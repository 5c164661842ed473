"""3DBAG: CityJSON, CityJSONSeq and API pages; footprints, heights, CRS checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from groengezond.errors import InputError
from groengezond.sources.bag3d import read_buildings

DATA = Path(__file__).resolve().parent / "data" / "sources"


@pytest.mark.parametrize("name", ["bag3d_sample.city.json", "bag3d_sample.city.jsonl"])
def test_cityjson_and_cityjsonseq_give_the_same_buildings(name: str) -> None:
    layer = read_buildings(DATA / name)
    frame = layer.frame.set_index("bag_id")
    a = frame.loc["NL.IMBAG.Pand.9990100000000001"]
    b = frame.loc["NL.IMBAG.Pand.9990100000000002"]
    assert a["height_m"] == pytest.approx(8.5)          # b3_h_dak_70p - b3_h_maaiveld
    assert a["ground_nap_m"] == pytest.approx(1.2)       # NAP height kept as a column
    assert a["volume_m3"] == pytest.approx(3400.0)       # b3_volume_lod12
    assert a["geometry"].area == pytest.approx(400.0)    # LoD 0 footprint
    assert b["height_m"] == pytest.approx(15.0)          # from the LoD 1.2 solid
    assert b["geometry"].area == pytest.approx(144.0)    # from its GroundSurface
    assert b["volume_m3"] == pytest.approx(144.0 * 15.0)
    assert layer.frame.crs.to_epsg() == 28992
    assert not layer.frame.geometry.has_z.any()
    minx, miny, _, _ = layer.frame.total_bounds
    assert 136_000 < minx < 138_000 and 455_000 < miny < 456_000
    assert (layer.frame["dwellings"] == 0).all()


def test_api_page_reads_like_cityjsonseq() -> None:
    layer = read_buildings(DATA / "fetch" / "bag3d_page1.json")
    assert list(layer.frame["bag_id"]) == ["NL.IMBAG.Pand.9990100000000001"]


def test_wrong_crs_is_an_error(tmp_path: Path) -> None:
    doc = json.loads((DATA / "bag3d_sample.city.json").read_text())
    doc["metadata"]["referenceSystem"] = "https://www.opengis.net/def/crs/EPSG/0/4979"
    path = tmp_path / "b.city.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError) as err:
        read_buildings(path)
    assert err.value.problems[0].field == "metadata.referenceSystem"


def test_missing_crs_is_assumed_with_a_warning(tmp_path: Path) -> None:
    doc = json.loads((DATA / "bag3d_sample.city.json").read_text())
    del doc["metadata"]
    path = tmp_path / "b.city.json"
    path.write_text(json.dumps(doc))
    layer = read_buildings(path)
    assert len(layer.frame) == 2
    assert any("assumed EPSG:7415" in str(w) for w in layer.warnings)


def test_cut_off_cityjsonseq_names_the_line(tmp_path: Path) -> None:
    text = (DATA / "bag3d_sample.city.jsonl").read_text()
    path = tmp_path / "b.city.jsonl"
    path.write_text(text[: len(text) - 40])
    with pytest.raises(InputError) as err:
        read_buildings(path)
    assert err.value.problems[0].location == "line 3"
    assert "cut off" in err.value.problems[0].problem


def test_unknown_lod_is_an_error() -> None:
    with pytest.raises(InputError, match="LoD"):
        read_buildings(DATA / "bag3d_sample.city.json", lod="3.0")
