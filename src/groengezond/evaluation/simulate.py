"""Honesty on few waves: planted-effect simulations and minimum detectable effects.

A planted-effect simulation takes a real (or simulated) panel with *no* intervention, draws
treated areas at random (staggered over ``treat_years``), adds a known ``effect`` to their
outcome from their treatment year on, and runs each estimator. Over ``n_sims`` draws it
reports per estimator and effect size:

* ``bias``: mean estimate minus the planted effect;
* ``coverage``: share of 95 % intervals containing the planted effect (should be ~0.95);
* ``power``: share of identified estimates with p < 0.05 (at effect 0: the false-positive
  rate, should be ~0.05);
* ``identified``: share of draws where the estimator was identified at all.

Because treatment is assigned at random, the real panel's own trends, noise and clustering
are kept, and only the assignment is artificial; the figures hold for randomly placed
interventions and are optimistic for interventions placed where trends differ.

:func:`minimum_detectable_effect` finds the effect detected with 80 % power by simulation:
it runs the null (effect 0) to get the spread of the estimator, then a grid of effects in
multiples of that spread, and interpolates power to 0.8.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.evaluation.did2x2 import matched_did
from groengezond.evaluation.result import Estimate
from groengezond.evaluation.staggered import cs_did, twfe_event_study

Estimator = Callable[[pd.DataFrame], Estimate]


def _cs(df: pd.DataFrame) -> Estimate:
    return cs_did(df, control="notyettreated").estimates["simple"]


def _twfe(df: pd.DataFrame) -> Estimate:
    return twfe_event_study(df, cluster="cluster", bootstrap_reps=199).estimate


def _matched(df: pd.DataFrame) -> Estimate:
    g = df.groupby("unit")["first_treat"].first()
    cohorts = sorted(c for c in g.unique() if c > 0)
    if not cohorts:
        return Estimate.not_identified("matched_did", "att", "no treated areas",
                                       "evaluation.no_treated")
    first = cohorts[0]  # the matched design takes one cohort: the first
    treated = g.index[g == first].tolist()
    sub = df[~df["unit"].isin(g.index[(g > 0) & (g != first)])]
    return matched_did(sub, unit="unit", time="time", outcome="outcome",
                       treated_units=treated, treat_time=int(first), n_perm=99)


ESTIMATORS: dict[str, Estimator] = {"cs_did": _cs, "twfe_event": _twfe,
                                    "matched_did": _matched}
"""Estimators the simulations run, by id."""


def plant(panel: pd.DataFrame, treated: dict[str, int], effect: float) -> pd.DataFrame:
    """Copy of ``panel`` with ``first_treat`` set for ``treated`` and ``effect`` added after."""
    df = panel.copy()
    df["first_treat"] = df["unit"].map(treated).fillna(0).astype(int)
    on = (df["first_treat"] > 0) & (df["time"] >= df["first_treat"])
    df.loc[on, "outcome"] = df.loc[on, "outcome"] + effect
    return df


def draw_treated(units: Sequence[str], n_treated: int, treat_years: Sequence[int],
                 rng: np.random.Generator) -> dict[str, int]:
    """``n_treated`` random units, their treatment year drawn evenly from ``treat_years``."""
    pick = rng.choice(np.asarray(units), size=n_treated, replace=False)
    years = rng.choice(np.asarray(treat_years), size=n_treated)
    return {str(u): int(y) for u, y in zip(pick, years, strict=True)}


def planted_effects(panel: pd.DataFrame, *, effects: Sequence[float], n_treated: int,
                    treat_years: Sequence[int], n_sims: int = 100,
                    estimators: Sequence[str] = tuple(ESTIMATORS), seed: int = 0) -> pd.DataFrame:
    """Bias, coverage and power per estimator and planted effect.

    Parameters
    ----------
    panel : pd.DataFrame
        ``unit``, ``time``, ``outcome``, ``cluster`` (``first_treat`` is overwritten).
    effects : sequence of float
        Planted effects, in the outcome's unit.
    n_treated : int
        Treated areas per draw.
    treat_years : sequence of int
        Treatment years to draw from (panel years after the first).

    Returns
    -------
    pd.DataFrame
        One row per estimator and effect: ``estimator``, ``effect``, ``n_sims``,
        ``identified``, ``bias``, ``rmse``, ``mean_se``, ``coverage``, ``power``.
    """
    unknown = [e for e in estimators if e not in ESTIMATORS]
    if unknown:
        raise InputError.single("simulation", "", "estimators", f"unknown {unknown}",
                                f"use {', '.join(ESTIMATORS)}")
    units = sorted(panel["unit"].astype(str).unique())
    if n_treated >= len(units):
        raise InputError.single("simulation", "", "n_treated",
                                f"{n_treated} treated of {len(units)} areas",
                                "treat fewer areas than the panel has")
    rng = np.random.default_rng(seed)
    draws = [draw_treated(units, n_treated, treat_years, rng) for _ in range(n_sims)]
    rows = []
    for name in estimators:
        fn = ESTIMATORS[name]
        for effect in effects:
            ests = [fn(plant(panel, d, effect)) for d in draws]
            rows.append(_summarise(name, effect, ests))
    return pd.DataFrame(rows)


def _summarise(name: str, effect: float, ests: list[Estimate]) -> dict[str, float | str]:
    ok = [e for e in ests if e.identified and math.isfinite(e.estimate)]
    est = np.array([e.estimate for e in ok])
    n = len(ests)
    if not ok:
        return {"estimator": name, "effect": effect, "n_sims": n, "identified": 0.0,
                "bias": math.nan, "rmse": math.nan, "mean_se": math.nan,
                "coverage": math.nan, "power": math.nan}
    return {"estimator": name, "effect": float(effect), "n_sims": n,
            "identified": len(ok) / n,
            "bias": float(est.mean() - effect),
            "rmse": float(np.sqrt(np.mean((est - effect) ** 2))),
            "mean_se": float(np.nanmean([e.se for e in ok])),
            "coverage": float(np.mean([e.covers(effect) for e in ok])),
            "power": float(np.mean([e.p_value < 0.05 for e in ok]))}


def minimum_detectable_effect(panel: pd.DataFrame, *, n_treated: int,
                              treat_years: Sequence[int], estimator: str = "cs_did",
                              power: float = 0.8, n_sims: int = 100,
                              multiples: Sequence[float] = (1.0, 2.0, 2.8, 3.5, 4.5),
                              seed: int = 0) -> dict[str, object]:
    """Smallest planted effect detected with ``power`` (default 80 %), by simulation.

    Returns
    -------
    dict
        ``mde`` (outcome unit; NaN when not reached within the grid, with ``reason``),
        ``null_sd`` (spread of the estimate without effect), ``false_positive_rate``, and
        ``curve`` (effect, power) rows.
    """
    if estimator not in ESTIMATORS:
        raise InputError.single("plan", "", "estimator", f"unknown estimator {estimator!r}",
                                f"use {', '.join(ESTIMATORS)}")
    rng = np.random.default_rng(seed)
    units = sorted(panel["unit"].astype(str).unique())
    draws = [draw_treated(units, n_treated, treat_years, rng) for _ in range(n_sims)]
    fn = ESTIMATORS[estimator]
    null_est = [fn(plant(panel, d, 0.0)) for d in draws]
    null = _summarise(estimator, 0.0, null_est)
    spread = float(np.nanstd([e.estimate for e in null_est if e.identified], ddof=1))
    if not math.isfinite(spread) or spread <= 0:
        return {"mde": math.nan, "reason": "the estimator is not identified on this panel",
                "estimator": estimator, "curve": []}
    effects = [m * spread for m in multiples]
    table = planted_effects(panel, effects=effects, n_treated=n_treated,
                            treat_years=treat_years, n_sims=n_sims, estimators=[estimator],
                            seed=seed + 1)
    curve = [(0.0, float(null["power"])),
             *zip(table["effect"].astype(float), table["power"].astype(float), strict=True)]
    mde = math.nan
    reason = ""
    for (e0, p0), (e1, p1) in itertools.pairwise(curve):
        if p0 < power <= p1:
            mde = e0 + (power - p0) * (e1 - e0) / (p1 - p0)
            break
    else:
        reason = f"power {power:.0%} not reached up to {effects[-1]:.3g}"
    return {"mde": mde, "reason": reason, "estimator": estimator, "null_sd": spread,
            "false_positive_rate": float(null["power"]), "n_treated": n_treated,
            "treat_years": list(treat_years), "power": power, "n_sims": n_sims,
            "curve": [{"effect": e, "power": p} for e, p in curve]}
