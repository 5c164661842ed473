"""Two-period comparisons: the 2 × 2 difference in differences and before/after with matches.

* :func:`did_2x2` compares the change in the mean outcome of a treated group with that of a
  comparison group (Card & Krueger 1994, Table 3). Units may be missing in one of the periods
  (all available observations, as the paper's row 3) or be restricted to units seen in both
  (``balanced=True``, the paper's row 4). The standard error of each group's change in means
  accounts for the covariance between the two periods over the units seen in both:
  ``var(m1 - m0) = s0²/n0 + s1²/n1 - 2 c01 n01 / (n0 n1)``.
* :func:`matched_did` gives each treated area its ``n_matches`` nearest untreated areas on the
  standardised pre-period level, pre-period trend (when there are two or more pre-periods) and
  covariates, and compares the treated areas' before/after change with their matches'. The
  match quality is reported as standardised mean differences before and after matching.
  Inference is by permutation: the same procedure on placebo treated sets drawn from the
  untreated areas gives the null distribution (SE = its standard deviation, p-value = share at
  least as extreme).

References
----------
Card, D. & Krueger, A. B. (1994). Minimum wages and employment: a case study of the fast-food
industry in New Jersey and Pennsylvania. *American Economic Review* 84(4), 772-793.
Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward.
*Statistical Science* 25(1), 1-21 (standardised mean differences; 0.25 as the usual limit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.evaluation.result import Estimate, require_columns

SMD_LIMIT = 0.25
"""Largest acceptable |standardised mean difference| after matching (Stuart 2010)."""


def _change_in_means(before: pd.Series, after: pd.Series) -> tuple[float, float, int, int]:
    """Change in means and its SE with the within-unit covariance (units as the index)."""
    b, a = before.dropna(), after.dropna()
    n0, n1 = len(b), len(a)
    both = b.index.intersection(a.index)
    cov = float(np.cov(b[both], a[both])[0, 1]) if len(both) > 1 else 0.0
    var = b.var() / n0 + a.var() / n1 - 2 * cov * len(both) / (n0 * n1)
    return float(a.mean() - b.mean()), math.sqrt(max(var, 0.0)), n0, n1


def did_2x2(df: pd.DataFrame, *, unit: str, post: str, treated: str, outcome: str,
            balanced: bool = False) -> Estimate:
    """Difference in differences of means between two groups and two periods.

    Parameters
    ----------
    df : pd.DataFrame
        One row per unit and period; ``post`` and ``treated`` are 0/1 columns.
    balanced : bool
        Use only units with the outcome in both periods.

    Returns
    -------
    Estimate
        ``details`` holds each group's means and change with its SE.
    """
    require_columns(df, [unit, post, treated, outcome], "panel")
    wide = df.pivot_table(index=unit, columns=post, values=outcome, aggfunc="first")
    if set(wide.columns) != {0, 1}:
        raise InputError.single("panel", "", post, "needs both periods (0 and 1)",
                                "give rows before (post = 0) and after (post = 1)")
    wide["treated_"] = df.groupby(unit)[treated].first()
    if balanced:
        wide = wide.dropna(subset=[0, 1])
    out: dict[str, dict[str, float]] = {}
    for name, g in (("treated", 1), ("control", 0)):
        sub = wide[wide["treated_"] == g]
        if sub[0].notna().sum() < 2 or sub[1].notna().sum() < 2:
            return Estimate.not_identified("did_2x2", "att", f"the {name} group has fewer than "
                                           "two observations in a period",
                                           "evaluation.too_few_units")
        change, se, n0, n1 = _change_in_means(sub[0], sub[1])
        out[name] = {"before": float(sub[0].mean()), "after": float(sub[1].mean()),
                     "change": change, "se": se, "n_before": n0, "n_after": n1}
    est = out["treated"]["change"] - out["control"]["change"]
    se = math.hypot(out["treated"]["se"], out["control"]["se"])
    n_t = int((wide["treated_"] == 1).sum())
    return Estimate.normal("did_2x2", "att", est, se, n_treated=n_t,
                           n_control=int(len(wide) - n_t),
                           reason="parallel trends cannot be checked with two periods",
                           key="evaluation.pretrend_untestable",
                           details={"groups": out, "balanced": balanced})


# ---------------------------------------------------------------------------- matched DiD


def _features(wide: pd.DataFrame, pre: list[int], cov: pd.DataFrame | None) -> pd.DataFrame:
    f = pd.DataFrame({"pre_level": wide[pre[-1]]}, index=wide.index)
    if len(pre) >= 2:
        x = np.asarray(pre, float) - np.mean(pre)
        f["pre_trend"] = (wide[pre].to_numpy() @ x) / (x @ x)
    if cov is not None:
        f = f.join(cov)
    return f


def _match(feat_t: np.ndarray, feat_c: np.ndarray, k: int) -> np.ndarray:
    """Indices (n_t × k) of the k nearest comparison rows (standardised Euclidean)."""
    d = ((feat_t[:, None, :] - feat_c[None, :, :]) ** 2).sum(axis=2)
    k = min(k, feat_c.shape[0])
    return np.argpartition(d, k - 1, axis=1)[:, :k]


def _smd(a: np.ndarray, b: np.ndarray, sd: np.ndarray) -> np.ndarray:
    return np.asarray((a.mean(axis=0) - b.mean(axis=0)) / np.where(sd > 0, sd, 1.0))


def matched_did(panel: pd.DataFrame, *, unit: str, time: str, outcome: str,
                treated_units: Sequence[str], treat_time: int,
                covariates: pd.DataFrame | None = None, n_matches: int = 5,
                n_perm: int = 199, seed: int = 0) -> Estimate:
    """Before/after change of treated areas against matched comparison areas.

    Parameters
    ----------
    panel : pd.DataFrame
        Long panel (``unit``, ``time``, ``outcome``); units are strings.
    treated_units : sequence of str
        Treated areas; every other area is a candidate comparison area.
    treat_time : int
        First period in which the intervention can have an effect.
    covariates : pd.DataFrame, optional
        Time-invariant covariates indexed by unit (e.g. income, share 65+, urbanity).
    n_matches : int
        Comparison areas per treated area (with replacement).
    n_perm : int
        Placebo treated sets for the permutation inference.

    Returns
    -------
    Estimate
        ``details['match_quality']``: standardised mean differences before and after matching
        per matching variable; ``details['pre_placebo']`` the same estimator one period
        earlier when there are two pre-periods.
    """
    require_columns(panel, [unit, time, outcome], "panel")
    wide = panel.pivot_table(index=panel[unit].astype(str), columns=time, values=outcome,
                             aggfunc="mean")
    periods = sorted(int(p) for p in wide.columns)
    pre = [p for p in periods if p < treat_time]
    post = [p for p in periods if p >= treat_time]
    treated = [str(u) for u in treated_units if str(u) in wide.index]
    missing = [str(u) for u in treated_units if str(u) not in wide.index]
    if missing:
        raise InputError.single("panel", f"units {missing[:5]}", unit,
                                "treated units have no rows in the panel",
                                "give the treated areas' outcome in every period")
    wide = wide.dropna()
    controls = wide.index.difference(treated)
    kw = {"n_treated": len(treated), "n_control": len(controls)}
    if not pre or not post:
        return Estimate.not_identified("matched_did", "att", "needs a period before and a "
                                       "period after the treatment", "evaluation.no_pre_post",
                                       **kw)
    if len(controls) < max(n_matches, 2) or not treated:
        return Estimate.not_identified("matched_did", "att", "too few treated or comparison "
                                       "areas", "evaluation.too_few_units", **kw)
    feat = _features(wide, pre, covariates.astype(float) if covariates is not None else None)
    if feat.isna().any().any():
        bad = feat.index[feat.isna().any(axis=1)][:5].tolist()
        raise InputError.single("covariates", f"units {bad}", ", ".join(feat.columns),
                                "matching variables missing", "give every covariate per area")
    sd = feat.std().to_numpy()
    z = (feat - feat.mean()) / np.where(sd > 0, sd, 1.0)
    delta = wide[post].mean(axis=1) - wide[pre[-1]]
    Zc, dc = z.loc[controls].to_numpy(), delta.loc[controls].to_numpy()

    def estimate(t_idx: np.ndarray, Zpool: np.ndarray, dpool: np.ndarray, dt: np.ndarray,
                 Zt: np.ndarray) -> tuple[float, np.ndarray]:
        m = _match(Zt, Zpool, n_matches)
        return float(np.mean(dt - dpool[m].mean(axis=1))), m

    Zt, dt = z.loc[treated].to_numpy(), delta.loc[treated].to_numpy()
    att, m = estimate(np.arange(len(treated)), Zc, dc, dt, Zt)
    raw_sd = feat.loc[controls].std().to_numpy()
    before = _smd(feat.loc[treated].to_numpy(), feat.loc[controls].to_numpy(), raw_sd)
    matched = feat.loc[controls].to_numpy()[m.ravel()]
    after = _smd(feat.loc[treated].to_numpy(), matched, raw_sd)
    quality = {c: {"smd_before": float(b), "smd_after": float(a)}
               for c, b, a in zip(feat.columns, before, after, strict=True)}
    rng = np.random.default_rng(seed)
    null = np.empty(n_perm)
    nt = len(treated)
    for i in range(n_perm):
        pick = rng.choice(len(controls), size=min(nt, len(controls) - n_matches), replace=False)
        rest = np.setdiff1d(np.arange(len(controls)), pick)
        null[i] = estimate(pick, Zc[rest], dc[rest], dc[pick], Zc[pick])[0]
    se = float(null.std(ddof=1)) if n_perm >= 2 else math.nan
    p = float((1 + np.sum(np.abs(null) >= abs(att))) / (1 + n_perm)) if n_perm else math.nan
    details: dict[str, object] = {"match_quality": quality, "n_matches": n_matches,
                                  "pre_periods": pre, "post_periods": post,
                                  "p_method": "permutation", "n_perm": n_perm}
    worst_smd = float(np.max(np.abs(after)))
    est = Estimate.normal("matched_did", "att", att, se, details=details, **kw)
    est.p_value = p
    if len(pre) < 2:
        est.key = "evaluation.pretrend_untestable"
        est.reason = "one pre-period: areas are matched on level only and trends are unchecked"
    if worst_smd > SMD_LIMIT:
        return Estimate.not_identified(
            "matched_did", "att", f"the comparison areas do not resemble the treated areas "
            f"(largest standardised difference after matching {worst_smd:.2f} > {SMD_LIMIT})",
            "evaluation.poor_match", details=details, **kw)
    if len(pre) >= 2:
        placebo = matched_did(panel[panel[time] < treat_time], unit=unit, time=time,
                              outcome=outcome, treated_units=treated, treat_time=pre[-1],
                              covariates=covariates, n_matches=n_matches, n_perm=0, seed=seed)
        details["pre_placebo"] = placebo.estimate
    return est
