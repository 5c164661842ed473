"""Land cover from vector layers: classes, overwrite order, default fill, NDVI calibration."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.landcover import NDVI_BY_CLASS, ndvi_proxy, region_ndvi_by_class
from groengezond.landcover_build import (
    CLASS_CODE,
    LandcoverLayers,
    calibrate_ndvi,
    grid_for,
    landcover_not_computable,
    landcover_quality,
    missing_classes,
    rasterise_landcover,
)
from groengezond.region.model import RegionMeta

REGION = shapely.box(0, 0, 200, 100)


def _arr(*geoms: shapely.Geometry) -> np.ndarray:
    return np.asarray(geoms, dtype=object)


def _cell(result: object, x: float, y: float) -> str:
    lc = result.landcover  # type: ignore[attr-defined]
    tr = lc.transform
    row, col = int((y - tr.f) // tr.e), int((x - tr.c) // tr.a)
    code = int(lc.classes[row, col])
    return {v: k for k, v in CLASS_CODE.items()}.get(code, "nodata")


def test_grid_is_aligned_to_whole_cells() -> None:
    transform, rows, cols = grid_for(shapely.box(3, 7, 98, 51))
    assert (transform.c, transform.f, transform.a, transform.e) == (0.0, 60.0, 10.0, -10.0)
    assert (rows, cols) == (6, 10)


def test_overwrite_order_and_default() -> None:
    park = shapely.box(0, 0, 100, 100)
    forest = shapely.box(0, 0, 40, 40)
    meadow = shapely.box(100, 0, 200, 100)
    pond = shapely.box(60, 60, 90, 90)
    road = shapely.box(0, 45, 200, 55)
    house = shapely.box(150, 60, 180, 90)
    layers = LandcoverLayers(
        green=_arr(meadow, park, forest), green_kind=np.array(["meadow", "park", "forest"]),
        water=_arr(pond), paved=_arr(road), buildings=_arr(house),
        tree_xy=np.array([[125.0, 50.0], [165.0, 75.0]]), crown_diameter_m=np.array([10.0, 30.0]))
    result = rasterise_landcover(REGION, layers)
    assert _cell(result, 55, 25) == "low_green"         # park
    assert _cell(result, 15, 15) == "trees"             # forest inside the park
    assert _cell(result, 75, 75) == "water"             # pond inside the park
    assert _cell(result, 25, 50) == "paved"             # road through the forest and park
    assert _cell(result, 125, 50) == "trees"            # crown over the road
    assert _cell(result, 165, 75) == "building"         # building over a big crown
    assert _cell(result, 190, 20) == "agriculture"      # meadow
    assert result.default_cells == 0
    assert sum(result.cells.values()) == 200
    assert result.sourced["bare"] is False and result.sourced["water"] is True


def test_uncovered_cells_take_the_default_and_outside_is_nodata() -> None:
    region = shapely.Polygon([(0, 0), (100, 0), (0, 100)])
    result = rasterise_landcover(region, LandcoverLayers(), default_class="low_green")
    classes = result.landcover.classes
    assert set(np.unique(classes).tolist()) == {0, CLASS_CODE["low_green"]}
    assert result.default_cells == int((classes > 0).sum()) == result.cells["low_green"]
    with pytest.raises(ValueError, match="default_class"):
        rasterise_landcover(region, LandcoverLayers(), default_class="lava")


def test_small_building_keeps_its_cell() -> None:
    shed = shapely.box(12, 12, 14, 14)  # holds no cell centre
    result = rasterise_landcover(REGION, LandcoverLayers(buildings=_arr(shed)))
    assert _cell(result, 13, 13) == "building"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 199.99), st.floats(0.01, 99.99), st.floats(0, 40)),
                max_size=20))
def test_every_crown_centre_is_trees(trees: list[tuple[float, float, float]]) -> None:
    xy = np.array([(x, y) for x, y, _ in trees], dtype=float).reshape(-1, 2)
    d = np.array([c for *_, c in trees], dtype=float)
    result = rasterise_landcover(REGION, LandcoverLayers(tree_xy=xy, crown_diameter_m=d))
    for x, y in xy:
        if 0 < x < 200 and 0 < y < 100:  # a trunk on the outline may fall in the cell outside
            assert _cell(result, x, y) == "trees"
    assert result.cells["trees"] + result.default_cells == 200


def test_quality_records_say_which_classes_are_missing() -> None:
    layers = LandcoverLayers(green=_arr(shapely.box(0, 0, 50, 50)), green_kind=np.array(["grass"]),
                             buildings=_arr())
    result = rasterise_landcover(REGION, layers)
    quality = landcover_quality(result, {"low_green": ["osm green"]})
    assert quality["landcover"].status == "derived"
    assert quality["landcover.low_green"].status == "derived"
    assert "osm green" in quality["landcover.low_green"].reason
    assert quality["landcover.building"].status == "derived"     # a source, empty in the region
    assert quality["landcover.paved"].status == "placeholder"    # the default fill only
    assert quality["landcover.water"].status == "missing"
    assert sorted(missing_classes(quality)) == ["agriculture", "bare", "trees", "water"]
    assert quality["landcover"].figures["default_share"] == pytest.approx(175 / 200)
    nc = landcover_not_computable(quality, True, ("trees", "low_green"))
    assert nc is not None and nc.missing == ["landcover.trees"] and nc.key == \
        "landcover.class_missing"
    assert landcover_not_computable(quality, True, ("low_green",)) is None
    none = landcover_not_computable({}, False, ("low_green",))
    assert none is not None and none.key == "landcover.missing"


@pytest.mark.parametrize("method", ["shift", "gain"])
def test_calibration_hits_the_target(method: str) -> None:
    layers = LandcoverLayers(green=_arr(shapely.box(0, 0, 100, 100)),
                             green_kind=np.array(["grass"]))
    result = rasterise_landcover(REGION, layers)
    left, right = shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)
    cal = calibrate_ndvi(result.landcover, [REGION], ["GM0001"], [0.3], method=method,
                         source="test")
    assert cal.before[0] == pytest.approx((NDVI_BY_CLASS["low_green"] + NDVI_BY_CLASS["paved"])
                                          / 2, abs=1e-6)
    assert cal.after[0] == pytest.approx(0.3, abs=1e-6)
    proxy = ndvi_proxy(result.landcover, ndvi_by_class=cal.ndvi_by_class)
    assert float(np.nanmean(proxy)) == pytest.approx(0.3, abs=1e-6)
    if method == "shift":
        d0 = NDVI_BY_CLASS["low_green"] - NDVI_BY_CLASS["paved"]
        assert cal.ndvi_by_class["low_green"] - cal.ndvi_by_class["paved"] == pytest.approx(d0)
    # two zones: one parameter fitted by least squares, residuals reported
    two = calibrate_ndvi(result.landcover, [left, right], ["A", "B"], [0.6, 0.2], method=method)
    assert two.cells.tolist() == [100, 100]
    assert two.figures()["ndvi_max_abs_error"] > 0.0
    assert two.figures()["ndvi_after"] == pytest.approx(0.4, abs=0.05)


def test_calibration_is_clipped_and_reported() -> None:
    result = rasterise_landcover(REGION, LandcoverLayers(), default_class="trees")
    cal = calibrate_ndvi(result.landcover, [REGION], ["X"], [0.99], method="shift")
    assert cal.ndvi_by_class["trees"] == pytest.approx(0.99)
    cal = calibrate_ndvi(result.landcover, [REGION], ["X"], [0.95], method="gain")
    assert max(cal.ndvi_by_class.values()) <= 1.0
    with pytest.raises(ValueError, match="no zone"):
        calibrate_ndvi(result.landcover, [REGION], ["X"], [np.nan])
    with pytest.raises(ValueError, match="method"):
        calibrate_ndvi(result.landcover, [REGION], ["X"], [0.2], method="median")


def test_region_ndvi_by_class_reads_the_calibrated_table() -> None:
    plain = RegionMeta(name="x", synthetic=True)
    assert region_ndvi_by_class(plain) == NDVI_BY_CLASS
    assert region_ndvi_by_class(None) == NDVI_BY_CLASS
    meta = RegionMeta(name="x", synthetic=False, ndvi_by_class={"paved": 0.2})
    table = region_ndvi_by_class(RegionMeta.model_validate_json(meta.model_dump_json()))
    assert table["paved"] == 0.2 and table["trees"] == NDVI_BY_CLASS["trees"]


def test_tree_crowns_default_by_genus_then_leaf_type(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from groengezond.sources.osm import DEFAULT_CROWN_DIAMETER_M, read_trees

    def tree(i: int, **tags: str) -> dict[str, object]:
        return {"type": "Feature", "properties": {"natural": "tree", "@id": f"node/{i}", **tags},
                "geometry": {"type": "Point", "coordinates": [5.12 + i * 1e-4, 52.09]}}

    path = Path(str(tmp_path)) / "trees.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        tree(1, genus="Populus"), tree(2, species="Tilia x europaea"),
        tree(3, leaf_type="needleleaved"), tree(4), tree(5, genus="Populus", diameter_crown="7"),
        tree(6, diameter_crown="250")]}))
    frame = read_trees(path).frame.set_index("osm_id")
    assert frame.loc["node/1", "crown_diameter_m"] == 12.0
    assert frame.loc["node/2", "crown_diameter_m"] == 8.0
    assert frame.loc["node/3", "crown_diameter_m"] == 5.0
    assert frame.loc["node/4", "crown_diameter_m"] == DEFAULT_CROWN_DIAMETER_M
    assert frame.loc["node/5", "crown_diameter_m"] == 7.0
    assert frame.loc["node/6", "crown_diameter_m"] == DEFAULT_CROWN_DIAMETER_M  # 250 m: a typo
    assert frame["crown_source"].tolist() == ["genus", "genus", "leaf_type", "default",
                                              "diameter_crown", "default"]


def test_class_polygons_buffer_lines_and_reopen_exported_rings(tmp_path: object) -> None:
    import json
    from pathlib import Path

    from groengezond.sources.landcover import read_class_polygons

    x0, y0 = 5.12, 52.09
    ring = [[x0, y0], [x0 + 0.001, y0], [x0 + 0.001, y0 + 0.001], [x0, y0]]
    features = [
        {"type": "Feature", "properties": {"highway": "cycleway", "width": None},
         "geometry": {"type": "LineString", "coordinates": [[x0, y0], [x0 + 0.001, y0]]}},
        {"type": "Feature", "properties": {"highway": "footway", "width": "3 m"},
         "geometry": {"type": "LineString", "coordinates": [[x0, y0], [x0, y0 + 0.001]]}},
        {"type": "Feature", "properties": {"highway": "service", "area": None},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"highway": "pedestrian", "area": "yes"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"highway": "crossing"},
         "geometry": {"type": "Point", "coordinates": [x0, y0]}}]
    path = Path(str(tmp_path)) / "paved.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    read = read_class_polygons(path, what="paved")
    assert read.counts == {"polygons": 1, "lines": 3}
    areas = sorted(shapely.area(read.geometry))
    length = 0.001 * 111_320 * np.cos(np.radians(y0))          # about 68 m east-west
    assert any(abs(a - 2.5 * length) < 0.05 * 2.5 * length for a in areas)   # cycleway 2.5 m
    assert any(abs(a - 3.0 * 111.3) < 0.05 * 3.0 * 111.3 for a in areas)     # width tag 3 m
    assert any("points" in w.problem for w in read.warnings)
    assert any("closed by an added segment" in w.problem for w in read.warnings)


def test_ndvi_table_reads_codes_and_refuses_bad_values(tmp_path: object) -> None:
    from pathlib import Path

    from groengezond.errors import InputError
    from groengezond.sources.landcover import read_ndvi_table

    folder = Path(str(tmp_path))
    good = folder / "ndvi.csv"
    good.write_text("gemeentecode,_NDVImean\nGM0344,0.217\n307,0.25\nGM0001,\n")
    table = read_ndvi_table(good)
    assert table.values == {"GM0344": 0.217, "GM0307": 0.25}
    assert any("no NDVI" in w.problem for w in table.warnings)
    bad = folder / "bad.csv"
    bad.write_text("gemeentecode,_NDVImean\nGM0344,21.7\nGM0307,abc\n")
    with pytest.raises(InputError, match=r"row 2.*outside|row 3.*not a number"):
        read_ndvi_table(bad)
    with pytest.raises(InputError, match="ndvi_mean"):
        read_ndvi_table(good, column="ndvi_mean")


def test_config_landcover_and_bag_sections(tmp_path: object) -> None:
    from pathlib import Path

    from groengezond.errors import InputError
    from groengezond.sources.config import parse_config

    base = {"name": "x", "cbs": [{"path": "k.csv"}], "boundaries": [{"path": "b.gpkg"}]}
    config = parse_config({**base, "bag": {"panden": {"path": "p.geojson"}},
                           "landcover": {"water": {"path": "w.gpkg"},
                                         "paved": [{"path": "r.geojson", "width_m": 3}],
                                         "ndvi": {"path": "n.csv", "method": "gain"}}},
                          base=Path(str(tmp_path)))
    assert config.landcover is not None and config.bag is not None
    assert config.bag.panden is not None and config.bag.panden.path.is_absolute()
    assert [(c, i.path.name) for c, i in config.landcover.class_inputs()] == [
        ("water", "w.gpkg"), ("paved", "r.geojson")]
    assert config.landcover.default_class == "paved"
    assert config.landcover.ndvi is not None and config.landcover.ndvi.path.is_absolute()
    with pytest.raises(InputError, match="default_class"):
        parse_config({**base, "landcover": {"default_class": "lava"}})
    with pytest.raises(InputError, match="method"):
        parse_config({**base, "landcover": {"ndvi": {"path": "n.csv", "method": "median"}}})


OSM_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
{nodes}
 <way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="natural" v="water"/></way>
 <way id="2"><nd ref="5"/><nd ref="6"/><tag k="waterway" v="canal"/></way>
 <way id="3"><nd ref="6"/><nd ref="7"/><tag k="highway" v="residential"/>
  <tag k="width" v="9"/></way>
 <way id="4"><nd ref="8"/><nd ref="9"/><nd ref="10"/><nd ref="11"/><nd ref="8"/>
  <tag k="building" v="house"/></way>
 <way id="5"><nd ref="8"/><nd ref="10"/><tag k="railway" v="rail"/></way>
</osm>"""


