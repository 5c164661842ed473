"""Validation of a region's layers: every problem named with file, row, field and fix.

:func:`check_layers` runs every rule and returns the list of :class:`~groengezond.errors.Problem`
found; :func:`groengezond.region.store.read_region` raises them as one ``InputError``. Rules:

- the CRS of every layer is EPSG:28992;
- key columns are present, of the right type, not missing where required, not below their
  minimum (e.g. negative residents), and keys are unique (e.g. duplicate area codes);
- geometries are present, valid, not empty and of the layer's geometry type;
- the area hierarchy is consistent (levels, parents one level up, children inside parents);
- every address lies inside a buurt, and inside the buurt it names;
- network edges point to existing nodes;
- indicator rows refer to existing areas and their interval holds the value;
- the land-cover raster covers the areas.

:func:`network_warnings` measures the walking network against the homes (components,
snapping distances, residents with no route to green; :mod:`groengezond.network_quality`)
and returns *warnings*: problems that do not make the region invalid, but make its network
distances unfit to publish (``groengezond validate`` prints them and still exits 0).

:func:`quality_warnings` is not a rule: it words the non-real layer quality records of a valid
region as warnings (``validate`` prints them; they never make a region invalid).

Each rule reports at most :data:`MAX_ROWS_PER_RULE` rows by name and counts the rest, so that a
file with a million bad rows still gives a readable message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import shapely
from pandas.api import types as ptypes

from groengezond.errors import Problem
from groengezond.region.model import Landcover, Region, RegionMeta
from groengezond.region.quality import ORDER, LayerQuality
from groengezond.region.schema import CRS, LAYER_BY_NAME, LEVELS, Column, Layer

MAX_ROWS_PER_RULE = 20
"""Rows named per rule and file; the rest are counted in one extra problem."""

CONTAINMENT_TOLERANCE_M = 1.0
"""A child area may stick out of its parent by this much (m) before it counts as outside."""


def _where(frame: pd.DataFrame, layer: Layer, pos: int) -> str:
    label = f"row {pos}"
    if layer.key and layer.key in frame.columns:
        label += f" ({layer.key} {frame[layer.key].iloc[pos]})"
    return label


def _rows(
    frame: pd.DataFrame,
    layer: Layer,
    mask: Iterable[bool] | np.ndarray,
    field: str,
    problem: str,
    fix: str,
) -> list[Problem]:
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    out = [
        Problem(layer.file, _where(frame, layer, int(p)), field, problem, fix)
        for p in positions[:MAX_ROWS_PER_RULE]
    ]
    if len(positions) > MAX_ROWS_PER_RULE:
        out.append(Problem(layer.file, f"{len(positions) - MAX_ROWS_PER_RULE} more rows", field,
                           problem, fix))
    return out


def _kind_ok(series: pd.Series, column: Column) -> bool:
    values = series.dropna()
    if column.kind == "str":
        return bool(ptypes.is_string_dtype(series) or ptypes.is_object_dtype(series)) and bool(
            values.map(lambda v: isinstance(v, str)).all()
        )
    if column.kind == "int":
        return bool(ptypes.is_integer_dtype(series)) or (
            len(values) == 0 and not ptypes.is_string_dtype(series)
        )
    if column.kind == "float":
        return bool(ptypes.is_numeric_dtype(series) and not ptypes.is_bool_dtype(series))
    return bool(ptypes.is_bool_dtype(series))


def check_columns(frame: pd.DataFrame, layer: Layer) -> list[Problem]:
    """Check presence, type, missing values, minimum and uniqueness of the key columns."""
    problems: list[Problem] = []
    for column in layer.columns:
        if column.name not in frame.columns:
            if not column.required:
                continue
            problems.append(Problem(layer.file, "", column.name, "column is missing",
                                    f"add column '{column.name}' ({column.kind}: "
                                    f"{column.description or column.name})"))
            continue
        series = frame[column.name]
        if not _kind_ok(series, column):
            problems.append(Problem(layer.file, "", column.name,
                                    f"has type {series.dtype}, expected {column.kind}",
                                    f"store '{column.name}' as {column.kind} values"))
            continue
        if not column.nullable:
            problems += _rows(frame, layer, series.isna().to_numpy(), column.name,
                              "value is missing", "give a value")
        if column.minimum is not None:
            low = (series < column.minimum).fillna(False).to_numpy()
            problems += _rows(frame, layer, low, column.name,
                              f"value is below {column.minimum:g}",
                              f"give a value of at least {column.minimum:g}")
    if layer.key and layer.key in frame.columns:
        dup = frame[layer.key].duplicated(keep="first").to_numpy()
        problems += _rows(frame, layer, dup, layer.key, "duplicates an earlier row's key",
                          f"give every row a unique '{layer.key}'")
    return problems


def check_geometry(frame: pd.DataFrame, layer: Layer) -> list[Problem]:
    """Check CRS, presence, validity, emptiness and type of the geometries of a layer."""
    if not layer.is_spatial:
        return []
    if "geometry" not in frame.columns or not hasattr(frame, "crs"):
        return [Problem(layer.file, "", "geometry", "has no geometry column",
                        "write the layer as GeoParquet with a geometry column")]
    problems: list[Problem] = []
    crs = frame.crs
    if crs is None or crs.to_epsg() != 28992:
        problems.append(Problem(layer.file, "", "geometry", f"CRS is {crs}",
                                f"reproject to {CRS} (RD New)"))
    geoms = np.asarray(frame.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms)
    empty = shapely.is_empty(geoms) & ~missing
    problems += _rows(frame, layer, missing, "geometry", "geometry is missing", "give a geometry")
    problems += _rows(frame, layer, empty, "geometry", "geometry is empty",
                      "give a non-empty geometry or drop the row")
    present = ~(missing | empty)
    invalid = present & ~shapely.is_valid(geoms)
    problems += _rows(frame, layer, invalid, "geometry", "geometry is invalid",
                      "repair it (e.g. shapely.make_valid)")
    kinds = shapely.get_type_id(geoms)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                      "MultiLineString", "MultiPolygon", "GeometryCollection"])
    kind_names = np.where(kinds >= 0, names[np.clip(kinds, 0, 7)], "None")
    wrong = present & ~np.isin(kind_names, list(layer.geometry))
    problems += _rows(frame, layer, wrong, "geometry", "geometry has the wrong type",
                      f"give a {' or '.join(layer.geometry)}")
    return problems


def check_hierarchy(areas: pd.DataFrame) -> list[Problem]:
    """Check levels, parents and that each child lies inside its parent."""
    layer = LAYER_BY_NAME["areas"]
    if not {"code", "level", "parent"} <= set(areas.columns):
        return []
    problems: list[Problem] = []
    level = areas["level"].astype(object)
    bad_level = ~level.isin(LEVELS).to_numpy()
    problems += _rows(areas, layer, bad_level, "level", "unknown level",
                      f"use one of {', '.join(LEVELS)}")
    rank = {name: i for i, name in enumerate(LEVELS)}
    by_code = areas.drop_duplicates("code").set_index("code")
    parent = areas["parent"]
    is_top = (level == "region").to_numpy()
    has_parent = parent.notna().to_numpy()
    problems += _rows(areas, layer, is_top & has_parent, "parent",
                      "a region-level area has a parent", "leave 'parent' empty for the region")
    needs = ~is_top & ~bad_level
    problems += _rows(areas, layer, needs & ~has_parent, "parent", "parent is missing",
                      "give the code of the area one level up")
    known = parent.isin(by_code.index).to_numpy()
    problems += _rows(areas, layer, needs & has_parent & ~known, "parent",
                      "parent code is not an area in this file", "give an existing parent code")
    linked = needs & has_parent & known
    if linked.any():
        parent_level = by_code.loc[parent[linked], "level"].to_numpy()
        own_rank = level[linked].map(rank).to_numpy()
        par_rank = pd.Series(parent_level).map(rank).to_numpy()
        wrong_rank = np.zeros(len(areas), dtype=bool)
        wrong_rank[np.flatnonzero(linked)] = par_rank != own_rank + 1
        problems += _rows(areas, layer, wrong_rank, "parent",
                          "parent is not exactly one level up",
                          "a buurt's parent is a wijk, a wijk's a gemeente, a gemeente's the "
                          "region")
        if "geometry" in areas.columns:
            child = np.asarray(areas.geometry.array, dtype=object)[linked]
            # each parent is buffered once (the region's parent polygon of 342 gemeenten is
            # the whole country), then looked up per child
            codes, which = np.unique(parent[linked].to_numpy().astype(str), return_inverse=True)
            par_once = np.asarray(by_code.loc[codes, "geometry"].array, dtype=object)
            valid_once = ~shapely.is_missing(par_once) & shapely.is_valid(par_once)
            grown = np.full(len(codes), None, dtype=object)
            grown[valid_once] = shapely.buffer(par_once[valid_once], CONTAINMENT_TOLERANCE_M)
            valid = (~shapely.is_missing(child) & shapely.is_valid(child)
                     & valid_once[which])
            outside = np.zeros(len(child), dtype=bool)
            outside[valid] = ~shapely.covered_by(child[valid], grown[which][valid])
            mask = np.zeros(len(areas), dtype=bool)
            mask[np.flatnonzero(linked)] = outside
            problems += _rows(areas, layer, mask, "geometry",
                              f"area lies outside its parent (by more than "
                              f"{CONTAINMENT_TOLERANCE_M:g} m)",
                              "fix the polygon or the parent code")
    return problems


def check_addresses(addresses: pd.DataFrame, areas: pd.DataFrame) -> list[Problem]:
    """Check that every address lies inside a buurt, and inside the buurt it names."""
    layer = LAYER_BY_NAME["addresses"]
    if len(addresses) == 0 or "buurt" not in addresses.columns or "geometry" not in addresses:
        return []
    buurten = areas[areas["level"] == "buurt"]
    points = np.asarray(addresses.geometry.array, dtype=object)
    polys = np.asarray(buurten.geometry.array, dtype=object)
    usable = ~(shapely.is_missing(points) | shapely.is_empty(points))
    tree = shapely.STRtree(polys)
    idx = np.flatnonzero(usable)
    pairs = tree.query(points[idx], predicate="intersects")
    hit = np.zeros(len(addresses), dtype=bool)
    hit[idx[pairs[0]]] = True
    problems = _rows(addresses, layer, usable & ~hit, "geometry",
                     "address lies outside every buurt",
                     "move the point into its buurt or add the buurt to areas.parquet")
    codes = buurten["code"].to_numpy()
    named = addresses["buurt"].to_numpy()
    match = np.zeros(len(addresses), dtype=bool)
    rows = idx[pairs[0]]
    match[rows[codes[pairs[1]] == named[rows]]] = True
    problems += _rows(addresses, layer, usable & hit & ~match, "buurt",
                      "address lies in another buurt than the one it names",
                      "set 'buurt' to the code of the buurt polygon that contains the point")
    return problems


def check_network(nodes: pd.DataFrame, edges: pd.DataFrame) -> list[Problem]:
    """Check that every edge's ``u`` and ``v`` are existing node ids."""
    layer = LAYER_BY_NAME["network_edges"]
    if not {"u", "v"} <= set(edges.columns) or "node_id" not in nodes.columns:
        return []
    ids = nodes["node_id"].to_numpy()
    problems: list[Problem] = []
    for end in ("u", "v"):
        missing = ~edges[end].isin(ids).to_numpy()
        problems += _rows(edges, layer, missing, end, "points to a node that does not exist",
                          "give a node_id from network_nodes.parquet")
    return problems


