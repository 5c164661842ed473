"""Evaluator core: inner QP, verdicts, panels, bootstrap and planted-effect simulations."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from groengezond.errors import InputError
from groengezond.evaluation.panel import build_panel, first_wave, simulated_panel
from groengezond.evaluation.result import Estimate
from groengezond.evaluation.simulate import planted_effects
from groengezond.evaluation.staggered import cs_did, twfe_event_study
from groengezond.evaluation.synth import WarmStart, simplex_weights, synth_estimate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _qp_loss(w: np.ndarray, x1: np.ndarray, x0: np.ndarray, v: np.ndarray) -> float:
    return float(((x1 - x0 @ w) ** 2 * v).sum())


@pytest.mark.parametrize("k,n_donors", [(3, 5), (7, 38), (7, 100), (14, 16)])
def test_simplex_weights_reach_the_qp_optimum(k: int, n_donors: int) -> None:
    rng = np.random.default_rng(k * n_donors)
    for _ in range(10):
        x0 = rng.normal(size=(k, n_donors))
        x1 = rng.normal(size=k) * rng.uniform(0.5, 3)
        v = rng.dirichlet(np.ones(k))
        w = simplex_weights(x1, x0, v)
        assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
        ref = minimize(_qp_loss, np.full(n_donors, 1 / n_donors), args=(x1, x0, v),
                       method="SLSQP", bounds=[(0, 1)] * n_donors,
                       constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                       options={"ftol": 1e-12, "maxiter": 500})
        assert _qp_loss(w, x1, x0, v) <= ref.fun + 1e-7
        warm = WarmStart()
        simplex_weights(x1, x0, v, warm)
        v2 = v * (1 + 0.05 * rng.normal(size=k)) ** 2
        assert _qp_loss(simplex_weights(x1, x0, v2, warm), x1, x0, v2) == pytest.approx(
            _qp_loss(simplex_weights(x1, x0, v2), x1, x0, v2), abs=1e-9)


def test_synth_recovers_a_planted_effect_and_refuses_a_short_pre_period() -> None:
    from benchmarks.bench_evaluate import synth_problem

    data = synth_problem(n_donors=30, years=24, seed=2)
    est, f, _ = synth_estimate(data)
    assert est.identified
    assert est.estimate == pytest.approx(-5.0, abs=1.5)
    assert est.details["rank"] == 1 and est.p_value == pytest.approx(1 / 31)
    assert f.weights.sum() == pytest.approx(1.0)
    short = synth_problem(n_donors=10, years=6, seed=2)
    est2, _, _ = synth_estimate(short)
    assert not est2.identified and est2.key == "evaluation.short_pre"
    assert math.isnan(est2.estimate)
    assert "not identified" in est2.verdict


def _waves(n: int = 400, g_choices: tuple[int, ...] = (0, 2016, 2020), seed: int = 0,
           clusters: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = np.array([2012, 2016, 2020])
    g = rng.choice(np.array(g_choices), size=n)
    y = 50 + rng.normal(0, 3, n)[:, None] + years[None, :] * 0.01 + rng.normal(0, 1, (n, 3))
    y = y + 2.0 * ((g[:, None] > 0) & (years[None, :] >= g[:, None]))
    return pd.DataFrame({"unit": np.repeat(np.arange(n), 3), "time": np.tile(years, n),
                         "outcome": y.ravel(), "first_treat": np.repeat(g, 3),
                         "cluster": np.repeat(np.arange(n) % clusters, 3)})


def test_cs_did_verdicts_on_three_waves() -> None:
    staggered = cs_did(_waves()).estimates["simple"]
    assert staggered.identified and staggered.key == "evaluation.identified"
    assert staggered.covers(2.0)
    # treatment in the second wave only: one pre-period, parallel trends cannot be checked
    second = cs_did(_waves(g_choices=(0, 2016))).estimates["simple"]
    assert second.identified and second.key == "evaluation.pretrend_untestable"
    assert "cannot be checked" in second.verdict
    # nobody treated
    none = cs_did(_waves(g_choices=(0,))).estimates["simple"]
    assert not none.identified and none.key == "evaluation.no_treated"
    # never-treated controls requested but there are none
    allt = cs_did(_waves(g_choices=(2016, 2020)), control="nevertreated").estimates["simple"]
    assert not allt.identified and allt.key == "evaluation.no_control"


def test_cs_did_reports_units_treated_in_the_first_wave() -> None:
    df = _waves(g_choices=(0, 2012, 2020))
    est = cs_did(df).estimates["simple"]
    assert est.details["dropped_first_period"]
    assert "left out" in est.reason


def test_twfe_few_clusters_uses_webb_wild_bootstrap() -> None:
    es = twfe_event_study(_waves(clusters=8), cluster="cluster", bootstrap_reps=299)
    assert es.estimate.details["inference"] == "wild_webb"
    assert es.estimate.ci_low < 2.0 < es.estimate.ci_high
    assert list(es.coefs["e"]) == [-2, -1, 0, 1]


def test_bad_panel_raises_input_error() -> None:
    df = _waves()
    df.loc[3, "outcome"] = np.nan
    with pytest.raises(InputError, match="finite outcome"):
        cs_did(df)
    with pytest.raises(InputError, match="column is missing"):
        cs_did(df.drop(columns="first_treat"))


def test_build_panel_lists_dropped_areas_and_maps_start_to_next_wave() -> None:
    long, areas = simulated_panel(50, n_clusters=5, seed=1)
    gone = long["area_code"].iloc[0]
    long = long[~((long["area_code"] == gone) & (long["year"] == 2016))]
    treated = long["area_code"].iloc[-1]
    p = build_panel(long, "perceived_health_good_pct", areas=areas, level="buurt",
                    treatment={treated: 2018})
    assert gone in p.dropped and "2016" not in p.dropped[gone].split("of")[0]
    assert p.treated_units == [treated]
    assert set(p.data.loc[p.data["unit"] == treated, "first_treat"]) == {2020}
    assert p.data["cluster"].str.startswith("WK").all()
    assert first_wave(2021, [2012, 2016, 2020]) == 0
    with pytest.raises(InputError, match="treatment"):
        build_panel(long, "perceived_health_good_pct", treatment={gone: 2016})
    with pytest.raises(InputError, match="no rows"):
        build_panel(long, "nope")
    two_ages = pd.concat([long.assign(age_group="18+"), long.assign(age_group="65+")])
    with pytest.raises(InputError, match="differ in age_group"):
        build_panel(two_ages, "perceived_health_good_pct")
    one = build_panel(two_ages[two_ages["age_group"] == "18+"], "perceived_health_good_pct")
    assert one.data["unit"].nunique() == 49


def test_planted_effects_table() -> None:
    long, areas = simulated_panel(300, n_clusters=30, seed=4, trend_sd=0.0)
    p = build_panel(long, "perceived_health_good_pct", areas=areas)
    tab = planted_effects(p.data, effects=[0.0, 3.0], n_treated=40, treat_years=[2016, 2020],
                          n_sims=8, estimators=["cs_did", "matched_did"], seed=1)
    assert list(tab.columns[:4]) == ["estimator", "effect", "n_sims", "identified"]
    assert len(tab) == 4
    big = tab[tab["effect"] == 3.0]
    assert (big["power"] >= 0.75).all()
    assert (tab["bias"].abs() < 1.0).all()


def test_estimate_to_dict_has_no_nan() -> None:
    e = Estimate.not_identified("synth", "att", "why", "evaluation.short_pre")
    d = e.to_dict()
    assert d["estimate"] is None and d["verdict"] == "not identified: why"
