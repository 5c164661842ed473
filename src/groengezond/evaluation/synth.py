"""Synthetic control (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010), own code.

The treated area's pre-period is reproduced by a convex combination of donor areas:

* predictors ``X`` (k × units) are period means of covariates and outcome lags; each row is
  divided by its standard deviation over all units, as R's ``Synth`` does;
* the **inner problem**: for a diagonal predictor weighting ``V`` (non-negative, summing to 1),
  the donor weights ``w >= 0, sum(w) = 1`` minimise ``(X1 - X0 w)' V (X1 - X0 w)``. It is solved
  exactly: non-negative least squares on an augmented system finds the support, then the
  equality-constrained least squares on that support is solved from its KKT system and checked
  (:func:`simplex_weights`). One solve takes tens of microseconds for 100 donors;
* the **outer problem**: ``V`` minimises the pre-period mean squared prediction error of the
  outcome (over ``optimise_years``), searched with Nelder-Mead on ``V = |v| / sum|v|`` from the
  regression-based start (``Synth``'s ``diag(B B')``) and from equal weights, keeping the best.

Inference is by placebo in space (:func:`placebo_in_space`): every donor in turn is treated as if
it were treated, and the treated area's post/pre MSPE ratio is ranked among them; the
permutation p-value is rank / number of units. A leave-one-out check (:func:`leave_one_out`)
re-fits without each donor that got weight, to show whether the result rests on one donor.

References
----------
Abadie, A. & Gardeazabal, J. (2003). The economic costs of conflict: a case study of the Basque
Country. *American Economic Review* 93(1), 113-132.
Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic control methods for comparative
case studies. *Journal of the American Statistical Association* 105(490), 493-505.
Abadie, A., Diamond, A. & Hainmueller, J. (2011). Synth: an R package for synthetic control
methods in comparative case studies. *Journal of Statistical Software* 42(13).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numba import njit
from numpy.typing import NDArray
from scipy.optimize import minimize

from groengezond.errors import InputError, Problem
from groengezond.evaluation.result import Estimate, require_columns

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Predictor:
    """One row of the predictor matrix: ``op`` of ``column`` over ``years`` (NaN skipped).

    Attributes
    ----------
    column : str
        Panel column.
    years : tuple of int
        Years averaged (one year for an outcome lag).
    name : str
        Label; defaults to ``column`` or ``column_year``.
    """

    column: str
    years: tuple[int, ...]
    name: str = ""

    @property
    def label(self) -> str:
        """The predictor's label."""
        if self.name:
            return self.name
        if len(self.years) == 1:
            return f"{self.column}_{self.years[0]}"
        return f"{self.column}_{self.years[0]}_{self.years[-1]}"


@dataclass
class SynthData:
    """The matrices of one synthetic-control problem (treated unit against donors).

    Attributes
    ----------
    X1 : array (k,)
        Treated predictors, scaled. X0 : array (k, J) donor predictors, scaled.
    Z1 : array (t0,)
        Treated outcome over the optimisation years. Z0 : array (t0, J).
    Y1 : array (T,)
        Treated outcome, all years. Y0 : array (T, J).
    """

    treated: str
    donors: list[str]
    predictors: list[str]
    years: list[int]
    treat_year: int
    optimise_years: list[int]
    X1: Array
    X0: Array
    Z1: Array
    Z0: Array
    Y1: Array
    Y0: Array
    X_unscaled: pd.DataFrame


@dataclass
class SynthFit:
    """A fitted synthetic control.

    Attributes
    ----------
    weights : pd.Series
        Donor weights (sum 1), indexed by donor.
    v : pd.Series
        Predictor weights (sum 1).
    pre_rmspe : float
        Root mean squared prediction error of the outcome over the pre-treatment years.
    post_rmspe : float
        The same over the post-treatment years.
    ratio : float
        Post/pre MSPE ratio (the placebo test statistic).
    gaps : pd.Series
        Treated minus synthetic, per year.
    synthetic : pd.Series
        The synthetic outcome per year.
    loss_v : float
        Outer loss: MSPE over the optimisation years.
    """

    treated: str
    weights: pd.Series
    v: pd.Series
    pre_rmspe: float
    post_rmspe: float
    ratio: float
    gaps: pd.Series
    synthetic: pd.Series
    observed: pd.Series
    loss_v: float
    balance: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------------------- inner problem


