"""Small vectorised geometry helpers shared by the generator's modules."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry


def hits(geoms: npt.NDArray[np.object_], region: BaseGeometry,
         distance_m: float = 0.0) -> npt.NDArray[np.bool_]:
    """Which of ``geoms`` intersect ``region`` (or lie within ``distance_m`` m of it).

    Uses a spatial index over ``geoms`` and queries it with the single large ``region``, which
    is much faster than testing every geometry against the region's many vertices.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        Geometries to test.
    region : shapely geometry
        The region (e.g. a barrier corridor).
    distance_m : float
        Distance (m); 0 tests intersection.

    Returns
    -------
    ndarray of bool
        One flag per geometry.
    """
    out = np.zeros(len(geoms), dtype=bool)
    if len(geoms) == 0:
        return out
    tree = shapely.STRtree(geoms)
    if distance_m > 0:
        idx = tree.query(region, predicate="dwithin", distance=distance_m)
    else:
        idx = tree.query(region, predicate="intersects")
    out[idx] = True
    return out


def side_of(line: LineString, pts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """+1 / -1 for points ``pts`` (n, 2) left / right of ``line`` (by its local tangent)."""
    geoms = shapely.points(pts)
    s = shapely.line_locate_point(line, geoms)
    a = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(s - 1.0, 0.0)))
    b = shapely.get_coordinates(shapely.line_interpolate_point(line, s + 1.0))
    t = b - a
    d = pts - a
    return np.asarray(np.sign(t[:, 0] * d[:, 1] - t[:, 1] * d[:, 0]), dtype=np.float64)
