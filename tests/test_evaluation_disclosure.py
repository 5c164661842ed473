"""Disclosure control of the Evaluator's figures: persons per figure, by hand."""

from __future__ import annotations

import math

import pytest

from groengezond.evaluation.disclosure import publish
from groengezond.evaluation.panel import build_panel, simulated_panel
from groengezond.evaluation.run import evaluate


def _panel() -> tuple[object, dict[str, float], list[str]]:
    long, areas = simulated_panel(200, n_clusters=20, seed=1)
    codes = sorted(long["area_code"].unique())
    # three buurten of 4 residents treated in 2016, one of 5 in 2020
    treat = {codes[0]: 2016, codes[1]: 2016, codes[2]: 2016, codes[3]: 2020}
    persons = {c: 1000.0 for c in codes}
    persons.update({codes[0]: 4, codes[1]: 4, codes[2]: 4, codes[3]: 5})
    return build_panel(long, "perceived_health_good_pct", areas=areas,
                       treatment=treat), persons, codes


def test_each_figure_is_gated_by_the_residents_it_describes() -> None:
    panel, persons, _ = _panel()
    result = evaluate(panel, "twfe_event")  # type: ignore[arg-type]
    doc = publish(result, panel, persons)  # type: ignore[arg-type]
    head = doc["estimates"][0]
    # the ATT describes all 17 treated residents (against 196,000 in the comparison areas)
    assert head["suppressed"] is False and head["persons"] == 15  # 17 rounded to 5
    assert head["estimate"] == pytest.approx(result.estimates[0].estimate)
    by_e = {int(r["e"]): r for r in doc["event_study"]}
    # e = -2: only the 2020 cohort (5 residents) is seen two waves before -> suppressed
    assert by_e[-2]["suppressed"] and by_e[-2]["coef"] is None
    assert by_e[-2]["suppression_reason"] == "fewer than 10 persons"
    # e = 1: only the 2016 cohort (12 residents) -> published; e = 0: both (17)
    assert not by_e[1]["suppressed"] and by_e[1]["coef"] is not None
    assert not by_e[0]["suppressed"]
    assert all(not r["treated_suppressed"] for r in doc["series"])
    assert doc["disclosure"]["persons_treated"] == 15
    assert doc["disclosure"]["suppressed"] == 1


def test_unknown_residents_fail_closed() -> None:
    panel, persons, codes = _panel()
    del persons[codes[3]]
    doc = publish(evaluate(panel, "cs_did"), panel, persons)  # type: ignore[arg-type]
    for est in doc["estimates"]:
        assert est["suppressed"] and est["estimate"] is None
        assert est["suppression_reason"] == "number of persons unknown"
    assert all(r["treated"] is None for r in doc["series"])
    assert all(r["comparison"] is not None and not math.isnan(r["comparison"])
               for r in doc["series"])
    assert doc["disclosure"]["persons_treated"] is None