def simplex_weights(X1: Array, X0: Array, v: Array,
                    warm: WarmStart | None = None) -> Array:
    """Donor weights ``w >= 0, sum(w) = 1`` minimising ``(X1 - X0 w)' diag(v) (X1 - X0 w)``.

    This is the point of the donors' convex hull nearest to the treated unit in the
    ``v``-weighted metric, found with Wolfe's (1976) minimum-norm-point algorithm: an active
    set of at most k + 1 donors, each step adding the donor that most decreases the distance
    and solving the small affine problem on the set exactly (compiled with numba). Warm-started
    from the previous support (``warm``), a re-solve after a small change of ``v`` takes one
    or two steps.

    Parameters
    ----------
    X1 : array (k,)
        Treated predictors.
    X0 : array (k, J)
        Donor predictors.
    v : array (k,)
        Non-negative predictor weights.
    warm : WarmStart, optional
        Support of a previous solve, updated in place.

    Returns
    -------
    array (J,)
        The weights (one minimiser when the problem has several).

    References
    ----------
    Wolfe, P. (1976). Finding the nearest point in a polytope. *Mathematical Programming* 11,
    128-149.
    """
    sv = np.sqrt(np.maximum(np.asarray(v, dtype=np.float64), 0.0))
    P = np.ascontiguousarray((X0 - X1[:, None]) * sv[:, None], dtype=np.float64)
    J = P.shape[1]
    w0 = np.zeros(J)
    if warm is not None and warm.w.shape[0] == J:
        w0 = warm.w
    w = np.asarray(_wolfe(P, w0), dtype=np.float64)
    if warm is not None:
        warm.w = w
    return w


@dataclass
class WarmStart:
    """The weights of the last :func:`simplex_weights` solve (their support is reused)."""

    w: Array = field(default_factory=lambda: np.zeros(0))


@njit(cache=True)  # type: ignore[misc]
def _affine_min_norm(Q: Array) -> Array:  # pragma: no cover - compiled
    """``argmin |Q mu|`` subject to ``sum(mu) = 1`` (no sign constraint), via its KKT system."""
    m = Q.shape[1]
    if m == 1:
        return np.ones(1)
    G = Q.T @ Q
    ridge = 1e-12 * (np.trace(G) / m + 1e-300)
    for i in range(m):
        G[i, i] += ridge
    u = np.linalg.solve(G, np.ones(m))
    return np.asarray(u / u.sum())


@njit(cache=True)  # type: ignore[misc]
def _corral(P: Array, S: NDArray[np.int64],
            lam: Array) -> tuple[NDArray[np.int64], Array]:  # pragma: no cover - compiled
    """Wolfe's minor cycle: move ``lam`` towards the affine minimiser on ``S``, dropping donors."""
    for _ in range(S.shape[0] + 2):
        mu = _affine_min_norm(np.ascontiguousarray(P[:, S]))
        if np.all(mu > 1e-14):
            return S, mu
        theta = 1.0
        for i in range(mu.shape[0]):
            if mu[i] <= 1e-14:
                d = lam[i] - mu[i]
                if d > 0 and lam[i] / d < theta:
                    theta = lam[i] / d
        lam = lam + theta * (mu - lam)
        keep = lam > 1e-14
        if keep.all():  # numerical tie: drop the most negative
            keep[np.argmin(mu)] = False
        S = S[keep]
        lam = lam[keep]
        lam = lam / lam.sum()
    return S, lam