def check_indicators(indicators: pd.DataFrame, areas: pd.DataFrame) -> list[Problem]:
    """Check that indicator rows refer to existing areas and that lower ≤ value ≤ upper."""
    layer = LAYER_BY_NAME["indicators"]
    need = {"area_code", "value", "lower", "upper"}
    if not need <= set(indicators.columns) or "code" not in areas.columns:
        return []
    problems = _rows(indicators, layer, ~indicators["area_code"].isin(areas["code"]).to_numpy(),
                     "area_code", "refers to an area that is not in areas.parquet",
                     "use a code from areas.parquet")
    try:
        bad = ((indicators["lower"] > indicators["value"]) | (indicators["value"]
               > indicators["upper"])).fillna(False).to_numpy(dtype=bool)
    except TypeError:
        return problems
    problems += _rows(indicators, layer, bad, "lower/upper", "interval does not hold the value",
                      "give lower ≤ value ≤ upper")
    return problems


def check_landcover(landcover: Landcover | None, areas: pd.DataFrame,
                    meta: RegionMeta) -> list[Problem]:
    """Check that the raster covers the areas and uses only known class codes."""
    if landcover is None or len(areas) == 0 or "geometry" not in areas.columns:
        return []
    problems: list[Problem] = []
    minx, miny, maxx, maxy = landcover.bounds
    aminx, aminy, amaxx, amaxy = np.asarray(areas.total_bounds, dtype=float)
    cell = landcover.cell_size_m
    if aminx < minx - cell or aminy < miny - cell or amaxx > maxx + cell or amaxy > maxy + cell:
        problems.append(Problem("landcover.tif", "", "extent",
                                f"raster ({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) does "
                                f"not cover the areas ({aminx:.0f}, {aminy:.0f}, {amaxx:.0f}, "
                                f"{amaxy:.0f})", "extend the raster over every area"))
    unknown = sorted(set(np.unique(landcover.classes).tolist()) - set(meta.landcover_classes))
    if unknown:
        problems.append(Problem("landcover.tif", "", "class",
                                f"cells use class codes {unknown} not in region.json",
                                "add them to landcover_classes or reclassify the raster"))
    return problems


