"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) and a TWFE event study.

Both take a long panel with one row per unit and period: ``unit``, ``time``, ``outcome`` and
``first_treat`` (the first period in which the unit is treated; 0 for never treated).

* :func:`cs_did` wraps ``csdid`` (MIT; the Python port of R's ``did``) with doubly robust
  ATT(g, t), not-yet-treated or never-treated controls, and the simple, dynamic (event-time),
  group and calendar aggregations with analytic standard errors (influence functions, clustered
  by unit). Units treated in the first period have no pre-period and are left out, and said so.
* :func:`twfe_event_study` fits ``y ~ sum_e D_e | unit + time`` with pyfixest (MIT), with
  event time counted in waves (not years: 2012, 2016, 2020 are waves -1, 0, 1 for a unit
  treated in 2016) and -1 as reference, never-treated units as the baseline, standard
  errors clustered by ``cluster`` (unit, wijk or gemeente) and, when there are fewer than
  ``few_clusters`` clusters, a wild cluster bootstrap (:mod:`groengezond.evaluation.bootstrap`).

Identification: no treated cohort, or no comparison units (no never-treated units under
``nevertreated``; every unit treated at once under ``notyettreated``) means not identified.
When no cohort has two pre-treatment periods (e.g. three waves with treatment in the second)
parallel trends cannot be checked: the estimate is given with that caveat.

References
----------
Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
periods. *Journal of Econometrics* 225(2), 200-230.
Sun, L. & Abraham, S. (2021). Estimating dynamic treatment effects in event studies with
heterogeneous treatment effects. *Journal of Econometrics* 225(2), 175-199 (why TWFE can
mislead under staggered adoption; kept as a comparison).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.evaluation.bootstrap import wild_cluster_bootstrap
from groengezond.evaluation.result import Estimate, quiet, require_columns

Control = Literal["notyettreated", "nevertreated"]
AGGREGATIONS = ("simple", "dynamic", "group", "calendar")


@dataclass
class CSResult:
    """Callaway & Sant'Anna results.

    Attributes
    ----------
    estimates : dict of str to Estimate
        ``simple``, ``dynamic``, ``group`` and ``calendar`` overall ATTs.
    att_gt : pd.DataFrame
        ``group``, ``time``, ``att``, ``se`` per cohort and period.
    by : dict of str to pd.DataFrame
        Per aggregation: ``e`` (event time, group or period), ``att``, ``se``, ``ci_low``,
        ``ci_high``.
    """

    estimates: dict[str, Estimate]
    att_gt: pd.DataFrame
    by: dict[str, pd.DataFrame] = field(default_factory=dict)


def _check_panel(panel: pd.DataFrame, unit: str, time: str, outcome: str,
                 first_treat: str) -> pd.DataFrame:
    require_columns(panel, [unit, time, outcome, first_treat], "panel")
    df = panel[[unit, time, outcome, first_treat]].copy()
    bad = df[outcome].isna() | ~np.isfinite(df[outcome].astype(float))
    if bad.any():
        rows = df.index[bad][:5].tolist()
        raise InputError.single("panel", f"rows {rows}", outcome,
                                f"{int(bad.sum())} rows without a finite outcome",
                                "drop those units or fill the panel before estimating")
    if df.duplicated([unit, time]).any():
        raise InputError.single("panel", "", f"{unit}, {time}", "duplicate unit-period rows",
                                "give one row per unit and period")
    return df


def _not_identified(reason: str, key: str, **kw: Any) -> CSResult:
    return CSResult({a: Estimate.not_identified("cs_did", f"att_{a}", reason, key, **kw)
                     for a in AGGREGATIONS}, pd.DataFrame())


def cs_did(panel: pd.DataFrame, *, unit: str = "unit", time: str = "time",
           outcome: str = "outcome", first_treat: str = "first_treat",
           control: Control = "notyettreated", covariates: list[str] | None = None,
           est_method: str = "dr") -> CSResult:
    """Callaway & Sant'Anna staggered DiD with analytic (influence-function) standard errors.

    Parameters
    ----------
    panel : pd.DataFrame
        Balanced long panel; ``first_treat`` is 0 for never-treated units.
    control : {"notyettreated", "nevertreated"}
        Comparison group.
    covariates : list of str, optional
        Time-invariant covariates for conditional parallel trends (``xformla``).
    est_method : {"dr", "ipw", "reg"}
        Doubly robust (default), inverse probability weighting or outcome regression.

    Returns
    -------
    CSResult
    """
    df = _check_panel(panel, unit, time, outcome, first_treat)
    if covariates:
        require_columns(panel, covariates, "panel")
        df = df.join(panel[covariates])
    periods = np.sort(df[time].unique())
    g = df.groupby(unit)[first_treat].first()
    always = g[(g > 0) & (g <= periods[0])]
    dropped = always.index.tolist()
    if dropped:
        df = df[~df[unit].isin(dropped)]
        g = g.drop(dropped)
    treated = g[(g > 0) & (g <= periods[-1])]
    never = g[(g == 0) | (g > periods[-1])]
    kw = {"n_treated": len(treated), "n_control": len(never)}
    if len(periods) < 2:
        return _not_identified("the panel has fewer than two periods", "evaluation.one_period",
                               **kw)
    if treated.empty:
        return _not_identified("no unit is treated within the panel's periods",
                               "evaluation.no_treated", **kw)
    if control == "nevertreated" and never.empty:
        return _not_identified("there are no never-treated comparison units",
                               "evaluation.no_control", **kw)
    if control == "notyettreated" and never.empty and treated.nunique() == 1:
        return _not_identified("every unit is treated in the same period: no not-yet-treated "
                               "comparison units", "evaluation.no_control", **kw)
    from csdid.att_gt import ATTgt

    df = df.rename(columns={unit: "unit_", time: "time_", outcome: "y_", first_treat: "g_"})
    df["unit_"] = pd.factorize(df["unit_"])[0] + 1
    xformla = "~" + "+".join(covariates) if covariates else None
    with quiet():
        model = ATTgt(yname="y_", tname="time_", idname="unit_", gname="g_", data=df,
                      control_group=control, xformla=xformla).fit(est_method=est_method,
                                                                  bstrap=False)
    res = model.results
    att_gt = pd.DataFrame({"group": np.asarray(res["group"]).astype(int),
                           "time": np.asarray(res["year"]).astype(int),
                           "att": np.asarray(res["att"], float),
                           "se": np.asarray(res["se"], float)})
    first_year = int(periods[0])
    cohorts = sorted(int(c) for c in treated.unique())
    testable = any(sum(p < c for p in periods) >= 2 for c in cohorts)
    note = ""
    key = "evaluation.identified"
    if not testable:
        note = ("parallel trends cannot be checked: no treated cohort has two pre-treatment "
                "periods")
        key = "evaluation.pretrend_untestable"
    if dropped:
        note = (note + "; " if note else "") + (
            f"{len(dropped)} units treated in the first period {first_year} are left out")
    estimates: dict[str, Estimate] = {}
    by: dict[str, pd.DataFrame] = {}
    for agg in AGGREGATIONS:
        with quiet():
            model.aggte(typec=agg, bstrap=False)
        a = model.atte
        est = Estimate.normal("cs_did", f"att_{agg}", float(a["overall_att"]),
                              float(a["overall_se"]), reason=note, key=key,
                              details={"control": control, "est_method": est_method,
                                       "dropped_first_period": [str(d) for d in dropped]},
                              **kw)
        if agg == "dynamic":
            pre = [(e, att, se) for e, att, se in zip(a["egt"], a["att_egt"], a["se_egt"],
                                                      strict=True) if e < -1 or
                   (e == -1 and testable)]
            est.details["pretrend"] = _pretrend(pre) if testable else "not testable"
        estimates[agg] = est
        if a["egt"] is not None and agg != "simple":
            t = pd.DataFrame({"e": np.asarray(a["egt"]).astype(int),
                              "att": np.asarray(a["att_egt"], float),
                              "se": np.asarray(a["se_egt"], float)})
            t["ci_low"] = t["att"] - 1.959964 * t["se"]
            t["ci_high"] = t["att"] + 1.959964 * t["se"]
            by[agg] = t
    return CSResult(estimates, att_gt, by)


def _pretrend(pre: list[tuple[Any, Any, Any]]) -> dict[str, float]:
    """Largest |t| among pre-treatment event-time effects and its Bonferroni p-value."""
    from scipy import stats

    ts = [abs(float(att) / float(se)) for _, att, se in pre if float(se) > 0]
    if not ts:
        return {"n": 0.0}
    tmax = max(ts)
    p = min(1.0, len(ts) * 2 * float(stats.norm.sf(tmax)))
    return {"n": float(len(ts)), "max_abs_t": tmax, "p_bonferroni": p}


# ---------------------------------------------------------------------------- TWFE event study


@dataclass
class EventStudy:
    """A TWFE event study.

    Attributes
    ----------
    estimate : Estimate
        Mean of the post-treatment event-time coefficients (e >= 0).
    coefs : pd.DataFrame
        ``e``, ``coef``, ``se``, ``ci_low``, ``ci_high``, ``p_value`` per event time; the
        reference period -1 has coefficient 0.
    """

    estimate: Estimate
    coefs: pd.DataFrame


def twfe_event_study(panel: pd.DataFrame, *, unit: str = "unit", time: str = "time",
                     outcome: str = "outcome", first_treat: str = "first_treat",
                     cluster: str | None = None, few_clusters: int = 42,
                     bootstrap_reps: int = 999, seed: int = 0) -> EventStudy:
    """TWFE event study with clustered (or wild-cluster-bootstrap) inference.

    Parameters
    ----------
    cluster : str, optional
        Column to cluster by (default ``unit``).
    few_clusters : int
        Below this many clusters the intervals and p-values come from a wild cluster bootstrap
        (Cameron, Gelbach & Miller 2008 find CR1 over-rejects below ~40 clusters).
    bootstrap_reps : int
        Bootstrap replications.
    """
    cl = cluster or unit
    df = _check_panel(panel, unit, time, outcome, first_treat)
    if cl not in df.columns:
        require_columns(panel, [cl], "panel")
        df = df.join(panel[[cl]])
    g = df[first_treat].to_numpy()
    periods = np.sort(df[time].unique())
    # event time in waves (not years): waves may be unevenly spaced (2012, 2016, 2020)
    pos_t = np.searchsorted(periods, df[time].to_numpy())
    pos_g = np.searchsorted(periods, np.where(g > 0, g, 0))
    rel = np.where(g > 0, pos_t - pos_g, np.iinfo(np.int64).min)
    treated_units = df.loc[g > 0, unit].nunique()
    control_units = df.loc[g == 0, unit].nunique()
    kw = {"n_treated": int(treated_units), "n_control": int(control_units)}
    events = sorted(int(e) for e in np.unique(rel[g > 0]) if e != -1)
    if treated_units == 0 or not any(e >= 0 for e in events):
        return EventStudy(Estimate.not_identified(
            "twfe_event", "att_post_mean", "no unit is treated within the panel's periods",
            "evaluation.no_treated", **kw), pd.DataFrame())
    if control_units == 0 and df.loc[g > 0, first_treat].nunique() == 1:
        return EventStudy(Estimate.not_identified(
            "twfe_event", "att_post_mean", "every unit is treated in the same period: time "
            "effects and treatment effects cannot be separated", "evaluation.no_control", **kw),
            pd.DataFrame())
    names = []
    for e in events:
        name = f"ev_m{-e}" if e < 0 else f"ev_p{e}"
        df[name] = (rel == e).astype(float)
        names.append(name)
    import pyfixest as pf

    if cl == unit:
        df["cl_"] = df[unit]
    else:
        df = df.rename(columns={cl: "cl_"})
    df = df.rename(columns={unit: "unit_", time: "time_", outcome: "y_"})
    formula = "y_ ~ " + " + ".join(names) + " | unit_ + time_"
    n_clusters = int(df["cl_"].nunique())
    with quiet():
        fit = pf.feols(formula, data=df, vcov={"CRV1": "cl_"})
    dropped = [n for n in names if n not in fit.coef().index]
    if dropped:  # collinear event times (pyfixest drops them): not estimable
        keep = [i for i, n in enumerate(names) if n not in dropped]
        names = [names[i] for i in keep]
        events = [events[i] for i in keep]
    if not any(e >= 0 for e in events):
        return EventStudy(Estimate.not_identified(
            "twfe_event", "att_post_mean", "the post-treatment event times are collinear with "
            "the fixed effects", "evaluation.collinear", **kw), pd.DataFrame())
    coef = fit.coef().reindex(names).to_numpy(float)
    se = fit.se().reindex(names).to_numpy(float)
    pvals = fit.pvalue().reindex(names).to_numpy(float)
    lo, hi = coef - 1.959964 * se, coef + 1.959964 * se
    post = np.array([e >= 0 for e in events])
    wpost = post / post.sum()
    vc = fit._vcov
    idx = [list(fit.coef().index).index(n) for n in names]
    V = np.asarray(vc)[np.ix_(idx, idx)]
    mean_post = float(wpost @ coef)
    se_post = float(math.sqrt(max(wpost @ V @ wpost, 0.0)))
    inference = "cr1"
    boot = None
    if n_clusters < few_clusters:
        boot = wild_cluster_bootstrap(df, "y_", names, ["unit_", "time_"], "cl_",
                                      contrasts={"post_mean": wpost}, reps=bootstrap_reps,
                                      seed=seed)
        inference = boot.weights
        lo, hi, pvals = boot.ci_low[:len(names)], boot.ci_high[:len(names)], boot.p[:len(names)]
    coefs = pd.DataFrame({"e": events, "coef": coef, "se": se, "ci_low": lo, "ci_high": hi,
                          "p_value": pvals})
    coefs = pd.concat([coefs, pd.DataFrame({"e": [-1], "coef": [0.0], "se": [0.0],
                                            "ci_low": [0.0], "ci_high": [0.0],
                                            "p_value": [math.nan]})]).sort_values("e")
    testable = any(e < -1 for e in events)
    key, note = "evaluation.identified", ""
    if not testable:
        key = "evaluation.pretrend_untestable"
        note = "parallel trends cannot be checked: no event time before -1 in the panel"
    if control_units == 0:
        note = (note + "; " if note else "") + ("no never-treated units: the comparison rests "
                                                "on later-treated units (TWFE may be biased)")
    est = Estimate.normal("twfe_event", "att_post_mean", mean_post, se_post, reason=note,
                          key=key, details={"cluster": cl, "n_clusters": n_clusters,
                                            "inference": inference}, **kw)
    if boot is not None:
        est.ci_low, est.ci_high, est.p_value = (float(boot.ci_low[-1]), float(boot.ci_high[-1]),
                                                float(boot.p[-1]))
    return EventStudy(est, coefs.reset_index(drop=True))
