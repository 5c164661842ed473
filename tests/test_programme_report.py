"""Half-year progress report: tracks, budget against the rules, KPIs (Monitor-filled), CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pikepdf
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from groengezond.cli import app
from groengezond.programme.kpis import kpi_statuses
from groengezond.programme.report import (
    ProgressReport,
    progress_report,
    render_progress_report,
)
from groengezond.programme.schemas import Programme
from groengezond.programme.xlsx import read_programme
from groengezond.reports.render import euros, number
from test_reports_area import check_structure

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "programme" / "programme.xlsx"


@pytest.fixture(scope="module")
def example() -> Programme:
    return read_programme(EXAMPLE)


@pytest.fixture(scope="module")
def report(example: Programme) -> ProgressReport:
    return progress_report(example, "2026H2")


def test_report_data(report: ProgressReport) -> None:
    assert report.projects == 20 and report.rules_ok
    assert [t.name for t in report.tracks] == ["Gezonde mensen", "Groene en gezonde leefomgeving",
                                               "Vitale wijken", "Versneller"]
    assert sum(t.projects for t in report.tracks) == 20
    assert [p.code for p in report.project_rows][:2] == ["P01", "P02"]
    assert sum(p.committed_eur for p in report.project_rows) == report.totals["committed_total"]
    assert sum(t.milestones_due for t in report.tracks) == 20  # one per project in 2026H2
    assert 0 < report.kpis_on_track < len(report.kpis)
    assert all(r.likelihood * r.impact >= 12 for r in report.risks)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_numbers_equal_the_json(report: ProgressReport, lang: str) -> None:
    pdf = render_progress_report(report, lang, "pdf")  # type: ignore[arg-type]
    assert "/StructTreeRoot" in pikepdf.open(io.BytesIO(pdf)).Root
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    data = json.loads(report.model_dump_json())
    for key in ("committed_rijk", "committed_region", "committed_partners", "spent_rijk"):
        assert euros(data["totals"][key], lang) in text, key  # type: ignore[arg-type]
    for track in data["tracks"]:
        assert euros(track["committed_eur"], lang) in text  # type: ignore[arg-type]
        assert number(track["share"] * 100, 1, lang) + "%" in text  # type: ignore[arg-type]
    for kpi in data["kpis"]:
        if kpi["actual"] is not None:
            assert number(kpi["actual"], 1, lang) in text  # type: ignore[arg-type]
    assert f"{data['kpis_on_track']} / {len(data['kpis'])}" in text
    for row in data["project_rows"]:
        assert euros(row["committed_eur"], lang) in text  # type: ignore[arg-type]


def test_html_structure(report: ProgressReport) -> None:
    check_structure(render_progress_report(report, "en", "html").decode(), "en")


def test_linked_kpis_fill_their_actuals_from_the_monitor(example: Programme) -> None:
    values = pd.DataFrame({
        "area_code": ["GM0344", "GM0344", "GM0356"],
        "indicator": ["green_within_300m_pct", "green_within_300m_pct", "overweight_pct"],
        "year": [2022, 2026, 2026], "value": [61.0, 63.5, None],
        "suppressed": [False, False, True]})
    statuses = kpi_statuses(example, "2026H2", values)
    green = [s for s in statuses if s.indicator == "Monitor: green_within_300m_pct"]
    assert green and all(s.actual == 63.5 and s.origin == "monitor" and s.monitor_year == 2026
                         for s in green)
    weight = next(s for s in statuses if s.indicator == "Monitor: overweight_pct")
    assert weight.actual is None and weight.note == "suppressed"
    no_region = kpi_statuses(example, "2026H2")
    assert all(s.origin == "none" and s.note == "no_region"
               for s in no_region if s.indicator.startswith("Monitor:"))


def test_cli_import_check_report_and_a_refused_workbook(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["programme", "import", str(EXAMPLE)])
    assert r.exit_code == 0 and "20 projects" in r.output, r.output
    assert runner.invoke(app, ["programme", "check"]).exit_code == 0
    out = tmp_path / "voortgang.pdf"
    r = runner.invoke(app, ["programme", "report", "--period", "2026H2", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:5] == b"%PDF-"
    printed = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Regio Deal programme data" in printed and "imported" in printed
    wb = load_workbook(EXAMPLE)
    wb["budget"]["D2"] = 40_000_000  # made-up breach: the Rijk over €30M
    breach = tmp_path / "breach.xlsx"
    wb.save(breach)
    r = runner.invoke(app, ["programme", "check", "--file", str(breach)])
    assert r.exit_code == 1 and "BREACH" in r.output
    wb["projects"]["C2"] = "Gezonde dieren"
    wb["budget"]["B3"] = "loterij"
    wb.save(breach)
    r = runner.invoke(app, ["programme", "import", str(breach)])
    assert r.exit_code == 2
    assert "sheet projects, row 2" in r.output and "sheet budget, row 3" in r.output
    exported = tmp_path / "export.xlsx"
    assert runner.invoke(app, ["programme", "export", str(exported)]).exit_code == 0
    assert read_programme(exported) == read_programme(EXAMPLE)  # the refused import left it
    r = runner.invoke(app, ["programme", "add-lesson", "--what", "Wadi bij de school",
                            "--where", "Houten", "--result", "Geen wateroverlast meer",
                            "--source", "Evaluatie 2026", "--catalogue", "wadi"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["programme", "lessons", "wadi school"])
    assert r.exit_code == 0 and "Wadi bij de school" in r.output
    bad = runner.invoke(app, ["programme", "report", "--period", "2026Q3", "--out",
                              str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "YYYYH1 or YYYYH2" in bad.output
