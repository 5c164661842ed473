"""Supply of green per inhabitant: two-step floating catchment (2SFCA) over the network.

As InVEST Urban Nature Access (Natural Capital Project, *InVEST User's Guide*, "Urban Nature
Access", 2023), after Luo & Wang (2003) and the enhanced form of Luo & Qi (2009), but with
*walking-network* distances instead of straight lines, so barriers count. For green space
:math:`j` of area :math:`S_j` (m²), addresses :math:`i` with :math:`P_i` residents, network
distance :math:`d_{ij}` and decay :math:`f` with search radius :math:`r`:

.. math::

    R_j = \\frac{S_j}{\\sum_k P_k\\, f(d_{kj})}, \\qquad
    A_i = \\sum_j R_j\\, f(d_{ij}), \\qquad
    B_i = (A_i - g_{\\text{norm}})\\, P_i

:math:`A_i` is green (m²) per inhabitant available to address :math:`i`; :math:`B_i` the
balance (m², negative where there is too little). With the dichotomy decay and
:math:`r = 500` m, :math:`A_i` is "m² of green per inhabitant within 500 m"
(:func:`green_per_inhabitant`), compared to a norm of 60 m² (cited in the InVEST UNA guide
[check: secondary source, see EVIDENCE.md]).

Decay functions :math:`f(d)` for :math:`d \\le r` (0 beyond :math:`r`), as InVEST UNA:

- dichotomy: :math:`1`;
- exponential: :math:`e^{-d/r}`;
- gaussian: :math:`\\bigl(e^{-\\frac12 (d/r)^2} - e^{-\\frac12}\\bigr)
  / \\bigl(1 - e^{-\\frac12}\\bigr)`;
- density: :math:`\\tfrac34 \\bigl(1 - (d/r)^2\\bigr)`.

The catchments (:mod:`groengezond.access.catchment`) come from a bounded Dijkstra (limit
:math:`r`) per green space and are kept per (green, edge): the addresses of an edge reached
over its :math:`u` end form a run along the edge, those reached over :math:`v` another. For the
dichotomy and the exponential decay, :math:`f(d_u + o) = w(d_u)\\, h(o)`, so both sums of the
2SFCA run over these runs with prefix sums along the edges, without a list of (green, address)
pairs; the gaussian and the density decay go through that list, in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from groengezond.access.catchment import (
    TILE_FACTOR,
    AddressLayout,
    Catchments,
    catchments,
    segment_cumsum,
)
from groengezond.access.catchment_tiles import MARGIN
from groengezond.access.entries import Entries
from groengezond.network import Snap, WalkNetwork

__all__ = [
    "DECAYS",
    "GREEN_NORM_M2_PER_INHABITANT",
    "MARGIN",
    "SUPPLY_RADIUS_M",
    "TILE_FACTOR",
    "AddressLayout",
    "Catchments",
    "Decay",
    "Supply",
    "catchments",
    "decay",
    "green_per_inhabitant",
    "two_step_fca",
]

FloatArray = npt.NDArray[np.float64]
Decay = Literal["dichotomy", "exponential", "gaussian", "density"]

DECAYS: tuple[str, ...] = ("dichotomy", "exponential", "gaussian", "density")

GREEN_NORM_M2_PER_INHABITANT = 60.0
"""Norm of green per inhabitant within 500 m (m²), as cited in the InVEST UNA guide [check]."""

SUPPLY_RADIUS_M = 500.0
"""Radius (m) of "m² of green per inhabitant within 500 m"."""


def decay(distance_m: npt.ArrayLike, radius_m: float, kind: Decay = "dichotomy") -> FloatArray:
    """Weight :math:`f(d)` of a green space at network distance ``distance_m`` (m).

    Parameters
    ----------
    distance_m : numpy.ndarray of float
        Distances (m).
    radius_m : float
        Search radius :math:`r` (m); weights are 0 beyond it.
    kind : {"dichotomy", "exponential", "gaussian", "density"}
        Decay function (see module docstring; InVEST Urban Nature Access).

    Returns
    -------
    numpy.ndarray of float
        Weights in [0, 1].
    """
    d = np.asarray(distance_m)
    if d.dtype != np.float32:
        d = d.astype(np.float64)
    x = d / d.dtype.type(radius_m)
    if kind == "dichotomy":
        w = np.ones_like(x)
    elif kind == "exponential":
        w = np.exp(-x)
    elif kind == "gaussian":
        e = np.exp(-0.5)
        w = (np.exp(-0.5 * x * x) - e) / (1.0 - e)
    elif kind == "density":
        w = 0.75 * (1.0 - x * x)
    else:
        raise ValueError(f"unknown decay {kind!r}; use one of {', '.join(DECAYS)}")
    out: FloatArray = np.asarray(w, dtype=np.float64)
    np.maximum(out, 0.0, out=out)
    out[~(x <= 1.0)] = 0.0
    return out


SEPARABLE: tuple[str, ...] = ("dichotomy", "exponential")
"""Decays with :math:`f(d_u + o) = w(d_u)\\, h(o)`, summed per edge without listing pairs."""


@dataclass(frozen=True)
class Supply:
    """Result of :func:`two_step_fca`.

    Attributes
    ----------
    green_m2_per_inhabitant : numpy.ndarray of float
        :math:`A_i` per address (m² of green per inhabitant).
    ratio : numpy.ndarray of float
        :math:`R_j` per green space (m² per decay-weighted inhabitant; ``nan`` if no one
        lives within the radius).
    balance_m2 : numpy.ndarray of float
        :math:`B_i = (A_i - g_{\\text{norm}}) P_i` per address (m²).
    """

    green_m2_per_inhabitant: FloatArray
    ratio: FloatArray
    balance_m2: FloatArray


def two_step_fca(
    catchment: Catchments,
    residents: npt.ArrayLike,
    green_area_m2: npt.ArrayLike,
    kind: Decay = "exponential",
    norm_m2: float = GREEN_NORM_M2_PER_INHABITANT,
) -> Supply:
    """Two-step floating catchment over precomputed catchments (see module formulas).

    For the dichotomy and the exponential decay, :math:`f(d_u + o) = w(d_u)\\, h(o)`, so both
    sums run per (green, edge) pair over prefix sums along the edge's sorted addresses; the
    gaussian and the density decay go through the list of (green, address) pairs.

    Parameters
    ----------
    catchment : Catchments
        Pairs within the search radius (:func:`catchments`).
    residents : array of float
        :math:`P_i` per address (persons).
    green_area_m2 : array of float
        :math:`S_j` per green index (m²).
    kind : {"dichotomy", "exponential", "gaussian", "density"}
        Decay function.
    norm_m2 : float
        :math:`g_{\\text{norm}}` (m² per inhabitant) for the balance.

    Returns
    -------
    Supply
    """
    if kind not in DECAYS:
        raise ValueError(f"unknown decay {kind!r}; use one of {', '.join(DECAYS)}")
    pop = np.asarray(residents, dtype=np.float64)
    area = np.asarray(green_area_m2, dtype=np.float64)
    fca = _fca_runs if kind in SEPARABLE else _fca_pairs
    ratio, per_cap = fca(catchment, pop, area, kind)
    return Supply(per_cap, ratio, (per_cap - norm_m2) * pop)


def _ratio(area: FloatArray, demand: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:math:`R_j` (``nan`` without demand) and the same with 0 for ``nan``."""
    ratio = np.divide(area, demand, out=np.full(len(area), np.nan), where=demand > 0)
    return ratio, np.nan_to_num(ratio, nan=0.0)