PAIRED_QUALITY = {"network": ("network_nodes", "network_edges"), "addresses": ("addresses",),
                  "green": ("green",), "trees": ("trees",), "buildings": ("buildings",)}
"""region.json quality records and the layers they describe."""


def check_pairs(frames: Mapping[str, pd.DataFrame], meta: RegionMeta) -> list[Problem]:
    """Cross-check layers that only make sense together, and region.json against them.

    - a walking network needs both nodes and edges (nodes without edges leave every address
      unreachable, which the Planner cannot work with);
    - addresses need buurten to lie in;
    - a layer that region.json records as ``real`` or ``derived`` must have rows (and as
      many as its quality record's ``rows`` figure, when it gives one).
    """
    problems: list[Problem] = []

    def rows(name: str) -> int:
        frame = frames.get(name)
        return 0 if frame is None else len(frame)

    nodes, edges = rows("network_nodes"), rows("network_edges")
    if nodes and not edges:
        problems.append(Problem("network_edges.parquet", "", "", f"has no edges while "
                                f"network_nodes.parquet has {nodes:,} nodes",
                                "write the walking network's edges (u, v, length_m)"))
    if edges and not nodes:
        problems.append(Problem("network_nodes.parquet", "", "", f"has no nodes while "
                                f"network_edges.parquet has {edges:,} edges",
                                "write the walking network's nodes"))
    areas = frames.get("areas")
    if rows("addresses") and areas is not None and "level" in areas.columns \
            and not (areas["level"] == "buurt").any():
        problems.append(Problem("areas.parquet", "", "level", "has no buurt while "
                                f"addresses.parquet has {rows('addresses'):,} addresses",
                                "add the buurten the addresses lie in"))
    for key, layers in PAIRED_QUALITY.items():
        q = meta.quality.get(key)
        if q is None or q.status not in ("real", "derived"):
            continue
        for name in layers:
            n = rows(name)
            want = q.figures.get("rows") if len(layers) == 1 else None
            if n == 0:
                problems.append(Problem("region.json", f"quality.{key}", "status",
                                        f"says {q.status} but {name}.parquet is empty",
                                        "write the layer, or record it as missing"))
            elif want is not None and int(want) != n:
                problems.append(Problem("region.json", f"quality.{key}", "figures.rows",
                                        f"says {int(want):,} rows but {name}.parquet has {n:,}",
                                        "write region.json and the layer from the same run"))
    return problems


