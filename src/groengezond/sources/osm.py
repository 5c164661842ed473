"""OpenStreetMap: green spaces, trees and the walkable network, from .osm.pbf or GeoJSON.

Both inputs become one table of OSM features (tag columns, ``osm_id``, geometry in WGS84) that
the three readers classify:

- :func:`read_green`: parks, forest, nature, grass, sports, allotments, cemeteries, gardens ...
  with their public-access status (the ``access`` tag where present, else a documented default
  per kind, :data:`GREEN_KINDS`) and area in hectares;
- :func:`read_trees`: ``natural=tree`` points, and ``natural=tree_row`` lines sampled every
  :data:`TREE_ROW_SPACING_M` metres; crown diameter from ``diameter_crown`` or a default;
- :func:`read_network`: the walking network, read by :mod:`groengezond.sources.osm_network`
  (walkable ways, nodes at shared OSM nodes, simplified), as an :class:`OsmLayer`.

Some GeoJSON exporters write closed ways as polygons and close open ways by repeating the first
point; for linear features (highways, tree rows) the ring is read back as the way it was, and the
added closing segment is dropped when it is longer than :data:`ARTIFICIAL_CLOSE_SHARE` of the
ring (a warning counts them). Reading ``.osm.pbf`` needs pyosmium (``pip install osmium``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from groengezond.errors import Problem
from groengezond.region.schema import CRS
from groengezond.sources._io import Findings, polygonal, require_file, to_rd

GREEN_KINDS: dict[tuple[str, str], tuple[str, bool]] = {
    ("leisure", "park"): ("park", True),
    ("leisure", "dog_park"): ("park", True),
    ("leisure", "nature_reserve"): ("nature", True),
    ("leisure", "playground"): ("playground", True),
    ("leisure", "recreation_ground"): ("park", True),
    ("leisure", "garden"): ("garden", False),
    ("leisure", "pitch"): ("sports", False),
    ("leisure", "sports_centre"): ("sports", False),
    ("leisure", "golf_course"): ("sports", False),
    ("leisure", "track"): ("sports", False),
    ("leisure", "stadium"): ("sports", False),
    ("landuse", "recreation_ground"): ("park", True),
    ("landuse", "village_green"): ("park", True),
    ("landuse", "forest"): ("forest", True),
    ("landuse", "grass"): ("grass", True),
    ("landuse", "flowerbed"): ("grass", True),
    ("landuse", "meadow"): ("meadow", False),
    ("landuse", "allotments"): ("allotment", False),
    ("landuse", "cemetery"): ("cemetery", True),
    ("amenity", "grave_yard"): ("cemetery", True),
    ("natural", "wood"): ("forest", True),
    ("natural", "grassland"): ("nature", True),
    ("natural", "heath"): ("nature", True),
    ("natural", "scrub"): ("nature", True),
    ("natural", "wetland"): ("nature", True),
    ("landcover", "trees"): ("forest", True),
    ("landcover", "grass"): ("grass", True),
}
"""(key, value) -> (kind, public by default). Keys are tried in the order leisure, landuse,
amenity, natural, landcover, so that a park mapped on grass counts as a park. Defaults: parks,
forest, nature and cemeteries are open to all (cemeteries within opening hours); meadows
(farmland), allotments, sports grounds and gardens (often private in OSM) are not, unless the
``access`` tag says so."""

GREEN_KEYS = ("leisure", "landuse", "amenity", "natural", "landcover")
PUBLIC_ACCESS = frozenset({"yes", "permissive", "public", "designated"})
PRIVATE_ACCESS = frozenset({"private", "no", "customers", "members", "permit", "agricultural",
                            "forestry", "delivery", "military", "restricted"})
PUBLIC_GARDEN_TYPES = frozenset({"community", "botanical", "public"})

TREE_ROW_SPACING_M = 8.0
"""Distance (m) between the trees placed along a mapped tree row."""

DEFAULT_CROWN_DIAMETER_M = 6.0
"""Crown diameter (m) of a tree without ``diameter_crown``, genus or leaf type: a typical Dutch
street tree."""

MAX_CROWN_DIAMETER_M = 40.0
"""Largest plausible crown diameter (m); larger ``diameter_crown`` values are typing errors (cm,
or the stem's circumference). The widest Dutch trees (old plane trees, oaks) reach about 30 m."""

CROWN_DIAMETER_BY_GENUS_M: dict[str, float] = {
    "populus": 12.0, "platanus": 12.0, "quercus": 10.0, "fagus": 10.0, "fraxinus": 10.0,
    "ulmus": 10.0, "salix": 10.0, "aesculus": 10.0, "tilia": 8.0, "acer": 8.0,
    "robinia": 8.0, "gleditsia": 8.0, "alnus": 6.0, "betula": 6.0, "carpinus": 6.0,
    "pinus": 6.0, "prunus": 5.0, "malus": 5.0, "pyrus": 5.0, "sorbus": 5.0, "picea": 5.0,
    "crataegus": 4.0, "taxus": 3.0,
}
"""Crown diameter (m) of a tree without ``diameter_crown``, by genus (``genus`` tag, or the first
word of ``species``). Assumption: the typical crown of a mature urban tree of the genus, in the
range of the crown radii measured on urban trees of 40-60 cm stem diameter by Pretzsch et al.
(2015, *Urban Forestry & Urban Greening* 14: 466-479: plane, lime, maple, horse chestnut,
robinia) and following the Dutch size classes of nurseries and municipalities (large trees
of the "1e grootte" such as poplar and plane 10-12 m, "2e grootte" 6-8 m, "3e grootte" 3-5 m)."""

CROWN_DIAMETER_BY_LEAF_TYPE_M: dict[str, float] = {"broadleaved": 6.0, "needleleaved": 5.0}
"""Crown diameter (m) by OSM ``leaf_type`` when the genus is not known (assumption, as above:
conifers planted in Dutch towns are mostly narrow)."""

ARTIFICIAL_CLOSE_SHARE = 0.25
"""A ring whose closing segment is longer than this share of its length was an open way."""

NL_LONLAT = (2.5, 50.0, 7.6, 54.0)
"""Longitude/latitude box (degrees) around the Netherlands, for checking WGS84 input."""

TAG_KEYS = ("leisure", "landuse", "amenity", "natural", "landcover", "access", "garden:type",
            "name", "highway", "foot", "area", "diameter_crown", "height", "species", "genus",
            "leaf_type", "sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")


@dataclass(frozen=True)
class OsmLayer:
    """One layer read from OSM: the frame (RD New) and what was repaired or left out."""

    frame: gpd.GeoDataFrame
    source: str
    warnings: tuple[Problem, ...]


def read_features(path: Path, findings: Findings) -> gpd.GeoDataFrame:
    """OSM features of a ``.osm.pbf`` or GeoJSON as tag columns + ``osm_id`` + geometry (WGS84)."""
    path = require_file(Path(path), "OSM extract")
    if path.name.lower().endswith((".osm.pbf", ".pbf", ".osm")):
        return _read_pbf(path, findings)
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several types for a broken file
        findings.error("", "", f"cannot be read as GeoJSON ({exc})",
                       "export the layer again as GeoJSON or give an .osm.pbf extract")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    id_col = next((c for c in ("@id", "osm_id", "id", "full_id") if c in frame.columns), None)
    out = pd.DataFrame({k: (_tag_column(frame[k]) if k in frame.columns else None)
                        for k in TAG_KEYS}, index=range(len(frame)))
    out["osm_id"] = frame[id_col].astype(str).to_numpy() if id_col else \
        [f"feature/{i}" for i in range(len(frame))]
    result = gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=frame.crs)
    epsg = result.crs.to_epsg() if result.crs is not None else 4326
    if epsg != 4326:
        return to_rd(result, findings).to_crs("EPSG:4326")
    result = result.set_crs("EPSG:4326", allow_override=True)
    minx, miny, maxx, maxy = np.asarray(result.total_bounds, dtype=float)
    if len(result) and np.isfinite([minx, maxx]).all() and not (
            NL_LONLAT[0] <= minx and maxx <= NL_LONLAT[2] and NL_LONLAT[1] <= miny
            and maxy <= NL_LONLAT[3]):
        findings.error("", "geometry", f"coordinates ({minx:.6g}, {miny:.6g}, {maxx:.6g}, "
                       f"{maxy:.6g}) are not WGS84 longitude/latitude in the Netherlands",
                       "export the layer in EPSG:4326 (RFC 7946) or declare its CRS")
        findings.raise_if_errors()
    return result


