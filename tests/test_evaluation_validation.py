"""The Evaluator's estimators reproduce published results on the original data.

Skipped when ../shared/data is absent. Sources: SOURCES.md item 16.
"""

from __future__ import annotations

import pandas as pd
import pytest
from tests.conftest import SHARED_DATA

from groengezond.evaluation.did2x2 import did_2x2
from groengezond.evaluation.staggered import cs_did, twfe_event_study
from groengezond.evaluation.synth import Predictor, fit, leave_one_out, placebo_in_space, prepare

VALIDATION = SHARED_DATA / "validation"
pytestmark = pytest.mark.skipif(not VALIDATION.is_dir(), reason="../shared/data is absent")


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(VALIDATION / "mpdta" / "mpdta_csdid.csv")


@pytest.mark.parametrize("scenario,control", [("mpdta_nev_dr", "nevertreated"),
                                              ("mpdta_nyt_dr", "notyettreated")])
def test_callaway_santanna_matches_every_r_reference_row(mpdta: pd.DataFrame, scenario: str,
                                                         control: str) -> None:
    res = cs_did(mpdta, unit="countyreal", time="year", outcome="lemp",
                 first_treat="first.treat", control=control)  # type: ignore[arg-type]
    ref_gt = pd.read_csv(VALIDATION / "mpdta" / "ref_attgt_R_did_csdid.csv")
    ref_gt = ref_gt[ref_gt["scenario"] == scenario]
    got = res.att_gt.set_index(["group", "time"])
    assert len(ref_gt) == len(got) == 12
    for row in ref_gt.itertuples():
        assert got.loc[(row.group, row.t), "att"] == pytest.approx(row.att, abs=1e-6)
        assert got.loc[(row.group, row.t), "se"] == pytest.approx(row.se, rel=1e-3)
    ref = pd.read_csv(VALIDATION / "mpdta" / "ref_aggte_R_did_csdid.csv")
    ref = ref[ref["scenario"] == scenario]
    assert set(ref["type"]) == {"simple", "group", "dynamic", "calendar"}
    for row in ref.itertuples():
        est = res.estimates[row.type]
        assert est.estimate == pytest.approx(row.overall_att, abs=1e-6)
        assert est.se == pytest.approx(row.overall_se, rel=1e-3)
        if row.type != "simple":
            by = res.by[row.type].set_index("e")
            assert by.loc[int(row.egt), "att"] == pytest.approx(row.att_egt, abs=1e-6)
            assert by.loc[int(row.egt), "se"] == pytest.approx(row.se_egt, rel=1e-3)


def test_callaway_santanna_published_figures(mpdta: pd.DataFrame) -> None:
    """The issue's rounded figures (never-treated controls) and the verdict."""
    res = cs_did(mpdta, unit="countyreal", time="year", outcome="lemp",
                 first_treat="first.treat", control="nevertreated")
    assert round(res.estimates["simple"].estimate, 4) == -0.0400
    assert round(res.estimates["simple"].se, 4) == 0.0120
    assert round(res.estimates["dynamic"].estimate, 4) == -0.0772
    assert round(res.estimates["group"].estimate, 4) == -0.0310
    assert res.estimates["simple"].identified
    assert res.estimates["dynamic"].details["pretrend"]["n"] == 3