def test_class_polygons_from_an_osm_extract(tmp_path: object) -> None:
    from pathlib import Path

    from groengezond.sources.landcover import read_class_polygons

    x, y, d = 5.1200, 52.0900, 0.0005
    coords = {1: (x, y), 2: (x + d, y), 3: (x + d, y + d), 4: (x, y + d), 5: (x, y - d),
              6: (x + 2 * d, y - d), 7: (x + 4 * d, y - d), 8: (x + 3 * d, y),
              9: (x + 3.2 * d, y), 10: (x + 3.2 * d, y + 0.2 * d), 11: (x + 3 * d, y + 0.2 * d)}
    nodes = "\n".join(f' <node id="{i}" lat="{b}" lon="{a}"/>' for i, (a, b) in coords.items())
    path = Path(str(tmp_path)) / "tiny.osm"
    path.write_text(OSM_XML.format(nodes=nodes))
    water = read_class_polygons(path, what="water")
    assert water.counts == {"polygons": 1, "lines": 1}
    canal_area = 2 * d * 111_320 * np.cos(np.radians(y)) * 10.0       # 10 m canal default
    areas = sorted(shapely.area(water.geometry))
    assert areas[0] == pytest.approx(canal_area, rel=0.05)
    paved = read_class_polygons(path, what="paved")
    assert paved.counts == {"polygons": 0, "lines": 1}
    assert float(shapely.area(paved.geometry[0])) == pytest.approx(
        canal_area * 0.9, rel=0.05)                                   # 9 m street, same length
    assert read_class_polygons(path, what="building").counts == {"polygons": 1, "lines": 0}
    assert read_class_polygons(path, what="bare").counts == {"polygons": 0, "lines": 1}
    only = read_class_polygons(path, what="water", where={"waterway": ["canal"]})
    assert only.counts == {"polygons": 0, "lines": 1}
