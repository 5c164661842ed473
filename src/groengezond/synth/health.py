"""Health and social indicators per buurt, wijk, gemeente and region.

The health indicators imitate the small-area estimates of the Gezondheidsmonitor (RIVM
"Gezondheid per wijk en buurt", survey years 2012, 2016, 2020 and 2022): a value and a 95%
interval per buurt and year. They are generated from each buurt's residents:

- :math:`I` — the buurt's resident-weighted mean income decile, standardised over the buurten;
- :math:`G` — the resident-weighted mean green share (land-cover classes low green, trees and
  agriculture) within about 300 m of the addresses (a 61 × 61-cell box on the 10 m raster),
  standardised over the buurten; :math:`g` is the same share in percentage points;
- :math:`A` — the share of residents aged 65+ (minus 0.18);
- :math:`h` — a buurt effect shared by all indicators, N(0, 1), and a per-indicator buurt
  effect; both are fixed over the years;
- a trend per survey year, and survey noise per year.

Proportions (%) are logistic: :math:`p = \\operatorname{expit}(\\beta_0 + \\beta_I I +
\\beta_G G + \\beta_g (g - \\bar g)/10 + \\beta_A A + \\beta_h h + \\tau_{year} + u)` with the
coefficients in :data:`SPECS`; for depression and anxiety the green coefficient is
:math:`\\ln 0.95` per 10 percentage points of green share, the pooled odds ratio of Liu et al.
(2023) for depression (0.963) and anxiety (0.938). Healthy life expectancy (years) and the
satisfaction score (1-10) are linear in the same terms. The coefficients were chosen (they are
invented) to give realistic levels and a gap of 10-15 healthy years between the worst and the
best wijken, like Overvecht (about 60) against Noordoost (about 72) in Utrecht (Regio Deal
proposal).

The 95% intervals come from an effective survey sample of 10% of the adults (30-800
respondents): :math:`\\mathrm{logit}(p) \\pm 1.96 / \\sqrt{n_{eff} p (1 - p)}` for proportions,
:math:`\\pm 1.96 \\cdot 1.3 / \\sqrt{n_{eff}}` for the score and
:math:`\\pm 1.96 \\cdot 1.2 \\sqrt{2000 / n}` years for healthy life expectancy; small buurten
get wide intervals. Wijk, gemeente and region values are resident-weighted means of their
buurten, with :math:`SE = \\sqrt{\\sum_b (w_b / W)^2 SE_b^2}`.

Social indicators (2022 only, every level): inhabitants, households, mean income (€, price
year 2022), share of low-income households, mean income decile, shares aged 0-17 and 65+, and
the green share around the addresses; their interval is the value itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import ndimage
from scipy.special import expit, logit

from groengezond.region.model import Landcover
from groengezond.region.schema import GREEN_CLASSES, LANDCOVER_CLASSES
from groengezond.synth.areas import Areas
from groengezond.synth.fields import FloatArray, IntArray
from groengezond.synth.people import LOW_INCOME_EUR, People

YEARS = (2012, 2016, 2020, 2022)
"""Survey years of the health indicators."""
CURRENT_YEAR = 2022
"""Year of the social indicators."""
FOCAL_CELLS = 61
"""Side (cells) of the square window for the green share around an address (~600 m)."""


@dataclass(frozen=True)
class Spec:
    """Coefficients of one health indicator (see the module docstring)."""

    name: str
    kind: str  # "pct", "years" or "score"
    base: float
    income: float
    green_z: float
    green_10pp: float
    old: float
    shared: float
    own_sd: float
    trend: tuple[float, float, float, float]
    unit: str


SPECS: tuple[Spec, ...] = (
    Spec("perceived_health_good_pct", "pct", float(logit(0.76)), 0.42, 0.08, 0.0, -2.0, 0.12,
         0.08, (0.0, -0.03, -0.05, -0.12), "%"),
    Spec("depression_anxiety_risk_pct", "pct", float(logit(0.075)), -0.42, 0.0,
         float(np.log(0.95)), -1.0, -0.15, 0.10, (0.0, 0.03, 0.10, 0.28), "%"),
    Spec("overweight_pct", "pct", float(logit(0.49)), -0.30, -0.05, 0.0, 1.0, -0.08, 0.07,
         (0.0, 0.06, 0.12, 0.16), "%"),
    Spec("physical_activity_guideline_pct", "pct", float(logit(0.48)), 0.26, 0.12, 0.0, -1.5,
         0.08, 0.08, (-0.16, -0.06, 0.04, 0.02), "%"),
    Spec("healthy_life_expectancy_years", "years", 64.8, 3.2, 1.0, 0.0, 0.0, 1.1, 1.0,
         (0.0, 0.5, 0.9, 0.7), "years"),
    Spec("living_environment_satisfaction", "score", 7.45, 0.33, 0.30, 0.0, 0.5, 0.12, 0.1,
         (0.0, 0.02, 0.08, 0.05), "score 1-10"),
)


def green_share(landcover: Landcover, xy: FloatArray) -> FloatArray:
    """Share (0-1) of green cells in a ~600 m × 600 m window around each point.

    Parameters
    ----------
    landcover : Landcover
        The land-cover raster; green classes are those of
        :data:`~groengezond.region.schema.GREEN_CLASSES`, nodata cells are left out.
    xy : ndarray (n, 2)
        Points (m, RD New).

    Returns
    -------
    ndarray of float (n,)
    """
    codes = [c for c, name in LANDCOVER_CLASSES.items() if name in GREEN_CLASSES]
    cls = landcover.classes
    green = ndimage.uniform_filter(np.isin(cls, codes).astype(np.float32), FOCAL_CELLS,
                                   mode="constant")
    valid = ndimage.uniform_filter((cls > 0).astype(np.float32), FOCAL_CELLS, mode="constant")
    share = np.where(valid > 0, green / np.maximum(valid, 1e-6), 0.0)
    col = (xy[:, 0] - landcover.transform.c) / landcover.transform.a
    row = (xy[:, 1] - landcover.transform.f) / landcover.transform.e
    row = np.clip(np.floor(row).astype(np.int64), 0, cls.shape[0] - 1)
    col = np.clip(np.floor(col).astype(np.int64), 0, cls.shape[1] - 1)
    return np.asarray(share[row, col], dtype=np.float64)


def _sum(index: IntArray, weights: npt.NDArray[np.number] | None, n: int) -> FloatArray:
    """Sum of ``weights`` (or count) per index 0..n-1, as float64."""
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    return np.asarray(np.bincount(index, weights=w, minlength=n), dtype=np.float64)


def _standardise(x: FloatArray, w: FloatArray) -> FloatArray:
    m = np.average(x, weights=w)
    sd = np.sqrt(np.average((x - m) ** 2, weights=w))
    return np.asarray(np.clip((x - m) / max(sd, 1e-9), -2.5, 2.5), dtype=np.float64)


def _frame(codes: list[str], name: str, year: int, value: FloatArray, lower: FloatArray,
           upper: FloatArray, source: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame({"area_code": codes, "indicator": name,
                         "year": np.full(len(codes), year, dtype=np.int64),
                         "value": value, "lower": lower, "upper": upper, "source": source,
                         "unit": unit})


def make_indicators(areas: Areas, people: People, block_buurt: IntArray,
                    landcover: Landcover, source: str,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Health indicators per buurt (4 years) and aggregates; social indicators (2022).

    Parameters
    ----------
    areas : Areas
        The area hierarchy (buurten first).
    people : People
        The addresses and households.
    block_buurt : ndarray of int
        Buurt (row in ``areas``) of every block.
    landcover : Landcover
        The land-cover raster (green exposure).
    source : str
        Text for the ``source`` column.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Long form: area_code, indicator, year, value, lower, upper, source, unit.
    """
    level = np.asarray(areas.level)
    n_b = int((level == "buurt").sum())
    bu = block_buurt[people.cell]
    res = people.residents.astype(np.float64)
    adults = (people.age_18_64 + people.age_65_plus).astype(np.float64)
    pop = _sum(bu, res, n_b)
    adult_pop = _sum(bu, adults, n_b)
    hh = _sum(bu, None, n_b)
    w = np.maximum(pop, 1e-9)
    per_hh = np.maximum(hh, 1e-9)
    gshare = green_share(landcover, people.xy)
    green_b = _sum(bu, gshare * res, n_b) / w
    decile_b = _sum(bu, people.income_decile * res, n_b) / w
    old_b = _sum(bu, people.age_65_plus, n_b) / w
    young_b = _sum(bu, people.age_0_17, n_b) / w
    income_b = _sum(bu, people.income_eur, n_b) / per_hh
    low_b = _sum(bu, (people.income_eur < LOW_INCOME_EUR).astype(np.float64), n_b) / per_hh
    weight = pop + 1e-6
    iz = _standardise(decile_b, weight)
    gz = _standardise(green_b, weight)
    g10 = (green_b - np.average(green_b, weights=weight)) * 10.0
    age = old_b - 0.18
    shared = rng.normal(0.0, 1.0, n_b)
    n_eff = np.clip(0.1 * adult_pop, 30.0, 800.0)
    codes = list(areas.code)
    buurt_codes = codes[:n_b]
    frames: list[pd.DataFrame] = []
    groups = _groups(areas, n_b)
    for spec in SPECS:
        own = rng.normal(0.0, spec.own_sd, n_b)
        for y, year in enumerate(YEARS):
            lin = (spec.base + spec.income * iz + spec.green_z * gz + spec.green_10pp * g10
                   + spec.old * age + spec.shared * shared + own + spec.trend[y])
            value, se = _observe(spec, lin, n_eff, pop, rng)
            lo, hi = _interval(spec, value, se)
            frames.append(_frame(buurt_codes, spec.name, year, value, lo, hi, source, spec.unit))
            frames += _aggregate(spec.name, year, value, se, pop if spec.kind == "years"
                                 else adult_pop, groups, codes, source, spec.unit)
    social: dict[str, tuple[FloatArray, FloatArray | None, str]] = {
        "inhabitants": (pop, None, "persons"),
        "households": (hh, None, "households"),
        "income_mean_eur": (income_b, hh, "EUR (2022 prices)"),
        "low_income_households_pct": (100 * low_b, hh, "%"),
        "income_decile_mean": (decile_b, pop, "decile (1-10)"),
        "age_0_17_pct": (100 * young_b, pop, "%"),
        "age_65_plus_pct": (100 * old_b, pop, "%"),
        "green_share_300m_pct": (100 * green_b, pop, "%"),
    }
    for name, (value, wts, unit) in social.items():
        frames.append(_frame(buurt_codes, name, CURRENT_YEAR, value, value, value, source, unit))
        frames += _aggregate(name, CURRENT_YEAR, value, np.zeros(n_b), wts, groups, codes,
                             source, unit, total=wts is None)
    out = pd.concat(frames, ignore_index=True)
    for col in ("value", "lower", "upper"):
        out[col] = out[col].astype(np.float64).round(3)
    out["lower"] = np.minimum(out["lower"], out["value"])
    out["upper"] = np.maximum(out["upper"], out["value"])
    return out


