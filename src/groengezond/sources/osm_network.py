"""The walking network from OpenStreetMap (.osm.pbf, GeoJSON), an osmnx GraphML or a GeoPackage.

:func:`read_network` keeps the ways pedestrians may use (:func:`walk_rule`), builds the
topology from shared nodes (:func:`~groengezond.sources.network_topology.build_topology`) and
merges the edges through nodes of degree 2
(:func:`~groengezond.sources.network_topology.simplify`), keeping every geometry and length.
It reports, as warnings, what it left out (per reason) and how much of the network is one
connected piece.

Inputs:

- ``.osm.pbf`` / ``.osm`` (read with pyosmium, ``pip install osmium``): ways tagged
  ``highway``; topology from shared OSM node ids. Vertices whose node is not in the extract
  (ways cut at the edge of an extract) split the way there.
- GeoJSON of OSM ways (an Overpass or QGIS export): topology from vertices at the same
  coordinates (1e-7 degree), as OSM nodes are stored.
- GeoPackage (``.gpkg``) of edges (lines, any CRS): topology from coincident *end points*
  (within :data:`ENDPOINT_TOLERANCE_M`); a ``highway`` column, when present, is filtered with
  the same rules.
- osmnx GraphML (``.graphml``): nodes with ``x``/``y``, edges with optional ``geometry`` (WKT)
  and ``highway``; the two directions osmnx stores for a street become one edge. Parsed with
  the standard library (networkx is not needed).

Lengths are the lengths of the edge geometries in the target CRS (RD New by default).
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse.csgraph import connected_components

from groengezond.errors import Problem
from groengezond.network import build_csr
from groengezond.region.schema import CRS
from groengezond.sources._io import Findings, require_file
from groengezond.sources.network_topology import Topology, build_topology, simplify

WALKABLE_HIGHWAYS = frozenset({
    "footway", "path", "pedestrian", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "track", "steps", "cycleway", "bridleway", "corridor", "road", "platform", "elevator",
    "crossing", "sidewalk"})
"""Highway types pedestrians may use unless tagged otherwise. Cycleways count: Dutch traffic
law lets pedestrians use the cycle path where there is no footway (RVV 1990, art. 4); a
separate footway is tagged ``foot=use_sidepath`` or ``foot=no`` on the cycleway. Footway
sub-tags (``footway=sidewalk``, ``footway=crossing``) are footways."""

SIDEWALK_ONLY_HIGHWAYS = frozenset({"trunk", "trunk_link"})
"""Roads pedestrians may walk only where a sidewalk is tagged (or ``foot=yes``): in the
Netherlands an *autoweg* (mostly ``trunk``) is closed to pedestrians (RVV 1990, art. 43)."""

MOTORWAYS = frozenset({"motorway", "motorway_link"})
"""Walked only with an explicit ``foot=yes`` (RVV 1990, art. 43: no pedestrians)."""

NEVER_HIGHWAYS = frozenset({"construction", "proposed", "abandoned", "disused", "raceway",
                            "bus_guideway", "busway", "escape", "razed"})
"""Highway types never walked, whatever the ``foot`` tag (it describes the way to come)."""

NO_FOOT = frozenset({"no", "private", "use_sidepath", "discouraged"})
YES_FOOT = frozenset({"yes", "designated", "permissive", "official", "destination"})
PRIVATE_ACCESS = frozenset({"private", "no", "customers", "members", "permit", "agricultural",
                            "forestry", "delivery", "military", "restricted"})
SIDEWALK_YES = frozenset({"both", "left", "right", "yes"})
"""Sidewalk values that open a trunk road to pedestrians (``separate``: the sidewalk is its own
way, walked there)."""

WAY_TAGS = ("highway", "foot", "access", "sidewalk", "sidewalk:both", "sidewalk:left",
            "sidewalk:right", "area", "name")
"""Tags of a way the walking rules and the edge table use."""

COORD_SCALE = 1e7
"""OSM stores coordinates to 1e-7 degree; GeoJSON vertices are matched at that precision."""

ENDPOINT_TOLERANCE_M = 0.01
"""End points of GeoPackage edges closer than this (m, on a grid) are one node."""

MAIN_COMPONENT_WARN_SHARE = 0.95
"""Below this share of nodes in the largest connected piece, :func:`read_network` warns."""


def walk_rule(tags: dict[str, Any]) -> str:
    """Why a way is or is not walkable: ``"walk"`` or the reason it is left out.

    Rules, in order: no ``highway`` tag → ``no highway``; roads under construction, proposed,
    abandoned, raceways and the like → ``highway=<value>``; ``foot=yes/designated/
    permissive/destination`` → walkable (a motorway with ``foot=yes`` too); ``foot=no/
    use_sidepath/private/discouraged`` → ``foot=<value>``; motorways → ``highway=<value>``;
    trunk roads → walkable only with a sidewalk tag;
    ``access=private/no/...`` → ``access=<value>``; other highway types not in
    :data:`WALKABLE_HIGHWAYS` → ``highway=<value>``. Area pedestrian squares (``area=yes``)
    are walked along their outline.
    """
    highway = str(tags.get("highway") or "")
    if not highway:
        return "no highway"
    if highway in NEVER_HIGHWAYS:
        return f"highway={highway}"
    foot = str(tags.get("foot") or "").lower()
    if foot in YES_FOOT:
        return "walk"
    if foot in NO_FOOT:
        return f"foot={foot}"
    if highway in MOTORWAYS:
        return f"highway={highway}"
    access = str(tags.get("access") or "").lower()
    if access in PRIVATE_ACCESS:
        return f"access={access}"
    if highway in SIDEWALK_ONLY_HIGHWAYS:
        sides = (str(tags.get(k) or "").lower() for k in
                 ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"))
        return "walk" if any(s in SIDEWALK_YES for s in sides) else f"highway={highway}"
    return "walk" if highway in WALKABLE_HIGHWAYS else f"highway={highway}"


def is_walkable(tags: dict[str, Any]) -> bool:
    """Whether pedestrians may use a way, from its highway, foot, access and sidewalk tags."""
    return walk_rule(tags) == "walk"


@dataclass(frozen=True)
class NetworkLayer:
    """A walking network read from a file: node and edge tables (target CRS) and warnings.

    ``edges`` has ``edge_id, u, v, length_m`` (m), ``highway``, ``name`` and ``osm_id`` (the
    ways an edge is made of, ``;``-separated) and LineString geometry; ``nodes`` has
    ``node_id`` and Point geometry. ``main_component_share`` is the share of nodes in the
    largest connected piece.
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    source: str
    warnings: tuple[Problem, ...]
    main_component_share: float
    n_components: int


