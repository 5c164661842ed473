"""Dutch throughout: the visible text of every view, in Dutch, holds no English words.

The page's visible text (``innerText`` of the body: hidden elements, attributes and the map's
canvas are not text) is split into words and compared with a list of common English words and
phrases the app used to leak ("deaths", "per year", "Failed to fetch", …). Allowed, and so not
on the list: proper nouns and names of data sets and software (MapLibre, OpenStreetMap, CBS,
PDOK, RIVM, GGD), units and symbols (m, m², ha, km, °C, %, €), codes (BU…, WK…, GM…) and the
abbreviations SII and RII, which are the international names of the measures. The sources'
attributions on the map (``region.json``) are shown as their makers wrote them, and are left
out of the scan.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import PageWatch, wait_js

pytestmark = pytest.mark.slow

ENGLISH_WORDS = {
    "the", "and", "not", "of", "with", "without", "per", "year", "years", "deaths", "death",
    "loading", "error", "failed", "fetch", "residents", "inhabitants", "persons", "adults",
    "households", "area", "areas", "green", "health", "rank", "value", "interval", "lower",
    "upper", "higher", "better", "worse", "trend", "rising", "falling", "suppressed", "none",
    "download", "table", "map", "chart", "compare", "region", "choose", "select", "show",
    "hide", "close", "save", "run", "cancel", "search", "results", "result", "scenario",
    "cases", "cost", "costs", "benefit", "benefits", "land", "score", "share", "within",
    "from", "to", "in", "is", "are", "no", "yes", "or", "for", "by", "on", "this", "that",
    # common words of any English sentence (none of them is a Dutch word)
    "about", "after", "again", "all", "also", "always", "any", "because", "been", "before",
    "being", "between", "both", "but", "can", "cannot", "could", "day", "days", "does",
    "each", "every", "few", "find", "first", "found", "get", "give", "has", "have", "here",
    "how", "if", "into", "it", "its", "just", "last", "less", "like", "many", "may", "more",
    "most", "much", "must", "need", "never", "new", "next", "now", "number", "off", "old",
    "one", "only", "other", "our", "out", "own", "people", "place", "please", "point",
    "should", "since", "some", "still", "such", "than", "their", "them", "then", "there",
    "these", "they", "those", "through", "too", "two", "under", "until", "use", "used",
    "very", "were", "what", "when", "where", "which", "while", "who", "why", "will", "would",
    "you", "your", "see", "try",
    # words of this app's domain
    "trees", "tree", "homes", "dwellings", "street", "streets", "walking", "cycling", "parks",
    "roofs", "bridge", "heat", "cooling", "evidence", "strong", "moderate", "limited",
    "emerging", "assumption", "source", "sources", "price", "prices", "mean", "median",
    "level", "buildings", "building", "population", "income", "age", "group", "groups",
    "change", "changes", "total", "mortality", "depression", "prevented", "straight",
    "network", "access", "missing", "placeholder", "unknown", "draw", "drawing", "remove",
    "delete", "send", "sent", "thank", "thanks", "comment", "comments", "rating", "survey",
    "submit", "sign", "password", "username", "approve", "reject", "pending", "approved",
    "report", "plans", "view", "views", "intervention", "interventions", "connection",
    "request", "reload", "page", "shape", "outside", "inside",
}
"""English words that never occur in the Dutch interface."""
DUTCH_TOO = {"in", "is", "of", "per", "none", "score", "land", "trend", "interval", "scenario"}
"""Words on the list that are Dutch as well: only matched inside the English phrases below."""
ENGLISH_PHRASES = ["per year", "failed to fetch", "not computable", "of adults", "of residents",
                   "of households", "of land area", "no data", "is loading"]


def english_in(text: str) -> list[str]:
    """English words and phrases found in ``text`` (lower-cased matches)."""
    low = text.lower()
    # acronyms in capitals are names (WHO, HEAT, SII), not English words
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text) if not (w.isupper() and len(w) > 1)}
    found = sorted((words & ENGLISH_WORDS) - DUTCH_TOO)
    found += [p for p in ENGLISH_PHRASES if p in low]
    return found


def visible_text(pg: Any) -> str:
    """The body's visible text without the region's own name (a proper noun chosen by whoever
    built the region)."""
    text = str(pg.evaluate("document.body.innerText"))
    name = str(pg.evaluate("document.getElementById('region-name').textContent"))
    base = str(pg.evaluate("location.origin"))  # also on /s/<id>
    region = json.loads(urllib.request.urlopen(f"{base}/api/region", timeout=30).read())
    for source in region.get("sources", []):  # the sources' attributions, as their makers wrote
        text = text.replace(str(source.get("attribution", "")), " ")
    for link in pg.locator("#share-link").all_inner_texts():  # a URL with a random id
        text = text.replace(link, " ")
    return text.replace(name, " ")


def test_the_word_list_finds_english() -> None:
    assert english_in("Sterfgevallen: 0,0 deaths per year") == ["deaths", "year", "per year"]
    assert english_in("Gezonde levensverwachting, 95%-interval 61,2 – 63,0 jaar in Utrecht") == []
    assert english_in("Wandelen en sterfte (WHO HEAT)") == []
    assert english_in("Too few buurten with the indicator") == ["few", "the", "too", "with"]


def check(pg: Any, where: str) -> None:
    text = visible_text(pg)
    found = english_in(text)
    lines = [ln for ln in text.splitlines()
             if any(re.search(rf"\b{re.escape(w)}\b", ln.lower()) for w in found)]
    assert found == [], f"English on the Dutch {where} view: {found} in {lines[:12]}"


def test_monitor_is_dutch(page: PageWatch, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/#monitor")
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true")
    check(pg, "Monitor")
    pg.select_option("#area-select", "BU90010203")
    pg.locator("#area-panel:not([hidden]) h3").wait_for()
    pg.select_option("#compare-select", "BU90020304")
    pg.locator("#compare-table").wait_for()
    check(pg, "Monitor (area and comparison)")
    pg.select_option("#area-select", "BU90020304")  # suppressed: the reason is in Dutch
    pg.locator("#area-panel .suppressed-text").wait_for()
    check(pg, "Monitor (suppressed area)")
    for ind in ("green_within_300m_pct", "income_mean_eur", "perceived_health_good_pct"):
        pg.select_option("#indicator-select", ind)
        wait_js(pg, f"location.hash.includes('ind={ind}') && window.__gg.monitorReady")
        pg.locator("#gap-panel h3").wait_for()
        check(pg, f"Monitor ({ind})")


def test_3d_view_is_dutch(page: PageWatch, server: str) -> None:
    pg = page.page
    pg.goto(f"{server}/#3d")
    wait_js(pg, "window.__gg && window.__gg.view === '3d' && window.__gg.map.loaded()")
    pg.locator("#panel h2").first.wait_for()
    check(pg, "3d")
    # the map's own controls are named in Dutch too (read by screen readers, not in innerText)
    expected = {".maplibregl-ctrl-zoom-in": "Inzoomen",
                ".maplibregl-ctrl-zoom-out": "Uitzoomen",
                ".maplibregl-ctrl-compass": "Sleep om de kaart te draaien, klik om het noorden "
                                            "boven te zetten"}
    labels = {sel: pg.get_attribute(sel, "aria-label") for sel in expected}
    assert labels == expected


def open_planner(page: PageWatch, server: str) -> Any:
    pg = page.page
    pg.goto(f"{server}/#planner")
    wait_js(pg, "window.__gg && window.__gg.view === 'planner' && window.__gg.map.loaded()")
    pg.wait_for_selector("#catalogue-list li.catalogue-item")  # the run waits for a drawing
    return pg


def test_verkenner_catalogue_is_dutch(page: PageWatch, server: str) -> None:
    """The catalogue in the Planner: names, descriptions, sizes, costs and evidence in Dutch,
    as the API gave them."""
    pg = open_planner(page, server)
    check(pg, "Verkenner")
    items = json.loads(urllib.request.urlopen(f"{server}/api/catalogue", timeout=30).read())
    for first in items["items"][:3]:
        item = f"#catalogue-list li.catalogue-item[data-id='{first['id']}']"
        shown = pg.locator(item).inner_text()
        assert first["name_nl"] in shown
        assert first["description_nl"].split(". ")[0].strip().rstrip(".") in " ".join(shown.split())
        assert first["typical_size_text_nl"] in shown and "Bewijs: " in shown
        # an assumed cost range to 1 significant digit, € on both ends
        assert re.search(r"€ [\d.,]+( miljoen)? – € [\d.,]+( miljoen)? \(\d{4}\)", shown), shown
    # an item the Planner cannot draw says why, in Dutch
    if pg.locator("#catalogue-list .draw-reason").count():
        check(pg, "Verkenner (items that cannot be drawn)")
    # the search finds Dutch words too
    pg.fill("#catalogue-search", "schoolplein")
    wait_js(pg, "document.querySelectorAll('#catalogue-list li.catalogue-item').length === 1")
    check(pg, "Verkenner (search)")


def draw_park(pg: Any) -> None:
    pg.click("[data-kind=park]")
    box = pg.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-60, -40), (60, -40), (60, 40), (-60, 40)):
        pg.mouse.click(cx + dx, cy + dy)
    pg.keyboard.press("Enter")
    wait_js(pg, "document.querySelector('#drawn-list').textContent.includes('Park')")


def test_planner_refusal_and_result_are_dutch(page: PageWatch, server: str) -> None:
    """A park over houses is refused in Dutch words with the API's figures; with demolition
    ticked, the result, its notes (engine messages) and its costs are Dutch."""
    pg = open_planner(page, server)
    draw_park(pg)
    pg.click("#run-scenario")
    pg.wait_for_selector("#drawn-list [data-refusals='0'] .refusal")
    refusal = pg.locator("#drawn-list [data-refusals='0'] .refusal").first
    assert refusal.get_attribute("data-key") == "over_buildings"
    text = refusal.inner_text()
    assert re.search(r"Ligt over \d+ gebouwen met [\d.]+ woningen", text), text
    check(pg, "Planner (refusal)")
    pg.check("#drawn-list input[data-displace]")
    pg.click("#run-scenario")
    pg.wait_for_selector("#scenario-results dl.results")
    check(pg, "Planner (result)")
    notes = pg.locator("#scenario-results .run-note")
    keys = [notes.nth(i).get_attribute("data-key") for i in range(notes.count())]
    assert "scenario.park_displaces" in keys and "scenario.new_residents_not_in_health" in keys
    displaced = pg.locator("#scenario-results .run-note[data-key='scenario.park_displaces']")
    assert displaced.inner_text().startswith("Ingreep 1")
    results = pg.locator("#scenario-results").inner_text()
    assert not re.search(r"-0([.,]0+)?(?![\d.,])", results), results
    costs = re.search(r"€ [\d.,]+( miljoen)? – € [\d.,]+( miljoen)?", results)
    assert costs, results
    assert page.errors == [] or all("status of 422" in e for e in page.errors)


def test_saved_and_shared_scenario_pages_are_dutch(page: PageWatch, server: str) -> None:
    """Saving shares the plan (link and report); its /s/<id> page opens it drawn, in Dutch,
    and the same run there gives Dutch results and notes."""
    pg = open_planner(page, server)
    draw_park(pg)
    pg.check("#drawn-list input[data-displace]")
    pg.fill("#scenario-name", "Gedeeld buurtpark")
    pg.click("#run-scenario")
    pg.wait_for_selector("#scenario-results dl.results")
    pg.click("#save-scenario")
    pg.wait_for_selector("#share-link")
    assert pg.locator("#report-link").inner_text() != ""
    check(pg, "Planner (saved and shared)")
    href = pg.get_attribute("#share-link", "href")
    assert href and href.startswith("/s/")
    pg.goto(f"{server}{href}")
    wait_js(pg, "document.querySelector('#drawn-list')?.textContent.includes('Park')")
    wait_js(pg, "document.getElementById('announce').textContent.includes('Gedeeld buurtpark')")
    check(pg, "shared scenario /s/<id>")
    pg.click("#run-scenario")
    pg.wait_for_selector("#scenario-results dl.results")
    assert pg.locator("#scenario-results .run-note").count() > 0
    check(pg, "shared scenario /s/<id> (result)")
    assert page.errors == []


def test_a_missing_shared_scenario_is_worded_in_dutch(page: PageWatch, server: str) -> None:
    """A link to a shared scenario that does not exist says so in Dutch (no id, no status)."""
    pg = page.page
    pg.goto(f"{server}/s/doesnotexist1")
    wait_js(pg, "window.__gg && window.__gg.view === 'planner'")
    pg.wait_for_function("document.getElementById('status')?.textContent.length > 0"
                         " || document.getElementById('announce')?.textContent.length > 0")
    pg.wait_for_selector("#catalogue-list li.catalogue-item")
    assert "doesnotexist1" not in str(pg.evaluate("document.body.innerText"))
    pg.locator("#status", has_text="Dit gedeelde scenario bestaat niet (meer).").wait_for()
    check(pg, "shared scenario that does not exist")
    assert all("status of 404" in e for e in page.errors)


def test_a_failed_request_is_worded_in_dutch(page: PageWatch, server: str) -> None:
    """With the server unreachable the Planner says what to do, never "Failed to fetch"."""
    pg = open_planner(page, server)
    draw_park(pg)
    pg.check("#drawn-list input[data-displace]")
    pg.route("**/api/scenarios/run", lambda route: route.abort())
    pg.click("#run-scenario")
    pg.wait_for_selector("#run-state.error")
    assert pg.locator("#run-state").inner_text() == (
        "De server is niet bereikbaar. Controleer de internetverbinding en probeer het opnieuw.")
    check(pg, "Planner (no connection)")


NL_ADMIN = ("e2e-nl-admin", "admin pass phrase for the Dutch scan")
NL_MODERATOR = ("e2e-nl-moderator", "moderator pass phrase for the Dutch scan")


@pytest.fixture(scope="module")
def nl_lab(server: str, server_db: Path) -> int:
    """A field lab over WK900102 with a costed plan (as the Planner publishes it)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from pyproj import Transformer
    from shapely.geometry import mapping

    from groengezond.api.testing import web_region
    from groengezond.participation.config import ParticipationSettings
    from groengezond.participation.db import Database
    from groengezond.participation.security import Passwords, create_user

    from .test_participation_web import call

    fast = ParticipationSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
    db = Database.from_url(f"sqlite:///{server_db}")
    try:
        for (name, password), role in ((NL_ADMIN, "admin"), (NL_MODERATOR, "moderator")):
            create_user(db, Passwords(fast), name, password, role, datetime.now(ZoneInfo("UTC")))
    finally:
        db.dispose()
    token = call(server, "POST", "/api/participation/auth/login",
                 {"username": NL_ADMIN[0], "password": NL_ADMIN[1]})["token"]
    areas = web_region().areas
    wijk = areas[areas["code"] == "WK900102"].geometry.iloc[0]
    buurten = [{"code": str(r.code), "name": str(r.name)}
               for r in areas[(areas["level"] == "buurt") & (areas["parent"] == "WK900102")]
               .itertuples()]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    lab = call(server, "POST", "/api/participation/field-labs", {
        "name": "Veldlab Nederlands", "description": "Groener en gezonder.",
        "area_code": "WK900102", "geometry_rd": mapping(wijk), "buurten": buurten,
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat()}, token)
    to_wgs84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    cx, cy = wijk.centroid.x, wijk.centroid.y
    ring = [to_wgs84.transform(x, y) for x, y in
            ((cx - 60, cy - 40), (cx + 60, cy - 40), (cx + 60, cy + 40), (cx - 60, cy + 40),
             (cx - 60, cy - 40))]
    scenario = {"name": "Buurtpark", "crs": "EPSG:4326", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "green_kind": "park", "public": True,
         "displace": True, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    result = call(server, "POST", "/api/scenarios/run", scenario)
    call(server, "POST", f"/api/participation/field-labs/{lab['id']}/scenarios", {
        "scenario_id": "e2e-nl-park", "name": "Buurtpark", "description": "Een park.",
        "snapshot": {"scenario": scenario, "result": result}}, token)
    return int(lab["id"])


def test_meedoen_resident_and_moderator_views_are_dutch(page: PageWatch, server: str,
                                                        nl_lab: int, browser_context: Any
                                                        ) -> None:
    from .test_participation_web import wait

    pg = page.page
    pg.goto(f"{server}/#participation")
    pg.wait_for_selector("#lab-select")
    wait(pg, f"document.querySelector('#lab-select option[value=\"{nl_lab}\"]')")
    pg.select_option("#lab-select", str(nl_lab))
    wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{nl_lab}'")
    wait(pg, "window.__gg.map.loaded()")
    pg.wait_for_selector("[data-scenario]")
    check(pg, "Meedoen (resident)")
    pg.locator(".plan-details summary").first.click()  # the Planner's figures behind it
    pg.locator(".plan-details[open] dl.results").first.wait_for()
    check(pg, "Meedoen (plan card, meer details)")
    # a comment pinned inside the lab: pending, in the moderator's queue
    pg.click("#pin-comment")
    box = pg.locator("#map").bounding_box()
    pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.wait_for_selector("#comment-form")
    pg.fill("#comment-text", "Graag meer bankjes in het park")
    pg.click("#comment-submit")
    mine = pg.locator("#my-comments li[data-status=pending]")
    mine.wait_for()
    # this test's comment (the queue may hold other tests' comments: the database is shared)
    cid = mine.get_attribute("data-comment")
    check(pg, "Meedoen (resident with a comment)")
    staff = PageWatch(browser_context.new_page())
    try:
        sp = staff.page
        sp.goto(f"{server}/#participation")
        sp.click("#open-moderation")
        check(sp, "Meedoen (moderator login)")
        sp.fill("#staff-username", NL_MODERATOR[0])
        sp.fill("#staff-password", "wrong pass phrase for the scan")
        sp.click("#staff-login")
        sp.wait_for_selector(".form-msg.error, [data-msg].error, .error")
        check(sp, "Meedoen (moderator login refused)")
        sp.fill("#staff-password", NL_MODERATOR[1])
        sp.click("#staff-login")
        item = sp.locator(f"#mod-queue li[data-comment='{cid}']")
        item.wait_for()
        check(sp, "Meedoen (moderation queue)")
        # the municipality's official reply, then approval: the resident sees both
        item.locator(f"#reply-{cid}").fill("Dank u, we nemen het mee in het ontwerp.")
        item.locator(f"[data-reply='{cid}']").click()
        sp.wait_for_selector("[data-msg=mod]:has-text('Reactie geplaatst.')")
        check(sp, "Meedoen (moderation queue with a reply)")
        sp.locator(f"#mod-queue li[data-comment='{cid}'] [data-action=approve]").click()
        sp.locator(f"#mod-queue li[data-comment='{cid}']").wait_for(state="detached")
        check(sp, "Meedoen (moderation queue after approval)")
        sp.click("#staff-logout")
        sp.wait_for_selector("#login-form")
        pg.reload()
        wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{nl_lab}'")
        pg.locator(f"#public-comments li[data-comment='{cid}'] .official-reply").wait_for()
        check(pg, "Meedoen (resident, comment with the municipality's reply)")
    finally:
        sp.close()
        # the browser is shared by the session's tests: leave no resident key behind
        pg.evaluate(f"localStorage.removeItem('gg-resident-token-{nl_lab}')")


EV_PLANNER = ("e2e-nl-evaluator", "planner pass phrase for the Dutch scan")


def test_evaluator_is_dutch(page: PageWatch, server: str, server_db: Path) -> None:
    """The Evaluator tab logged out and in, its verdicts (event study, staggered DiD), and the
    refusal of a synthetic control over several treated buurten, all in Dutch."""
    from groengezond.api.testing import web_region

    from .test_evaluator_web import add_planner, log_out_in_tab, login_in_tab

    who = add_planner(server_db, *EV_PLANNER)
    pg = page.page
    pg.goto(f"{server}/#evaluator")
    wait_js(pg, "window.__gg && window.__gg.view === 'evaluator'")
    pg.locator("#ev-register h3").wait_for()
    pg.wait_for_load_state("networkidle")
    check(pg, "Evaluator")
    login_in_tab(pg, who)
    check(pg, "Evaluator (planner logged in)")
    codes = web_region().areas_at("buurt").sort_values("code")["code"].tolist()[:4]
    pg.fill("#ev-name", "Groene schoolpleinen (scan)")
    pg.select_option("#ev-areas", codes)
    pg.fill("#ev-start", "2015-06-01")
    pg.fill("#ev-done", "2016-03-01")
    pg.fill("#ev-cost", "250000")
    pg.click("#ev-save")
    pg.locator("#ev-register-msg", has_text="Groene schoolpleinen (scan)").wait_for()
    check(pg, "Evaluator (registered)")
    for box in pg.locator("#ev-estimate-form input[type=checkbox]").all():
        box.uncheck()
    pg.locator("#ev-estimate-form label.check", has_text="Groene schoolpleinen (scan)") \
        .first.locator("input").check()
    pg.select_option("#ev-outcome", "perceived_health_good_pct")
    for estimator in ("twfe_event", "cs_did", "synth"):
        pg.select_option("#ev-estimator", estimator)
        pg.evaluate("document.getElementById('ev-verdict')?.remove()")
        pg.click("#ev-run")
        pg.locator("#ev-verdict, #ev-estimate-msg.error").first.wait_for()
        check(pg, f"Evaluator (verdict, {estimator})")
    # synthetic control over four treated buurten: refused, worded from its key with the count
    refused = pg.locator("#ev-estimate-msg").inner_text()
    assert refused.startswith("Een synthetische controle vergelijkt één buurt"), refused
    assert "deze keuze heeft er 4" in refused
    log_out_in_tab(pg)
    assert [e for e in page.errors if "status of 401" not in e and "status of 422" not in e] == []


@pytest.mark.parametrize("view", ["3d", "planner", "participation", "evaluator"])
def test_other_views_are_dutch(page: PageWatch, server: str, view: str) -> None:
    pg = page.page
    pg.goto(f"{server}/#{view}")
    wait_js(pg, f"window.__gg && window.__gg.view === '{view}' && window.__gg.map.loaded()")
    pg.locator("#panel h2").first.wait_for()
    pg.wait_for_load_state("networkidle")  # the view's lists (catalogue, field labs) are in
    check(pg, view)
