"""Scenario report: the numbers in the PDF equal the JSON, the PDF is tagged, the HTML has its
structure; residents' comments come from the field lab where the scenario was published."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pytest
from markupsafe import escape
from pypdf import PdfReader

from groengezond.catalogue.model import load_catalogue
from groengezond.participation.db import Database
from groengezond.region.model import Region
from groengezond.reports.render import euro_sig, interval_texts, number
from groengezond.reports.scenario import (
    ScenarioReport,
    published_feedback,
    render_scenario_report,
    scenario_report,
)
from groengezond.scenario.io import save_scenario
from groengezond.scenario.model import Scenario, scenario_from_data
from groengezond.scenario.result import ScenarioResult
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.services.plan import Planner
from groengezond.synth import generate_region
from participation_support import comment_body, make_env
from test_reports_area import check_structure

FEEDBACK = [{"field_lab": "Proeftuin Oost", "published_as": "Park aan de Oosterweg",
             "n_comments": 1, "comments": [{"category": "idea",
                                            "text": "Graag een speelplek erbij"}]}]


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


@pytest.fixture(scope="module")
def scenario(region: Region) -> Scenario:
    rd = park_in(region, ranked_by_income(region)[0], 5.0)
    return scenario_from_data({"name": "Park aan de Oosterweg", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "geometry": rd.wkt,
         "catalogue_id": "neighbourhood_park"}]})


@pytest.fixture(scope="module")
def result(region: Region, scenario: Scenario) -> ScenarioResult:
    return Planner(region).run(scenario, np.random.default_rng(42), n_draws=1000, seed=42)


@pytest.fixture(scope="module")
def report(region: Region, scenario: Scenario, result: ScenarioResult) -> ScenarioReport:
    return scenario_report(scenario, result, region.meta, feedback=FEEDBACK, lessons=[
        {"what": "Buurtpark op braakliggend terrein", "where": "Wijk 1", "result": "Meer "
         "bezoek", "source": "Evaluatie 2025"}])


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def iv(x: dict[str, Any], lang: str) -> str:
    m, lo, hi = interval_texts(x["median"], x["lower"], x["upper"], 2, lang)  # type: ignore[arg-type]
    return f"{m} ({lo} – {hi})"


def eur_iv(x: dict[str, Any], lang: str) -> str:
    e = lambda v: euro_sig(v, 2, lang)  # type: ignore[arg-type]  # noqa: E731
    return f"{e(x['median'])} ({e(x['lower'])} – {e(x['upper'])})"


@pytest.mark.parametrize(("args", "want"), [
    ((596_783.0, 370_830.0, 848_047.0), "€ 600.000 (€ 370.000 – € 850.000)"),
    ((12_917_556.0, 8_026_738.0, 18_356_256.0), "€ 13 miljoen (€ 8 miljoen – € 18 miljoen)"),
])
def test_euros_carry_two_significant_digits(args: tuple[float, float, float], want: str
                                            ) -> None:
    assert eur_iv(dict(zip(("median", "lower", "upper"), args, strict=True)), "nl") == want


def test_intervals_share_their_decimals() -> None:
    assert interval_texts(1.4107, 0.7812, 2.8411, 2, "nl") == ("1,4", "0,8", "2,8")
    assert interval_texts(0.01108, 0.00591, 0.01843, 2, "en") == ("0.011", "0.006", "0.018")
    assert interval_texts(-0.0004, -0.0009, 0.0001, 2, "nl") == ("-0,00040", "-0,00090", "0,00010")
    assert interval_texts(0.0, 0.0, 0.0, 2, "nl") == ("0", "0", "0")


def test_report_data(report: ScenarioReport, result: ScenarioResult) -> None:
    assert report.synthetic and report.n_draws == 1000 and report.seed == 42
    assert report.interventions[0].size == pytest.approx(5.0, rel=0.01)
    assert report.interventions[0].size_unit == "ha"
    deaths = next(t for t in report.totals if t.outcome == "all_cause_mortality").value
    assert deaths.lower is not None and deaths.lower <= (deaths.median or 0) <= (deaths.upper or 0)
    assert report.money.median == result.money.total.median  # type: ignore[union-attr]
    assert report.costs is not None and report.costs.total_low_eur > 0
    assert len(report.buurten) == len(result.buurten)
    assert report.gap.verdict == result.equity.verdict


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_numbers_equal_the_json(report: ScenarioReport, scenario: Scenario,
                                    region: Region, lang: str) -> None:
    text = _text(render_scenario_report(report, scenario, region.areas, lang, "pdf"))  # type: ignore[arg-type]
    data = json.loads(report.model_dump_json())
    assert data["name"] in text
    for row in data["totals"]:
        assert iv(row["value"], lang) in text, row["outcome"]
    assert eur_iv(data["money"], lang) in text
    c = data["costs"]
    # the investment is an assumption from the catalogue: its order of magnitude only
    assert (f"{euro_sig(c['total_low_eur'], 1, lang)} – {euro_sig(c['total_high_eur'], 1, lang)}"
            in text)
    assert iv(c["bcr"], lang) in text
    assert eur_iv(c["benefits_pv"], lang) in text
    for b in data["buurten"][:5]:
        assert b["code"] in text
        assert eur_iv(b["value_eur"], lang) in text, b["code"]
    # buurten the plan does not reach are counted, not listed with "€ 0 (€ 0 – € 0)"
    zero = [b for b in data["buurten"] if b["value_eur"]["upper"] == 0 and
            b["deaths"]["upper"] == 0 and b["depression"]["upper"] == 0]
    assert zero, "the fixture's park reaches every buurt: no check of the unreached ones"
    assert all(b["code"] not in text for b in zero)
    assert "€ 0 (€ 0 – € 0)" not in text
    assert number(data["residents_300m_after"] * 100, 1, lang) in text  # type: ignore[arg-type]
    assert number(data["gap"]["sii_before"], 3, lang) in text  # type: ignore[arg-type]
    assert "Graag een speelplek erbij" in text and "Proeftuin Oost" in text
    assert "Buurtpark op braakliggend terrein" in text
    assert ("SYNTHETISCHE DATA" if lang == "nl" else "SYNTHETIC DATA") in text
    assert date.today().isoformat() in text and "0.1.0" in text
    assert ("Voorkomen sterfgevallen" if lang == "nl" else "Deaths prevented") in text


def test_pdf_is_tagged(report: ScenarioReport, scenario: Scenario, region: Region) -> None:
    pdf = pikepdf.open(io.BytesIO(render_scenario_report(report, scenario, region.areas, "en",
                                                         "pdf")))
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "en" and pdf.Root.MarkInfo.Marked


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_html_structure(report: ScenarioReport, scenario: Scenario, region: Region,
                        lang: str) -> None:
    html = render_scenario_report(report, scenario, region.areas, lang, "html").decode()  # type: ignore[arg-type]
    check_structure(html, lang)
    assert "<img class=\"map\" src=\"data:image/svg+xml;base64," in html


def test_not_computable_is_worded(region: Region, scenario: Scenario,
                                  result: ScenarioResult) -> None:
    broken = result.model_copy(update={"costs": None})
    rep = scenario_report(scenario, broken, region.meta)
    html = render_scenario_report(rep, scenario, region.areas, "nl", "html").decode()
    assert "niet te berekenen: het plan heeft geen kosten opgegeven" in html
    assert "Dit scenario is niet in een veldlab gepubliceerd." in html


def test_the_dutch_report_words_the_model_in_dutch(report: ScenarioReport, scenario: Scenario,
                                                   region: Region,
                                                   result: ScenarioResult) -> None:
    """The model's notes, the money values and the catalogue entry are worded in the report's
    language from their keys; no English sentence of the engine reaches the Dutch report."""
    html = render_scenario_report(report, scenario, region.areas, "nl", "html").decode()
    assert result.messages and len(report.notes) == len(result.messages)
    for note, m in zip(report.notes, result.messages, strict=True):
        assert note.key == m.key and note.nl != m.text and note.en
        assert "{" not in note.nl and escape(note.nl) in html, note.nl
        assert escape(m.text) not in html, m.text
    assert "(Engels)" not in html and "beside the total" not in html
    assert "naast het totaal (niet opgeteld)" in html
    assert "per voorkomen sterfgeval" in html and "prevented death" not in html
    assert "Waarde van een statistisch leven" in html and "vsl_" not in html
    assert escape(load_catalogue()["neighbourhood_park"].name_nl) in html
    assert "neighbourhood_park" not in html
    en = render_scenario_report(report, scenario, region.areas, "en", "html").decode()
    assert all(escape(n.en) in en for n in report.notes) and "per prevented death" in en


def test_comments_come_from_the_field_lab(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'p.sqlite'}")
    env = make_env(db)
    c, lab = env.client, env.lab["id"]
    sid = env.scenarios[0]
    ok = c.post(env.url(f"/field-labs/{lab}/comments"), headers=env.resident(),
                json=comment_body(env, "Graag een speelplek erbij", scenario_id=sid)).json()
    c.post(env.url(f"/field-labs/{lab}/comments"), headers=env.resident(),
           json=comment_body(env, "nog niet beoordeeld", scenario_id=sid))
    assert c.post(env.url(f"/moderation/comments/{ok['id']}/approve"),
                  headers=env.bearer("moderator")).status_code == 200
    by_ref = published_feedback(db, "anders", ref="scn-park")
    assert by_ref == [{"field_lab": "Wijk Oost", "published_as": "Park aan de Oosterweg",
                       "n_comments": 1, "comments": [{"category": "idea",
                                                      "text": "Graag een speelplek erbij"}]}]
    assert published_feedback(db, "Park aan de Oosterweg") == by_ref
    assert published_feedback(db, "Geen") == []
    db.dispose()


def test_cli_writes_the_scenario_report(tmp_path: Path, region: Region,
                                        scenario: Scenario) -> None:
    from typer.testing import CliRunner

    from groengezond.cli.app import app
    from groengezond.region.store import write_region

    folder = write_region(region, tmp_path / "region")
    path = save_scenario(scenario, tmp_path / "plan.yaml")
    runner = CliRunner()
    for fmt in ("pdf", "html", "json"):
        out = tmp_path / f"plan.{fmt}"
        r = runner.invoke(app, ["report", "scenario", str(path), "--region", str(folder),
                                "--format", fmt, "--out", str(out), "--lang", "en"])
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 1000
    data = json.loads((tmp_path / "plan.json").read_text())
    text = _text((tmp_path / "plan.pdf").read_bytes())
    assert eur_iv(data["money"], "en") in text
    bad = runner.invoke(app, ["report", "scenario", str(tmp_path / "nope.yaml"), "--region",
                              str(folder), "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0 and "does not exist" in bad.output


def test_every_money_value_of_the_registry_has_report_words() -> None:
    """A money value is printed as ``money_value`` with ``currency_<c>`` and ``per_<per>``:
    each currency and unit of the valuation registry has its words in both languages."""
    from groengezond.health.valuation import load_valuation
    from groengezond.reports.messages import MESSAGES

    for v in load_valuation().values:
        assert f"currency_{v.currency}" in MESSAGES, v.id
        assert f"per_{v.per}" in MESSAGES, v.id


def test_a_gap_that_is_not_computable_renders(region: Region, scenario: Scenario,
                                              result: ScenarioResult) -> None:
    """A NaN in the gap (the Planner's equity not computable) prints as "–", not a crash
    (the shared-scenario e2e test hit a 500 here)."""
    nan = float("nan")
    eq = result.equity.model_copy(update={"sii_after": nan, "sii_change": nan,
                                          "sii_change_interval": None})
    rep = scenario_report(scenario, result.model_copy(update={"equity": eq}), region.meta)
    html = render_scenario_report(rep, scenario, region.areas, "nl", "html").decode()
    assert "Verandering" in html and "NaN" not in html and "nan (" not in html
