"""Results: means with 95 % intervals, and disclosure control (no figure on fewer than 10
respondents: suppressed, never 0), plus the Monitor indicator rows."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

import participation_support
from groengezond.participation.results import (
    INDICATOR_COLUMNS,
    indicator_rows,
    mean_ci,
    published_indicators,
    wilson_pct,
)
from groengezond.participation.schemas import RatingIn, SurveyIn
from groengezond.participation.service import Participation
from participation_support import (
    RATING,
    SURVEY,
    Env,
)

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def service(env: Env) -> Participation:
    return Participation(env.db, env.settings, env.clock)


def add_ratings(env: Env, scenario: int, greens: list[int]) -> None:
    svc = service(env)
    for g in greens:
        token = svc.new_resident(env.lab["id"]).token
        svc.rate(token, env.lab["id"], scenario, RatingIn(**{**RATING, "green": g}), None)


def add_survey(env: Env, buurt: str, marks: list[int], **answers: Any) -> None:
    svc = service(env)
    for m in marks:
        token = svc.new_resident(env.lab["id"]).token
        svc.answer_survey(token, env.lab["id"], SurveyIn(**{
            **SURVEY, "buurt_code": buurt, "satisfaction": m, **answers}), None)


def close_lab(env: Env) -> None:
    """Move the clock past the field lab's close (2026-07-31): its figures become public."""
    from datetime import date

    if env.clock().date() <= date(2026, 7, 31):
        env.clock.advance(days=60)


def results(env: Env) -> dict[str, Any]:
    close_lab(env)
    r = env.client.get(env.url(f"/field-labs/{env.lab['id']}/results"))
    assert r.status_code == 200
    out: dict[str, Any] = r.json()
    return out


def test_nine_respondents_are_suppressed_ten_are_shown(env: Env) -> None:
    park, trees = env.scenarios
    add_ratings(env, park, [5, 4, 4, 3, 5, 4, 2, 5, 4])  # 9
    add_ratings(env, trees, [5, 4, 4, 3, 5, 4, 2, 5, 4, 3])  # 10
    res = results(env)
    low, ok = res["scenarios"]
    assert low["suppressed"] is True and low["respondents"] is None
    assert low["suppression_reason"] == "fewer than 10 respondents"
    assert all(f["value"] is None and f["lower"] is None and f["upper"] is None
               for f in low["figures"])  # suppressed, never 0
    assert ok["suppressed"] is False and ok["respondents"] == 10
    green = next(f for f in ok["figures"] if f["measure"] == "green")
    x = np.array([5, 4, 4, 3, 5, 4, 2, 5, 4, 3], float)
    half = stats.t.ppf(0.975, 9) * x.std(ddof=1) / math.sqrt(10)
    assert green["value"] == pytest.approx(x.mean(), abs=1e-4)
    assert green["lower"] == pytest.approx(x.mean() - half, abs=1e-4)
    assert green["upper"] == pytest.approx(x.mean() + half, abs=1e-4)
    assert 0.0 not in [f["value"] for f in low["figures"]]


def test_survey_per_buurt_with_secondary_suppression(env: Env) -> None:
    add_survey(env, "BU03440101", [8] * 6 + [7] * 6)  # 12
    add_survey(env, "BU03440102", [5] * 11, feels_safe=2)  # 11
    add_survey(env, "BU03440103", [9, 9, 9])  # 3: suppressed
    areas = {a["area_code"]: a for a in results(env)["survey"]}
    assert areas["BU03440103"]["suppressed"] is True
    # BU03440103 could be derived from the total and the other two: the smaller one goes too
    assert areas["BU03440102"]["suppressed"] is True
    assert "secondary" in areas["BU03440102"]["suppression_reason"]
    assert areas["BU03440101"]["suppressed"] is False
    assert areas["BU03440101"]["respondents"] == 10  # 12, rounded to 5 as the Monitor does
    sat = next(f for f in areas["BU03440101"]["figures"] if f["measure"] == "satisfaction")
    assert sat["value"] == pytest.approx(7.5)
    total = areas["WK034401"]
    assert total["level"] == "field_lab" and total["respondents"] == 25  # 26 rounded
    safe = next(f for f in total["figures"] if f["measure"] == "feels_safe_pct")
    assert safe["value"] == pytest.approx(100 * 15 / 26, abs=1e-3)
    assert safe["lower"] == pytest.approx(wilson_pct(15, 26)[1], abs=1e-3)


def test_empty_buurten_and_lab_are_suppressed_not_zero(env: Env) -> None:
    res = results(env)
    assert all(a["suppressed"] and a["respondents"] is None for a in res["survey"])
    assert all(f["value"] is None for a in res["survey"] for f in a["figures"])
    assert indicator_rows(env.db, env.lab["id"], 10).empty