def test_twfe_event_study_and_wild_bootstrap(mpdta: pd.DataFrame) -> None:
    """pyfixest event study; the bootstrap's CR1 SEs equal pyfixest's for the same clusters."""
    mpdta = mpdta.assign(state=mpdta["countyreal"] // 1000)
    es = twfe_event_study(mpdta, unit="countyreal", time="year", outcome="lemp",
                          first_treat="first.treat", cluster="state")
    assert es.estimate.details["inference"] == "wild_rademacher"
    assert es.estimate.details["n_clusters"] == 29
    coefs = es.coefs.set_index("e")
    assert list(coefs.index) == [-4, -3, -2, -1, 0, 1, 2, 3]
    assert coefs.loc[2, "coef"] == pytest.approx(-0.1318, abs=1e-4)
    assert (coefs["ci_low"] <= coefs["coef"]).all() and (coefs["coef"] <= coefs["ci_high"]).all()
    from groengezond.evaluation.bootstrap import wild_cluster_bootstrap
    from groengezond.evaluation.staggered import twfe_event_study as _  # noqa: F401

    df = mpdta.copy()
    df["ev_p2"] = ((df["first.treat"] > 0) & (df["year"] - df["first.treat"] == 2)).astype(float)
    df["ev_p0"] = ((df["first.treat"] > 0) & (df["year"] == df["first.treat"])).astype(float)
    boot = wild_cluster_bootstrap(df, "lemp", ["ev_p0", "ev_p2"], ["countyreal", "year"],
                                  "state", reps=199)
    import pyfixest as pf

    ref = pf.feols("lemp ~ ev_p0 + ev_p2 | countyreal + year", data=df,
                   vcov={"CRV1": "state"})
    assert boot.coef == pytest.approx(ref.coef().to_numpy(), abs=1e-8)
    # pyfixest also counts the (non-nested) year effects in its small-sample factor; the
    # factor cancels in the bootstrap-t intervals and p-values
    assert boot.se == pytest.approx(ref.se().to_numpy(), rel=2e-3)


def test_card_krueger_table3() -> None:
    """FTE DiD: all available stores 2.75 (paper prints 2.76), balanced 2.75 (1.34)."""
    d = pd.read_csv(VALIDATION / "card_krueger" / "card_krueger_njmin_uchicago.csv")
    allobs = did_2x2(d, unit="id", post="d", treated="nj", outcome="fte")
    groups = allobs.details["groups"]
    assert round(groups["control"]["before"], 2) == 23.33
    assert round(groups["control"]["after"], 2) == 21.17
    assert round(groups["treated"]["before"], 2) == 20.44
    assert round(groups["treated"]["after"], 2) == 21.03
    assert allobs.estimate == pytest.approx(2.76, abs=0.01)
    assert allobs.se == pytest.approx(1.36, abs=0.06)
    bal = did_2x2(d, unit="id", post="d", treated="nj", outcome="fte", balanced=True)
    assert round(bal.estimate, 2) == 2.75
    assert round(bal.se, 2) == 1.34
    assert round(bal.details["groups"]["control"]["se"], 2) == 1.25
    assert round(bal.details["groups"]["treated"]["se"], 2) == 0.48
    assert not allobs.covers(0.0) or allobs.ci_low < 0  # interval is the normal one
    assert allobs.key == "evaluation.pretrend_untestable"


def _prop99() -> pd.DataFrame:
    d = pd.read_csv(VALIDATION / "prop99" / "smoking_SyntheticControlMethods.csv")
    return d.assign(year=d["year"].astype(int))


PROP99_PREDICTORS = [
    Predictor("lnincome", tuple(range(1980, 1989))),
    Predictor("age15to24", tuple(range(1980, 1989))),
    Predictor("retprice", tuple(range(1980, 1989))),
    Predictor("beer", tuple(range(1984, 1989))),
    Predictor("cigsale", (1975,)), Predictor("cigsale", (1980,)), Predictor("cigsale", (1988,)),
]


def test_synth_prop99_adh2010() -> None:
    data = prepare(_prop99(), unit="state", time="year", outcome="cigsale",
                   treated="California", treat_year=1989, predictors=PROP99_PREDICTORS,
                   optimise_years=range(1970, 1989))
    f = fit(data)
    published = {"Colorado": 0.164, "Connecticut": 0.069, "Montana": 0.199, "Nevada": 0.234,
                 "Utah": 0.334}
    for state, w in published.items():
        assert f.weights[state] == pytest.approx(w, abs=0.005)
    assert f.weights.drop(list(published)).max() < 0.002
    assert f.pre_rmspe == pytest.approx(1.76, abs=0.01)
    placebos = placebo_in_space(data, f)
    assert len(placebos) == 39
    assert int(placebos.loc[placebos["treated"], "rank"].iloc[0]) == 1  # p = 1/39
    loo = leave_one_out(data, f)
    assert set(loo["dropped"]) == set(published)
    assert (loo["post_mean_gap"] < 0).all()  # the effect does not rest on one donor


def test_synth_basque_ag2003() -> None:
    d = pd.read_csv(VALIDATION / "basque" / "basque_pysyncon.csv")
    d = d.assign(year=d["year"].astype(int))
    six = tuple(range(1964, 1970))
    odd = tuple(range(1961, 1970, 2))
    preds = [Predictor(c, six) for c in ("school.illit", "school.prim", "school.med",
                                         "school.high", "school.post.high", "invest")]
    preds += [Predictor("gdpcap", tuple(range(1960, 1970)))]
    preds += [Predictor(c, odd) for c in ("sec.agriculture", "sec.energy", "sec.industry",
                                          "sec.construction", "sec.services.venta",
                                          "sec.services.nonventa")]
    preds += [Predictor("popdens", (1969,))]
    donors = [r for r in d["regionname"].unique()
              if r not in ("Spain (Espana)", "Basque Country (Pais Vasco)")]
    data = prepare(d, unit="regionname", time="year", outcome="gdpcap",
                   treated="Basque Country (Pais Vasco)", treat_year=1970, predictors=preds,
                   optimise_years=range(1960, 1970), donors=donors)
    synth_search = fit(data, search="synth")
    assert synth_search.weights["Cataluna"] == pytest.approx(0.8508, abs=1e-3)
    assert synth_search.weights["Madrid (Comunidad De)"] == pytest.approx(0.1492, abs=1e-3)
    # the wider search finds a lower loss than the published (local) optimum
    thorough = fit(data, search="thorough")
    assert thorough.loss_v < synth_search.loss_v
