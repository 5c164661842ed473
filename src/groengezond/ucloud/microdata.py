"""Synthetic microdata of a linked dataset, with a utility report, a privacy report and a
release decision.

**Synthesis** — :func:`synthesise` fits a ``metasyn`` MetaFrame (MIT; Van Kesteren et al.
2024, metasyn: transparent generation of synthetic tabular data with privacy guarantees) to
the person-level table of :func:`person_microdata` and draws a synthetic set from it. metasyn
fits every column on its own (a marginal distribution per column), by design: the synthetic
set keeps the marginals and, as the utility report shows, not the relations between columns.

**Utility** (:func:`utility_report`):

- marginal fidelity per column: :math:`1 - \\mathrm{TVD}` between the real and synthetic
  distributions (categories, or integer values, or 20 quantile bins of the real data);
- pairwise fidelity per pair of columns: :math:`1 - |r_{real} - r_{syn}| / 2` with
  :math:`r` Spearman's correlation (category codes for categorical columns);
- pMSE (Woo et al. 2009; Snoke et al. 2018): a logistic model predicts whether a row is
  synthetic; :math:`pMSE = \\frac{1}{N} \\sum (\\hat p_i - c)^2`, :math:`c = n_{syn}/N`, and
  its ratio to the null expectation :math:`(k-1)(1-c)^2 c / N` (k parameters).

**Privacy** (:func:`privacy_report`): the three attacks of Giomi et al. (2023), A Unified
Framework for Quantifying Privacy Risk in Synthetic Data (anonymeter), each run against the
records the synthesis was fitted on (*train*) and against records it never saw (*control*),
with a *baseline* attack that does not use the synthetic data:

- singling-out: predicates built from synthetic rows (value combinations of 3 columns) that
  match exactly one training record;
- linkability: the columns split in two interleaved halves; a target's nearest synthetic
  neighbour on each half is the same row;
- inference: a target's secret column guessed from its nearest synthetic neighbour on the
  other columns.

Risk :math:`= (s_{train} - s_{control}) / (1 - s_{control})` with 95 % Wilson intervals of the
rates, as anonymeter reports it. The ``anonymeter`` package itself was not used: installing it
downgrades numpy (to 1.26) and pyarrow (to 21) in the shared environment; these attacks are our
own implementation of its method.

**Release decision** (:data:`THRESHOLDS`): release when every attack's risk (upper bound of its
interval) is at most 0.05 and the mean marginal fidelity at least 0.90; otherwise withhold,
with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

EXPOSURES = ("green_share_300m_pct",)
"""Environment columns: public per buurt, so joined to the synthetic rows by their buurt
rather than synthesised (they stay consistent with the buurt)."""
THRESHOLDS = {"max_risk_upper": 0.05, "min_marginal_fidelity": 0.90}
"""Release thresholds (documented in docs/ucloud.md)."""
AGE_TOP = 97
"""Ages are top-coded at 97 (health insurers' practice, EVIDENCE.md)."""
Z = 1.96


def person_microdata(persons: pd.DataFrame, year: int,
                     exposures: pd.Series | None = None) -> pd.DataFrame:
    """The linked person-level table to synthesise (no pseudonym, age top-coded).

    Parameters
    ----------
    persons : DataFrame
        :func:`~groengezond.ucloud.care_indicators.person_table`-like frame joined with the
        register (``buurt``, ``age_band``, ``sex``, care counts and social flags), plus
        ``birth_year`` and ``income_decile`` where known.
    year : int
        Year of the data (for ages).
    exposures : Series, optional
        An environment exposure per buurt (e.g. green share within 300 m, %), added as
        ``green_share_300m_pct``.
    """
    out = pd.DataFrame(index=persons.index)
    out["buurt"] = persons["buurt"].astype(str)
    if "birth_year" in persons.columns:
        out["age"] = np.minimum(year - persons["birth_year"].astype(int), AGE_TOP)
    out["sex"] = persons["sex"].astype(str)
    for col in ("income_decile", "gp_contacts", "gp_mh_contacts", "wmo", "jeugdwet",
                "participatiewet"):
        if col in persons.columns:
            out[col] = persons[col]
    if exposures is not None:
        out["green_share_300m_pct"] = out["buurt"].map(exposures).astype(float).round(1)
    return out.reset_index(drop=True)


def synthesise(real: pd.DataFrame, n: int | None = None, seed: int = 0) -> pd.DataFrame:
    """A synthetic set drawn from a metasyn MetaFrame fitted to ``real``.

    Parameters
    ----------
    real : DataFrame
        Columns of text, integers, floats or booleans.
    n : int, optional
        Rows to draw (default as many as ``real``).
    seed : int
        Seed of the draw.
    """
    import polars as pl
    from metasyn import MetaFrame

    frame = pl.from_pandas(real)
    cats = [c for c in real.columns if real[c].dtype == object or str(real[c].dtype) in (
        "str", "string", "category")]
    frame = frame.with_columns([pl.col(c).cast(pl.Utf8).cast(pl.Categorical) for c in cats])
    mf = MetaFrame.fit_dataframe(frame, progress_bar=False)
    syn = mf.synthesize(n or len(real), seed=seed, progress_bar=False).to_pandas()
    for c in cats:
        syn[c] = syn[c].astype(str)
    return syn[real.columns.tolist()]


# ------------------------------------------------------------------------------- utility
def _codes(a: pd.Series, b: pd.Series) -> tuple[npt.NDArray[np.float64], npt.NDArray[
        np.float64]]:
    if a.dtype == object or str(a.dtype) in ("str", "string", "bool", "boolean"):  # codes
        cats = pd.Index(sorted(set(a.astype(str)) | set(b.astype(str))))
        return (np.asarray(cats.get_indexer(a.astype(str)), dtype=np.float64),
                np.asarray(cats.get_indexer(b.astype(str)), dtype=np.float64))
    return a.to_numpy(dtype=float), b.to_numpy(dtype=float)


def marginal_fidelity(real: pd.Series, syn: pd.Series) -> float:
    """:math:`1 - TVD` of two columns' distributions (0-1, 1 = identical)."""
    r, s = _codes(real, syn)
    if max(len(np.unique(r)), len(np.unique(s))) > 50:  # continuous: quantile bins of real
        edges = np.unique(np.quantile(r[~np.isnan(r)], np.linspace(0, 1, 21)))
        r = np.digitize(r, edges[1:-1]).astype(np.float64)
        s = np.digitize(s, edges[1:-1]).astype(np.float64)
    keys = np.union1d(np.unique(r), np.unique(s))
    pr = pd.Series(r).value_counts(normalize=True).reindex(keys, fill_value=0.0)
    ps = pd.Series(s).value_counts(normalize=True).reindex(keys, fill_value=0.0)
    return float(1.0 - 0.5 * np.abs(pr.to_numpy() - ps.to_numpy()).sum())


def pmse(real: pd.DataFrame, syn: pd.DataFrame, seed: int = 0,
         max_rows: int = 20_000) -> dict[str, float]:
    """pMSE of a logistic propensity model and its ratio to the null expectation."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    r = real.iloc[rng.permutation(len(real))[:max_rows]]
    s = syn.iloc[rng.permutation(len(syn))[:max_rows]]
    both = pd.concat([r, s], ignore_index=True)
    y = np.r_[np.zeros(len(r)), np.ones(len(s))]
    x = pd.get_dummies(both.astype({c: str for c in both.columns
                                    if both[c].dtype == object or both[c].dtype == bool}),
                       drop_first=True).astype(float)
    x = (x - x.mean()) / x.std().replace(0, 1.0)
    model = LogisticRegression(max_iter=500).fit(x.to_numpy(), y)
    p = model.predict_proba(x.to_numpy())[:, 1]
    c = len(s) / len(both)
    value = float(np.mean((p - c) ** 2))
    k = x.shape[1] + 1
    null = (k - 1) * (1 - c) ** 2 * c / len(both)
    return {"pmse": value, "pmse_null": null, "pmse_ratio": value / null if null else np.nan}


def utility_report(real: pd.DataFrame, syn: pd.DataFrame, seed: int = 0) -> dict[str, Any]:
    """Marginal and pairwise fidelity and pMSE (see the module's text)."""
    marg = {c: round(marginal_fidelity(real[c], syn[c]), 4) for c in real.columns}
    pairs = {}
    for a, b in combinations(real.columns, 2):
        ra = pd.Series(_codes(real[a], syn[a])[0]).rank()
        rb = pd.Series(_codes(real[b], syn[b])[0]).rank()
        sa = pd.Series(_codes(real[a], syn[a])[1]).rank()
        sb = pd.Series(_codes(real[b], syn[b])[1]).rank()
        r_real = float(np.nan_to_num(ra.corr(rb)))
        r_syn = float(np.nan_to_num(sa.corr(sb)))
        pairs[f"{a}~{b}"] = {"real": round(r_real, 4), "synthetic": round(r_syn, 4),
                             "fidelity": round(1 - abs(r_real - r_syn) / 2, 4)}
    return {"marginal": marg, "marginal_mean": round(float(np.mean(list(marg.values()))), 4),
            "pairwise": pairs,
            "pairwise_mean": round(float(np.mean([p["fidelity"] for p in pairs.values()])),
                                   4),
            **{k: float(v) for k, v in pmse(real, syn, seed).items()}}


# ------------------------------------------------------------------------------- privacy
def _wilson(k: int, n: int) -> tuple[float, float, float]:
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    p = k / n
    den = 1 + Z**2 / n
    mid = (p + Z**2 / (2 * n)) / den
    half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / den
    return p, max(0.0, mid - half), min(1.0, mid + half)


@dataclass(frozen=True)
class AttackRisk:
    """One attack: success rates (train, control, baseline) and the risk with its interval."""

    attack: str
    n: int
    train: float
    control: float
    baseline: float
    risk: float
    risk_lower: float
    risk_upper: float
    details: dict[str, Any] = field(default_factory=dict)


def _risk(attack: str, k_train: int, k_control: int, k_base: int, n: int,
          details: dict[str, Any] | None = None) -> AttackRisk:
    t, t_lo, t_hi = _wilson(k_train, n)
    c, c_lo, c_hi = _wilson(k_control, n)
    b = k_base / n if n else float("nan")

    def r(x: float, y: float) -> float:
        return float(max(0.0, (x - y) / (1 - y))) if y < 1 else 0.0

    return AttackRisk(attack, n, t, c, b, r(t, c), r(t_lo, c_hi), r(t_hi, c_lo), details or {})


def _encode(frames: list[pd.DataFrame]) -> list[npt.NDArray[np.float64]]:
    """Numeric matrices (one-hot categories, numbers scaled by the first frame's range)."""
    allf = pd.concat(frames, keys=range(len(frames)))
    cat = [c for c in allf.columns if allf[c].dtype == object or allf[c].dtype == bool
           or str(allf[c].dtype) in ("str", "string")]
    x = pd.get_dummies(allf.astype({c: str for c in cat}), columns=cat).astype(float)
    num = [c for c in x.columns if c in allf.columns]
    span = (x[num].max() - x[num].min()).replace(0, 1.0)
    x[num] = (x[num] - x[num].min()) / span
    return [x.xs(i).to_numpy() for i in range(len(frames))]


def _nearest(ref: npt.NDArray[np.float64], query: npt.NDArray[np.float64], k: int = 1
             ) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` nearest rows of ``ref`` per query row (k = 1: a vector)."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k).fit(ref)
    idx = nn.kneighbors(query, return_distance=False)
    return np.asarray(idx[:, 0] if k == 1 else idx, dtype=np.int64)


def singling_out(train: pd.DataFrame, control: pd.DataFrame, syn: pd.DataFrame,
                 rng: np.random.Generator, n: int = 500, n_cols: int = 3) -> AttackRisk:
    """Predicates from synthetic rows that single out exactly one target record."""
    cols = list(train.columns)

    def success(target: pd.DataFrame, source: pd.DataFrame, from_marginals: bool) -> int:
        hits = 0
        for _ in range(n):
            use = list(rng.choice(cols, size=min(n_cols, len(cols)), replace=False))
            if from_marginals:
                vals = {c: source[c].iloc[int(rng.integers(len(source)))] for c in use}
            else:
                row = source.iloc[int(rng.integers(len(source)))]
                vals = {c: row[c] for c in use}
            mask = np.ones(len(target), dtype=bool)
            for c, v in vals.items():
                mask &= (target[c] == v).to_numpy()
            hits += int(mask.sum() == 1)
        return hits

    return _risk("singling_out", success(train, syn, False), success(control, syn, False),
                 success(train, syn, True), n, {"columns_per_predicate": n_cols})


def linkability(train: pd.DataFrame, control: pd.DataFrame, syn: pd.DataFrame,
                rng: np.random.Generator, n: int = 500, k: int = 5) -> AttackRisk:
    """Targets whose ``k`` nearest synthetic rows on the two halves of the columns share a
    row (anonymeter's ``n_neighbors``)."""
    cols = list(train.columns)
    a, b = cols[0::2], cols[1::2]  # interleaved, so that both halves carry information
    tr = train.iloc[rng.choice(len(train), size=min(n, len(train)), replace=False)]
    co = control.iloc[rng.choice(len(control), size=min(n, len(control)), replace=False)]
    m = min(len(tr), len(co))
    tr, co = tr.iloc[:m], co.iloc[:m]

    def overlap(na: npt.NDArray[np.int64], nb: npt.NDArray[np.int64]) -> int:
        return int(sum(bool(set(x) & set(y)) for x, y in zip(na.tolist(), nb.tolist(),
                                                               strict=True)))

    def linked(target: pd.DataFrame) -> int:
        sa, ta = _encode([syn[a], target[a]])
        sb, tb = _encode([syn[b], target[b]])
        return overlap(_nearest(sa, ta, k).reshape(len(ta), -1),
                       _nearest(sb, tb, k).reshape(len(tb), -1))

    base = overlap(rng.integers(0, len(syn), (m, k)), rng.integers(0, len(syn), (m, k)))
    return _risk("linkability", linked(tr), linked(co), base, m,
                 {"columns_a": a, "columns_b": b, "n_neighbors": k})


def inference(train: pd.DataFrame, control: pd.DataFrame, syn: pd.DataFrame, secret: str,
              rng: np.random.Generator, n: int = 500) -> AttackRisk:
    """Guess ``secret`` of a target from its nearest synthetic neighbour on the others."""
    aux = [c for c in train.columns if c != secret]
    tr = train.iloc[rng.choice(len(train), size=min(n, len(train)), replace=False)]
    co = control.iloc[rng.choice(len(control), size=min(n, len(control)), replace=False)]
    m = min(len(tr), len(co))
    tr, co = tr.iloc[:m], co.iloc[:m]

    def right(target: pd.DataFrame) -> int:
        s, t = _encode([syn[aux], target[aux]])
        guess = syn[secret].to_numpy()[_nearest(s, t)]
        return int((guess == target[secret].to_numpy()).sum())

    base_guess = syn[secret].to_numpy()[rng.integers(0, len(syn), m)]
    base = int((base_guess == tr[secret].to_numpy()).sum())
    return _risk(f"inference:{secret}", right(tr), right(co), base, m, {"secret": secret})


def privacy_report(train: pd.DataFrame, control: pd.DataFrame, syn: pd.DataFrame,
                   secrets: tuple[str, ...], seed: int = 0, n: int = 500) -> list[AttackRisk]:
    """Singling-out, linkability and inference (one per secret column)."""
    rng = np.random.default_rng(seed)
    out = [singling_out(train, control, syn, rng, n), linkability(train, control, syn, rng, n)]
    out += [inference(train, control, syn, s, rng, n) for s in secrets]
    return out


def release_decision(utility: dict[str, Any], risks: list[AttackRisk]) -> dict[str, Any]:
    """``release`` or ``withhold`` by :data:`THRESHOLDS`, with the reasons (keys)."""
    reasons = [f"risk_too_high:{r.attack}" for r in risks
               if not r.risk_upper <= THRESHOLDS["max_risk_upper"]]
    if not utility["marginal_mean"] >= THRESHOLDS["min_marginal_fidelity"]:
        reasons.append("marginal_fidelity_too_low")
    return {"decision": "withhold" if reasons else "release", "reasons": reasons,
            "thresholds": THRESHOLDS}


def linked_microdata(linked: Any, year: int, exposures: pd.Series | None = None
                     ) -> pd.DataFrame:
    """The person-level table of a :class:`~groengezond.ucloud.linkage.Linked` dataset.

    One row per person with a buurt: buurt, age (top-coded), sex, income decile, GP
    contacts, GP mental-health contacts and the three social-domain flags of the year, plus
    the buurt's exposure when given. No pseudonym.
    """
    from groengezond.ucloud.care_indicators import _active

    p = linked.persons
    n = len(p)
    table = pd.DataFrame({"buurt": p["buurt"], "birth_year": p["birth_year"],
                          "sex": p["sex"]})
    if "income_decile" in p.columns:
        table["income_decile"] = p["income_decile"].to_numpy()
    care = linked.events.get("care")
    for kind, col in (("gp_contact", "gp_contacts"), ("gp_mental_health", "gp_mh_contacts")):
        counts = np.zeros(n, dtype=np.int64)
        if care is not None:
            sel = (care["person"] >= 0) & (care["kind"] == kind) & \
                (care["year"] == year)
            counts = np.bincount(care.loc[sel, "person"].to_numpy(dtype=np.int64),
                                 minlength=n)
        table[col] = counts
    for scheme in ("wmo", "jeugdwet", "participatiewet"):
        flag = np.zeros(n, dtype=bool)
        ev = linked.events.get(scheme)
        if ev is not None:
            sel = (ev["person"] >= 0) & _active(ev, year)
            flag[ev.loc[sel, "person"].to_numpy(dtype=np.int64)] = True
        table[scheme] = flag
    table = table[table["buurt"].notna()]
    return person_microdata(table, year, exposures)


def microdata_release(real: pd.DataFrame, *, seed: int = 0, control_share: float = 0.1,
                      max_control: int = 20_000, attacks: int = 500,
                      secrets: tuple[str, ...] = ("wmo", "gp_mh_contacts")
                      ) -> dict[str, Any]:
    """Synthesise, report utility and privacy, and decide.

    The real rows are split at random into *train* (the synthesis is fitted on these) and
    *control* (held out, ``control_share``, at most ``max_control``); the attacks compare
    training targets with control targets of the same number.

    Returns
    -------
    dict
        ``synthetic`` (DataFrame), ``utility``, ``privacy`` (list of dicts), ``decision``,
        ``sizes``.
    """
    rng = np.random.default_rng(seed)
    exposure_cols = [c for c in real.columns if c in EXPOSURES]
    exposure = (real.groupby("buurt")[exposure_cols].first() if exposure_cols else None)
    order = rng.permutation(len(real))
    n_control = min(max_control, int(len(real) * control_share))
    control = real.iloc[order[:n_control]].reset_index(drop=True)
    train = real.iloc[order[n_control:]].reset_index(drop=True)
    syn = synthesise(train.drop(columns=exposure_cols), seed=seed)
    if exposure is not None:  # public per buurt: joined on the synthetic buurt, not synthesised
        for c in exposure_cols:
            syn[c] = syn["buurt"].map(exposure[c]).to_numpy()
    utility = utility_report(train, syn, seed)
    train_eq = train.iloc[:n_control]  # same size as control (singling-out depends on it)
    syn_eq = syn.iloc[rng.permutation(len(syn))[:max(n_control * 5, 1)]].reset_index(
        drop=True)
    risks = privacy_report(train_eq, control, syn_eq, secrets, seed, attacks)
    return {"synthetic": syn, "utility": utility,
            "privacy": [vars(r) for r in risks],
            "decision": release_decision(utility, risks),
            "sizes": {"real": len(real), "train": len(train), "control": len(control),
                      "synthetic": len(syn)}}
