"""Evaluation report: the Evaluator's estimate as a tagged PDF whose numbers equal its JSON,
over HTTP (GET /api/reports/evaluation) and from the CLI (report evaluation estimates.json)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from groengezond.api.testing import web_app, web_region
from groengezond.evaluation.register import import_csv, open_register
from groengezond.indicators.registry import load_registry
from groengezond.region.model import Region
from groengezond.reports.evaluation import evaluation_report, render_evaluation_report
from groengezond.reports.render import number
from groengezond.settings import get_settings
from test_reports_area import check_structure


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[TestClient, Region]:
    region = web_region()
    client = TestClient(web_app(tmp_path / "region", region))
    buurten = sorted(region.areas.loc[region.areas["level"] == "buurt", "code"])[:6]
    csv = tmp_path / "iv.csv"
    csv.write_text("name,areas,start_date\n"
                   f"Schoolpleinen,{';'.join(buurten[:3])},2016-05-01\n"
                   f"Park,{';'.join(buurten[3:])},2020-04-01\n")
    import_csv(open_register(get_settings().database_url), csv)
    return client, region


PARAMS: dict[str, Any] = {"indicator": "perceived_health_good_pct", "intervention": [1, 2],
                          "estimator": "twfe_event"}


def test_pdf_numbers_equal_the_json_and_the_estimate(setup: tuple[TestClient, Region]) -> None:
    client, _ = setup
    est = client.get("/api/evaluations/estimate", params=PARAMS).json()
    data = client.get("/api/reports/evaluation", params={**PARAMS, "format": "json"}).json()
    assert data["estimates"][0]["estimate"] == est["estimates"][0]["estimate"]
    assert [i["name"] for i in data["interventions"]] == ["Schoolpleinen", "Park"]
    for lang in ("nl", "en"):
        r = client.get("/api/reports/evaluation", params={**PARAMS, "lang": lang})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert "/StructTreeRoot" in pikepdf.open(io.BytesIO(r.content)).Root
        text = _text(r.content)
        e = data["estimates"][0]
        assert number(e["estimate"], 3, lang) in text  # type: ignore[arg-type]
        assert f"{number(e['ci_low'], 3, lang)} – {number(e['ci_high'], 3, lang)}" in text  # type: ignore[arg-type]
        for row in data["event_study"]:
            if row["coef"] is not None:
                assert number(row["coef"], 3, lang) in text  # type: ignore[arg-type]
        for row in data["series"]:
            assert number(row["treated"], 2, lang) in text  # type: ignore[arg-type]
        assert ("SYNTHETISCHE DATA" if lang == "nl" else "SYNTHETIC DATA") in text
    html = client.get("/api/reports/evaluation", params={**PARAMS, "format": "html"}).text
    check_structure(html, "nl")


def test_not_identified_is_worded_not_a_number(setup: tuple[TestClient, Region]) -> None:
    _, region = setup
    doc = {"indicator": "perceived_health_good_pct", "estimator": "synth", "years": [2012],
           "n_areas": 3, "estimates": [{"estimator": "synth", "target": "att", "estimate": None,
                                        "identified": False, "reason": "too few years"}],
           "event_study": [], "series": []}
    rep = evaluation_report(doc, load_registry(), region.meta)
    html = render_evaluation_report(rep, "nl", "html").decode()
    assert "niet geïdentificeerd: too few years" in html


def test_cli_writes_the_evaluation_report(setup: tuple[TestClient, Region],
                                          tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from groengezond.cli.app import app

    client, _ = setup
    doc = client.get("/api/evaluations/estimate", params=PARAMS).json()
    src = tmp_path / "estimates.json"
    src.write_text(json.dumps(doc))
    out = tmp_path / "ev.pdf"
    r = CliRunner().invoke(app, ["report", "evaluation", str(src), "--region",
                                 str(tmp_path / "region"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert number(doc["estimates"][0]["estimate"], 3, "nl") in _text(out.read_bytes())
    bad = tmp_path / "x.json"
    bad.write_text("[]")
    r = CliRunner().invoke(app, ["report", "evaluation", str(bad), "--region",
                                 str(tmp_path / "region"), "--out", str(out)])
    assert r.exit_code != 0 and "estimates.json" in r.output