@njit(cache=True)  # type: ignore[misc]
def _wolfe(P: Array, w0: Array) -> Array:  # pragma: no cover - compiled
    """Minimum-norm point of the convex hull of the columns of ``P`` (weights returned)."""
    k, J = P.shape
    scale = 0.0
    for i in range(k):
        for j in range(J):
            scale = max(scale, P[i, j] * P[i, j])
    S = np.flatnonzero(w0 > 0)
    if S.shape[0] > 0:
        S, lam = _corral(P, S, w0[S] / w0[S].sum())
    else:
        best, jb = np.inf, 0
        for j in range(J):
            n = 0.0
            for i in range(k):
                n += P[i, j] * P[i, j]
            if n < best:
                best, jb = n, j
        S = np.array([jb])
        lam = np.ones(1)
    for _ in range(50 * (k + 2)):
        x = np.ascontiguousarray(P[:, S]) @ lam
        dots = x @ P
        j = int(np.argmin(dots))
        if x @ x - dots[j] <= 1e-10 * scale:
            break
        inside = False
        for s in S:
            if s == j:
                inside = True
        if inside:
            break
        S, lam = _corral(P, np.append(S, j), np.append(lam, 0.0))
    w = np.zeros(J)
    w[S] = lam
    return w


# ---------------------------------------------------------------------------- outer problem


def regression_v(X1: Array, X0: Array, Z1: Array, Z0: Array) -> Array:
    """``Synth``'s regression-based start: ``diag(B B')`` normalised, B from Z on X (all units)."""
    X = np.column_stack([X1, X0]).T
    Z = np.column_stack([Z1, Z0]).T
    design = np.column_stack([np.ones(X.shape[0]), X])
    beta = np.linalg.lstsq(design, Z, rcond=None)[0][1:, :]
    d = np.einsum("ij,ij->i", beta, beta)
    if not np.isfinite(d).all() or d.sum() <= 0:
        return np.full(X1.shape[0], 1.0 / X1.shape[0])
    return np.asarray(d / d.sum(), dtype=np.float64)


def _loss_v(v: Array, data: SynthData, warm: WarmStart | None = None) -> float:
    w = simplex_weights(data.X1, data.X0, v, warm)
    r = data.Z1 - data.Z0 @ w
    return float(r @ r / r.size)


@njit(cache=True)  # type: ignore[misc]
def _loss_x(x: Array, X1: Array, X0: Array, Z1: Array, Z0: Array,
            warm: Array) -> float:  # pragma: no cover - compiled
    """Outer loss at ``V = |x| / sum|x|``; ``warm`` (the last weights) is updated in place."""
    a = np.abs(x)
    s = a.sum()
    if s <= 0:
        return np.inf
    sv = np.sqrt(a / s)
    P = np.empty(X0.shape)
    for i in range(X0.shape[0]):
        P[i, :] = (X0[i, :] - X1[i]) * sv[i]
    w = _wolfe(P, warm)
    warm[:] = w
    r = Z1 - Z0 @ w
    return float((r @ r) / r.shape[0])


SEARCHES = ("thorough", "synth", "quick")
"""Outer search modes, see :func:`optimise_v`."""


def optimise_v(data: SynthData, search: str = "thorough",
               maxfev: int | None = None) -> tuple[Array, float]:
    """Search the predictor weights ``V`` (outer problem); return (v, loss).

    The outer loss is multimodal, so the result depends on the search:

    * ``synth``: like R's ``Synth``, Nelder-Mead from the regression-based ``V`` and from equal
      weights (150 k evaluations each), keeping the better;
    * ``thorough`` (default for the treated unit): also from each predictor in turn carrying
      90 % of the weight (400 k evaluations each), then a restart from the best point;
    * ``quick`` (default for placebo units): the two ``Synth`` starts, 80 k evaluations each.

    On Proposition 99, ``thorough`` reaches a lower loss than ``synth`` and reproduces ADH's
    published weights; on the Basque Country, ``synth`` reproduces Abadie & Gardeazabal's
    weights while ``thorough`` finds a lower loss with other weights (see docs/evaluator.md).
    """
    if search not in SEARCHES:
        raise InputError.single("synth", "", "search", f"unknown search {search!r}",
                                f"use one of {', '.join(SEARCHES)}")
    thorough = search == "thorough"
    k = data.X1.shape[0]
    warm = np.zeros(data.X0.shape[1])
    fev = maxfev or {"thorough": 400, "synth": 150, "quick": 80}[search] * k
    X1, X0 = np.ascontiguousarray(data.X1), np.ascontiguousarray(data.X0)
    Z1, Z0 = np.ascontiguousarray(data.Z1), np.ascontiguousarray(data.Z0)

    def f(x: Array) -> float:
        return float(_loss_x(x, X1, X0, Z1, Z0, warm))

    starts = [regression_v(data.X1, data.X0, data.Z1, data.Z0), np.full(k, 1.0 / k)]
    if thorough and k > 1:
        for i in range(k):
            s = np.full(k, 0.1 / (k - 1))
            s[i] = 0.9
            starts.append(s)
    best_v, best = np.full(k, 1.0 / k), math.inf
    for start in starts:
        res = minimize(f, start, method="Nelder-Mead",
                       options={"maxfev": fev, "xatol": 1e-7, "fatol": 1e-9, "adaptive": True})
        if res.fun < best:
            best_v, best = np.abs(res.x) / np.abs(res.x).sum(), float(res.fun)
    if thorough:
        res = minimize(f, best_v, method="Nelder-Mead",
                       options={"maxfev": fev, "xatol": 1e-9, "fatol": 1e-12, "adaptive": True})
        if res.fun < best:
            best_v, best = np.abs(res.x) / np.abs(res.x).sum(), float(res.fun)
    return best_v, _loss_v(best_v, data)