def check_layers(frames: Mapping[str, pd.DataFrame], landcover: Landcover | None,
                 meta: RegionMeta) -> list[Problem]:
    """Run every rule on the layers of a region and return every problem found.

    Parameters
    ----------
    frames : mapping of str to DataFrame
        Layers by name (see :data:`~groengezond.region.schema.LAYERS`); absent ones are skipped.
    landcover : Landcover or None
        The land-cover raster, if any.
    meta : RegionMeta
        The region's metadata (class table).

    Returns
    -------
    list of Problem
        Empty when the region is valid.
    """
    problems: list[Problem] = []
    column_ok: dict[str, bool] = {}
    for name, frame in frames.items():
        layer = LAYER_BY_NAME[name]
        found = check_columns(frame, layer) + check_geometry(frame, layer)
        column_ok[name] = not found
        problems += found
    empty = pd.DataFrame({"code": [], "level": []})
    areas = frames.get("areas", empty)
    if column_ok.get("areas"):
        problems += check_hierarchy(areas)
        if column_ok.get("addresses"):
            problems += check_addresses(frames["addresses"], areas)
        if column_ok.get("indicators"):
            problems += check_indicators(frames["indicators"], areas)
        problems += check_landcover(landcover, areas, meta)
    if column_ok.get("network_nodes") and column_ok.get("network_edges"):
        problems += check_network(frames["network_nodes"], frames["network_edges"])
    problems += check_pairs(frames, meta)
    return problems


