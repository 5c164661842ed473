"""Accessibility: axe-core (WCAG 2.2 AA and best practice) finds nothing on any view.

axe-core comes from npm (``web/node_modules/axe-core``, a dev dependency of the front end) and
is evaluated through the DevTools protocol, so the app's Content-Security-Policy stays on and
nothing is fetched from elsewhere. Every Monitor state the app builds (indicator, area panel,
comparison, another level and year) and the other views in their initial state are checked, at
desktop size and at phone size (390 × 844).
"""

from __future__ import annotations

import json
import urllib.request
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
    # 422: the refusal drawn on purpose; 401: the staff probe of a session the Evaluator's
    # a11y test logged out in this shared browser profile (not a Planner failure)
    assert [e for e in sized.errors if "status of 422" not in e and "status of 401" not in e] == []


# ---------------------------------------------------------------- Meedoen states (issue 16)

A11Y_STAFF = ("a11y-admin", "a11y admin pass phrase for e2e")


@pytest.fixture(scope="module")
def meedoen_lab(server: str, server_db: Path) -> dict[str, Any]:
    """A field lab over wijk WK900103 with a published park, an approved comment with the
    municipality's reply, and a comment about the park waiting in the queue."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from shapely.geometry import mapping

    from groengezond.api.testing import web_region
    from groengezond.participation.config import ParticipationSettings
    from groengezond.participation.db import Database
    from groengezond.participation.security import Passwords, create_user

    from .test_participation_web import TO_WGS84, call

    fast = ParticipationSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
    db = Database.from_url(f"sqlite:///{server_db}")
    try:
        create_user(db, Passwords(fast), *A11Y_STAFF, "admin", datetime.now(ZoneInfo("UTC")))
    finally:
        db.dispose()
    token = call(server, "POST", "/api/participation/auth/login",
                 {"username": A11Y_STAFF[0], "password": A11Y_STAFF[1]})["token"]
    areas = web_region().areas
    wijk = areas[areas["code"] == "WK900103"].geometry.iloc[0]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    lab = call(server, "POST", "/api/participation/field-labs", {
        "name": "Veldlab Wijk 1.3", "description": "", "area_code": "WK900103",
        "geometry_rd": mapping(wijk), "buurten": [],
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat()}, token)
    c = wijk.centroid
    ring = [TO_WGS84.transform(x, y) for x, y in ((c.x - 50, c.y - 30), (c.x + 50, c.y - 30),
                                                 (c.x + 50, c.y + 30), (c.x - 50, c.y + 30),
                                                 (c.x - 50, c.y - 30))]
    scenario = {"name": "Park", "crs": "EPSG:4326", "interventions": [
        {"kind": "add_green", "name": "Park", "green_kind": "park", "public": True,
         "displace": True, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    result = call(server, "POST", "/api/scenarios/run", scenario)
    plan = call(server, "POST", f"/api/participation/field-labs/{lab['id']}/scenarios", {
        "scenario_id": "a11y-park", "name": "Park op het plein", "description": "",
        "snapshot": {"scenario": scenario, "result": result}}, token)
    at = TO_WGS84.transform(c.x - 80, c.y + 60)
    resident = call(server, "POST", f"/api/participation/field-labs/{lab['id']}/residents")
    ids = []
    for text, about in (("Graag een bankje.", None), ("Mooi park!", plan["id"])):
        req = urllib.request.Request(
            f"{server}/api/participation/field-labs/{lab['id']}/comments", method="POST",
            data=json.dumps({"category": "idea", "text": text, "scenario_id": about,
                             "location": {"type": "Point", "coordinates": list(at)}}).encode(),
            headers={"Content-Type": "application/json", "X-Resident-Token": resident["token"]})
        with urllib.request.urlopen(req, timeout=60) as r:
            ids.append(json.loads(r.read())["id"])
    call(server, "POST", f"/api/participation/moderation/comments/{ids[0]}/approve", {}, token)
    call(server, "PUT", f"/api/participation/comments/{ids[0]}/reply",
         {"text": "Dank u, het bankje komt er."}, token)
    return {"id": lab["id"], "comment": ids[0], "pending": ids[1], "at": at}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: npm ci in web/")
def test_meedoen_states_have_no_axe_violations(sized: PageWatch, server: str,
                                               meedoen_lab: dict[str, Any]) -> None:
    pg = sized.page
    lab = meedoen_lab["id"]
    pg.goto(f"{server}/#participation")
    wait_js(pg, f"document.querySelector('#lab-select option[value=\"{lab}\"]')")
    pg.select_option("#lab-select", str(lab))
    wait_js(pg, f"document.querySelector('.participation')?.dataset.ready === '{lab}'")
    pg.locator(".plan-changes li").first.wait_for()
    page_rules(pg)
    assert_clean(pg, "meedoen: plan card in plain words, comments with the reply")
    pg.locator(".plan-details summary").first.click()
    assert_clean(pg, "meedoen: plan details open")
    pg.click("#pin-comment")
    pg.click("#pin-centre")
    pg.locator("#comment-form").wait_for()
    assert_clean(pg, "meedoen: comment form")
    pg.click("#comment-cancel")
    # the approved comment's popup on the map, with the reply (on a phone with the sheet
    # lowered, as one looks at the map)
    if pg.viewport_size["width"] < 800:
        pg.focus("#sheet-handle")
        pg.keyboard.press("ArrowDown")
        wait_js(pg, "document.querySelector('main').dataset.sheet === 'low'")
    pg.evaluate("(p) => window.__gg.map.jumpTo({center: p, zoom: 17})", list(meedoen_lab["at"]))
    wait_js(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-comments']}).length > 0")
    xy = pg.evaluate("(p) => { const q = window.__gg.map.project(p); return [q.x, q.y]; }",
                     list(meedoen_lab["at"]))
    m = pg.locator("#map").bounding_box()
    pg.mouse.click(m["x"] + xy[0], m["y"] + xy[1])
    pg.locator(".comment-popup .reply-text").wait_for()
    assert_clean(pg, "meedoen: comment popup")
    pg.keyboard.press("Escape")
    # moderation: the queue with the plan each comment is about and the reply form
    pg.click("#open-moderation")
    pg.fill("#staff-username", A11Y_STAFF[0])
    pg.fill("#staff-password", A11Y_STAFF[1])
    pg.click("#staff-login")
    item = pg.locator(f"#mod-queue li[data-comment='{meedoen_lab['pending']}']")
    item.wait_for()
    assert item.locator(".mod-about").inner_text() == "Over plan: Park op het plein"
    assert_clean(pg, "moderation queue with plans and the reply form")
    pg.click("#mod-reviewed")
    pg.locator(f"#mod-queue li[data-comment='{meedoen_lab['comment']}'] .official-reply") \
        .wait_for()
    assert_clean(pg, "moderation queue with reviewed comments and a reply")
    pg.click("#staff-logout")
    pg.locator("#login-form").wait_for()
    assert sized.errors == []
