"""OpenStreetMap: green with access status, trees, and a clean walkable network (pbf, GeoJSON)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from groengezond.errors import InputError
from groengezond.sources.osm import (
    DEFAULT_CROWN_DIAMETER_M,
    is_walkable,
    read_green,
    read_network,
    read_trees,
    split_network,
)

DATA = Path(__file__).resolve().parent / "data" / "sources"
PBF = DATA / "testdorp.osm.pbf"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
try:
    import osmium  # noqa: F401

    HAS_OSMIUM = True
except ImportError:  # pragma: no cover - depends on the environment
    HAS_OSMIUM = False
needs_osmium = pytest.mark.skipif(not HAS_OSMIUM, reason="pyosmium (pip install osmium) "
                                  "is not installed")
needs_shared = pytest.mark.skipif(not (SHARED / "green").exists(),
                                  reason=f"shared real data not found at {SHARED}")


def collection(tmp_path: Path, features: list[dict[str, object]], name: str = "x.geojson"
               ) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def line(props: dict[str, object], coords: list[list[float]]) -> dict[str, object]:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": coords}}


@needs_osmium
def test_pbf_green_kinds_and_public_access() -> None:
    green = read_green(PBF).frame.set_index("osm_id")
    assert set(green.index) == {"way/110", "way/111", "relation/200", "way/113"}
    assert green.loc["way/110", "kind"] == "park" and green.loc["way/110", "public"]
    assert green.loc["way/111", "kind"] == "garden" and not green.loc["way/111", "public"]
    assert green.loc["way/111", "public_basis"] == "access=private"
    assert green.loc["relation/200", "kind"] == "forest"  # a multipolygon relation
    assert green.loc["way/113", "kind"] == "allotment" and not green.loc["way/113", "public"]
    assert green.loc["way/110", "area_ha"] == pytest.approx(16.0, rel=1e-3)  # 400 m x 400 m
    assert green.crs.to_epsg() == 28992


@needs_osmium
def test_pbf_trees_and_tree_rows() -> None:
    trees = read_trees(PBF).frame
    single = trees[~trees["from_row"]].set_index("osm_id")
    assert len(single) == 3
    assert single.loc["node/50", "crown_diameter_m"] == 8.0
    assert single.loc["node/51", "crown_diameter_m"] == DEFAULT_CROWN_DIAMETER_M
    assert single.loc["node/52", "height_m"] == 12.0
    row = trees[trees["from_row"]]
    assert len(row) >= 8 and set(row["osm_id"]) == {"way/114"}
    assert trees["tree_id"].is_unique


@needs_osmium
def test_pbf_network_is_noded_at_intersections_and_walkable_only() -> None:
    nodes, edges = split_network(read_network(PBF))
    ids = {i for v in edges["osm_id"] for i in v.split(";")}
    assert ids == {"way/100", "way/101", "way/102", "way/106", "way/107"}
    # 100, 106 and 102 meet at degree-2 nodes and are merged into one edge (simplified)
    assert len(edges) == 5 and len(nodes) == 6
    degree = np.bincount(np.r_[edges["u"], edges["v"]], minlength=len(nodes))
    assert sorted(degree.tolist()) == [1, 1, 1, 1, 3, 3]
    assert edges["length_m"].sum() == pytest.approx(6 * 400 + 50, abs=0.5)
    assert np.allclose(edges["length_m"], edges.length)
    assert set(edges["u"]) | set(edges["v"]) <= set(nodes["node_id"])
    ends = shapely.get_point(np.asarray(edges.geometry.array), 0)
    at = nodes.set_index("node_id").geometry.loc[edges["u"]].to_numpy()
    assert np.allclose(shapely.distance(ends, at), 0.0)


def test_walkability_rules() -> None:
    assert is_walkable({"highway": "cycleway"})
    assert not is_walkable({"highway": "cycleway", "foot": "use_sidepath"})
    assert not is_walkable({"highway": "motorway"})
    assert is_walkable({"highway": "motorway", "foot": "yes"})
    assert not is_walkable({"highway": "service", "access": "private"})
    assert is_walkable({"highway": "footway", "access": "private", "foot": "permissive"})
    assert not is_walkable({"leisure": "park"})


def test_geojson_network_shares_vertices_and_reopens_closed_exports(tmp_path: Path) -> None:
    a, b, c = [5.10, 52.08], [5.101, 52.08], [5.102, 52.08]
    d = [5.101, 52.081]
    open_as_polygon = {"type": "Feature", "properties": {"highway": "footway"},
                       "geometry": {"type": "Polygon", "coordinates": [[b, d, [5.101, 52.082], b]]}}
    path = collection(tmp_path, [line({"highway": "residential"}, [a, b, c]), open_as_polygon,
                                 line({"highway": "motorway"}, [a, d])])
    layer = read_network(path)
    nodes, edges = split_network(layer)
    assert len(edges) == 3  # a-b, b-c, and the footway b-d-... without its closing segment
    assert len(nodes) == 4  # b has degree 3: nothing to simplify
    assert any("closing segment dropped" in str(w) for w in layer.warnings)
    assert any("not walkable" in str(w) for w in layer.warnings)


def test_green_points_and_unknown_tags_are_reported(tmp_path: Path) -> None:
    square = [[5.10, 52.08], [5.101, 52.08], [5.101, 52.081], [5.10, 52.081], [5.10, 52.08]]
    path = collection(tmp_path, [
        {"type": "Feature", "properties": {"leisure": "park", "access": "private"},
         "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {"leisure": "park"},
         "geometry": {"type": "Point", "coordinates": [5.1, 52.08]}},
        {"type": "Feature", "properties": {"building": "yes"},
         "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {"landuse": "grass"}, "geometry": None}])
    layer = read_green(path)
    assert len(layer.frame) == 1 and not layer.frame["public"].iloc[0]
    text = " ".join(str(w) for w in layer.warnings)
    assert "points or lines" in text and "not green spaces" in text and "no geometry" in text


def test_geojson_in_rd_declared_as_wgs84_is_an_error(tmp_path: Path) -> None:
    path = collection(tmp_path, [line({"highway": "footway"}, [[136000, 455000],
                                                               [136100, 455000]])])
    with pytest.raises(InputError, match="not WGS84"):
        read_network(path)


@needs_shared
@pytest.mark.realdata
def test_real_osm_green_trees_and_cycleways() -> None:
    green = read_green(SHARED / "green" / "osm_groen_utrecht_stad.geojson").frame
    assert len(green) == 4000
    kinds = green["kind"].value_counts().to_dict()
    assert kinds["forest"] == 816 and kinds["meadow"] == 254 and kinds["garden"] == 100
    assert green["area_ha"].sum() == pytest.approx(1495, rel=0.01)
    assert int((green["area_ha"] >= 1).sum()) == pytest.approx(264, abs=3)
    trees = read_trees(SHARED / "green" / "osm_bomen_utrecht_stad.geojson").frame
    assert int((~trees["from_row"]).sum()) == 16_513
    nodes, edges = split_network(read_network(SHARED / "network" /
                                              "osm_fietspaden_utrecht_stad.geojson"))
    assert len(edges) > 3_000 and (edges["length_m"] > 0).all()
    assert set(edges["u"]) | set(edges["v"]) <= set(nodes["node_id"])