def _tag_column(series: pd.Series) -> np.ndarray:
    """Tag values as str objects, None where missing."""
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    out = np.empty(len(values), dtype=object)
    out[~missing] = [str(v) for v in values[~missing]]
    out[missing] = None
    return out


def _read_pbf(path: Path, findings: Findings) -> gpd.GeoDataFrame:
    try:
        import osmium
    except ImportError as exc:
        findings.error("", "", "reading .osm.pbf needs pyosmium", "pip install osmium, or "
                       "give a GeoJSON export")
        findings.raise_if_errors()
        raise AssertionError("unreachable") from exc
    factory = osmium.geom.WKBFactory()
    records: list[dict[str, Any]] = []
    try:
        processor = osmium.FileProcessor(str(path)).with_locations().with_areas()
        for item in processor:
            obj: Any = item
            tags = {k: obj.tags.get(k) for k in TAG_KEYS if k in obj.tags}
            if not tags:
                continue
            try:
                if obj.is_node():
                    wkb, oid = factory.create_point(obj), f"node/{obj.id}"
                elif obj.is_area():
                    kind = "way" if obj.from_way() else "relation"
                    wkb, oid = factory.create_multipolygon(obj), f"{kind}/{obj.orig_id()}"
                elif obj.is_way() and ("highway" in tags or tags.get("natural") == "tree_row"):
                    wkb, oid = factory.create_linestring(obj), f"way/{obj.id}"
                else:
                    continue
            except (RuntimeError, osmium.InvalidLocationError) as exc:
                findings.warn(f"{type(obj).__name__.lower()} {obj.id}", "geometry",
                              f"cannot be built ({exc})", "left out")
                continue
            records.append({**tags, "osm_id": oid, "wkb": wkb})
    except RuntimeError as exc:
        findings.error("", "", f"cannot be read as OSM data ({exc})",
                       "download the extract again (the file may be cut off)")
        findings.raise_if_errors()
    frame = pd.DataFrame(records, columns=[*TAG_KEYS, "osm_id", "wkb"])
    geometry = shapely.from_wkb(frame["wkb"].to_numpy()) if len(frame) else []
    tags = frame.drop(columns="wkb").astype(object)
    return gpd.GeoDataFrame(tags.where(tags.notna(), None), geometry=geometry, crs="EPSG:4326")


