"""Public test helper: a small valid region with Monitor indicators over several years.

:func:`monitor_region` builds a region of square buurten on a grid (gemeenten ⊃ wijken ⊃
buurten) with inhabitants, mean income, health indicators with 95 % intervals for the survey
years and a green-access share, so that the Monitor's tables can be tested without the
synthetic generator. Deprived buurten (low income) have worse health by construction.
Nothing in it is real.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from groengezond.region.model import Region, RegionMeta, Source
from groengezond.region.schema import CRS

ORIGIN = (130_000.0, 450_000.0)
SIZE_M = 400.0


def monitor_region(gemeenten: int = 2, wijken: int = 3, buurten: int = 4,
                   years: Sequence[int] = (2012, 2016, 2020, 2022), seed: int = 0,
                   small_buurt: bool = True) -> Region:
    """Return a small valid region with indicator values for the Monitor.

    Parameters
    ----------
    gemeenten, wijken, buurten : int
        Gemeenten in the region, wijken per gemeente, buurten per wijk.
    years : sequence of int
        Survey years with values.
    seed : int
        Seed of the random values.
    small_buurt : bool
        Give the last buurt only 6 inhabitants (to exercise disclosure control).

    Returns
    -------
    Region
        Areas, per-buurt indicators (``inhabitants`` per year, ``income_mean_eur``,
        ``low_income_households_pct``, ``healthy_life_expectancy_years``,
        ``perceived_health_good_pct``, ``depression_anxiety_risk_pct``,
        ``green_within_300m_pct``, ``canopy_pct``) and ``living_environment_satisfaction`` without
        intervals. Healthy life expectancy falls over the years in deprived buurten and rises
        in the others, so the gap widens.
    """
    rng = np.random.default_rng(seed)
    x0, y0 = ORIGIN
    rows: list[tuple[str, str, str, str | None, int, object]] = []
    codes: list[str] = []
    n_b = gemeenten * wijken * buurten
    pop = rng.integers(300, 3000, n_b)
    if small_buurt:
        pop[-1] = 6
    k = 0
    for g in range(gemeenten):
        gm = f"GM9{g + 1:03d}"
        for w in range(wijken):
            wk = f"WK9{g + 1:03d}{w + 1:02d}"
            for b in range(buurten):
                bu = f"{wk.replace('WK', 'BU')}{b + 1:02d}"
                x = x0 + (w * buurten + b) * SIZE_M
                y = y0 + g * SIZE_M
                rows.append((bu, f"Buurt {g + 1}.{w + 1}.{b + 1}", "buurt", wk, int(pop[k]),
                             box(x, y, x + SIZE_M, y + SIZE_M)))
                codes.append(bu)
                k += 1
            xw = x0 + w * buurten * SIZE_M
            rows.append((wk, f"Wijk {g + 1}.{w + 1}", "wijk", gm, 0,
                         box(xw, y0 + g * SIZE_M, xw + buurten * SIZE_M, y0 + (g + 1) * SIZE_M)))
        rows.append((gm, f"Gemeente {g + 1}", "gemeente", "NL9000", 0,
                     box(x0, y0 + g * SIZE_M, x0 + wijken * buurten * SIZE_M,
                         y0 + (g + 1) * SIZE_M)))
    rows.append(("NL9000", "Testregio", "region", None, 0,
                 box(x0, y0, x0 + wijken * buurten * SIZE_M, y0 + gemeenten * SIZE_M)))
    areas = gpd.GeoDataFrame(rows, columns=["code", "name", "level", "parent", "inhabitants",
                                            "geometry"], geometry="geometry", crs=CRS)
    by_code = {c: int(p) for c, p in zip(codes, pop, strict=True)}
    for j in np.flatnonzero((areas["level"] != "buurt").to_numpy()):
        areas.at[j, "inhabitants"] = _descendant_pop(str(areas.at[j, "code"]), areas, by_code)
    areas["inhabitants"] = areas["inhabitants"].astype("int64")
    # Deprivation: a random order of the buurten from 0 (least) to 1 (most deprived).
    depr = np.linspace(0.0, 1.0, n_b)[rng.permutation(n_b)]
    income = 38_000 - 16_000 * depr + rng.normal(0, 800, n_b)
    low_inc = 5 + 20 * depr + rng.normal(0, 1, n_b)
    recs: list[tuple[str, str, int, float, float, float]] = []
    for t, year in enumerate(years):
        frac = t / max(len(years) - 1, 1)
        for i, code in enumerate(codes):
            se_scale = 30.0 / np.sqrt(max(pop[i], 1))
            hle = 66 - 8 * depr[i] + 2 * frac * (0.5 - depr[i]) + rng.normal(0, 0.3)
            ph = 80 - 15 * depr[i] + rng.normal(0, 1)
            dep = 40 + 15 * depr[i] + rng.normal(0, 1)
            green = float(np.clip(90 - 40 * depr[i] + rng.normal(0, 5), 0, 100))
            for ind, v, se in (("healthy_life_expectancy_years", hle, 0.4 * se_scale),
                               ("perceived_health_good_pct", ph, se_scale),
                               ("depression_anxiety_risk_pct", dep, se_scale)):
                recs.append((code, ind, year, v, v - 1.96 * se, v + 1.96 * se))
            recs.append((code, "inhabitants", year, float(pop[i]), np.nan, np.nan))
            recs.append((code, "income_mean_eur", year, float(income[i]), np.nan, np.nan))
            recs.append((code, "low_income_households_pct", year, float(low_inc[i]), np.nan,
                         np.nan))
            recs.append((code, "green_within_300m_pct", year, green, np.nan, np.nan))
            recs.append((code, "canopy_pct", year, float(10 + 20 * (1 - depr[i])), np.nan,
                         np.nan))
            recs.append((code, "living_environment_satisfaction", year,
                         float(7.5 - depr[i] + rng.normal(0, 0.1)), np.nan, np.nan))
    ind_frame = pd.DataFrame(recs, columns=["area_code", "indicator", "year", "value", "lower",
                                            "upper"])
    ind_frame["year"] = ind_frame["year"].astype("int64")
    ind_frame["source"] = "groengezond monitor test region"
    meta = RegionMeta(name="Monitor test region", years=sorted(years), synthetic=True,
                      sources=[Source(
                          name="groengezond monitor test region", licence="EUPL-1.2",
                          attribution="Gegenereerde testgegevens; niets ervan is echt")])
    return Region(meta=meta, areas=areas, indicators=ind_frame)


def _descendant_pop(code: str, areas: pd.DataFrame, by_code: dict[str, int]) -> int:
    children = areas.loc[areas["parent"] == code, "code"]
    total: int = 0
    for child in children:
        total += by_code[child] if child in by_code else _descendant_pop(child, areas, by_code)
    return total
