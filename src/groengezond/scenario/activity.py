"""Physical activity a scenario brings: walking and cycling volumes of new connections.

WHO HEAT quantifies the mortality benefit of walking and cycling from a *volume*: trips per
day times their duration, from a count or a traffic model (Kahlmeier et al. 2017, HEAT methods
and user guide). A region holds no minutes walked per resident, and the shorter network
distance a connection gives is not a change in walking by itself (a shorter route may even
mean fewer minutes). So the Planner quantifies the walking and cycling pathways only for an
:class:`~groengezond.scenario.model.AddConnection` that carries such a volume
(``walking_trips_per_day`` with ``minutes_per_walk``, ``cycling_trips_per_day`` with
``minutes_per_cycle``), and says so for one that does not.

The weekly volume :math:`V = \\text{trips/day} \\times \\text{minutes/trip} \\times 7` is
allocated to buurten in proportion to the residents living within :data:`CATCHMENT_M` of the
connection (straight line; an assumption: who uses a footbridge lives near it), and expressed
as minutes per week per adult of the buurt. The HEAT form is linear in the volume below its
cap, so the deaths prevented do not depend on how many adults share it; because the volume is
spread over all adults of a buurt, who walked 0 extra minutes before, the cap
(:func:`~groengezond.health.impact.linear_capped_rr`) does not bind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely

from groengezond.messages import Message, message
from groengezond.scenario.model import AddConnection, Intervention, parse_geometry

FloatArray = npt.NDArray[np.float64]

CATCHMENT_M = 1000.0
"""Straight-line distance (m) from a connection within which its users are assumed to live
(assumption; about a 12-minute walk)."""

DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class ActivityChange:
    """Extra walking and cycling per buurt, in minutes per week per adult.

    Attributes
    ----------
    walking_min_per_week, cycling_min_per_week : numpy.ndarray
        Per buurt (order of the Planner's buurt codes), minutes per week per adult.
    quantified : bool
        Whether any connection carried a volume.
    notes : list of Message
        What was and was not quantified, for the result's notes.
    """

    walking_min_per_week: FloatArray
    cycling_min_per_week: FloatArray
    quantified: bool
    notes: list[Message] = field(default_factory=list)


def catchment_shares(line: shapely.Geometry, xy: FloatArray, residents: FloatArray,
                     buurt_index: npt.NDArray[np.int64], n_buurten: int,
                     catchment_m: float = CATCHMENT_M) -> FloatArray:
    """Share of a connection's users per buurt: residents within ``catchment_m`` of ``line``.

    Parameters
    ----------
    line : shapely geometry
        The connection (EPSG:28992).
    xy : numpy.ndarray, shape (n, 2)
        Address coordinates (m, EPSG:28992).
    residents : numpy.ndarray
        Residents per address.
    buurt_index : numpy.ndarray
        Buurt of each address (index into the buurt codes; -1 for none).
    n_buurten : int
        Number of buurten.
    catchment_m : float
        Catchment distance (m).

    Returns
    -------
    numpy.ndarray
        Shares per buurt summing to 1, or all zero when nobody lives within the catchment.
    """
    x0, y0, x1, y1 = line.bounds
    box = ((xy[:, 0] >= x0 - catchment_m) & (xy[:, 0] <= x1 + catchment_m)
           & (xy[:, 1] >= y0 - catchment_m) & (xy[:, 1] <= y1 + catchment_m)
           & (buurt_index >= 0))
    cand = np.flatnonzero(box)
    near = cand[shapely.distance(shapely.points(xy[cand]), line) <= catchment_m]
    w = np.bincount(buurt_index[near], weights=residents[near], minlength=n_buurten)
    total = float(w.sum())
    return np.asarray(w / total if total > 0 else w, dtype=np.float64)


def activity_change(interventions: Sequence[Intervention], xy: FloatArray,
                    residents: FloatArray, buurt_index: npt.NDArray[np.int64],
                    adults_per_buurt: FloatArray) -> ActivityChange:
    """Minutes of walking and cycling per week per adult that the connections add, per buurt.

    Parameters
    ----------
    interventions : sequence of Intervention
        The scenario's interventions (only :class:`AddConnection` with volumes count).
    xy, residents, buurt_index
        Addresses of the base region (see :func:`catchment_shares`).
    adults_per_buurt : numpy.ndarray
        Adults per buurt (persons).

    Returns
    -------
    ActivityChange
    """
    n = len(adults_per_buurt)
    walk = np.zeros(n)
    cycle = np.zeros(n)
    notes: list[Message] = []
    quantified = False
    for i, item in enumerate(interventions):
        if not isinstance(item, AddConnection):
            continue
        label = item.name or f"intervention {i + 1}"
        volumes = [(walk, item.walking_trips_per_day, item.minutes_per_walk, "walking"),
                   (cycle, item.cycling_trips_per_day, item.minutes_per_cycle, "cycling")]
        if all(trips is None for _, trips, _, _ in volumes):
            notes.append(message(
                "scenario.connection_no_volume",
                f"{label}: walking and cycling are not quantified because the connection "
                "carries no volume; give walking_trips_per_day and minutes_per_walk (and/or "
                "cycling_trips_per_day and minutes_per_cycle) from a count or a traffic model "
                "to compute the WHO HEAT pathways. The change in network distance is "
                "reported.", intervention=i + 1, name=item.name or None))
            continue
        shares = catchment_shares(parse_geometry(item.geometry), xy, residents, buurt_index, n)
        if shares.sum() == 0:
            notes.append(message(
                "scenario.connection_nobody_near",
                f"{label}: nobody lives within {CATCHMENT_M:g} m of the connection; "
                "its walking and cycling volume is not allocated.", intervention=i + 1,
                name=item.name or None, catchment_m=CATCHMENT_M))
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            per_adult = np.where(adults_per_buurt > 0, shares / adults_per_buurt, 0.0)
        for target, trips, minutes, mode in volumes:
            if trips is None or minutes is None:
                continue
            volume = float(trips) * float(minutes) * DAYS_PER_WEEK
            target += volume * per_adult
            quantified = True
            notes.append(message(
                "scenario.connection_volume",
                f"{label}: {trips:g} {mode} trips per day of {minutes:g} min = {volume:,.0f} "
                f"minutes per week, allocated to the adults of the buurten within "
                f"{CATCHMENT_M:g} m of the connection (WHO HEAT, linear below its cap).",
                intervention=i + 1, name=item.name or None, mode=mode,
                trips_per_day=float(trips), minutes=float(minutes), minutes_per_week=volume,
                catchment_m=CATCHMENT_M))
    return ActivityChange(walk, cycle, quantified, notes)


__all__ = ["CATCHMENT_M", "ActivityChange", "activity_change", "catchment_shares"]
