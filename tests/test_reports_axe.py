"""axe-core finds 0 violations in the reports' HTML (area, scenario, evaluation, progress).

Runs axe in Debian's chromium through Playwright. axe-core comes from the web app's
devDependencies (``web/node_modules/axe-core``) or from ``GG_AXE_JS`` (path to ``axe.min.js``);
the test skips with the reason when neither is there or chromium is missing.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from groengezond.api.testing import web_region
from groengezond.indicators.registry import load_registry
from groengezond.programme.report import progress_report, render_progress_report
from groengezond.programme.xlsx import read_programme
from groengezond.region.quality import LayerQuality
from groengezond.reports.area import area_report, render_area_report
from groengezond.reports.gather import monitor_tables
from test_reports_area import ACCESS

ROOT = Path(__file__).resolve().parents[1]
AXE = Path(os.environ.get("GG_AXE_JS", ROOT / "web" / "node_modules" / "axe-core" /
                          "axe.min.js"))
CHROMIUM = Path("/usr/bin/chromium")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def browser() -> Any:
    """What the tests need to run axe: skip with the reason when it is not there."""
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE} (npm ci in web/, or set GG_AXE_JS)")
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: apt-get install -y chromium")
    return None


def _axe_in_chromium(html: str) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = b.new_page()
            page.set_content(html)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                RULES)
        finally:
            b.close()
    return [{"id": v["id"], "nodes": [n["html"][:120] for n in v["nodes"][:3]]}
            for v in result["violations"]]


def _violations(browser: Any, html: str) -> list[dict[str, Any]]:
    """axe's violations of ``html``, in a thread of its own: the browser tests keep a sync
    Playwright (an asyncio loop) open in the main thread for the whole session."""
    with ThreadPoolExecutor(1) as ex:
        return ex.submit(_axe_in_chromium, html).result()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_area_report_has_no_axe_violations(browser: Any, lang: str) -> None:
    region = web_region()
    values, trends = monitor_tables(region)
    meta = region.meta.model_copy(update={"quality": {
        "green": LayerQuality(status="placeholder", reason="no green polygons")}})
    rep = area_report("WK900101", meta, region.areas, values, trends, load_registry(),
                      access=ACCESS, field_labs=[{
                          "name": "Proeftuin", "area_code": "WK900101", "buurten": [],
                          "opens_on": date(2026, 1, 1), "closes_on": date(2026, 6, 30)}],
                      lessons=[{"what": "Tegels eruit", "where": "Wijk 1.1",
                                "result": "Koeler", "source": "Test"}])
    html = render_area_report(rep, region.areas, lang, "html").decode()  # type: ignore[arg-type]
    assert _violations(browser, html) == []


@pytest.mark.slow
def test_progress_report_has_no_axe_violations(browser: Any) -> None:
    programme = read_programme(ROOT / "examples" / "programme" / "programme.xlsx")
    html = render_progress_report(progress_report(programme, "2026H2"), "nl", "html").decode()
    assert _violations(browser, html) == []


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_scenario_report_has_no_axe_violations(browser: Any, lang: str) -> None:
    import numpy as np

    from groengezond.reports.scenario import render_scenario_report, scenario_report
    from groengezond.scenario.model import scenario_from_data
    from groengezond.scenario.testing import park_in, ranked_by_income
    from groengezond.services.plan import Planner
    from groengezond.synth import generate_region

    region = generate_region(20_000, seed=1)
    sc = scenario_from_data({"name": "Park", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "catalogue_id": "neighbourhood_park",
         "geometry": park_in(region, ranked_by_income(region)[0], 5.0).wkt}]})
    result = Planner(region).run(sc, np.random.default_rng(42), n_draws=1000, seed=42)
    rep = scenario_report(sc, result, region.meta, feedback=[{
        "field_lab": "Proeftuin", "published_as": "Park", "n_comments": 1,
        "comments": [{"category": "idea", "text": "Meer bankjes"}]}])
    html = render_scenario_report(rep, sc, region.areas, lang, "html").decode()  # type: ignore[arg-type]
    assert _violations(browser, html) == []


@pytest.mark.slow
def test_evaluation_report_has_no_axe_violations(browser: Any) -> None:
    from groengezond.evaluation.panel import panel_from_region
    from groengezond.evaluation.run import evaluate
    from groengezond.reports.evaluation import evaluation_report, render_evaluation_report

    region = web_region()
    buurten = sorted(region.areas.loc[region.areas["level"] == "buurt", "code"])[:6]
    p = panel_from_region(region, "perceived_health_good_pct",
                          treatment={b: (2016 if i < 3 else 2020) for i, b in enumerate(buurten)})
    res = evaluate(p, "twfe_event")
    doc = {"indicator": "perceived_health_good_pct", "estimator": "twfe_event",
           "years": p.years, "n_areas": 24, "estimates": [e.to_dict() for e in res.estimates],
           "event_study": res.event_study.to_dict(orient="records"),
           "series": res.series.to_dict(orient="records")}
    rep = evaluation_report(doc, load_registry(), region.meta, interventions=[
        {"name": "Schoolpleinen", "areas": buurten[:3], "start_date": "2016-05-01"}])
    html = render_evaluation_report(rep, "nl", "html").decode()
    assert _violations(browser, html) == []