@dataclass
class _Ways:
    """Vertices of the walkable parts: reference, lon/lat or x/y, part; attributes per part."""

    ref: np.ndarray
    xy: np.ndarray
    part: np.ndarray
    highway: list[Any]
    name: list[Any]
    osm_id: list[str]


def _rules_warning(findings: Findings, reasons: Counter[str]) -> None:
    dropped = {k: n for k, n in reasons.items() if k not in ("walk", "no highway")}
    if dropped:
        text = ", ".join(f"{k}: {n}" for k, n in sorted(dropped.items(), key=lambda kv: -kv[1]))
        findings.warn("", "highway/foot/access", f"{sum(dropped.values())} ways are not "
                      f"walkable ({text})", "left out of the walking network")


def _read_pbf_ways(path: Path, findings: Findings) -> _Ways:
    try:
        import osmium
    except ImportError as exc:
        findings.error("", "", "reading .osm.pbf needs pyosmium", "pip install osmium, or "
                       "give a GeoJSON export")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    parts: list[int] = []
    highway: list[Any] = []
    name: list[Any] = []
    osm_id: list[str] = []
    reasons: Counter[str] = Counter()
    cut = 0
    try:
        processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                     .with_locations()
                     .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                     .with_filter(osmium.filter.KeyFilter("highway")))
        for item in processor:
            way: Any = item
            tags = {k: way.tags.get(k) for k in WAY_TAGS}
            rule = walk_rule(tags)
            reasons[rule] += 1
            if rule != "walk":
                continue
            started = False
            for nd in way.nodes:
                loc = nd.location
                if not loc.valid():
                    started = False
                    cut += 1
                    continue
                if not started:
                    highway.append(tags["highway"])
                    name.append(tags["name"])
                    osm_id.append(f"way/{way.id}")
                    started = True
                refs.append(nd.ref)
                lons.append(loc.lon)
                lats.append(loc.lat)
                parts.append(len(osm_id) - 1)
    except RuntimeError as exc:
        findings.error("", "", f"cannot be read as OSM data ({exc})",
                       "download the extract again (the file may be cut off)")
        findings.raise_if_errors()
    _rules_warning(findings, reasons)
    if cut:
        findings.warn("", "nodes", f"{cut} way vertices refer to nodes missing from the "
                      "extract", "ways split there (an extract cut at its edge)")
    return _Ways(np.asarray(refs, dtype=np.int64), np.column_stack([lons, lats]) if refs
                 else np.zeros((0, 2)), np.asarray(parts, dtype=np.int64), highway, name,
                 osm_id)


