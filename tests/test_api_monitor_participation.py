"""The web Monitor publishes the survey results of closed field labs as 'belevingswaarde'."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import mapping

from groengezond.api.testing import web_app, web_region
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database
from groengezond.participation.schemas import FieldLabIn, SurveyIn
from groengezond.participation.security import Passwords, Staff, create_user
from groengezond.participation.service import Participation

WIJK = "WK900102"


MARKS = (6, 7, 8, 7, 6, 7, 8, 9, 7, 7, 8)  # 11 residents of the first buurt


def closed_lab(url: str) -> str:
    """A field lab over WK900102 of the web test region, closed in 2025, with 11 answers in
    its first buurt; returns that buurt's code."""
    areas = web_region().areas
    buurten = areas[(areas["level"] == "buurt") & (areas["parent"] == WIJK)]
    first = str(buurten["code"].iloc[0])
    db = Database.from_url(url)
    cfg = ParticipationSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
    when = datetime(2025, 6, 1, 12, tzinfo=UTC)
    uid = create_user(db, Passwords(cfg), "planner1", "a long enough pass phrase", "planner",
                      when)
    svc = Participation(db, cfg, lambda: when)
    lab = svc.create_field_lab(Staff(uid, "planner1", "planner", "", ""), FieldLabIn(
        name="Veldlab", area_code=WIJK,
        geometry_rd=mapping(areas[areas["code"] == WIJK].geometry.iloc[0]),
        buurten=[{"code": str(r.code), "name": str(r.name)} for r in buurten.itertuples()],
        opens_on=date(2025, 5, 1), closes_on=date(2025, 6, 30)))
    for mark in MARKS:
        token = svc.new_resident(lab.id).token
        svc.answer_survey(token, lab.id, SurveyIn(
            buurt_code=first, satisfaction=7, green_rating=mark, feels_safe=4,
            neighbour_contact=3, green_visits="weekly"), None)
    db.dispose()
    return first


def test_closed_field_lab_reaches_the_monitor(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'participation.sqlite'}"
    monkeypatch.setenv("GG_DATABASE_URL", url)
    region = web_region()
    areas = region.areas
    buurten = areas[(areas["level"] == "buurt") & (areas["parent"] == WIJK)]
    first = closed_lab(url)
    client = TestClient(web_app(tmp_path / "region", region))
    r = client.get("/api/indicators/belevingswaarde/values", params={"level": "buurt",
                                                                     "year": 2025})
    assert r.status_code == 200, r.text
    values = {row["area_code"]: row for row in r.json()["values"]}
    got = values[first]
    assert got["value"] == pytest.approx(sum(MARKS) / len(MARKS), abs=1e-3)
    assert got["lower"] < got["value"] < got["upper"]
    # buurten nobody answered for have no figure, never 0
    others = [c for c in buurten["code"] if c != first]
    assert all(values.get(c, {}).get("value") is None for c in others)


def test_monitor_cli_takes_the_field_labs(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from groengezond.cli.app import app
    from groengezond.region.store import write_region

    url = f"sqlite:///{tmp_path / 'participation.sqlite'}"
    first = closed_lab(url)
    folder = write_region(web_region(), tmp_path / "region")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["monitor", str(folder), "--indicator", "belevingswaarde",
                                   "--level", "buurt", "--year", "2025", "--sims", "200",
                                   "--out", str(out), "--field-labs", url])
    assert res.exit_code == 0, res.output
    csv = next(out.glob("*values*.csv")).read_text()
    assert first in csv and f"{sum(MARKS) / len(MARKS):.2f}"[:3] in csv