def _is_extract(path: Path) -> bool:
    """A whole OSM extract (pbf) holds every kind of feature; a GeoJSON export one layer."""
    return Path(path).name.lower().endswith((".osm.pbf", ".pbf", ".osm"))


def _usable(features: gpd.GeoDataFrame, findings: Findings, what: str) -> gpd.GeoDataFrame:
    geoms = np.asarray(features.geometry.array, dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if bad.any():
        findings.warn(_ids(features, bad), "geometry",
                      f"{int(bad.sum())} {what} features have no geometry", "left out")
    return features[~bad]


def _ids(frame: pd.DataFrame, mask: Any) -> str:
    ids = frame.loc[np.asarray(mask, dtype=bool), "osm_id"].astype(str).tolist()
    return ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


def read_green(path: Path, *, source: str | None = None) -> OsmLayer:
    """Green spaces with kind, public access and area.

    Parameters
    ----------
    path : Path
        ``.osm.pbf`` or GeoJSON (WGS84, RFC 7946) of OSM features.
    source : str, optional
        Source text for the report.

    Returns
    -------
    OsmLayer
        ``green_id, kind, public, area_ha`` (ha), ``public_basis`` (the access tag or the
        default of the kind), ``name``, ``osm_id`` and polygon geometry in RD New.
    """
    findings = Findings(Path(path).name)
    features = _usable(read_features(Path(path), findings), findings, "green")
    kinds: list[str | None] = []
    publics: list[bool] = []
    basis: list[str] = []
    for row in features[[*GREEN_KEYS, "access", "garden:type"]].itertuples(index=False):
        tags = dict(zip((*GREEN_KEYS, "access", "garden:type"), row, strict=True))
        found = next((GREEN_KINDS[(k, str(tags[k]))] for k in GREEN_KEYS
                      if tags[k] is not None and (k, str(tags[k])) in GREEN_KINDS), None)
        if found is None:
            kinds.append(None)
            publics.append(False)
            basis.append("")
            continue
        kind, public = found
        access = str(tags["access"] or "").lower()
        if access in PUBLIC_ACCESS or access in PRIVATE_ACCESS:
            public, why = access in PUBLIC_ACCESS, f"access={access}"
        elif kind == "garden" and str(tags["garden:type"] or "") in PUBLIC_GARDEN_TYPES:
            public, why = True, f"garden:type={tags['garden:type']}"
        else:
            why = f"default for {kind}"
        kinds.append(kind)
        publics.append(public)
        basis.append(why)
    frame = features.assign(kind=kinds, public=publics, public_basis=basis)
    unknown = frame["kind"].isna().to_numpy()
    if unknown.any() and not _is_extract(Path(path)):
        findings.warn(_ids(frame, unknown), "tags", f"{int(unknown.sum())} features are not "
                      "green spaces (no known leisure/landuse/natural/landcover tag)",
                      "left out")
    frame = frame[~unknown]
    rd = frame.to_crs(CRS)
    geoms = np.asarray(rd.geometry.array, dtype=object)
    areal = np.isin(shapely.get_type_id(geoms), (3, 6))
    if (~areal).any():
        findings.warn(_ids(rd, ~areal), "geometry", f"{int((~areal).sum())} green features "
                      "are points or lines", "left out (green spaces need an area)")
    rd = rd[areal]
    geoms = np.asarray(rd.geometry.array, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        findings.warn(_ids(rd, invalid), "geometry",
                      f"{int(invalid.sum())} invalid polygons", "repaired with make_valid")
    geoms = polygonal(geoms)
    keep = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 0)
    out = gpd.GeoDataFrame({
        "green_id": np.arange(int(keep.sum()), dtype="int64"),
        "kind": rd["kind"].to_numpy()[keep].astype(str),
        "public": rd["public"].to_numpy()[keep].astype(bool),
        "area_ha": shapely.area(geoms[keep]) / 10_000.0,
        "public_basis": rd["public_basis"].to_numpy()[keep],
        "name": rd["name"].to_numpy()[keep],
        "osm_id": rd["osm_id"].to_numpy()[keep]}, geometry=geoms[keep], crs=CRS)
    return OsmLayer(out, source or Path(path).name, tuple(findings.warnings))


def _as_lines(frame: gpd.GeoDataFrame, findings: Findings, what: str) -> list[Any]:
    """Linear OSM ways as LineStrings (WGS84); rings of exported closed ways read back."""
    lines: list[Any] = []
    reopened = 0
    for geom, area in zip(frame.geometry, frame["area"], strict=True):
        if geom.geom_type in ("LineString", "LinearRing"):
            lines.append(shapely.LineString(geom.coords))
        elif geom.geom_type == "MultiLineString":
            lines.extend(shapely.get_parts(geom))
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            for poly in shapely.get_parts(geom):
                ring = np.asarray(poly.exterior.coords)
                if len(ring) < 3:
                    continue
                seg = np.hypot(*np.diff(ring, axis=0).T)
                if str(area) != "yes" and seg[-1] > ARTIFICIAL_CLOSE_SHARE * seg.sum():
                    ring = ring[:-1]
                    reopened += 1
                lines.append(shapely.LineString(ring))
        else:
            lines.append(None)
    if reopened:
        findings.warn("", "geometry", f"{reopened} {what} were exported as polygons closed by "
                      "an added segment", "read as the open ways they are (closing segment "
                      "dropped)")
    return lines


def read_trees(path: Path, *, source: str | None = None,
               row_spacing_m: float = TREE_ROW_SPACING_M) -> OsmLayer:
    """Trees as points: mapped trees, and trees placed along mapped tree rows.

    Parameters
    ----------
    path : Path
        ``.osm.pbf`` or GeoJSON of OSM features.
    source : str, optional
        Source text for the report.
    row_spacing_m : float
        Spacing (m) of the trees placed along a ``natural=tree_row``.

    Returns
    -------
    OsmLayer
        ``tree_id, crown_diameter_m`` (m), ``crown_source`` (``diameter_crown``, else the
        default by ``genus`` (:data:`CROWN_DIAMETER_BY_GENUS_M`), by ``leaf_type``
        (:data:`CROWN_DIAMETER_BY_LEAF_TYPE_M`) or the overall ``default``), ``height_m``
        (m, NaN when not tagged), ``species``, ``from_row``
        (placed along a tree row), ``osm_id`` and point geometry in RD New.
    """
    findings = Findings(Path(path).name)
    features = _usable(read_features(Path(path), findings), findings, "tree")
    natural = features["natural"].astype(str)
    points = features[(natural == "tree") & (features.geom_type == "Point")]
    rows = features[natural == "tree_row"]
    other = len(features) - len(points) - len(rows)
    if other and not _is_extract(Path(path)):
        findings.warn("", "natural", f"{other} features are neither trees (points) nor tree "
                      "rows", "left out")
    to_rd_t = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    px, py = to_rd_t.transform(points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    xs, ys, origin = [np.asarray(px)], [np.asarray(py)], [np.arange(len(points))]
    row_lines = _as_lines(rows, findings, "tree rows")
    for i, line in enumerate(row_lines):
        if line is None:
            continue
        lx, ly = to_rd_t.transform(*np.asarray(line.coords).T)
        rd_line = shapely.LineString(np.column_stack([lx, ly]))
        n = max(round(rd_line.length / row_spacing_m), 1) + 1
        placed = shapely.line_interpolate_point(rd_line, np.linspace(0.0, 1.0, n),
                                                normalized=True)
        xs.append(shapely.get_x(placed))
        ys.append(shapely.get_y(placed))
        origin.append(np.full(n, len(points) + i))
    source_rows = pd.concat([points, rows], ignore_index=True)
    index = np.concatenate(origin).astype(int)
    picked = source_rows.iloc[index].reset_index(drop=True)
    crown, crown_bad = _numbers(picked["diameter_crown"])
    height, height_bad = _numbers(picked["height"])
    if crown_bad or height_bad:
        findings.warn("", "diameter_crown/height", f"{crown_bad + height_bad} tag values are not "
                      "numbers in metres", "treated as not tagged")
    implausible = crown > MAX_CROWN_DIAMETER_M
    if implausible.any():
        findings.warn(_ids(picked, implausible), "diameter_crown",
                      f"{int(implausible.sum())} crown diameters exceed "
                      f"{MAX_CROWN_DIAMETER_M:g} m", "treated as not tagged")
    known = ~np.isnan(crown) & (crown > 0) & ~implausible
    default, basis = _crown_defaults(picked)
    out = gpd.GeoDataFrame({
        "tree_id": np.arange(len(picked), dtype="int64"),
        "crown_diameter_m": np.where(known, crown, default),
        "crown_source": np.where(known, "diameter_crown", basis),
        "height_m": height,
        "species": picked["species"].to_numpy(),
        "from_row": index >= len(points),
        "osm_id": picked["osm_id"].to_numpy()},
        geometry=shapely.points(np.concatenate(xs), np.concatenate(ys)), crs=CRS)
    return OsmLayer(out, source or Path(path).name, tuple(findings.warnings))


def _crown_defaults(trees: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Default crown diameter (m) per tree and its basis (``genus``, ``leaf_type``, ``default``)."""
    genus = trees["genus"].astype("string").str.strip().str.lower()
    from_species = trees["species"].astype("string").str.strip().str.split().str[0].str.lower()
    genus = genus.fillna(from_species)
    by_genus = genus.map(CROWN_DIAMETER_BY_GENUS_M).to_numpy(dtype=float, na_value=np.nan)
    leaf = trees["leaf_type"].astype("string").str.strip().str.lower()
    by_leaf = leaf.map(CROWN_DIAMETER_BY_LEAF_TYPE_M).to_numpy(dtype=float, na_value=np.nan)
    has_genus, has_leaf = np.isfinite(by_genus), np.isfinite(by_leaf)
    value = np.where(has_genus, by_genus, np.where(has_leaf, by_leaf, DEFAULT_CROWN_DIAMETER_M))
    basis = np.where(has_genus, "genus", np.where(has_leaf, "leaf_type", "default"))
    return value, basis


def _numbers(values: pd.Series) -> tuple[np.ndarray, int]:
    """Tag values like '12', '6.5 m' or '12m' as floats (NaN otherwise), and the bad count."""
    text = values.astype("string").str.strip().str.replace(r"\s*m$", "", regex=True)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = int((numbers.isna() & values.notna()).sum())
    return numbers.to_numpy(dtype=float, na_value=np.nan), bad


def is_walkable(tags: dict[str, Any]) -> bool:
    """Whether pedestrians may use a way (:func:`groengezond.sources.osm_network.walk_rule`)."""
    from groengezond.sources.osm_network import is_walkable as rule

    return rule(tags)


def read_network(path: Path, *, source: str | None = None) -> OsmLayer:
    """The walkable network, as :func:`groengezond.sources.osm_network.read_network` reads it.

    Returns
    -------
    OsmLayer
        ``frame`` holds the edges (``edge_id, u, v, length_m`` (m), ``highway``, ``name``,
        ``osm_id``, LineString geometry in RD New); the nodes are in ``frame.attrs["nodes"]``.
        Use :func:`split_network`.
    """
    from groengezond.sources.osm_network import read_network as read

    layer = read(path, source=source)
    edges = layer.edges
    edges.attrs["nodes"] = layer.nodes
    return OsmLayer(edges, layer.source, layer.warnings)


def split_network(layer: OsmLayer) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(nodes, edges) of a layer returned by :func:`read_network`."""
    nodes: gpd.GeoDataFrame = layer.frame.attrs["nodes"]
    edges = gpd.GeoDataFrame(layer.frame, geometry="geometry", crs=CRS)
    edges.attrs = {}
    return nodes, edges
