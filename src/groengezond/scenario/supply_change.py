r"""Green per inhabitant after a scenario: the 2SFCA of the Monitor, updated locally.

The Monitor's ``green_m2_per_inhabitant`` is the two-step floating catchment with the
dichotomy decay within 500 m walking (:func:`groengezond.access.supply.green_per_inhabitant`):
for green space :math:`j` of area :math:`S_j`, :math:`R_j = S_j / \sum_{k \in C_j} P_k` over
the addresses :math:`C_j` within 500 m, and :math:`A_i = \sum_{j: i \in C_j} R_j` m² per
inhabitant. New homes share the same green with more people; a new park or connection adds to
it. A full recomputation takes about 0.2 s on 1.5 million inhabitants, so only the green
spaces a scenario can touch are recomputed:

- a green space can only gain or lose catchment addresses, or change their population, if one
  of its entries lies within :math:`r` (straight line) of a change — a new connection, a new
  address — because a walk of length :math:`r` never leaves the disk of radius :math:`r`;
- new and removed green spaces are always affected.

With :math:`G^*` the affected green spaces,
:math:`A_i' = A_i - \sum_{j \in G^*_{before}} R_j [i \in C_j] + \sum_{j \in G^*_{after}} R_j'
[i \in C_j']`, the two sums computed by the same catchment code on the network before and
after. Every other :math:`R_j` and catchment is unchanged, so this equals a full
recomputation (tested), and a scenario that changes nothing gives exactly the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from scipy.spatial import cKDTree

from groengezond.access.catchment import catchments
from groengezond.access.entries import Entries
from groengezond.access.supply import (
    GREEN_NORM_M2_PER_INHABITANT,
    SUPPLY_RADIUS_M,
    green_per_inhabitant,
    two_step_fca,
)
from groengezond.network import Snap, WalkNetwork

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def entry_spots(network: WalkNetwork, entries: Entries) -> tuple[FloatArray, FloatArray]:
    """Midpoint (RD New, m) and half length (m) of each entry's edge.

    Every point of an entry lies within the half length of its edge's midpoint (straight line),
    so "within r of an entry" is safely tested as "within r + half length of the midpoint".
    """
    geoms = network.edge_geometry[entries.edge]
    mid = shapely.get_coordinates(shapely.line_interpolate_point(geoms, 0.5, normalized=True))
    return np.asarray(mid, dtype=np.float64), shapely.length(geoms) / 2.0


@dataclass(frozen=True)
class SupplyBaseline:
    """Green per inhabitant of every address before any scenario, and where the entries are.

    Attributes
    ----------
    per_capita : numpy.ndarray
        :math:`A_i` per address (m² of public green within ``radius_m`` per inhabitant).
    entry_mid, entry_half : numpy.ndarray
        Midpoint and half length of each baseline entry's edge (:func:`entry_spots`).
    entry_green : numpy.ndarray of int
        Green index of each baseline entry.
    radius_m : float
        Catchment radius (m).
    """

    per_capita: FloatArray
    entry_mid: FloatArray
    entry_half: FloatArray
    entry_green: npt.NDArray[np.int64]
    radius_m: float
    snap_tree: cKDTree | None = None
    """k-d tree of the addresses' snapped points (built once; see :func:`_contribution`)."""

    @classmethod
    def build(cls, network: WalkNetwork, snap: Snap, entries: Entries, residents: FloatArray,
              radius_m: float = SUPPLY_RADIUS_M) -> SupplyBaseline:
        """The 2SFCA of the baseline (dichotomy, ``radius_m``)."""
        per_cap = green_per_inhabitant(network, snap, entries, residents, radius_m)
        mid, half = entry_spots(network, entries)
        return cls(per_cap.green_m2_per_inhabitant, mid, half, entries.green.copy(), radius_m,
                   cKDTree(snap.xy) if len(snap) else None)


def _near_changes(sb: SupplyBaseline, changes: list[shapely.Geometry],
                  slack_m: FloatArray, n_greens: int) -> BoolArray:
    """Green indices with an entry within the radius (+ ``slack_m``) of any change."""
    hit = np.zeros(n_greens, dtype=bool)
    if not changes or not len(sb.entry_green):
        return hit
    geoms = np.asarray(changes, dtype=object)
    reach = sb.radius_m * 1.000001 + sb.entry_half
    tree = shapely.STRtree(geoms)
    e_idx, c_idx = tree.query(shapely.points(sb.entry_mid), predicate="dwithin",
                              distance=float(reach.max() + slack_m.max(initial=0.0)))
    close = (shapely.distance(shapely.points(sb.entry_mid[e_idx]), geoms[c_idx])
             <= reach[e_idx] + slack_m[c_idx])
    hit[sb.entry_green[e_idx[close]]] = True
    return hit


def _subset(snap: Snap, idx: npt.NDArray[np.int64]) -> Snap:
    return Snap(snap.xy[idx], snap.edge[idx], snap.offset_m[idx], snap.snap_m[idx], snap.u[idx],
                snap.v[idx], snap.n_nodes)


