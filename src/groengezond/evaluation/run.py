"""One evaluation from a panel and a treatment list: the estimator, its tables and verdict.

Pure orchestration for the adapters (CLI, API): takes a :class:`~.panel.Panel`, runs the
chosen estimator and returns plain tables (event-time coefficients, synthetic series, donor
weights) beside the :class:`~.result.Estimate`s. No file is read or written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from groengezond.errors import InputError, Problem
from groengezond.evaluation.did2x2 import matched_did
from groengezond.evaluation.panel import Panel
from groengezond.evaluation.result import Estimate
from groengezond.evaluation.staggered import cs_did, twfe_event_study
from groengezond.evaluation.synth import Predictor, leave_one_out, prepare, synth_estimate

ESTIMATORS = ("cs_did", "twfe_event", "matched_did", "synth")
"""Estimator ids the adapters accept."""


@dataclass
class Evaluation:
    """The result of one evaluation run.

    Attributes
    ----------
    estimates : list of Estimate
        The headline estimate first.
    event_study : pd.DataFrame
        ``e``, ``coef``, ``ci_low``, ``ci_high`` (empty for estimators without event times).
    series : pd.DataFrame
        ``time``, ``treated``, ``comparison`` (mean of treated areas against the comparison:
        the synthetic control, or the not-yet/never-treated mean).
    tables : dict of str to pd.DataFrame
        Extra tables (``weights``, ``placebos``, ``leave_one_out``, ``att_gt``).
    """

    estimates: list[Estimate]
    event_study: pd.DataFrame = field(default_factory=pd.DataFrame)
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def evaluate(panel: Panel, estimator: str, *, control: str = "notyettreated",
             seed: int = 0) -> Evaluation:
    """Run ``estimator`` on ``panel`` (treatment already in ``first_treat``)."""
    if estimator not in ESTIMATORS:
        raise InputError.single("evaluate", "", "estimator", f"unknown estimator {estimator!r}",
                                f"use one of {', '.join(ESTIMATORS)}")
    df = panel.data
    if not panel.treated_units:
        raise InputError.single("treatment", "", "area_code", "no treated area in the panel",
                                "give at least one treated area with a start year")
    series = _raw_series(df)
    if estimator == "cs_did":
        res = cs_did(df, control=control, covariates=panel.covariates or None)  # type: ignore[arg-type]
        dyn = res.by.get("dynamic", pd.DataFrame())
        es = dyn.rename(columns={"att": "coef", "e": "e_years"}) if not dyn.empty else dyn
        if not es.empty:
            steps = set(np.diff(panel.years).tolist())
            step = steps.pop() if len(steps) == 1 else 1  # csdid counts event time in years
            es.insert(0, "e", es["e_years"] // step)
        order = ["simple", "dynamic", "group", "calendar"]
        return Evaluation([res.estimates[k] for k in order], es, series,
                          {"att_gt": res.att_gt})
    if estimator == "twfe_event":
        ev = twfe_event_study(df, cluster="cluster", seed=seed)
        return Evaluation([ev.estimate], ev.coefs, series)
    if estimator == "matched_did":
        g = df.groupby("unit")["first_treat"].first()
        cohorts = sorted(int(c) for c in g.unique() if c > 0)
        if len(cohorts) > 1:
            raise InputError.single("treatment", "", "start_year",
                                    f"matched before/after takes one treatment year; got "
                                    f"{cohorts}", "use cs_did for staggered treatment")
        cov = df.groupby("unit")[panel.covariates].first() if panel.covariates else None
        est = matched_did(df, unit="unit", time="time", outcome="outcome",
                          treated_units=g.index[g > 0].tolist(), treat_time=cohorts[0],
                          covariates=cov, seed=seed)
        return Evaluation([est], pd.DataFrame(), series)
    return _synth(panel)


def _raw_series(df: pd.DataFrame) -> pd.DataFrame:
    treated = df["first_treat"] > 0
    t = df[treated].groupby("time")["outcome"].mean()
    c = df[~treated].groupby("time")["outcome"].mean()
    return pd.DataFrame({"time": t.index.astype(int), "treated": t.to_numpy(),
                         "comparison": c.reindex(t.index).to_numpy()})


def _synth(panel: Panel) -> Evaluation:
    df = panel.data
    treated = panel.treated_units
    if len(treated) != 1:
        raise InputError([Problem("treatment", "", "area_code",
                                  f"synthetic control takes one treated area; got {len(treated)}",
                                  "give one treated area (or use cs_did for several)",
                                  key="synth_one_treated", params={"treated": len(treated)})])
    unit = treated[0]
    g = int(df.loc[df["unit"] == unit, "first_treat"].iloc[0])
    pre = [y for y in panel.years if y < g]
    donors = df.loc[df["first_treat"] == 0, "unit"].unique().tolist()
    if len(pre) < 2:
        est = Estimate.not_identified("synth", "att", f"only {len(pre)} pre-treatment years; a "
                                      "synthetic control needs a long pre-period",
                                      "evaluation.short_pre", n_treated=1,
                                      n_control=len(donors))
        return Evaluation([est])
    preds = [Predictor("outcome", (y,)) for y in pre]
    preds += [Predictor(c, tuple(pre)) for c in panel.covariates]
    data = prepare(df, unit="unit", time="time", outcome="outcome", treated=unit,
                   treat_year=g, predictors=preds, optimise_years=pre, donors=donors)
    est, fit_, placebos = synth_estimate(data)
    series = pd.DataFrame({"time": np.asarray(fit_.observed.index, int),
                           "treated": fit_.observed.to_numpy(),
                           "comparison": fit_.synthetic.to_numpy()})
    tables = {"weights": fit_.weights.rename("weight").rename_axis("unit").reset_index(),
              "placebos": placebos}
    if est.identified:
        tables["leave_one_out"] = leave_one_out(data, fit_)
    return Evaluation([est], pd.DataFrame(), series, tables)