def _read_geojson_ways(path: Path, findings: Findings) -> _Ways:
    from groengezond.sources.osm import _as_lines, read_features

    features = read_features(path, findings)
    geoms = np.asarray(features.geometry.array, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if bad.any():
        findings.warn("", "geometry", f"{int(bad.sum())} network features have no geometry",
                      "left out")
    features = features[~bad].reset_index(drop=True)
    tags = features.reindex(columns=list(WAY_TAGS)).astype(object)
    tags = tags.where(tags.notna(), None).to_dict("records")
    rules = [walk_rule(t) for t in tags]
    reasons = Counter(r if r != "no highway" else "no highway tag" for r in rules)
    _rules_warning(findings, reasons)
    walk = np.asarray([r == "walk" for r in rules], dtype=bool)
    ways = features[walk].reset_index(drop=True)
    lines = _as_lines(ways, findings, "ways")
    xy_list: list[np.ndarray] = []
    part_list: list[np.ndarray] = []
    keep_idx: list[int] = []
    for i, line in enumerate(lines):
        if line is None:
            continue
        xy = shapely.get_coordinates(line)
        xy_list.append(xy)
        part_list.append(np.full(len(xy), len(keep_idx)))
        keep_idx.append(i)
    xy = np.concatenate(xy_list) if xy_list else np.zeros((0, 2))
    keys = np.round(xy * COORD_SCALE).astype(np.int64)
    _, ref = np.unique(keys, axis=0, return_inverse=True)
    return _Ways(ref.reshape(-1).astype(np.int64), xy,
                 np.concatenate(part_list) if part_list else np.zeros(0, np.int64),
                 [ways["highway"].iloc[i] for i in keep_idx],
                 [ways["name"].iloc[i] for i in keep_idx],
                 [str(ways["osm_id"].iloc[i]) for i in keep_idx])


def _endpoint_refs(lines: Iterable[Any], scale: float) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    """(ref, xy, part) of lines whose *end points* join when on the same grid cell."""
    geoms = np.asarray(list(lines), dtype=object)
    xy, part = shapely.get_coordinates(geoms, return_index=True)
    first = np.r_[True, part[1:] != part[:-1]]
    last = np.r_[part[1:] != part[:-1], True]
    end = first | last
    keys = np.round(xy[end] / scale).astype(np.int64)
    _, inv = np.unique(keys, axis=0, return_inverse=True)
    ref = np.empty(len(xy), dtype=np.int64)
    ref[end] = inv.reshape(-1)
    ref[~end] = int(inv.max(initial=-1)) + 1 + np.arange(int((~end).sum()))
    return ref, xy, part.astype(np.int64)


def _read_gpkg_edges(path: Path, findings: Findings, crs: str) -> tuple[_Ways, bool]:
    import pyogrio

    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    layer = "edges" if "edges" in layers else layers[0] if layers else None
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several types for a broken file
        findings.error("", "", f"cannot be read as a GeoPackage ({exc})",
                       "export the edges again as a GeoPackage of lines")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    if frame.crs is None:
        findings.error("", "geometry", "the layer has no CRS", "declare the layer's CRS")
        findings.raise_if_errors()
    frame = frame.to_crs(crs)
    parts = shapely.get_parts(np.asarray(frame.geometry.array, dtype=object), return_index=True)
    geoms, owner = parts
    is_line = shapely.get_type_id(geoms) == 1
    if (~is_line).any():
        findings.warn("", "geometry", f"{int((~is_line).sum())} features are not lines",
                      "left out")
    geoms, owner = geoms[is_line], owner[is_line]
    if "highway" in frame.columns:
        cols = [c for c in WAY_TAGS if c in frame.columns]
        tags = frame[cols].astype(object).where(frame[cols].notna(), None)
        rules = [walk_rule({k: _first(v) for k, v in t.items()})
                 for t in tags.to_dict("records")]
        _rules_warning(findings, Counter(rules))
        ok = np.asarray([r == "walk" for r in rules], dtype=bool)[owner]
        geoms, owner = geoms[ok], owner[ok]
    ref, xy, part = _endpoint_refs(geoms, ENDPOINT_TOLERANCE_M)

    def col(c: str) -> list[Any]:
        return frame[c].to_numpy()[owner].tolist() if c in frame.columns else [None] * len(owner)

    ids = frame["osmid"] if "osmid" in frame.columns else pd.Series(
        [f"feature/{i}" for i in range(len(frame))])
    return _Ways(ref, xy, part, [_first(h) for h in col("highway")], col("name"),
                 [str(ids.iloc[i]) for i in owner.tolist()]), True


def _first(value: Any) -> Any:
    """The first of an osmnx list value (``"['footway', 'path']"``), else the value."""
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        return parsed[0] if isinstance(parsed, list) and parsed else value
    return value


def _read_graphml(path: Path, findings: Findings, crs: str) -> _Ways:
    """An osmnx GraphML: nodes (x, y) and edges (geometry WKT or straight), both directions
    of a street made one."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        findings.error("", "", f"cannot be read as GraphML ({exc})",
                       "save the graph again with osmnx.save_graphml")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    ns = {"g": root.tag[1:root.tag.index("}")]} if root.tag.startswith("{") else {}
    q = (lambda t: f"g:{t}") if ns else (lambda t: t)
    keys = {k.get("id"): k.get("attr.name") for k in root.findall(q("key"), ns)}
    graph = root.find(q("graph"), ns)
    if graph is None:
        findings.error("", "", "has no <graph>", "save the graph with osmnx.save_graphml")
        findings.raise_if_errors()
        raise AssertionError("unreachable")

    def data(el: ET.Element) -> dict[str, str]:
        return {str(keys.get(d.get("key"), d.get("key"))): d.text or ""
                for d in el.findall(q("data"), ns)}

    source_crs = data(graph).get("crs", "epsg:4326")
    nodes: dict[str, tuple[float, float]] = {}
    for el in graph.findall(q("node"), ns):
        d = data(el)
        try:
            nodes[str(el.get("id"))] = (float(d["x"]), float(d["y"]))
        except (KeyError, ValueError):
            findings.error(f"node {el.get('id')}", "x/y", "has no coordinates",
                           "give every node x and y")
    findings.raise_if_errors()
    lines, highway, name, osm_id, seen = [], [], [], [], set()
    for el in graph.findall(q("edge"), ns):
        a, b, d = str(el.get("source")), str(el.get("target")), data(el)
        if a not in nodes or b not in nodes:
            findings.error(f"edge {a}-{b}", "source/target", "refers to a node that is not "
                           "in the file", "give edges between nodes of the graph")
            continue
        rule = walk_rule({"highway": _first(d.get("highway")) or "path", **{
            k: _first(d.get(k)) for k in ("foot", "access") if k in d}})
        if rule != "walk":
            continue
        geom = shapely.from_wkt(d["geometry"]) if d.get("geometry") else shapely.LineString(
            [nodes[a], nodes[b]])
        key = (min(a, b), max(a, b), round(float(shapely.length(geom)), 9))
        if key in seen:
            continue
        seen.add(key)
        lines.append(geom)
        highway.append(_first(d.get("highway")))
        name.append(_first(d.get("name")))
        osm_id.append(f"way/{_first(d.get('osmid'))}" if d.get("osmid") else f"edge/{a}-{b}")
    findings.raise_if_errors()
    xy, part = shapely.get_coordinates(np.asarray(lines, dtype=object), return_index=True) \
        if lines else (np.zeros((0, 2)), np.zeros(0, np.int64))
    tx, ty = Transformer.from_crs(source_crs, crs, always_xy=True).transform(xy[:, 0],
                                                                            xy[:, 1])
    xy = np.column_stack([tx, ty])
    ref, _, _ = _endpoint_refs(shapely.linestrings(xy, indices=part), ENDPOINT_TOLERANCE_M) \
        if len(xy) else (np.zeros(0, np.int64), xy, part)
    return _Ways(ref, xy, np.asarray(part, dtype=np.int64), highway, name, osm_id)


def _components(n_nodes: int, u: np.ndarray, v: np.ndarray) -> tuple[int, float]:
    if n_nodes == 0:
        return 0, float("nan")
    graph = build_csr(n_nodes, u, v, np.ones(len(u)))
    n, labels = connected_components(graph, directed=False)
    return int(n), float(np.bincount(labels).max() / n_nodes)


def read_network(path: Path, *, source: str | None = None, crs: str = CRS,
                 simplified: bool = True) -> NetworkLayer:
    """The walking network of a file: walkable ways, noded at shared nodes, simplified.

    Parameters
    ----------
    path : Path
        ``.osm.pbf``/``.osm``, GeoJSON of OSM ways, ``.gpkg`` of edges or osmnx ``.graphml``.
    source : str, optional
        Source text for the report.
    crs : str
        Target CRS (projected, metres); RD New by default.
    simplified : bool
        Merge the edges through nodes of degree 2 (:func:`simplify`).

    Returns
    -------
    NetworkLayer
    """
    path = require_file(Path(path), "walking network")
    findings = Findings(path.name)
    lower = path.name.lower()
    projected = False
    if lower.endswith((".osm.pbf", ".pbf", ".osm")):
        ways = _read_pbf_ways(path, findings)
    elif lower.endswith(".gpkg"):
        ways, projected = _read_gpkg_edges(path, findings, crs)
    elif lower.endswith(".graphml"):
        ways, projected = _read_graphml(path, findings, crs), True
    else:
        ways = _read_geojson_ways(path, findings)
    xy = ways.xy
    if not projected and len(xy):
        tx, ty = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(xy[:, 0],
                                                                                 xy[:, 1])
        xy = np.column_stack([tx, ty])
    topo = build_topology(ways.ref, xy, ways.part)
    if topo.degenerate:
        findings.warn("", "geometry", f"{topo.degenerate} ways (or pieces of ways cut at the "
                      "edge of the extract) have fewer than two distinct points", "left out")
    if simplified:
        topo = simplify(topo)
    nodes, edges = _frames(topo, ways, crs)
    n_comp, share = _components(topo.n_nodes, topo.edge_u, topo.edge_v)
    if n_comp > 1 and share < MAIN_COMPONENT_WARN_SHARE:
        findings.warn("", "network", f"the network is in {n_comp:,} pieces; the largest holds "
                      f"{100 * share:.1f} % of the nodes", "kept as it is: homes outside the "
                      "largest piece may reach no green (see 'groengezond validate')")
    return NetworkLayer(nodes, edges, source or path.name, tuple(findings.warnings), share,
                        n_comp)


def _join(values: Iterable[Any]) -> Any:
    seen = list(dict.fromkeys(str(v) for v in values if v is not None and v == v))
    return ";".join(seen) if seen else None


def _frames(topo: Topology, ways: _Ways, crs: str) -> tuple[gpd.GeoDataFrame,
                                                           gpd.GeoDataFrame]:
    single = all(len(p) == 1 for p in topo.parts)
    if single:
        idx = np.asarray([int(p[0]) for p in topo.parts], dtype=np.int64)
        highway = [ways.highway[i] for i in idx.tolist()]
        name = [ways.name[i] for i in idx.tolist()]
        osm_id = [ways.osm_id[i] for i in idx.tolist()]
    else:
        highway = [_join(ways.highway[i] for i in p.tolist()) for p in topo.parts]
        name = [_join(ways.name[i] for i in p.tolist()) for p in topo.parts]
        osm_id = [_join(ways.osm_id[i] for i in p.tolist()) for p in topo.parts]
    edges = gpd.GeoDataFrame({
        "edge_id": np.arange(topo.n_edges, dtype="int64"),
        "u": topo.edge_u.astype("int64"), "v": topo.edge_v.astype("int64"),
        "length_m": topo.length_m.astype(float),
        "highway": pd.array(highway, dtype=object), "name": pd.array(name, dtype=object),
        "osm_id": pd.array(osm_id, dtype=object)},
        geometry=gpd.GeoSeries(topo.geometry, crs=crs), crs=crs)
    nodes = gpd.GeoDataFrame({"node_id": np.arange(topo.n_nodes, dtype="int64")},
                             geometry=gpd.GeoSeries(shapely.points(topo.node_xy), crs=crs),
                             crs=crs)
    return nodes, edges
