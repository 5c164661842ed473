"""BAG panden and verblijfsobjecten, and placing residents over them per buurt."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from groengezond.errors import InputError
from groengezond.region.schema import CRS
from groengezond.sources.bag import read_panden, read_verblijfsobjecten, restore_id
from groengezond.sources.population import place_per_buurt, placement_quality

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SAMPLE = SHARED / "bag" / "bag_panden_utrecht_binnenstad_sample_2019_rd.geojson"


@given(st.integers(min_value=1, max_value=9_999_999_999_999_999))
def test_restore_id_from_every_spelling(number: int) -> None:
    want = str(number).zfill(16)
    assert restore_id(number) == want
    assert restore_id(str(number)) == want
    assert restore_id(want) == want
    assert restore_id(f"NL.IMBAG.Pand.{want}") == want
    assert restore_id(f"{number}.0") == want
    if number < 2**53:  # floats hold every integer up to 2**53 exactly
        assert restore_id(float(number)) == want


@given(st.one_of(st.text(alphabet="abcxyz-_ ", min_size=1), st.floats(allow_nan=True).filter(
    lambda v: not (v >= 0 and float(v).is_integer() and v < 1e16)),
    st.integers(min_value=10**16), st.none(), st.booleans()))
def test_restore_id_refuses_what_is_not_an_id(value: object) -> None:
    assert restore_id(value) is None


def _write(path: Path, features: list[dict[str, object]], crs: str | None = None) -> Path:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc))
    return path


def _pand(ident: object, x: float, y: float, use: str, n: object,
          status: str = "Pand in gebruik") -> dict[str, object]:
    ring = [[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10], [x, y]]
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"identificatie": ident, "status": status, "gebruiksdoel": use,
                           "aantal_verblijfsobjecten": n, "bouwjaar": 1930}}


def test_read_panden_restores_ids_and_counts_dwellings(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.geojson", [
        _pand(344100000000001, 136000, 456000, "woonfunctie", 4),
        _pand("0344100000000002", 136020, 456000, "winkelfunctie, woonfunctie", 3),
        _pand(344100000000003.0, 136040, 456000, "kantoorfunctie", 2),
        _pand(344100000000004, 136060, 456000, "woonfunctie", 5, "Bouwvergunning verleend")],
        crs="urn:ogc:def:crs:EPSG::28992")
    frame = read_panden(path).frame.set_index("pand_id")
    assert list(frame.index) == [f"034410000000000{i}" for i in range(1, 5)]
    assert frame["residential"].tolist() == [True, True, False, False]
    assert frame["dwellings"].tolist() == [4, 3, 0, 0]
    assert frame["area_m2"].iloc[0] == pytest.approx(100.0)


def test_read_panden_names_bad_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.geojson", [_pand("abc", 136000, 456000, "woonfunctie", 1),
                                           _pand(1, 136020, 456000, "woonfunctie", -2)],
                  crs="urn:ogc:def:crs:EPSG::28992")
    with pytest.raises(InputError, match=r"feature 0.*identificatie"):
        read_panden(path)
    path = _write(tmp_path / "q.geojson", [_pand(1, 136020, 456000, "woonfunctie", 2.5)],
                  crs="urn:ogc:def:crs:EPSG::28992")
    with pytest.raises(InputError, match="aantal_verblijfsobjecten"):
        read_panden(path)


def test_read_verblijfsobjecten_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "vbo.csv"
    path.write_text("identificatie,gebruiksdoel,status,x,y,pandidentificatie\n"
                    "344010000000001,woonfunctie,Verblijfsobject in gebruik,136005,456005,"
                    "344100000000001\n"
                    "344010000000002,winkelfunctie,Verblijfsobject in gebruik,136025,456005,\n"
                    "344010000000003,woonfunctie,Verblijfsobject gevormd,136045,456005,\n")
    frame = read_verblijfsobjecten(path).frame
    assert frame["vbo_id"].tolist()[0] == "0344010000000001"
    assert frame["residential"].tolist() == [True, False, False]
    assert frame["pand_id"].tolist() == ["0344100000000001", "", ""]
    assert frame.crs == CRS and frame.geometry.x.iloc[0] == 136005
    bad = tmp_path / "bad.csv"
    bad.write_text("identificatie,gebruiksdoel,x,y\n1,woonfunctie,abc,456000\n")
    with pytest.raises(InputError, match="row 2"):
        read_verblijfsobjecten(bad)


def _buurten() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["BU1", "BU2", "BU3"], "inhabitants": [10, 7, 5]},
                            geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100),
                                      shapely.box(200, 0, 300, 100)], crs=CRS)


def test_place_per_buurt_prefers_addresses_then_panden_then_lattice() -> None:
    vbo = gpd.GeoDataFrame({"vbo_id": ["a", "b", "c"], "residential": [True, True, False]},
                           geometry=shapely.points([[10, 10], [20, 20], [30, 30]]), crs=CRS)
    panden = gpd.GeoDataFrame(
        {"pand_id": ["p1", "p2", "p3"], "residential": [True, True, True],
         "dwellings": [3, 1, 0], "area_m2": [100.0, 100.0, 100.0]},
        geometry=[shapely.box(110, 10, 120, 20), shapely.box(150, 50, 160, 60),
                  shapely.box(50, 50, 60, 60)], crs=CRS)
    placed = place_per_buurt(_buurten(), addresses=vbo, panden=panden, spacing_m=20)
    a = placed.addresses
    by = a.groupby("buurt")["residents"].sum()
    assert by.to_dict() == {"BU1": 10, "BU2": 7, "BU3": 5}
    assert set(a.loc[a["buurt"] == "BU1", "placement"]) == {"bag_address"}
    assert sorted(a.loc[a["buurt"] == "BU1", "residents"]) == [5, 5]
    bu2 = a[a["buurt"] == "BU2"].set_index("bag_id")
    assert set(bu2["placement"]) == {"bag_pand"}
    assert bu2.loc["p1", "residents"] == 5 and bu2.loc["p2", "residents"] == 2
    assert set(a.loc[a["buurt"] == "BU3", "placement"]) == {"lattice"}
    quality = placement_quality(a)
    assert quality.status == "placeholder" and quality.key == "addresses.lattice"
    assert quality.figures["residents.bag_address"] == 10
    assert quality.figures["residents.bag_pand"] == 7
    assert quality.figures["residents.lattice"] == 5
    assert a["address_id"].tolist() == list(range(len(a)))


def test_placement_without_lattice_is_derived() -> None:
    panden = gpd.GeoDataFrame(
        {"pand_id": ["p1", "p2", "p3"], "residential": [True, True, True],
         "dwellings": [4, 2, 1], "area_m2": [1.0, 1.0, 1.0]},
        geometry=[shapely.box(10, 10, 20, 20), shapely.box(110, 10, 120, 20),
                  shapely.box(210, 10, 220, 20)], crs=CRS)
    placed = place_per_buurt(_buurten(), panden=panden)
    quality = placement_quality(placed.addresses)
    assert quality.status == "derived" and quality.figures["share.bag_pand"] == 1.0


def test_buurt_only_partly_covered_by_bag_falls_back() -> None:
    # BU1: 10 residents but one dwelling in the BAG input (a sample window cuts the buurt)
    panden = gpd.GeoDataFrame(
        {"pand_id": ["p1", "p2"], "residential": [True, True], "dwellings": [1, 4],
         "area_m2": [100.0, 100.0]},
        geometry=[shapely.box(10, 10, 20, 20), shapely.box(110, 10, 120, 20)], crs=CRS)
    placed = place_per_buurt(_buurten(), panden=panden, spacing_m=20)
    a = placed.addresses
    assert set(a.loc[a["buurt"] == "BU1", "placement"]) == {"lattice"}
    assert set(a.loc[a["buurt"] == "BU2", "placement"]) == {"bag_pand"}
    assert a.groupby("buurt")["residents"].sum().to_dict() == {"BU1": 10, "BU2": 7, "BU3": 5}
    assert any("only in part" in n and "BU1" in n for n in placed.notes)
    looser = place_per_buurt(_buurten(), panden=panden, max_residents_per_dwelling=20)
    assert set(looser.addresses.loc[looser.addresses["buurt"] == "BU1", "placement"]) == {
        "bag_pand"}


@pytest.mark.realdata
@pytest.mark.skipif(not SAMPLE.exists(), reason=f"shared real data not found at {SAMPLE}")
def test_real_binnenstad_sample() -> None:
    layer = read_panden(SAMPLE)
    frame = layer.frame
    assert len(frame) == 669
    assert frame["pand_id"].str.fullmatch(r"0344100000\d{6}").all()
    assert int(frame["verblijfsobjecten"].sum()) == 1646
    # 425 panden with a woonfunctie; one of them only has a building permit
    assert int(frame["gebruiksdoel"].str.contains("woonfunctie").sum()) == 425
    assert int(frame["residential"].sum()) == 424
    buurt = gpd.GeoDataFrame({"code": ["BU03440611"], "inhabitants": [1000]},
                             geometry=[shapely.box(*frame.total_bounds)], crs=CRS)
    placed = place_per_buurt(buurt, panden=frame)
    assert placed.addresses["residents"].sum() == 1000
    assert set(placed.addresses["placement"]) == {"bag_pand"}
    assert np.isclose(placement_quality(placed.addresses).figures["share.bag_pand"], 1.0)
