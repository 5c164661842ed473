"""Export for planners (CSV, GeoPackage, HTML; atomic) and the participation CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import pyogrio
import pytest
from typer.testing import CliRunner

import participation_support
from groengezond.cli.participation_cmd import participation_app
from groengezond.errors import InputError
from groengezond.participation import export as export_mod
from groengezond.participation.export import export_field_lab, neutralise_formula
from groengezond.participation.schemas import RatingIn
from groengezond.participation.service import Participation
from participation_support import (
    PASSWORD,
    RATING,
    Env,
    comment_body,
)

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def populate(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    for text in ("=HYPERLINK(\"http://evil.example\")", "Meer bankjes, graag"):
        cid = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, text),
                     headers=env.resident()).json()["id"]
        c.post(env.url(f"/moderation/comments/{cid}/approve"), headers=env.bearer("moderator"))
    c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, "nog niet beoordeeld"),
           headers=env.resident())
    svc = Participation(env.db, env.settings, env.clock)
    for i in range(12):
        token = svc.new_resident(lab).token
        svc.rate(token, lab, env.scenarios[0], RatingIn(**{**RATING, "green": 1 + i % 5}), None)


def test_csv_export(env: Env, tmp_path: Path) -> None:
    populate(env)
    out = export_field_lab(env.db, env.lab["id"], tmp_path / "lab.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    comments = [r for r in rows if r["table"] == "comment"]
    assert [r["text"] for r in comments] == ["'=HYPERLINK(\"http://evil.example\")",
                                             "Meer bankjes, graag"]  # formula neutralised
    assert all(r["lon"] and r["lat"] for r in comments)
    ratings = [r for r in rows if r["table"] == "rating"]
    park = [r for r in ratings if r["scenario_ref"] == "scn-park"]
    trees = [r for r in ratings if r["scenario_ref"] == "scn-trees"]
    assert {r["respondents"] for r in park} == {"12"} and all(r["value"] for r in park)
    assert all(r["suppressed"] == "True" and r["value"] == "" and r["respondents"] == ""
               for r in trees)  # suppressed: empty, never 0
    survey = [r for r in rows if r["table"] == "survey"]
    assert {r["area_code"] for r in survey} == {"BU03440101", "BU03440102", "BU03440103",
                                                "WK034401"}
    assert "nog niet beoordeeld" not in out.read_text()


def test_gpkg_export(env: Env, tmp_path: Path) -> None:
    populate(env)
    out = export_field_lab(env.db, env.lab["id"], tmp_path / "lab.gpkg")
    layers = dict(pyogrio.list_layers(out))
    assert layers == {"field_lab": "Polygon", "comments": "Point", "ratings": None,
                      "survey": None}
    com = pyogrio.read_dataframe(out, layer="comments")
    assert com.crs.to_epsg() == 28992 and len(com) == 2
    assert com.geometry.x.between(135_000, 137_000).all()
    ratings = pyogrio.read_dataframe(out, layer="ratings")
    assert ratings["value"].notna().sum() == 4  # the park's four criteria; trees suppressed


def test_export_is_atomic(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "exports" / "lab.csv"
    out.parent.mkdir()
    out.write_text("old\n")

    def broken(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export_mod, "_write_csv", broken)
    with pytest.raises(OSError):
        export_field_lab(env.db, env.lab["id"], out)
    assert out.read_text() == "old\n" and list(out.parent.iterdir()) == [out]
    with pytest.raises(InputError, match=r"\.csv, \.gpkg or \.html"):
        export_field_lab(env.db, env.lab["id"], tmp_path / "lab.xlsx")


def test_export_over_the_api(env: Env) -> None:
    populate(env)
    r = env.client.get(env.url(f"/field-labs/{env.lab['id']}/export"), params={"format": "csv"},
                       headers=env.bearer("planner"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "Meer bankjes" in r.text


def test_neutralise_formula() -> None:
    assert neutralise_formula("=1+1") == "'=1+1"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("gewoon") == "gewoon" and neutralise_formula(3) == 3


def test_cli_migrate_create_user_and_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(participation_app, ["migrate", "--database-url", url])
    assert r.exit_code == 0 and "0003" in r.output
    r = runner.invoke(participation_app, ["create-user", "plan1", "--role", "planner",
                                          "--password-stdin", "--database-url", url],
                      input=PASSWORD + "\n", env={"GG_PARTICIPATION_ARGON2_MEMORY_KIB": "8",
                                                  "GG_PARTICIPATION_ARGON2_TIME_COST": "1",
                                                  "GG_PARTICIPATION_ARGON2_PARALLELISM": "1"})
    assert r.exit_code == 0, r.output
    r = runner.invoke(participation_app, ["create-user", "plan2", "--role", "root",
                                          "--password-stdin", "--database-url", url],
                      input=PASSWORD + "\n")
    assert r.exit_code == 2 and "role" in r.output
    r = runner.invoke(participation_app, ["create-user", "plan3", "--password-stdin",
                                          "--database-url", url], input="short\n")
    assert r.exit_code == 2 and "12 characters" in r.output
    r = runner.invoke(participation_app, ["export", "99", "--out", str(tmp_path / "x.csv"),
                                          "--database-url", url])
    assert r.exit_code == 1 and "no field lab 99" in r.output
    r = runner.invoke(participation_app, ["migrate", "--downgrade", "--revision", "base",
                                          "--database-url", url])
    assert r.exit_code == 0 and "none" in r.output