# ---------------------------------------------------------------------------- data preparation


def prepare(panel: pd.DataFrame, *, unit: str, time: str, outcome: str, treated: str,
            treat_year: int, predictors: Sequence[Predictor], optimise_years: Sequence[int],
            donors: Sequence[str] | None = None) -> SynthData:
    """Build the matrices of a synthetic-control problem from a long panel.

    Parameters
    ----------
    panel : pd.DataFrame
        Long panel with ``unit``, ``time``, ``outcome`` and the predictor columns.
    treated : str
        The treated unit.
    treat_year : int
        First year in which the intervention can have an effect.
    predictors : sequence of Predictor
        The predictor rows.
    optimise_years : sequence of int
        Pre-treatment years over which the outer loss (outcome MSPE) is taken.
    donors : sequence of str, optional
        Donor pool (default: every other unit).

    Raises
    ------
    InputError
        Missing columns, an unknown treated unit, a predictor with no value for a unit, or
        fewer than two donors.
    """
    require_columns(panel, [unit, time, outcome, *{p.column for p in predictors}], "panel")
    units = [str(u) for u in pd.unique(panel[unit].astype(str))]
    if treated not in units:
        raise InputError.single("panel", "", unit, f"treated unit {treated!r} is not in the panel",
                                "name a unit that has rows in the panel")
    pool = [str(d) for d in (donors if donors is not None else units) if str(d) != treated]
    if len(pool) < 2:
        raise InputError.single("panel", "", unit, "fewer than two donor units",
                                "give at least two untreated units to build a synthetic control")
    p = panel.assign(**{unit: panel[unit].astype(str)})
    rows: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for pred in predictors:
        sel = p[p[time].isin(pred.years)]
        vals = sel.groupby(unit)[pred.column].mean()
        vals = vals.reindex([treated, *pool])
        bad = vals.index[vals.isna()].tolist()
        for b in bad[:5]:
            problems.append(Problem("panel", f"unit {b}", pred.column,
                                    f"no value in years {pred.years[0]}-{pred.years[-1]}",
                                    "give the predictor for every unit or drop the unit"))
        rows[pred.label] = vals
    if problems:
        raise InputError(problems)
    X = pd.DataFrame(rows).T  # k × units
    sd = X.std(axis=1, ddof=1).replace(0.0, 1.0)
    Xs = X.div(sd, axis=0)
    Y = p.pivot_table(index=time, columns=unit, values=outcome, aggfunc="mean")
    Y = Y.reindex(columns=[treated, *pool]).sort_index()
    if Y.isna().any().any():
        gaps = Y.columns[Y.isna().any()].tolist()
        raise InputError([Problem("panel", f"unit {g}", outcome, "outcome missing in some years",
                                  "give a balanced panel of the outcome") for g in gaps[:5]])
    opt = [int(y) for y in optimise_years]
    Z = Y.loc[opt]
    return SynthData(
        treated=treated, donors=pool, predictors=list(X.index), years=[int(y) for y in Y.index],
        treat_year=int(treat_year), optimise_years=opt,
        X1=Xs[treated].to_numpy(float), X0=Xs[pool].to_numpy(float),
        Z1=Z[treated].to_numpy(float), Z0=Z[pool].to_numpy(float),
        Y1=Y[treated].to_numpy(float), Y0=Y[pool].to_numpy(float), X_unscaled=X)


