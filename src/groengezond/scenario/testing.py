"""Helpers that place interventions on a region (for tests, benchmarks and examples).

They pick places from the region's own data: the worst- and best-off area by mean income, a
square park on open land beside an area, a footbridge across the river where the walking
detour between the two banks is longest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from groengezond.network import WalkNetwork
from groengezond.region.model import Region
from groengezond.region.schema import GREEN_CLASSES


def ranked_by_income(region: Region, level: str = "buurt") -> list[str]:
    """Codes of the areas of ``level`` with residents, lowest mean income first."""
    ind = region.indicators
    rows = ind[ind["indicator"] == "income_mean_eur"]
    rows = rows[rows["year"] == rows["year"].max()].set_index("area_code")["value"]
    areas = region.areas_at(level)
    areas = areas[areas["inhabitants"] > 0]
    income = pd.Series(rows.reindex(areas["code"]).to_numpy(), index=areas["code"].to_numpy())
    return [str(c) for c in income.dropna().sort_values().index]


def park_in(region: Region, code: str, area_ha: float = 5.0,
            reach_m: float = 600.0) -> BaseGeometry:
    """A square park of ``area_ha`` (ha) on open land in or beside area ``code``.

    Open land: no building footprint and no water under the square (with one cell of margin),
    and the square inside the region's buurten;
    so that the Planner accepts it without displacing anyone
    (:mod:`groengezond.scenario.plausibility`). Among such squares whose centre lies within
    ``reach_m`` (m) of the area, the one with the fewest green cells is taken (it adds the most
    green), ties broken by distance to the area. When the area has none, the reach doubles.

    Raises
    ------
    ValueError
        When no open square is found within 4 × ``reach_m``.
    """
    side = float(np.sqrt(area_ha * 1e4))
    shape = region.areas.set_index("code").geometry[code]
    lc = region.landcover
    if lc is None:
        c = shape.representative_point()
        return shapely.box(c.x - side / 2, c.y - side / 2, c.x + side / 2, c.y + side / 2)
    names = region.meta.landcover_classes
    blocked = np.isin(lc.classes, [k for k, v in names.items()
                                   if v in ("building", "water", "nodata")])
    green = np.isin(lc.classes, [k for k, v in names.items() if v in GREEN_CLASSES])
    tr = lc.transform
    cell = lc.cell_size_m
    k = int(np.ceil(side / cell)) + 2  # the square and one cell of margin on each side

    def box_sums(mask: np.ndarray) -> np.ndarray:
        ii = np.pad(mask.astype(np.int64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        return np.asarray(ii[k:, k:] - ii[:-k, k:] - ii[k:, :-k] + ii[:-k, :-k])

    n_blocked, n_green = box_sums(blocked), box_sums(green)
    rows, cols = np.nonzero(n_blocked == 0)  # top-left cell of a free k × k window
    cx = tr.c + (cols + k / 2) * tr.a
    cy = tr.f + (rows + k / 2) * tr.e
    dist = shapely.distance(shape, shapely.points(cx, cy))
    boxes = region.buildings.geometry
    outline = shapely.union_all(np.asarray(region.areas_at("buurt").geometry.array,
                                           dtype=object))
    for reach in (reach_m, 2 * reach_m, 4 * reach_m):
        near = np.flatnonzero(dist <= reach)
        if len(near) == 0:
            continue
        order = near[np.lexsort((dist[near], n_green[rows[near], cols[near]]))]
        for j in order[:2000]:
            park = shapely.box(cx[j] - side / 2, cy[j] - side / 2, cx[j] + side / 2,
                               cy[j] + side / 2)
            if not outline.covers(park):  # the Planner refuses plans outside the region
                continue
            if not len(boxes) or not boxes.sindex.query(park, predicate="intersects").size:
                return park
    raise ValueError(f"no open land for a {area_ha:g} ha park within {4 * reach_m:g} m of "
                     f"{code}")


def _buurten_of(region: Region, code: str) -> list[str]:
    areas = region.areas.set_index("code")
    level = areas.loc[code, "level"]
    if level == "buurt":
        return [code]
    kids = areas.index[areas["parent"] == code].tolist()
    return [b for k in kids for b in _buurten_of(region, str(k))]


def footbridge_across_river(region: Region, candidates: int = 40) -> shapely.LineString:
    r"""A straight line between two network nodes on opposite banks of the river.

    Among ``candidates`` points along the river, the node pair (nearest node on each bank,
    within 150 m) is chosen where the bridge shortens the walk to the nearest public green
    (≥ 1 ha) most: :math:`\max(|d_a - d_b| - L)` with :math:`d` the node distances to green and
    :math:`L` the bridge length.
    """
    from groengezond.access.entries import green_entries, select_green
    from groengezond.access.nearest import multi_source

    river = region.barriers[region.barriers["kind"] == "river"].geometry.iloc[0]
    line = river if river.geom_type == "LineString" else shapely.LineString(
        shapely.get_coordinates(river.exterior if hasattr(river, "exterior") else river))
    net = WalkNetwork.from_region(region)
    alive = net.alive_edges
    tree = shapely.STRtree(shapely.points(net.node_xy))
    entries = green_entries(net, select_green(region.green))
    nodes, dist0, group = entries.seeds(net)
    d, _ = multi_source(net.graph, nodes, dist0, group, entries.n_greens)
    best: tuple[float, int, int] = (-np.inf, -1, -1)
    for t in np.linspace(0.02, 0.98, candidates):
        p = line.interpolate(t, normalized=True)
        near = tree.query(p.buffer(250.0))
        if len(near) < 2:
            continue
        a = int(near[np.argmin(np.hypot(net.node_xy[near, 0] - p.x, net.node_xy[near, 1] - p.y))])
        segs = shapely.linestrings(np.stack([np.repeat(net.node_xy[a][None], len(near), 0),
                                             net.node_xy[near]], axis=1))
        across = shapely.intersects(segs, river) & (near != a)
        for b in near[across].tolist():
            straight = float(np.hypot(*(net.node_xy[a] - net.node_xy[b])))
            gain = abs(float(min(d[a], 1e7)) - float(min(d[b], 1e7))) - straight
            if gain > best[0] and len(alive):
                best = (gain, a, int(b))
    if best[1] < 0:
        raise ValueError("no node pair across the river found")
    return shapely.LineString([net.node_xy[best[1]], net.node_xy[best[2]]])