def _contribution(network: WalkNetwork, snap: Snap, entries: Entries, keep: BoolArray,
                  residents: FloatArray, radius_m: float, tree: cKDTree | None = None
                  ) -> FloatArray:
    """:math:`\\sum_{j \\in keep} R_j [i \\in C_j]` per address (0 when ``keep`` is empty).

    Only the addresses within ``radius_m`` (straight line) of an entry of a kept green space
    can be in its catchment (tested conservatively with :func:`entry_spots`), so the
    catchments run on those alone. ``tree``, a k-d tree of all of ``snap.xy``, finds the same
    addresses as one built on the box around the entries.
    """
    out = np.zeros(len(snap))
    mask = keep[entries.green]
    if not mask.any():
        return out
    sub = entries.subset(mask)
    mid, half = entry_spots(network, sub)
    reach = radius_m * 1.000001 + half
    wide = reach + float(snap.snap_m.max(initial=0.0))
    lo, hi = (mid - wide[:, None]).min(axis=0), (mid + wide[:, None]).max(axis=0)
    x, y = snap.xy[:, 0], snap.xy[:, 1]
    box = np.flatnonzero((x >= lo[0]) & (x <= hi[0]) & (y >= lo[1]) & (y <= hi[1]))
    if len(box) == 0:
        return out
    # distances run from the snapped point, up to snap_m from the address itself
    r = reach + float(snap.snap_m[box].max())
    if tree is not None:  # every point within r of an entry lies in the box
        hits = tree.query_ball_point(mid, r)
    else:
        hits = cKDTree(snap.xy[box]).query_ball_point(mid, r)
    flat = [np.asarray(h, dtype=np.int64) for h in hits if len(h)]
    if not flat:
        return out
    idx = np.unique(np.concatenate(flat))
    idx = idx if tree is not None else box[idx]
    c = catchments(network, _subset(snap, idx), sub, radius_m)
    out[idx] = two_step_fca(c, residents[idx], sub.green_area_ha * 1e4,
                            "dichotomy").green_m2_per_inhabitant
    return out


def with_new_points(snap: Snap, network: WalkNetwork, xy: FloatArray) -> Snap:
    """``snap`` (on ``network``) followed by the points ``xy`` snapped to ``network``."""
    if len(xy) == 0:
        return snap
    s = network.snap(xy)
    return Snap(np.vstack([snap.xy, s.xy]), np.concatenate([snap.edge, s.edge]),
                np.concatenate([snap.offset_m, s.offset_m]),
                np.concatenate([snap.snap_m, s.snap_m]), np.concatenate([snap.u, s.u]),
                np.concatenate([snap.v, s.v]), network.n_nodes)


def supply_after(sb: SupplyBaseline, before: tuple[WalkNetwork, Snap, Entries],
                 after: tuple[WalkNetwork, Snap, Entries], residents_after: FloatArray,
                 changes: list[shapely.Geometry], new_or_removed: npt.ArrayLike
                 ) -> FloatArray:
    """:math:`A_i'` per address after a scenario (existing addresses first, then new ones).

    Parameters
    ----------
    sb : SupplyBaseline
        The baseline.
    before : (WalkNetwork, Snap, Entries)
        Network, address snap and green entries of the baseline.
    after : (WalkNetwork, Snap, Entries)
        The same after the scenario; the snap holds the existing addresses (remapped) followed
        by the new ones, and the entries keep the baseline's green indices (removed green
        spaces have no entries; new ones are appended).
    residents_after : numpy.ndarray
        Residents per address in the order of ``after``'s snap.
    changes : list of shapely geometries
        Where the scenario changes the network or adds addresses (RD New): the new lines, then
        the new addresses' points, which are the last ``len(snap) - len(before snap)``
        entries of ``after``'s snap (their ``snap_m`` widens the test).
    new_or_removed : array of int
        Green indices (of ``after``'s entries) added or removed by the scenario.

    Returns
    -------
    numpy.ndarray
        m² of public green within the radius per inhabitant, per address.
    """
    net0, snap0, ent0 = before
    net1, snap1, ent1 = after
    n0 = len(snap0)
    n_new = len(snap1) - n0
    slack = np.concatenate([np.zeros(len(changes) - n_new), snap1.snap_m[n0:]])
    affected = _near_changes(sb, changes, slack, ent1.n_greens)
    affected[np.asarray(new_or_removed, dtype=np.int64)] = True
    out = np.zeros(len(snap1))
    out[:n0] = sb.per_capita
    if not affected.any():
        return out
    tree = getattr(sb, "snap_tree", None)
    same = (tree is not None and n_new == 0 and len(snap0) == tree.n
            and np.array_equal(snap1.xy, tree.data))
    old = _contribution(net0, snap0, ent0, affected[: ent0.n_greens], residents_after[:n0],
                        sb.radius_m, tree if tree is not None and len(snap0) == tree.n
                        and np.array_equal(snap0.xy, tree.data) else None)
    new = _contribution(net1, snap1, ent1, affected, residents_after, sb.radius_m,
                        tree if same else None)
    out[:n0] -= old
    out += new
    # what was taken away exactly cancels up to rounding; no one has less than nothing
    tiny = 1e-9 * max(float(np.max(sb.per_capita, initial=0.0)), 1.0)
    out[(out < 0) & (out > -tiny)] = 0.0
    return out


__all__ = ["GREEN_NORM_M2_PER_INHABITANT", "SupplyBaseline", "supply_after", "with_new_points"]