def _observe(spec: Spec, lin: FloatArray, n_eff: FloatArray, pop: FloatArray,
             rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Value (with survey noise) and its standard error, in the indicator's unit."""
    if spec.kind == "pct":
        p = expit(lin)
        se_logit = 1.0 / np.sqrt(n_eff * p * (1.0 - p))
        p = expit(lin + rng.normal(0.0, 0.4, len(lin)) * se_logit)
        return 100.0 * p, se_logit
    if spec.kind == "years":
        se = np.clip(1.2 * np.sqrt(2000.0 / np.maximum(pop, 50.0)), 0.4, 6.0)
        return lin + rng.normal(0.0, 0.4, len(lin)) * se, se
    se = 1.3 / np.sqrt(n_eff)
    return np.clip(lin + rng.normal(0.0, 0.4, len(lin)) * se, 1.0, 10.0), se


def _interval(spec: Spec, value: FloatArray, se: FloatArray) -> tuple[FloatArray, FloatArray]:
    """95% interval: on the logit scale for proportions, symmetric otherwise."""
    if spec.kind == "pct":
        centre = logit(np.clip(value / 100.0, 1e-6, 1 - 1e-6))
        return 100.0 * expit(centre - 1.96 * se), 100.0 * expit(centre + 1.96 * se)
    lo, hi = value - 1.96 * se, value + 1.96 * se
    if spec.kind == "score":
        lo, hi = np.clip(lo, 1.0, 10.0), np.clip(hi, 1.0, 10.0)
    return lo, hi


def _groups(areas: Areas, n_b: int) -> list[tuple[IntArray, IntArray]]:
    """For wijk, gemeente and region: (area row per buurt, area rows of that level)."""
    code_row = {c: i for i, c in enumerate(areas.code)}
    parent = [code_row[p] if p is not None else -1 for p in areas.parent]
    row_of_buurt = np.arange(n_b)
    out = []
    for _ in range(3):
        up = np.array([parent[r] for r in row_of_buurt], dtype=np.int64)
        out.append((up, np.unique(up)))
        row_of_buurt = up
    return out


def _aggregate(name: str, year: int, value: FloatArray, se: FloatArray,
               weight: FloatArray | None, groups: list[tuple[IntArray, IntArray]],
               codes: list[str], source: str, unit: str,
               total: bool = False) -> list[pd.DataFrame]:
    """Weighted means (or sums when ``total``) of buurt values per wijk, gemeente, region."""
    out = []
    wts = np.ones(len(value)) if weight is None else weight.astype(np.float64) + 1e-9
    is_pct_se = name.endswith("_pct") and se.any()
    for up, rows in groups:
        n_up = int(up.max()) + 1
        if total:
            agg = _sum(up, value, n_up)[rows]
            lo = hi = agg
        else:
            wsum = np.maximum(_sum(up, wts, n_up), 1e-12)
            agg = _sum(up, wts * value, n_up) / wsum
            # standard errors in the value's unit (proportions: delta method from logit)
            p = value / 100.0
            se_v = se * p * (1 - p) * 100.0 if is_pct_se else se
            var = _sum(up, (wts / wsum[up]) ** 2 * se_v**2, n_up)
            agg = agg[rows]
            half = 1.96 * np.sqrt(var[rows])
            lo, hi = agg - half, agg + half
        out.append(_frame([codes[r] for r in rows], name, year, agg, lo, hi, source, unit))
    return out


def buurt_exposure(areas: Areas, people: People, block_buurt: IntArray,
                   landcover: Landcover) -> npt.NDArray[np.float64]:
    """Resident-weighted green share (0-1) around the addresses of each buurt."""
    n_b = int((np.asarray(areas.level) == "buurt").sum())
    bu = block_buurt[people.cell]
    res = people.residents.astype(np.float64)
    g = green_share(landcover, people.xy)
    return np.asarray(np.bincount(bu, weights=g * res, minlength=n_b)
                      / np.maximum(np.bincount(bu, weights=res, minlength=n_b), 1e-9))
