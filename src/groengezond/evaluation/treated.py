"""Treated areas from an intervention's geometry: the documented rule, free of I/O.

Rule (docs/evaluator.md, "Treated areas from a geometry"): a buurt is **treated** when at
least ``min_share`` (default 50 %) of its residents live within ``distance_m`` (default 300 m)
**straight-line** distance of the intervention's geometry (the distance from the address
point to the nearest point of the polygon, line or point; 0 inside it). Residents are the
region's ``addresses`` layer (address points with a ``residents`` count and their ``buurt``).

300 m is the distance of the WHO Europe (2016) recommendation of green space within 300 m
straight-line of every home, the distance the Monitor's access indicators use; 50 % makes a
buurt treated only when most of its residents are exposed. Both are parameters and are
recorded with the result, so an analyst can vary them as a sensitivity check.

A buurt with no residents at any address cannot be judged: it is listed in
:attr:`TreatedAreas.undecided` with the reason, never silently treated or untreated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from groengezond.errors import InputError

DISTANCE_M = 300.0
"""Straight-line distance (m) from a home to the intervention that counts as exposed."""

MIN_SHARE = 0.5
"""Share (0-1) of a buurt's residents within :data:`DISTANCE_M` that makes it treated."""


@dataclass
class TreatedAreas:
    """The buurten an intervention treats, with the shares behind the decision.

    Attributes
    ----------
    codes : list of str
        Treated buurt codes, sorted.
    shares : dict of str to float
        For every buurt with residents within ``distance_m``: the share (0-1) of its residents
        within that distance.
    undecided : dict of str to str
        Buurten touched by the geometry's buffer that cannot be judged, and why.
    distance_m, min_share : float
        The rule's parameters.
    """

    codes: list[str]
    shares: dict[str, float] = field(default_factory=dict)
    undecided: dict[str, str] = field(default_factory=dict)
    distance_m: float = DISTANCE_M
    min_share: float = MIN_SHARE

    @property
    def rule(self) -> str:
        """The rule in words (English; the UI words it from the parameters)."""
        return (f"buurten with at least {self.min_share:.0%} of residents within "
                f"{self.distance_m:g} m straight-line of the intervention")


def treated_buurten(geometry: BaseGeometry, addresses: pd.DataFrame, *,
                    buurten: pd.DataFrame | None = None, distance_m: float = DISTANCE_M,
                    min_share: float = MIN_SHARE) -> TreatedAreas:
    """Buurten treated by an intervention at ``geometry`` (EPSG:28992, m).

    Parameters
    ----------
    geometry : shapely geometry
        The intervention (polygon, line or points), in RD New metres.
    addresses : DataFrame or GeoDataFrame
        Address points: ``geometry`` (points, RD New), ``buurt`` (code), ``residents``
        (persons).
    buurten : DataFrame, optional
        Areas with ``code`` and, when given, the geometry of each buurt: a buurt whose polygon
        lies within ``distance_m`` of the intervention but whose addresses carry no residents
        is listed as undecided.
    distance_m : float
        Straight-line distance (m), > 0.
    min_share : float
        Share of residents (0 < share <= 1).

    Returns
    -------
    TreatedAreas

    Raises
    ------
    InputError
        When the geometry is empty or invalid, the parameters are out of range, or the
        addresses lack a column.
    """
    if not (np.isfinite(distance_m) and 0 < distance_m <= 5000):
        raise InputError.single("treated areas", "", "distance_m",
                                f"{distance_m!r} is not in (0, 5000] m",
                                "give a distance in metres, e.g. 300")
    if not (0 < min_share <= 1):
        raise InputError.single("treated areas", "", "min_share",
                                f"{min_share!r} is not in (0, 1]", "give a share, e.g. 0.5")
    if geometry is None or geometry.is_empty or not geometry.is_valid:
        raise InputError.single("treated areas", "", "geometry", "is empty or invalid",
                                "give a valid polygon, line or points in EPSG:28992")
    missing = [c for c in ("geometry", "buurt", "residents") if c not in addresses.columns]
    if missing:
        raise InputError.single("addresses", "", ", ".join(missing), "column is missing",
                                "build the region with its addresses layer")
    res = pd.to_numeric(addresses["residents"], errors="coerce").fillna(0).to_numpy(float)
    pts = np.asarray(addresses["geometry"].to_numpy(), dtype=object)
    dist = shapely.distance(pts, geometry) if len(pts) else np.zeros(0)
    near = dist <= distance_m
    frame = pd.DataFrame({"buurt": addresses["buurt"].astype(str).to_numpy(),
                          "residents": res, "near": near & (res > 0)})
    total = frame.groupby("buurt")["residents"].sum()
    within = frame[frame["near"]].groupby("buurt")["residents"].sum()
    shares = {str(b): float(within[b] / total[b]) for b in within.index if total[b] > 0}
    codes = sorted(b for b, s in shares.items() if s >= min_share - 1e-12)
    undecided: dict[str, str] = {}
    if buurten is not None and "geometry" in buurten.columns and len(buurten):
        polys = np.asarray(buurten["geometry"].to_numpy(), dtype=object)
        touched = shapely.distance(polys, geometry) <= distance_m
        for code in buurten["code"].astype(str).to_numpy()[touched]:
            if code not in shares and float(total.get(code, 0.0)) <= 0:
                undecided[code] = "no residents at any address of this buurt"
    return TreatedAreas(codes=codes, shares=shares, undecided=undecided,
                        distance_m=float(distance_m), min_share=float(min_share))
