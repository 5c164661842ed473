"""Totals over pathways: sum only a declared, non-overlapping set of ERFs, and say which.

Pathways overlap: the greenness-mortality cohorts already contain part of the effect of
physical activity and of cooling (EVIDENCE.md, "Double counting"), and the Groene
Batenplanner's own documentation warns that its sub-models cannot be summed. A total therefore
sums only the ERFs of a named set under ``totals`` in ``erf_registry.yaml``, which the registry
loader has checked contains no pair declared under ``overlaps``. Every total records the ERFs it
summed, those of the set that were not computed, and those computed but left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from groengezond.errors import InputError
from groengezond.health.erf import ErfRegistry
from groengezond.health.impact import FloatArray, ImpactDraws, ImpactSummary, summary_of

_REQUEST = "impact request"


@dataclass(frozen=True)
class TotalResult:
    """A total over a declared non-overlapping set of ERFs.

    Attributes
    ----------
    set_name : str
        Name of the set in the registry (e.g. ``default_total``).
    reason : str
        Why these ERFs may be summed (from the registry).
    outcome : str
        Outcome summed (or ``"value"`` for money).
    unit : str
        Unit of the draws.
    summed : tuple of str
        ERF ids that were summed.
    missing : tuple of str
        ERF ids of the set (for this outcome) that were not computed.
    left_out : tuple of str
        ERF ids that were computed but are not in the set (never summed; shown apart).
    area_codes : tuple of str
        Area of each column.
    draws : numpy.ndarray, shape (n_draws, n_areas)
        Per-draw sums.
    """

    set_name: str
    reason: str
    outcome: str
    unit: str
    summed: tuple[str, ...]
    missing: tuple[str, ...]
    left_out: tuple[str, ...]
    area_codes: tuple[str, ...]
    draws: FloatArray

    def summary(self) -> ImpactSummary:
        """Median and 95% interval per area and for the total."""
        return summary_of(self.set_name, self.unit, self.area_codes, self.draws)


def sum_declared(arrays: Mapping[str, FloatArray], registry: ErfRegistry, set_name: str,
                 only: frozenset[str] | None = None
                 ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], FloatArray]:
    """Sum the arrays of the ERFs in a declared set, and say what was summed.

    Parameters
    ----------
    arrays : mapping of ERF id to numpy.ndarray
        Draws per ERF, all of the same shape (n_draws, n_areas).
    registry : ErfRegistry
        Registry declaring the set.
    set_name : str
        Name of the set under ``totals``.
    only : frozenset of str, optional
        Restrict the set to these ERF ids (e.g. those of one outcome).

    Returns
    -------
    tuple
        (summed ids, missing ids, left-out ids, sum of the summed arrays).

    Raises
    ------
    InputError
        Unknown set, no array of the set present, or arrays of different shapes.
    """
    tot = registry.total_set(set_name)
    members = tuple(e for e in tot.erfs if only is None or e in only)
    summed = tuple(e for e in members if e in arrays)
    missing = tuple(e for e in members if e not in arrays)
    left_out = tuple(e for e in arrays if e not in tot.erfs)
    if not summed:
        raise InputError.single(_REQUEST, f"totals '{set_name}'", "erfs",
                                "none of the set's ERFs was computed",
                                f"compute at least one of: {', '.join(members or tot.erfs)}")
    shapes = {arrays[e].shape for e in summed}
    if len(shapes) != 1:
        raise InputError.single(_REQUEST, f"totals '{set_name}'", "draws",
                                f"draws have different shapes {sorted(shapes)}",
                                "use the same areas and number of draws for every ERF")
    total = np.array(arrays[summed[0]], dtype=float)  # a copy; added to in place
    for e in summed[1:]:
        total += arrays[e]
    return summed, missing, left_out, total


def total_by_outcome(impacts: Mapping[str, ImpactDraws], registry: ErfRegistry,
                     set_name: str = "default_total") -> dict[str, TotalResult]:
    """Totals of cases per outcome over a declared non-overlapping set of ERFs.

    Deaths and depression cases are never added to each other: there is one total per
    outcome. Computed ERFs of that outcome outside the set are listed in ``left_out`` and not
    summed (e.g. heat deaths next to the default total's greenness deaths).

    Parameters
    ----------
    impacts : mapping of ERF id to ImpactDraws
        Results of :func:`simulate_impact`.
    registry : ErfRegistry
        Registry declaring ``set_name``.
    set_name : str
        Name of the set (default ``default_total``).

    Returns
    -------
    dict of str to TotalResult
        One total per outcome that has at least one computed ERF of the set.
    """
    tot = registry.total_set(set_name)
    codes = {imp.area_codes for imp in impacts.values()}
    if len(codes) > 1:
        raise InputError.single(_REQUEST, f"totals '{set_name}'", "area_codes",
                                "impacts are for different areas", "compute all for one area set")
    out: dict[str, TotalResult] = {}
    outcomes = dict.fromkeys(registry[e].outcome for e in tot.erfs)
    arrays = {k: v.draws for k, v in impacts.items()}
    for outcome in outcomes:
        ids = frozenset(e for e in tot.erfs if registry[e].outcome == outcome)
        if not any(e in impacts for e in ids):
            continue
        summed, missing, _, draws = sum_declared(arrays, registry, set_name, ids)
        left_out = tuple(e for e, imp in impacts.items()
                         if imp.erf.outcome == outcome and e not in tot.erfs)
        unit = registry[summed[0]].outcome_unit
        out[outcome] = TotalResult(set_name, tot.reason.strip(), outcome, unit, summed,
                                   missing, left_out, next(iter(codes)), draws)
    return out
