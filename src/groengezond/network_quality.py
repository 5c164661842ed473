"""How fit a walking network is for access figures: connectivity, snapping, unreachable green.

A network that is in many pieces, or far from the homes, gives network distances that say
more about the network than about access to green (issue 13: a cycleway-only network of
Utrecht in 304 pieces, homes snapped up to 4.35 km away, 27 % of residents with no route to
any green). :func:`measure_network` measures, over a network and the snapped addresses:

- the share of nodes, and of residents, in the largest connected component (by nodes); the
  residents of an address count in the component of the edge it is snapped to;
- percentiles of the snapping distance (the straight walk from a home to its street, m), over
  addresses: p50, p90, p99 and max;
- the share of residents who can reach no counted (public, large enough) green space over the
  network (``nan`` when the region has no such green: not computable).

:meth:`NetworkQuality.degraded_reasons` applies the gate of the access figures: fewer than
:data:`MIN_MAIN_COMPONENT_RESIDENTS_SHARE` of residents in the main component, or a median
snap above :data:`MAX_MEDIAN_SNAP_M`. Pure functions; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import connected_components

from groengezond.network import Snap, WalkNetwork
from groengezond.region.quality import LayerQuality

FloatArray = npt.NDArray[np.float64]

MIN_MAIN_COMPONENT_RESIDENTS_SHARE = 0.95
"""Least share of residents in the main component for publishable network distances.

Project rule (issue 13, "quality gates for the network"): with more than 5 % of residents on
pieces cut off from the main network, their nearest green is an artefact of the missing links.
"""

MAX_MEDIAN_SNAP_M = 50.0
"""Largest median snap distance (m) for publishable network distances.

