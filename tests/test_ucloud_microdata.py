"""Synthetic microdata: metasyn synthesis, utility and privacy reports, release decision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from groengezond.ucloud.microdata import (
    AGE_TOP,
    THRESHOLDS,
    linked_microdata,
    marginal_fidelity,
    microdata_release,
    privacy_report,
    release_decision,
    synthesise,
    utility_report,
)
from ucloud_support import YEAR, hub_run


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return linked_microdata(hub_run().linked, YEAR).iloc[:3000].reset_index(drop=True)


def test_microdata_has_no_identifier_and_top_coded_age(real: pd.DataFrame) -> None:
    assert "pseudonym" not in real.columns and "bsn" not in real.columns
    assert real["age"].max() <= AGE_TOP
    assert {"buurt", "sex", "gp_contacts", "gp_mh_contacts", "wmo"} <= set(real.columns)


def test_metasyn_keeps_marginals(real: pd.DataFrame) -> None:
    syn = synthesise(real, seed=1)
    assert list(syn.columns) == list(real.columns) and len(syn) == len(real)
    assert set(syn["sex"]) <= set(real["sex"])
    assert marginal_fidelity(real["sex"], syn["sex"]) > 0.9
    assert marginal_fidelity(real["age"], real["age"]) == pytest.approx(1.0)


def test_utility_of_a_copy_is_perfect_and_of_noise_is_not(real: pd.DataFrame) -> None:
    same = utility_report(real, real.copy())
    assert same["marginal_mean"] == pytest.approx(1.0)
    assert same["pairwise_mean"] == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    noise = real.copy()
    noise["age"] = rng.integers(0, 5, len(real))
    noise["sex"] = "M"
    worse = utility_report(real, noise)
    assert worse["marginal"]["age"] < 0.3 and worse["marginal"]["sex"] < 0.6
    assert worse["pmse_ratio"] > same["pmse_ratio"]


def test_privacy_attacks_catch_a_copy_of_the_training_data(real: pd.DataFrame) -> None:
    train, control = real.iloc[:1000], real.iloc[1000:2000].reset_index(drop=True)
    leaked = train.reset_index(drop=True)  # "synthetic" = the training rows themselves
    risks = {r.attack: r for r in privacy_report(train, control, leaked, ("wmo",), 0, 300)}
    assert risks["linkability"].train > 0.3 and risks["linkability"].risk > 0.3
    decision = release_decision(utility_report(train, leaked), list(risks.values()))
    assert decision["decision"] == "withhold"
    assert "risk_too_high:linkability" in decision["reasons"]


def test_release_flow(real: pd.DataFrame) -> None:
    out = microdata_release(real, attacks=200, control_share=0.2)
    assert out["sizes"]["train"] + out["sizes"]["control"] == len(real)
    assert {r["attack"] for r in out["privacy"]} == {"singling_out", "linkability",
                                                     "inference:wmo",
                                                     "inference:gp_mh_contacts"}
    for r in out["privacy"]:
        assert 0.0 <= r["risk_lower"] <= r["risk"] <= r["risk_upper"] <= 1.0
        assert 0.0 <= r["baseline"] <= 1.0
    d = out["decision"]
    ok = all(r["risk_upper"] <= THRESHOLDS["max_risk_upper"] for r in out["privacy"]) and \
        out["utility"]["marginal_mean"] >= THRESHOLDS["min_marginal_fidelity"]
    assert d["decision"] == ("release" if ok else "withhold")
    assert bool(d["reasons"]) == (not ok)