def fit(data: SynthData, v: Array | None = None, search: str = "thorough") -> SynthFit:
    """Fit the synthetic control (searching ``V`` unless given; see :func:`optimise_v`)."""
    if v is None:
        v, loss = optimise_v(data, search=search)
    else:
        loss = _loss_v(v, data)
    w = simplex_weights(data.X1, data.X0, v)
    synthetic = data.Y0 @ w
    years = np.asarray(data.years)
    gaps = data.Y1 - synthetic
    pre = years < data.treat_year
    mspe_pre = float(np.mean(gaps[pre] ** 2))
    mspe_post = float(np.mean(gaps[~pre] ** 2)) if (~pre).any() else math.nan
    X = data.X_unscaled
    balance = pd.DataFrame({"treated": X[data.treated],
                            "synthetic": X[data.donors].to_numpy() @ w,
                            "donor_mean": X[data.donors].mean(axis=1)})
    return SynthFit(
        treated=data.treated, weights=pd.Series(w, index=data.donors),
        v=pd.Series(v, index=data.predictors), pre_rmspe=math.sqrt(mspe_pre),
        post_rmspe=math.sqrt(mspe_post) if math.isfinite(mspe_post) else math.nan,
        ratio=mspe_post / mspe_pre if mspe_pre > 0 else math.inf,
        gaps=pd.Series(gaps, index=years), synthetic=pd.Series(synthetic, index=years),
        observed=pd.Series(data.Y1, index=years), loss_v=loss, balance=balance)


def swap_treated(data: SynthData, j: int) -> SynthData:
    """The problem with donor ``j`` as the treated unit and the real treated unit left out."""
    keep = [i for i in range(len(data.donors)) if i != j]
    return SynthData(
        treated=data.donors[j], donors=[data.donors[i] for i in keep],
        predictors=data.predictors, years=data.years, treat_year=data.treat_year,
        optimise_years=data.optimise_years, X1=data.X0[:, j], X0=data.X0[:, keep],
        Z1=data.Z0[:, j], Z0=data.Z0[:, keep], Y1=data.Y0[:, j], Y0=data.Y0[:, keep],
        X_unscaled=data.X_unscaled.drop(columns=[data.treated]))


def drop_donor(data: SynthData, donor: str) -> SynthData:
    """The problem without one donor."""
    keep = [i for i, d in enumerate(data.donors) if d != donor]
    return SynthData(
        treated=data.treated, donors=[data.donors[i] for i in keep],
        predictors=data.predictors, years=data.years, treat_year=data.treat_year,
        optimise_years=data.optimise_years, X1=data.X1, X0=data.X0[:, keep], Z1=data.Z1,
        Z0=data.Z0[:, keep], Y1=data.Y1, Y0=data.Y0[:, keep],
        X_unscaled=data.X_unscaled.drop(columns=[donor]))


def placebo_in_space(data: SynthData, main: SynthFit | None = None,
                     search: str = "quick") -> pd.DataFrame:
    """Refit with every donor as a placebo treated unit; rank the post/pre MSPE ratios.

    Returns
    -------
    pd.DataFrame
        One row per unit (the treated first): ``unit``, ``pre_rmspe``, ``post_rmspe``,
        ``ratio``, ``rank`` (1 = largest ratio), ``treated`` (bool).
    """
    main = main or fit(data)
    rows = [{"unit": data.treated, "pre_rmspe": main.pre_rmspe, "post_rmspe": main.post_rmspe,
             "ratio": main.ratio, "treated": True}]
    for j in range(len(data.donors)):
        f = fit(swap_treated(data, j), search=search)
        rows.append({"unit": data.donors[j], "pre_rmspe": f.pre_rmspe,
                     "post_rmspe": f.post_rmspe, "ratio": f.ratio, "treated": False})
    out = pd.DataFrame(rows)
    out["rank"] = out["ratio"].rank(ascending=False, method="min").astype(int)
    return out