def test_indicator_rows_for_the_monitor(env: Env) -> None:
    add_survey(env, "BU03440101", [7, 8, 6, 7, 9, 8, 7, 6, 8, 7])  # 10
    add_survey(env, "BU03440102", [4, 5] * 6)  # 12; BU03440103 has nobody: no row, not 0
    rows = indicator_rows(env.db, env.lab["id"], 10)
    assert tuple(rows.columns) == INDICATOR_COLUMNS
    assert set(rows["indicator"]) == {"living_environment_satisfaction", "belevingswaarde"}
    assert sorted(set(rows["area_code"])) == ["BU03440101", "BU03440102", "WK034401"]
    assert len(rows) == 6 and not rows["value"].isna().any()
    sat = rows[(rows["indicator"] == "living_environment_satisfaction")
               & (rows["area_code"] == "BU03440101")].iloc[0]
    sat = rows[rows["indicator"] == "living_environment_satisfaction"].iloc[0]
    m, lo, hi = mean_ci(np.array([7, 8, 6, 7, 9, 8, 7, 6, 8, 7], float))
    assert sat["year"] == 2026 and sat["source"] == "participation"
    assert sat["value"] == pytest.approx(m, abs=1e-4)
    assert sat["lower"] == pytest.approx(lo, abs=1e-4) and sat["upper"] == pytest.approx(
        hi, abs=1e-4)
    add_survey(env, "BU03440103", [1, 2])  # 2 in the third buurt: it and the next go
    rows = indicator_rows(env.db, env.lab["id"], 10)
    assert sorted(set(rows["area_code"])) == ["BU03440102", "WK034401"]
    url = env.url(f"/field-labs/{env.lab['id']}/indicators")
    assert env.client.get(url).json() == []  # open: nothing public yet
    close_lab(env)
    api = env.client.get(url).json()
    assert len(api) == len(rows) and api[0]["area_code"] == "BU03440102"


def test_interval_helpers() -> None:
    m, lo, hi = mean_ci(np.array([3.0]))
    assert m == 3.0 and lo is None and hi is None
    p, lo, hi = wilson_pct(0, 10)
    assert p == 0.0 and lo == pytest.approx(0.0, abs=1e-9) and 0 < hi < 35
    p, lo, hi = wilson_pct(10, 10)
    assert p == 100.0 and hi == pytest.approx(100.0) and 65 < lo < 100


def test_monitor_rows_pass_the_monitors_disclosure_gate(env: Env) -> None:
    from groengezond.indicators.disclosure import PublishedTable

    add_survey(env, "BU03440101", [6, 7, 8, 7, 6, 7, 8])  # 7 respondents
    add_survey(env, "BU03440102", [6, 7, 8, 7, 6, 7, 8, 9, 9, 9, 9, 9])  # 12
    table = published_indicators(env.db, env.lab["id"], 5)
    assert isinstance(table, PublishedTable)
    frame = table.frame
    # our own threshold set to 5 would publish BU03440101, the Monitor's gate (10) does not
    low = frame[frame["area_code"] == "BU03440101"]
    assert low["suppressed"].all() and low["value"].isna().all()
    assert "fewer than 10 persons" in low["suppression_reason"].iloc[0]
    ok = frame[frame["area_code"] == "BU03440102"]
    assert not ok["suppressed"].any() and set(ok["respondents"]) == {10.0}  # rounded to 5
    assert set(indicator_rows(env.db, env.lab["id"], 5)["area_code"]) == {"BU03440102",
                                                                        "WK034401"}


def test_threshold_defaults_to_the_monitor_registry() -> None:
    from groengezond.indicators.registry import load_registry
    from groengezond.participation.config import ParticipationSettings

    reg = load_registry().min_persons_of("belevingswaarde")
    assert ParticipationSettings().min_respondents == reg == 10


def test_closed_field_labs_feed_the_monitor(env: Env) -> None:
    from datetime import date

    from groengezond.participation.results import monitor_rows

    add_survey(env, "BU03440101", [7, 8, 6, 7, 9, 8, 7, 6, 8, 7], green_rating=8)
    # the lab closes on 2026-07-31: on that day its figures may still move, so none yet
    assert monitor_rows(env.db, 10, date(2026, 7, 31)).empty
    rows = monitor_rows(env.db, 10, date(2026, 8, 1))
    assert tuple(rows.columns) == INDICATOR_COLUMNS
    green = rows[(rows["indicator"] == "belevingswaarde") & (rows["area_code"] == "BU03440101")]
    assert len(green) == 1 and green["value"].iloc[0] == pytest.approx(8.0)
    assert set(rows["year"]) == {2026}
