"""The health gap *within* each gemeente, from buurt values that have no polygons.

At national scale there are RIVM 50090NED estimates for every buurt, but no buurt polygons and
no buurt inhabitants in the shared data. The slope index of inequality within a gemeente needs
neither a map nor (for a first look) the buurt populations: its buurten are ranked by a
deprivation indicator and the health indicator regressed on the rank (:func:`slope_index`).
Without buurt inhabitants every buurt weighs the same; that is an assumption, flagged in every
row (``weights = "equal_per_buurt"``), and the figures are flagged as resting on buurt values
without polygons (``geometry = "none"``). Pure computation: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from groengezond.indicators.inequality import slope_index

MIN_BUURTEN = 5
"""Fewer buurten with both values: the SII within the gemeente reads not computable."""

COLUMNS = ["gemeente", "indicator", "rank_by", "year", "age_group", "n_buurten", "sii",
           "sii_lower", "sii_upper", "interval_method", "weights", "geometry",
           "not_computable"]


def gemeente_of_buurt(code: str) -> str:
    """``GM`` code of a CBS buurt code (``BU03440101`` -> ``GM0344``)."""
    return "GM" + code[2:6]


def within_gemeente_gaps(health: pd.DataFrame, indicator: str, rank_by: str, year: int,
                         age_group: str = "18+") -> pd.DataFrame:
    """SII of ``indicator`` within every gemeente, its buurten ranked by ``rank_by``.

    Parameters
    ----------
    health : DataFrame
        Long values: ``area_code, indicator, year, age_group, value`` (e.g. RIVM 50090NED as
        read by :func:`groengezond.sources.rivm_50090.read_rivm_50090`); buurt rows
        (``BU...``) are used.
    indicator : str
        The health indicator (percent of the age group).
    rank_by : str
        Deprivation indicator; a higher value is more deprived (e.g.
        ``difficulty_making_ends_meet_pct``).
    year : int
        Year of both.
    age_group : str
        Age group of both.

    Returns
    -------
    DataFrame
        One row per gemeente (:data:`COLUMNS`); SII in the indicator's unit (percentage
        points), most deprived minus least deprived, with its 95 % interval (regression on
        the ranks, as RIVM publishes point estimates). ``not_computable`` holds the reason
        where fewer than :data:`MIN_BUURTEN` buurten have both values.
    """
    rows = health[(health["year"] == year) & (health["age_group"] == age_group)
                  & health["area_code"].astype(str).str.startswith("BU")]
    wide = rows.pivot_table(index="area_code", columns="indicator", values="value",
                            aggfunc="first")
    out: list[dict[str, object]] = []
    if indicator not in wide.columns or rank_by not in wide.columns:
        return pd.DataFrame(columns=COLUMNS)
    both = wide[[indicator, rank_by]].dropna()
    gemeente = np.array([gemeente_of_buurt(c) for c in both.index])
    for g in sorted(set(gemeente_of_buurt(c) for c in wide.index)):
        part = both[gemeente == g]
        base: dict[str, object] = {"gemeente": g, "indicator": indicator, "rank_by": rank_by,
                                   "year": year, "age_group": age_group,
                                   "n_buurten": len(part), "weights": "equal_per_buurt",
                                   "geometry": "none"}
        if len(part) < MIN_BUURTEN:
            out.append({**base, "sii": np.nan, "sii_lower": np.nan, "sii_upper": np.nan,
                        "interval_method": "none",
                        "not_computable": f"fewer than {MIN_BUURTEN} buurten with both values"})
            continue
        si = slope_index(part[indicator].to_numpy(dtype=float), np.full(len(part), np.nan),
                         np.ones(len(part)), part[rank_by].to_numpy(dtype=float))
        out.append({**base, "sii": si.sii, "sii_lower": si.sii_lower,
                    "sii_upper": si.sii_upper, "interval_method": si.interval,
                    "not_computable": ""})
    return pd.DataFrame(out, columns=COLUMNS)