def _fca_pairs(c: Catchments, pop: FloatArray, area: FloatArray,
               kind: Decay) -> tuple[FloatArray, FloatArray]:
    """:math:`R_j` and :math:`A_i` over the (green, address) pairs, in chunks (f twice)."""
    demand = np.zeros(len(area))
    for green, address, dist in c.iter_pairs():
        demand += np.bincount(green, weights=pop[address] * decay(dist, c.radius_m, kind),
                              minlength=len(area))
    ratio, r = _ratio(area, demand)
    per_cap = np.zeros(len(pop))
    for green, address, dist in c.iter_pairs():
        per_cap += np.bincount(address, weights=r[green] * decay(dist, c.radius_m, kind),
                               minlength=len(pop))
    return ratio, per_cap


def _fca_runs(c: Catchments, pop: FloatArray, area: FloatArray,
              kind: Decay) -> tuple[FloatArray, FloatArray]:
    """:math:`R_j` and :math:`A_i` per (green, edge) pair, for a decay ``w(d) h(x)``.

    With :math:`f(d_u + o) = w(d_u)\\, h(o)`, the demand of a u-run is :math:`w(d_u)` times a
    prefix sum of :math:`P h(o)` along the edge, of a v-run :math:`w(d_v)` times a suffix sum
    of :math:`P h(t)`. For :math:`A_i`, each run adds :math:`R_j w` at its last (u) or first
    (v) address and a suffix (prefix) sum spreads it over the run.
    """
    lay = c.layout
    n_addr = len(lay.order)

    def weight(d: FloatArray) -> FloatArray:
        if kind == "exponential":
            return np.exp(-d / c.radius_m)
        return np.ones(len(d))

    h_head, h_tail = weight(lay.head_m), weight(lay.tail_m)
    w_u, w_v = weight(c.pair_du), weight(c.pair_dv)
    base = lay.seg_ptr[c.pair_seg]
    size = lay.seg_ptr[c.pair_seg + 1] - base
    has_u = np.flatnonzero(c.u_count > 0)
    has_v = np.flatnonzero(c.v_start < size)
    last_u = base[has_u] + c.u_count[has_u] - 1
    first_v = base[has_v] + c.v_start[has_v]
    g_u, g_v = c.pair_green[has_u], c.pair_green[has_v]
    w_u, w_v = w_u[has_u], w_v[has_v]
    pop_s = pop[lay.order]
    head_sum = segment_cumsum(pop_s * h_head, lay.local)
    tail_sum = segment_cumsum(pop_s * h_tail, lay.rlocal, reverse=True)
    f_direct = decay(c.direct_dist_m, c.radius_m, kind)
    g = len(area)
    demand = (np.bincount(g_u, weights=w_u * head_sum[last_u], minlength=g)
              + np.bincount(g_v, weights=w_v * tail_sum[first_v], minlength=g)
              + np.bincount(c.direct_green, weights=pop[c.direct_address] * f_direct,
                            minlength=g)).astype(np.float64)
    ratio, r = _ratio(area, demand)
    over_u = segment_cumsum(np.bincount(last_u, weights=r[g_u] * w_u, minlength=n_addr),
                             lay.rlocal, reverse=True)
    over_v = segment_cumsum(np.bincount(first_v, weights=r[g_v] * w_v, minlength=n_addr),
                             lay.local)
    per_cap = np.empty(n_addr)
    per_cap[lay.order] = h_head * over_u + h_tail * over_v
    per_cap += np.bincount(c.direct_address, weights=r[c.direct_green] * f_direct,
                           minlength=n_addr)
    return ratio, per_cap


def green_per_inhabitant(network: WalkNetwork, snap: Snap, entries: Entries,
                         residents: npt.ArrayLike, radius_m: float = SUPPLY_RADIUS_M,
                         norm_m2: float = GREEN_NORM_M2_PER_INHABITANT) -> Supply:
    """m² of green per inhabitant within ``radius_m`` (2SFCA with the dichotomy decay)."""
    catch = catchments(network, snap, entries, radius_m)
    return two_step_fca(catch, residents, entries.green_area_ha * 1e4, "dichotomy", norm_m2)