def leave_one_out(data: SynthData, main: SynthFit | None = None,
                  min_weight: float = 0.01, search: str = "thorough") -> pd.DataFrame:
    """Refit without each donor whose weight is at least ``min_weight``.

    Returns
    -------
    pd.DataFrame
        ``dropped``, ``pre_rmspe``, ``post_mean_gap`` (mean treated − synthetic after treatment)
        and ``post_mean_gap_main`` for comparison.
    """
    main = main or fit(data)
    post = main.gaps.index >= data.treat_year
    rows = []
    for donor, w in main.weights.items():
        if w < min_weight:
            continue
        f = fit(drop_donor(data, str(donor)), search=search)
        rows.append({"dropped": str(donor), "weight": float(w), "pre_rmspe": f.pre_rmspe,
                     "post_mean_gap": float(f.gaps[post].mean()),
                     "post_mean_gap_main": float(main.gaps[post].mean())})
    return pd.DataFrame(rows)


def synth_estimate(data: SynthData, *, placebo: bool = True, search: str = "thorough",
                   max_pre_rmspe_ratio: float = 5.0) -> tuple[Estimate, SynthFit, pd.DataFrame]:
    """Synthetic-control estimate: mean post-treatment gap, permutation p-value, verdict.

    The effect is the mean gap over post-treatment years. Its p-value is the treated unit's
    rank of the post/pre MSPE ratio among all units divided by the number of units (ADH 2010).
    The interval is not given (a permutation test gives no standard error). The estimate is
    *not identified* when there are no post-treatment years, fewer than 5 pre-treatment years
    (ADH's method relies on a long pre-period), or when the treated unit's pre-period RMSPE is
    more than ``max_pre_rmspe_ratio`` times the donors' median placebo pre-RMSPE (the donors
    cannot reproduce it: the treated area lies outside their convex hull).
    """
    main = fit(data, search=search)
    years = np.asarray(data.years)
    n_pre, n_post = int((years < data.treat_year).sum()), int((years >= data.treat_year).sum())
    kw: dict[str, Any] = {"n_treated": 1, "n_control": len(data.donors)}
    if n_post == 0:
        return (Estimate.not_identified("synth", "att", "there is no year after the treatment",
                                        "evaluation.no_post", **kw), main, pd.DataFrame())
    if n_pre < 5:
        return (Estimate.not_identified(
            "synth", "att", f"only {n_pre} pre-treatment years; a synthetic control needs a "
            "long pre-period (at least 5)", "evaluation.short_pre", **kw), main, pd.DataFrame())
    effect = float(main.gaps[years >= data.treat_year].mean())
    details = {"weights": {k: float(v) for k, v in main.weights.items() if v > 1e-6},
               "v": main.v.to_dict(), "pre_rmspe": main.pre_rmspe,
               "post_rmspe": main.post_rmspe, "ratio": main.ratio, "p_method": "placebo_in_space"}
    placebos = pd.DataFrame()
    p = math.nan
    if placebo:
        placebos = placebo_in_space(data, main)
        rank = int(placebos.loc[placebos["treated"], "rank"].iloc[0])
        p = rank / len(placebos)
        details.update(rank=rank, n_units=len(placebos))
        median_pre = float(placebos.loc[~placebos["treated"], "pre_rmspe"].median())
        if median_pre > 0 and main.pre_rmspe > max_pre_rmspe_ratio * median_pre:
            return (Estimate.not_identified(
                "synth", "att", f"pre-period RMSPE {main.pre_rmspe:.3g} is more than "
                f"{max_pre_rmspe_ratio:g} times the placebos' median {median_pre:.3g}: the "
                "donors cannot reproduce the treated area", "evaluation.poor_prefit",
                details=details, **kw), main, placebos)
    est = Estimate("synth", "att", effect, p_value=p, details=details, **kw)
    return est, main, placebos
