"""Accessibility: axe-core (WCAG 2.2 AA and best practice) finds nothing on any view.

axe-core comes from npm (``web/node_modules/axe-core``, a dev dependency of the front end) and
is evaluated through the DevTools protocol, so the app's Content-Security-Policy stays on and
nothing is fetched from elsewhere. Every Monitor state the app builds (indicator, area panel,
comparison, another level and year) and the other views in their initial state are checked, at
desktop size and at phone size (390 × 844).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import PageWatch, wait_js
from .test_monitor_web import serve_tiny

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def axe_violations(pg: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is; the violations with their first nodes."""
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.evaluate("() => { " + AXE.read_text("utf-8") + "\n}")
    result = pg.evaluate("""async (tags) => {
        const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(
                (n) => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""", TAGS)
    return list(result)


def assert_clean(pg: Any, state: str) -> None:
    found = axe_violations(pg)
    assert found == [], f"{state}: " + json.dumps(found, indent=1, ensure_ascii=False)


def page_rules(pg: Any) -> None:
    """One h1, a skip link first in the tab order, one live region for results."""
    assert pg.locator("h1").count() == 1
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.classList.contains('skip-link')")
    assert pg.evaluate("document.activeElement.getAttribute('href')") == "#panel"
    before = pg.url
    pg.keyboard.press("Enter")  # the skip link focuses the panel and leaves the URL alone
    assert pg.evaluate("document.activeElement.id") == "panel"
    assert pg.url == before
    assert pg.locator("#panel[aria-live]").count() == 0
    assert pg.locator("#announce[role=status]").count() == 1


def monitor_ready(pg: Any) -> None:
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true && window.__gg.map.loaded()")


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_tiny(tmp_path_factory)


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, page: PageWatch) -> PageWatch:
    width, height = SIZES[request.param]
    page.page.set_viewport_size({"width": width, "height": height})
    return page


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
def test_monitor_states_have_no_axe_violations(sized: PageWatch, server: str) -> None:
    pg = sized.page
    pg.goto(f"{server}/#monitor")
    monitor_ready(pg)
    page_rules(pg)
    assert_clean(pg, "monitor")
    pg.select_option("#area-select", "BU90010203")
    pg.locator("#area-panel:not([hidden]) h3").wait_for()
    pg.select_option("#compare-select", "BU90020101")
    pg.locator("#compare-table").wait_for()
    assert_clean(pg, "monitor with an area and a comparison")
    pg.locator("#ranked-table button[data-sort=name]").click()
    pg.locator("#ranked-table th[aria-sort]").wait_for()
    pg.select_option("#indicator-select", "green_within_300m_pct")
    pg.locator("#legend .legend-title", has_text="300 m").wait_for()
    pg.select_option("#level-select", "wijk")
    wait_js(pg, "document.querySelectorAll('#ranked-table tbody tr').length === 6")
    assert_clean(pg, "monitor, green indicator per wijk")
    assert sized.errors == []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
@pytest.mark.parametrize("view", ["3d", "planner", "participation"])
def test_other_views_have_no_axe_violations(sized: PageWatch, server: str, view: str) -> None:
    pg = sized.page
    pg.goto(f"{server}/#{view}")
    wait_js(pg, f"window.__gg && window.__gg.view === '{view}' && window.__gg.map.loaded()")
    pg.locator("#panel h2").first.wait_for()
    pg.wait_for_load_state("networkidle")  # the view's lists (catalogue, field labs) are in
    page_rules(pg)
    assert_clean(pg, view)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
def test_monitor_with_green_access_has_no_axe_violations(sized: PageWatch,
                                                         tiny_server: str) -> None:
    pg = sized.page
    pg.goto(f"{tiny_server}/#monitor")
    monitor_ready(pg)
    pg.locator("#access-table").wait_for()
    pg.select_option("#area-select", index=1)
    pg.locator("#access-table thead th").nth(2).wait_for()
    assert_clean(pg, "monitor with green access")
    assert sized.errors == []


# --- Evaluator tab: the register (logged out, then as a planner) and an estimate -----------
@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
def test_evaluator_states_have_no_axe_violations(sized: PageWatch, server: str,
                                                 server_db: Path) -> None:
    from .test_evaluator_web import add_planner, log_out_in_tab, login_in_tab

    pg = sized.page
    who = (f"a11y-evaluator-{pg.viewport_size['width']}", "a11y evaluator pass phrase")
    add_planner(server_db, *who)
    pg.goto(f"{server}/#evaluator")
    wait_js(pg, "window.__gg && window.__gg.view === 'evaluator' && window.__gg.map.loaded()")
    pg.locator("#ev-estimate-form").wait_for()
    page_rules(pg)
    log_out_in_tab(pg)
    assert_clean(pg, "evaluator, logged out")
    login_in_tab(pg, who)
    assert_clean(pg, "evaluator, register form")
    pg.fill("#ev-name", f"A11y {who[0]}")
    pg.select_option("#ev-areas", ["BU90010101", "BU90010102"])
    pg.fill("#ev-start", "2019-01-01")
    pg.click("#ev-save")
    pg.locator("#ev-register-msg", has_text="A11y").wait_for()
    pg.select_option("#ev-estimator", "cs_did")
    pg.click("#ev-run")
    pg.locator("#ev-verdict p").first.wait_for()
    assert_clean(pg, "evaluator with an estimate")
    assert sized.errors == []


# The Planner's states (issue 16, item 4): drawing with the vertex list and the centre marker,
# the filtered catalogue, a result with its per-buurt table and effect map, an out-of-date
# result, a refusal at its intervention, and the comparison with baseline and difference.

def _draw_at_centres(pg: Any, kind: str, ring: list[tuple[float, float]]) -> None:
    """Draw with the keyboard route: move the map centre to each vertex, add it, finish."""
    from .test_planner_web import lonlat

    pg.click(f"button[data-kind={kind}]")
    for x, y in ring:
        lon, lat = lonlat(x, y)
        pg.evaluate(f"window.__gg.map.jumpTo({{center: [{lon}, {lat}], zoom: 15}})")
        pg.click("#draw-centre")
    pg.locator("#vertex-list li").nth(len(ring) - 1).wait_for()


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
def test_planner_states_have_no_axe_violations(sized: PageWatch, tiny_server: str) -> None:
    from .test_planner_web import HOMES, PARK, open_planner, run

    pg = open_planner(sized, tiny_server)
    pg.select_option("#filter-problem", "heat")
    pg.locator("#catalogue-list li.catalogue-item").first.wait_for()
    _draw_at_centres(pg, "park", PARK)
    assert pg.locator("#map-centre").is_visible()
    assert_clean(pg, "planner while drawing, catalogue filtered")
    pg.click("#draw-finish")
    run(pg)
    pg.locator("#buurt-legend").wait_for()
    pg.locator("#buurt-table tbody tr").first.wait_for()
    assert_clean(pg, "planner result with per-buurt table and effect map")
    pg.click("#save-scenario")
    pg.check("#drawn-list input[data-displace]")
    pg.locator("#result-stale").wait_for()
    assert_clean(pg, "planner result out of date")
    run(pg)
    pg.click("#save-scenario")
    pg.click("#compare-scenarios")
    pg.locator("#compare-table").wait_for()
    assert_clean(pg, "planner comparison")
    pg.fill("#dwellings", "300")
    _draw_at_centres(pg, "homes", HOMES[0])
    pg.click("#draw-finish")
    run(pg)
    pg.locator("#drawn-list .refusal").first.wait_for()
    assert_clean(pg, "planner refusal at its intervention")
    assert [e for e in sized.errors if "status of 422" not in e] == []