NETWORK_NO_GREEN_WARN_SHARE = 0.05
"""Above this share of residents with no network route to counted green, validate warns."""


def network_warnings(region: Region) -> list[Problem]:
    """Warnings on the walking network of ``region``, with the figures (empty when fine).

    Warns when the network fails the access gate
    (:meth:`~groengezond.network_quality.NetworkQuality.degraded_reasons`), when its largest
    component holds less than 95 % of the nodes, or when more than
    :data:`NETWORK_NO_GREEN_WARN_SHARE` of residents can reach no counted green over it.
    """
    from groengezond.network_quality import (
        MIN_MAIN_COMPONENT_RESIDENTS_SHARE,
        region_network_quality,
    )

    quality = region_network_quality(region)
    if quality is None:
        return []
    layer = LAYER_BY_NAME["network_edges"].file
    reasons = quality.degraded_reasons()
    if not quality.main_component_nodes_share >= MIN_MAIN_COMPONENT_RESIDENTS_SHARE:
        reasons.append(f"the largest component holds {100 * quality.main_component_nodes_share:.1f}"
                       " % of the nodes")
    if quality.no_green_residents_share > NETWORK_NO_GREEN_WARN_SHARE:
        reasons.append(f"{100 * quality.no_green_residents_share:.1f} % of residents have no "
                       "route to counted green")
    if not reasons:
        return []
    return [Problem(layer, "", "network", "the walking network does not serve the homes: "
                    + "; ".join(reasons) + f" ({quality.summary()})",
                    "give a complete walking network (an OSM .osm.pbf extract of the region, "
                    "see docs/sources.md); until then 'groengezond access' refuses network "
                    "distances unless --allow-degraded-network")]


def quality_warnings(quality: Mapping[str, LayerQuality]) -> list[str]:
    """One warning per layer whose quality record is not *real*, worst first, with the reason.

    Parameters
    ----------
    quality : mapping of str to LayerQuality
        Records per layer (``RegionMeta.quality`` or
        :func:`groengezond.region.quality.region_quality`).

    Returns
    -------
    list of str
        ``"<layer> is <status>: <reason>"``; empty when every layer is real.
    """
    items = sorted(((name, q) for name, q in quality.items() if q.status != "real"),
                   key=lambda item: (-ORDER[item[1].status], item[0]))
    return [f"{name} is {q.status}: {q.reason}".rstrip(": ") for name, q in items]
