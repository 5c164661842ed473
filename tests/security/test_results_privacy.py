"""Issue 15, finding 2 (High): the public field-lab results gave each new respondent's answers
away: read before and after one submission, ``x = (n+1)·mean(n+1) - n·mean(n)``; the same for
ratings and for deletions. Replayed on SQLite and PostgreSQL: nothing is recovered."""

from __future__ import annotations

from typing import Any

import participation_support
from participation_support import RATING, SURVEY, Env

db = participation_support.db
env = participation_support.env


def _results(e: Env) -> dict[str, Any]:
    r = e.client.get(e.url(f"/field-labs/{e.lab['id']}/results"))
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _figures(res: dict[str, Any]) -> list[Any]:
    """Everything numeric a reader of the results sees (counts and figures of every cell)."""
    cells = res["scenarios"] + res["survey"]
    return [(c["respondents"], [(f["value"], f["lower"], f["upper"]) for f in c["figures"]])
            for c in cells]


def _answer(e: Env, satisfaction: int) -> dict[str, str]:
    me = e.resident()
    r = e.client.post(e.url(f"/field-labs/{e.lab['id']}/survey-responses"),
                      json={**SURVEY, "satisfaction": satisfaction}, headers=me)
    assert r.status_code == 201, r.text
    return {**me, "id": str(r.json()["id"])}


def _rate(e: Env, green: int) -> dict[str, str]:
    me = e.resident()
    r = e.client.post(e.url(f"/field-labs/{e.lab['id']}/scenarios/{e.scenarios[0]}/ratings"),
                      json={**RATING, "green": green}, headers=me)
    assert r.status_code == 201, r.text
    return {**me, "id": str(r.json()["id"])}


def _recover(before: dict[str, Any], after: dict[str, Any]) -> list[float]:
    """The differencing attack on every cell: (n+1)·mean(n+1) - n·mean(n)."""
    found = []
    for b, a in zip(before["survey"] + before["scenarios"], after["survey"] + after["scenarios"],
                    strict=True):
        for fb, fa in zip(b["figures"], a["figures"], strict=True):
            if None in (b["respondents"], a["respondents"], fb["value"], fa["value"]):
                continue
            found.append(a["respondents"] * fa["value"] - b["respondents"] * fb["value"])
    return found


def test_differencing_a_submission_recovers_nothing(env: Env) -> None:
    for i in range(20):  # a lab with enough respondents to pass the threshold
        _answer(env, 5 + i % 3)
        _rate(env, 3 + i % 2)
    before = _results(env)
    _answer(env, 10)  # the victim
    _rate(env, 1)
    after = _results(env)
    assert _figures(after) == _figures(before)  # nothing moved: nothing to difference
    assert _recover(before, after) == []
    assert all(c["suppressed"] and "closed" in c["suppression_reason"]
               for c in after["survey"] + after["scenarios"])


def test_differencing_a_deletion_recovers_nothing(env: Env) -> None:
    victims = [_answer(env, 5 + i % 3) for i in range(20)]
    raters = [_rate(env, 3 + i % 2) for i in range(20)]
    victim, rater = _answer(env, 10), _rate(env, 1)
    env.clock.advance(days=60)  # the lab has closed: its figures are published, frozen
    before = _results(env)
    assert any(not c["suppressed"] for c in before["survey"])
    assert all(c["respondents"] is None or c["respondents"] % 5 == 0
               for c in before["survey"] + before["scenarios"])  # rounded as the Monitor does
    token = {"X-Resident-Token": victim["X-Resident-Token"]}
    assert env.client.delete(env.url(f"/survey-responses/{victim['id']}"),
                             headers=token).status_code == 204
    assert env.client.delete(env.url("/me"), headers={
        "X-Resident-Token": rater["X-Resident-Token"]}).status_code == 200  # erasure
    after = _results(env)
    assert _figures(after) == _figures(before)
    assert all(x == 0.0 for x in _recover(before, after))
    rows_before = env.client.get(env.url(f"/field-labs/{env.lab['id']}/indicators")).json()
    env.client.delete(env.url("/me"), headers={"X-Resident-Token":
                                               victims[0]["X-Resident-Token"]})
    env.client.delete(env.url("/me"), headers={"X-Resident-Token":
                                               raters[0]["X-Resident-Token"]})
    assert env.client.get(env.url(f"/field-labs/{env.lab['id']}/indicators")).json() \
        == rows_before  # the Monitor's rows are the same frozen release


def test_planners_follow_their_lab_live(env: Env) -> None:
    for i in range(12):
        _answer(env, 5 + i % 3)
    public = _results(env)
    live = env.client.get(env.url(f"/field-labs/{env.lab['id']}/results"),
                          headers=env.bearer("planner")).json()
    total = next(c for c in live["survey"] if c["level"] == "field_lab")
    assert total["respondents"] == 12 and not total["suppressed"]  # the planner's view
    assert all(c["suppressed"] for c in public["survey"])  # the public's, while open