Project rule (issue 13): in a complete OSM walking network of a Dutch town, the walk from a
front door to the centre line of its street is a front garden plus half a street, mostly
well under 50 m; a larger median means the streets the homes lie on are missing.
"""

SNAP_PERCENTILES = (50, 90, 99)
"""Percentiles of the snapping distance reported (%)."""


@dataclass(frozen=True)
class NetworkQuality:
    """Measures of a walking network against the homes it serves.

    Attributes
    ----------
    n_nodes, n_edges, n_components : int
        Size of the network and number of connected components.
    main_component_nodes_share : float
        Share of nodes in the largest component (0-1).
    main_component_residents_share : float
        Share of residents whose address is snapped to an edge of that component (0-1).
    snap_p50_m, snap_p90_m, snap_p99_m, snap_max_m : float
        Percentiles of the snapping distance over addresses (m).
    no_green_residents_share : float
        Share of residents with no network route to any counted green space (0-1); ``nan``
        when not computable (no counted green).
    """

    n_nodes: int
    n_edges: int
    n_components: int
    main_component_nodes_share: float
    main_component_residents_share: float
    snap_p50_m: float
    snap_p90_m: float
    snap_p99_m: float
    snap_max_m: float
    no_green_residents_share: float

    def figures(self) -> dict[str, float]:
        """The measures by name (for a quality record or JSON)."""
        return {
            "nodes": float(self.n_nodes), "edges": float(self.n_edges),
            "components": float(self.n_components),
            "main_component_nodes_share": self.main_component_nodes_share,
            "main_component_residents_share": self.main_component_residents_share,
            "snap_p50_m": self.snap_p50_m, "snap_p90_m": self.snap_p90_m,
            "snap_p99_m": self.snap_p99_m, "snap_max_m": self.snap_max_m,
            "no_green_residents_share": self.no_green_residents_share,
        }

    def degraded_reasons(self, min_main_share: float = MIN_MAIN_COMPONENT_RESIDENTS_SHARE,
                         max_median_snap_m: float = MAX_MEDIAN_SNAP_M) -> list[str]:
        """Why network distances are not fit to publish (empty when they are)."""
        out = []
        if not self.main_component_residents_share >= min_main_share:
            out.append(f"{100 * self.main_component_residents_share:.1f} % of residents are in "
                       f"the main component (at least {100 * min_main_share:g} % needed)")
        if not self.snap_p50_m <= max_median_snap_m:
            out.append(f"the median walk from a home to the network is {self.snap_p50_m:,.0f} "
                       f"m (at most {max_median_snap_m:g} m allowed)")
        return out

    @property
    def degraded(self) -> bool:
        """True when the gate of :meth:`degraded_reasons` fails."""
        return bool(self.degraded_reasons())

    def summary(self, green: bool = True) -> str:
        """The figures in one English line (CLI, logs, warnings); ``green``: with the share
        of residents with no route to green."""
        text = (f"{self.n_components:,} components; the largest holds "
                f"{100 * self.main_component_nodes_share:.1f} % of the nodes and "
                f"{100 * self.main_component_residents_share:.1f} % of the residents; snap "
                f"distance p50 {self.snap_p50_m:,.0f} m, p90 {self.snap_p90_m:,.0f} m, p99 "
                f"{self.snap_p99_m:,.0f} m, max {self.snap_max_m:,.0f} m")
        if not green:
            return text
        share = ("not computable (no counted green)"
                 if np.isnan(self.no_green_residents_share)
                 else f"{100 * self.no_green_residents_share:.1f} %")
        return f"{text}; residents with no route to green: {share}"

    def record(self, source: str = "") -> LayerQuality:
        """The ``network`` quality record: ``real``, or ``placeholder`` when degraded."""
        reasons = self.degraded_reasons()
        origin = f" ({source})" if source else ""
        if reasons:
            return LayerQuality(
                status="placeholder", key="network.degraded", figures=self.figures(),
                reason=f"the walking network{origin} does not reach the homes: "
                       + "; ".join(reasons) + "; network distances are flagged")
        return LayerQuality(status="real", key="network.ok", figures=self.figures(),
                            reason=f"walking network{origin}: {self.summary()}")


def measure_network(network: WalkNetwork, snap: Snap, residents: npt.ArrayLike,
                    green_dist_m: npt.ArrayLike | None = None) -> NetworkQuality:
    """Measure a network against the addresses snapped to it (see the module docstring).

    Parameters
    ----------
    network : WalkNetwork
        The walking network.
    snap : Snap
        The addresses snapped to ``network``.
    residents : array of float
        Residents per address (persons).
    green_dist_m : array of float, optional
        Network distance of each address to its nearest counted green (m, ``inf`` where
        none can be reached); without it the no-green share is ``nan``.

    Returns
    -------
    NetworkQuality
    """
    pop = np.asarray(residents, dtype=np.float64)
    total = float(pop.sum())
    n = network.n_nodes
    if n:
        n_comp, labels = connected_components(network.graph, directed=False)
        sizes = np.bincount(labels)
        main = int(np.argmax(sizes))
        node_share = float(sizes[main] / n)
    else:
        n_comp, labels, main, node_share = 0, np.zeros(0, np.int64), -1, float("nan")
    if len(snap) and n:
        in_main = labels[snap.u] == main
        res_share = float(pop[in_main].sum() / total) if total > 0 else float("nan")
        snap_m = snap.snap_m
        p50, p90, p99 = (float(x) for x in np.percentile(snap_m, SNAP_PERCENTILES))
        snap_max = float(snap_m.max())
    else:
        res_share = p50 = p90 = p99 = snap_max = float("nan")
    no_green = float("nan")
    if green_dist_m is not None and total > 0:
        dist = np.asarray(green_dist_m, dtype=np.float64)
        no_green = float(pop[~np.isfinite(dist)].sum() / total)
    return NetworkQuality(n, len(network.alive_edges), int(n_comp), node_share, res_share,
                          p50, p90, p99, snap_max, no_green)


def region_network_quality(region: Any, min_area_ha: float | None = None,
                           public_only: bool = True) -> NetworkQuality | None:
    """:func:`measure_network` of a region's network, addresses and green (None without a
    network or addresses).

    Parameters
    ----------
    region : Region
        The region.
    min_area_ha : float, optional
        Least size of a counted green space (ha); the access default when not given.
    public_only : bool
        Count only public green.
    """
    from groengezond.access.entries import DEFAULT_MIN_AREA_HA, green_entries, select_green
    from groengezond.access.nearest import nearest_green

    if len(region.network_edges) == 0 or len(region.addresses) == 0:
        return None
    network = WalkNetwork.from_region(region)
    snap = network.snap(np.asarray(region.addresses.geometry.array, dtype=object))
    green = select_green(region.green, DEFAULT_MIN_AREA_HA if min_area_ha is None
                         else min_area_ha, public_only)
    dist = None
    if len(green):
        dist = nearest_green(network, snap, green_entries(network, green)).dist_m
    return measure_network(network, snap, region.addresses["residents"].to_numpy(float), dist)
