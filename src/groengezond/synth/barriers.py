"""Barriers: a motorway, a railway and a river that cross the region and its city.

They are what makes access to green uneven: the walking network may cross them only at a few
bridges and tunnels (:mod:`~groengezond.synth.streets`). The motorway runs along the edge of the
city's post-war ring, between it and the lobe of new suburbs; the railway passes just outside
the historic core (stations are central); the river meanders through the city near its core.
Each is a smoothed polyline from edge to edge of the region with a corridor polygon of its
width in which nothing else is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box

from groengezond.synth.fields import FloatArray
from groengezond.synth.territory import Territory
from groengezond.synth.typology import CORE, INNER, POSTWAR


@dataclass(frozen=True)
class Barrier:
    """One barrier.

    Attributes
    ----------
    kind : str
        ``motorway``, ``railway`` or ``river``.
    name : str
        Invented name.
    line : LineString
        Centre line (m, RD New).
    width_m : float
        Width of the corridor (m): carriageways and verges, tracks and ballast, or water.
    corridor : Polygon
        The centre line buffered by half the width (flat ends).
    """

    kind: str
    name: str
    line: LineString
    width_m: float
    corridor: Polygon

    @property
    def geometry(self) -> LineString | Polygon:
        """Geometry stored in the barriers layer: the river as water polygon, others as lines."""
        return self.corridor if self.kind == "river" else self.line


EXTEND_M = 1500.0
"""Barriers run this far (m) beyond the planned rectangle, past the outermost blocks."""


def _chaikin(points: FloatArray, iterations: int) -> FloatArray:
    """Corner-cutting smoothing of an open polyline (n, 2); the end points are kept."""
    pts = points
    for _ in range(iterations):
        q = 0.75 * pts[:-1] + 0.25 * pts[1:]
        r = 0.25 * pts[:-1] + 0.75 * pts[1:]
        mid = np.empty((2 * len(q), 2))
        mid[0::2], mid[1::2] = q, r
        pts = np.vstack([pts[:1], mid, pts[-1:]])
    return pts


def _edge_along(t: Territory, angle: float, inside: tuple[int, ...]) -> float:
    """Distance (m) from the city centre along ``angle`` to where ``inside`` typologies end."""
    st = t.settlements
    steps = np.arange(0.0, 4.0 * st.radius_m[0], 50.0)
    x = st.x[0] + steps * np.cos(angle)
    y = st.y[0] + steps * np.sin(angle)
    typ = t.grid.sample(t.typology, x, y)
    own = t.grid.sample(t.owner, x, y)
    ok = np.isin(typ, inside) & (own == 0)
    out = np.flatnonzero(~ok)
    return float(steps[out[0]]) if len(out) else float(steps[-1])


def _line(t: Territory, through: tuple[float, float], direction: float, spacing: float,
          wiggle: float, rng: np.random.Generator) -> LineString:
    """A smooth line through ``through`` along ``direction`` (rad) from edge to edge."""
    minx, miny, maxx, maxy = t.bounds
    half = float(np.hypot(maxx - minx, maxy - miny)) + 2 * EXTEND_M
    s = np.arange(-half, half + spacing, spacing)
    s = s - s[np.argmin(np.abs(s))]
    lateral = rng.normal(0.0, wiggle, len(s))
    lateral[np.argmin(np.abs(s))] = 0.0
    tx, ty = np.cos(direction), np.sin(direction)
    pts = np.column_stack([through[0] + s * tx - lateral * ty, through[1] + s * ty + lateral * tx])
    smooth = _chaikin(pts, 4)
    # beyond the planned rectangle: the outermost blocks (and the roads around them) reach
    # a few hundred metres past it, and no road may go round the end of a barrier
    m = EXTEND_M
    clipped = shapely.intersection(LineString(smooth), box(minx - m, miny - m, maxx + m, maxy + m))
    parts = shapely.get_parts(clipped)
    longest = parts[int(np.argmax(shapely.length(parts)))]
    return LineString(shapely.get_coordinates(longest))


def make_barriers(t: Territory, rng: np.random.Generator) -> list[Barrier]:
    """Lay out the motorway, the railway and the river.

    Parameters
    ----------
    t : Territory
        The planned region.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    list of Barrier
        Motorway, railway and river, in that order.
    """
    st = t.settlements
    c = (float(st.x[0]), float(st.y[0]))
    scale = float(st.radius_m[0])
    lobe = t.lobe_angle
    d_m = max(_edge_along(t, lobe, (CORE, INNER, POSTWAR)) + 120.0, 600.0)
    p_m = (c[0] + d_m * np.cos(lobe), c[1] + d_m * np.sin(lobe))
    motorway = _line(t, p_m, lobe + np.pi / 2, max(2500.0, scale), 0.06 * scale, rng)

    rail_side = lobe + rng.uniform(0.6, 2.0) * rng.choice([-1.0, 1.0])
    d_r = max(_edge_along(t, rail_side, (CORE,)) + 80.0, 300.0)
    p_r = (c[0] + d_r * np.cos(rail_side), c[1] + d_r * np.sin(rail_side))
    rail_dir = rail_side + np.pi / 2 + rng.uniform(-0.12, 0.12)
    railway = _line(t, p_r, rail_dir, max(3000.0, 1.5 * scale), 0.015 * scale, rng)

    river_side = rail_side + np.pi + rng.uniform(-0.2, 0.2)
    d_w = max(_edge_along(t, river_side, (CORE,)) + 60.0, 250.0)
    p_w = (c[0] + d_w * np.cos(river_side), c[1] + d_w * np.sin(river_side))
    river_dir = river_side + np.pi / 2 + rng.uniform(-0.15, 0.15)
    river = _line(t, p_w, river_dir, max(900.0, 0.25 * scale), 0.05 * scale + 60.0, rng)

    widths = {"motorway": 40.0, "railway": 24.0, "river": float(rng.uniform(45.0, 70.0))}
    names = {"motorway": "Rijksweg A99 (synthetisch)", "railway": "Spoorlijn (synthetisch)",
             "river": "De Vliet (synthetisch)"}
    out = []
    for kind, line in (("motorway", motorway), ("railway", railway), ("river", river)):
        corridor = shapely.buffer(line, widths[kind] / 2.0, cap_style="flat", quad_segs=4)
        out.append(Barrier(kind, names[kind], line, widths[kind], corridor))
    return out
