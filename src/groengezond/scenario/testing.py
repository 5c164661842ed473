"""Helpers that place interventions on a region (for tests, benchmarks and examples).

They pick places from the region's own data: the worst- and best-off area by mean income, a
square park beside an area, a footbridge across the river where the walking detour between the
two banks is longest.
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


def park_in(region: Region, code: str, area_ha: float = 5.0) -> BaseGeometry:
    """A square park of ``area_ha`` (ha) on the least green spot of area ``code``.

    Candidate centres are the area's addresses; the one with the fewest green land-cover cells
    in the square is taken (ties: the first), so the park replaces built-up or paved land.
    """
    side = float(np.sqrt(area_ha * 1e4))
    addr = region.addresses[region.addresses["buurt"].isin(
        _buurten_of(region, code))]
    if len(addr) == 0:
        c = region.areas.set_index("code").geometry[code].representative_point()
        return shapely.box(c.x - side / 2, c.y - side / 2, c.x + side / 2, c.y + side / 2)
    xy = np.c_[addr.geometry.x.to_numpy(), addr.geometry.y.to_numpy()][::max(len(addr) // 60, 1)]
    lc = region.landcover
    best, best_score = xy[0], np.inf
    if lc is not None:
        green = np.isin(lc.classes, [k for k, v in region.meta.landcover_classes.items()
                                     if v in GREEN_CLASSES or v == "water"])
        tr = lc.transform
        half = int(side / 2 / lc.cell_size_m)
        for x, y in xy:
            r = int((y - tr.f) / tr.e)
            c = int((x - tr.c) / tr.a)
            win = green[max(r - half, 0):r + half, max(c - half, 0):c + half]
            score = float(win.mean()) if win.size else np.inf
            if score < best_score:
                best, best_score = (x, y), score
    x, y = float(best[0]), float(best[1])
    return shapely.box(x - side / 2, y - side / 2, x + side / 2, y + side / 2)


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
