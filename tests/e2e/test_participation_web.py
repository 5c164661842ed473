"""End to end: the Meedoen (participation) view and moderation in headless chromium.

The field lab, its staff and two published scenarios are set up through the HTTP API (staff
accounts directly in the server's database file, as ``groengezond participation create-user``
does); everything a resident and a moderator do goes through the page. What was stored is
checked in the database itself.
"""

from __future__ import annotations

import json
import math
import sqlite3
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pyproj import Transformer
from shapely.geometry import mapping

from groengezond.api.testing import web_region
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database
from groengezond.participation.security import Passwords, create_user

from .conftest import SCREENSHOTS, PageWatch, wait_js

pytestmark = pytest.mark.slow

ADMIN = ("e2e-admin", "admin pass phrase for e2e")
MODERATOR = ("e2e-moderator", "moderator pass phrase for e2e")
WIJK = "WK900102"
REPLY = "Dank u. De gemeente plant in het voorjaar bomen bij de school."
XSS = 'Meer bomen bij de school <img src=x onerror="window.__xss=1"> & een bankje'
TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


def call(server: str, method: str, path: str, body: Any = None,
         token: str | None = None) -> Any:
    """A JSON request to the server (urllib: nothing else is needed)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{server}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()}") from None
    return json.loads(text) if text else None


@dataclass(frozen=True)
class Lab:
    """The field lab the tests use."""

    id: int
    scenario: int
    rd_scenario: int
    buurten: list[dict[str, str]]
    centre_wgs84: tuple[float, float]
    first_tree_wgs84: tuple[float, float]
    park_ring: tuple[tuple[float, float], ...] = ()
    park_result: Any = None
    bbox_wgs84: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    elsewhere: int = 0


def rows(db_file: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def lab(server: str, server_db: Path) -> Lab:
    """A field lab over wijk WK900102 of the web test region, open today, with two plans."""
    fast = ParticipationSettings(argon2_time_cost=1, argon2_memory_kib=8, argon2_parallelism=1)
    db = Database.from_url(f"sqlite:///{server_db}")
    try:
        for (name, password), role in ((ADMIN, "admin"), (MODERATOR, "moderator")):
            create_user(db, Passwords(fast), name, password, role, datetime.now(ZoneInfo("UTC")))
    finally:
        db.dispose()
    token = call(server, "POST", "/api/participation/auth/login",
                 {"username": ADMIN[0], "password": ADMIN[1]})["token"]
    areas = web_region().areas
    wijk = areas[areas["code"] == WIJK].geometry.iloc[0]
    buurten = [{"code": str(r.code), "name": str(r.name)}
               for r in areas[(areas["level"] == "buurt") & (areas["parent"] == WIJK)]
               .itertuples()]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    created = call(server, "POST", "/api/participation/field-labs", {
        "name": "Veldlab Wijk 1.2", "description": "Groener en gezonder in Wijk 1.2.",
        "area_code": WIJK, "geometry_rd": mapping(wijk), "buurten": buurten,
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat()}, token)
    # a plan as the Planner makes it: the scenario as drawn (lon/lat) and its result
    cx, cy = wijk.centroid.x, wijk.centroid.y
    ring = [TO_WGS84.transform(x, y) for x, y in
            ((cx - 60, cy - 40), (cx + 60, cy - 40), (cx + 60, cy + 40), (cx - 60, cy + 40),
             (cx - 60, cy - 40))]
    scenario = {"name": "Buurtpark", "crs": "EPSG:4326", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "green_kind": "park", "public": True,
         "displace": True, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    result = call(server, "POST", "/api/scenarios/run", scenario)
    park = call(server, "POST", f"/api/participation/field-labs/{created['id']}/scenarios", {
        "scenario_id": "e2e-park-v1", "name": "Buurtpark",
        "description": "Een park op het plein.",
        "snapshot": {"scenario": scenario, "result": result}}, token)
    # a plan from a scenario file: geometry in RD New, no result
    trees = call(server, "POST", f"/api/participation/field-labs/{created['id']}/scenarios", {
        "scenario_id": "e2e-trees-v1", "name": "Bomen langs de straat", "description": "",
        "snapshot": {"scenario": {"name": "Bomen", "crs": "EPSG:28992", "interventions": [
            {"kind": "plant_trees", "name": "Straatbomen", "geometry": {
                "type": "MultiPoint",
                "coordinates": [[cx - 80 + 20 * i, cy + 60] for i in range(9)]}}]}}}, token)
    lon, lat = TO_WGS84.transform(cx - 20, cy - 70)  # inside the wijk, off the park
    # a second lab in another wijk, for the refusal of a plan outside it
    other = areas[areas["code"] == "WK900203"].geometry.iloc[0]
    elsewhere = call(server, "POST", "/api/participation/field-labs", {
        "name": "Veldlab Wijk 2.3", "description": "", "area_code": "WK900203",
        "geometry_rd": mapping(other), "buurten": [],
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat()}, token)
    return Lab(created["id"], park["id"], trees["id"], buurten, (lon, lat),
               TO_WGS84.transform(cx - 80, cy + 60), tuple(ring), result,
               tuple(created["bbox_wgs84"]), elsewhere["id"])


def round2(value: float) -> float:
    """Two significant digits, as the plan card rounds (plan-card.ts)."""
    if value == 0:
        return 0.0
    p = 10.0 ** (math.floor(math.log10(abs(value))) - 1)
    return round(value / p) * p


def where_words(pt: tuple[float, float], bbox: tuple[float, float, float, float]) -> str:
    """The part of the lab a point lies in, as the plan card words it (3 × 3 grid of the bbox)."""
    w, s, e, n = bbox
    col = min(2, math.floor(3 * (pt[0] - w) / (e - w)))
    row = min(2, math.floor(3 * (n - pt[1]) / (n - s)))
    return [["in het noordwesten van het veldlab", "in het noorden van het veldlab",
             "in het noordoosten van het veldlab"],
            ["in het westen van het veldlab", "midden in het veldlab",
             "in het oosten van het veldlab"],
            ["in het zuidwesten van het veldlab", "in het zuiden van het veldlab",
             "in het zuidoosten van het veldlab"]][row][col]


def dutch_int(value: float) -> str:
    return f"{round(value):,}".replace(",", ".")


def open_participation(watch: PageWatch, server: str, lab: Lab) -> Any:
    """Open the Meedoen tab and the field lab; wait until the map has flown there."""
    pg = watch.page
    pg.goto(f"{server}/#participation")
    pg.wait_for_selector("#lab-select")
    wait(pg, f"document.querySelector('#lab-select option[value=\"{lab.id}\"]')")
    if pg.evaluate("document.querySelector('.participation').dataset.ready") != str(lab.id):
        pg.select_option("#lab-select", str(lab.id))
    wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{lab.id}'")
    wait(pg, "window.__gg.map.loaded()")
    return pg


def click_lonlat(pg: Any, lonlat: tuple[float, float]) -> None:
    xy = pg.evaluate("(p) => { const q = window.__gg.map.project(p); return [q.x, q.y]; }",
                     list(lonlat))
    box = pg.locator("#map").bounding_box()
    pg.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def wait(pg: Any, expression: str) -> Any:
    """``wait_js`` with a timeout that suits these tests (each step takes well under 1 s)."""
    return wait_js(pg, expression, timeout_s=20)


def message(pg: Any, where: str, text: str) -> None:
    wait(pg, f"document.querySelector('[data-msg=\"{where}\"]')?.textContent === "
             f"{json.dumps(text)}")


def test_resident_takes_part_and_a_moderator_approves(page: PageWatch, server: str,
                                                      server_db: Path, lab: Lab,
                                                      browser_context: Any) -> None:
    pg = open_participation(page, server, lab)
    # the field lab's outline and the first plan with its figures are shown
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-lab-line']}).length > 0")
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-scenario-fill']})"
             ".length > 0")
    card = pg.locator(f"[data-scenario='{lab.scenario}']")
    # in plain words first: what changes where (a list beside the map), and the effect felt
    centre = (sum(p[0] for p in lab.park_ring) / 5, sum(p[1] for p in lab.park_ring) / 5)
    change = card.locator(".plan-changes li").first
    assert change.inner_text().startswith(
        f"Nieuw park (9.600 m²) {where_words(centre, lab.bbox_wgs84)}")
    e = lab.park_result["exposures"]
    gain = round2((e["within_300m_after"] - e["within_300m_before"]) * e["residents"])
    plain = card.locator(".plain-effect").first.inner_text()
    if abs(gain) < 1:
        assert plain == "Het aantal mensen op loopafstand (300 m) van groen blijft ongeveer gelijk."
    else:
        assert f"ongeveer {dutch_int(abs(gain))} mensen" in plain
    # the Planner's figures only behind "Meer details"
    assert "Voorkomen sterfgevallen" not in card.inner_text()
    card.locator(".plan-details summary").click()
    text = card.inner_text()
    assert "Buurtpark" in text and "Voorkomen sterfgevallen" in text and "95%-interval" in text
    card.locator(".show-change").first.click()  # the list's button shows the change on the map
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-scenario-fill']}).length > 0")
    # the plan from a scenario file (RD New) is drawn too
    pg.locator(f"[data-scenario='{lab.rd_scenario}'] .show-scenario").click()
    first = wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-scenario-points']})"
                     "[0]?.geometry.coordinates[0]")
    assert first == pytest.approx(lab.first_tree_wgs84, abs=2e-5)  # within about 2 m

    # rate the park; a second submit changes the rating
    sid = lab.scenario
    for crit, v in (("green", 4), ("health", 3), ("safety", 5), ("would_use", 2)):
        pg.check(f"#rate-{sid}-{crit}-{v}")
    pg.click(f"#rating-{sid} button[type=submit]")
    message(pg, f"rating-{sid}", "Uw oordeel is opgeslagen.")
    assert pg.locator(f"#rating-{sid} button[type=submit]").inner_text() == "Oordeel wijzigen"
    pg.check(f"#rate-{sid}-green-2")
    pg.click(f"#rating-{sid} button[type=submit]")
    message(pg, f"rating-{sid}", "Uw oordeel is opgeslagen.")
    assert rows(server_db, "SELECT scenario_id, green, health, safety, would_use "
                           f"FROM participation_ratings WHERE scenario_id = {sid}"
                ) == [(sid, 2, 3, 5, 2)]
    token = pg.evaluate(f"localStorage.getItem('gg-resident-token-{lab.id}')")
    assert token and len(token) >= 40

    # pin a comment: button, click on the map, category, text
    pg.click("#pin-comment")
    pg.wait_for_selector("#pin-hint")
    click_lonlat(pg, lab.centre_wgs84)
    pg.wait_for_selector("#comment-form")
    pg.select_option("#comment-category", "idea")
    pg.fill("#comment-text", XSS)
    pg.click("#comment-submit")
    mine = pg.locator("#my-comments li[data-status=pending]")
    mine.wait_for()
    assert mine.locator(".comment-text").inner_text() == XSS
    assert "wacht op moderatie" in mine.inner_text()
    comment_id = int(mine.get_attribute("data-comment") or 0)
    # the resident's own pending pin shows on the map (only to them), with a note saying so
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-mine']})"
             f".map((f) => f.id).join() === '{comment_id}'")
    assert pg.locator("#mine-pending-note").is_visible()
    # (other tests share the server's database: only this lab's rows are this test's)
    stored = rows(server_db, "SELECT id, category, text, status FROM participation_comments "
                             f"WHERE field_lab_id = {lab.id}")
    assert stored == [(comment_id, "idea", XSS, "pending")]
    # not public yet
    assert pg.locator("#no-public-comments").is_visible()
    public = call(server, "GET", f"/api/participation/field-labs/{lab.id}/comments")
    assert public["features"] == []

    # the survey, in the page's language
    assert pg.locator("#p-survey").get_by_text("Welk rapportcijfer geeft u uw woonomgeving?") \
        .is_visible()
    buurt = lab.buurten[1]["code"]
    pg.select_option("#survey-buurt_code", buurt)
    pg.select_option("#survey-satisfaction", "7")
    pg.select_option("#survey-green_rating", "6")
    pg.check("#survey-feels_safe-4")
    pg.check("#survey-neighbour_contact-3")
    pg.select_option("#survey-green_visits", "weekly")
    pg.click("#survey-submit")
    message(pg, "survey", "Uw antwoorden zijn opgeslagen.")
    assert rows(server_db, "SELECT buurt_code, satisfaction, green_rating, feels_safe, "
                           "neighbour_contact, green_visits FROM participation_survey_responses "
                           f"WHERE field_lab_id = {lab.id}") == [(buurt, 7, 6, 4, 3, "weekly")]
    assert pg.locator("#my-survey").is_visible()
    pg.screenshot(path=str(SCREENSHOTS / "participation-resident.png"))

    # a moderator logs in (another page of the same browser) and approves the comment
    staff = PageWatch(browser_context.new_page())
    try:
        sp = staff.page
        sp.goto(f"{server}/#participation")
        sp.click("#open-moderation")
        sp.fill("#staff-username", MODERATOR[0])
        sp.fill("#staff-password", MODERATOR[1])
        sp.click("#staff-login")
        item = sp.locator(f"#mod-queue li[data-comment='{comment_id}']")
        item.wait_for()
        # the session rides on the __Host- cookies (127.0.0.1 is a trustworthy origin)
        assert sp.evaluate("document.querySelector('.participation').dataset.auth") == "cookie"
        assert "__Host-gg_csrf=" in sp.evaluate("document.cookie")
        assert item.locator(".comment-text").inner_text() == XSS
        assert "Veldlab Wijk 1.2" in item.inner_text()
        # the queue says which plan the comment is about (none: the lab in general)
        assert item.locator(".mod-about").inner_text() == "Over het veldlab in het algemeen"
        # the municipality's official reply, given in the queue
        item.locator(f"#reply-{comment_id}").fill(REPLY)
        item.locator(f"[data-reply='{comment_id}']").click()
        sp.wait_for_selector("[data-msg=mod]:has-text('Reactie geplaatst.')")
        item = sp.locator(f"#mod-queue li[data-comment='{comment_id}']")
        assert item.locator(".official-reply .reply-text").inner_text() == REPLY
        assert rows(server_db, "SELECT comment_id, text FROM participation_comment_replies "
                               f"WHERE comment_id = {comment_id}") == [(comment_id, REPLY)]
        sp.screenshot(path=str(SCREENSHOTS / "participation-moderation.png"))
        item.locator("[data-action=reject]").click()  # a rejection needs a reason
        assert "Geef een reden" in item.inner_text()
        item.locator("[data-action=approve]").click()
        # it leaves the queue (which may hold other tests' comments: the database is shared)
        sp.wait_for_selector(f"#mod-queue li[data-comment='{comment_id}']", state="detached")
        sp.click("#staff-logout")
        sp.wait_for_selector("#login-form")
        assert "gg_csrf" not in sp.evaluate("document.cookie")
        assert staff.errors == []
        assert staff.foreign_hosts() == set()
    finally:
        staff.page.close()
    assert rows(server_db, "SELECT status FROM participation_comments "
                           f"WHERE field_lab_id = {lab.id}") == [("approved",)]

    # the resident's page, reloaded, shows the comment on the map and in the list, as text
    pg.reload()
    wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{lab.id}'")
    listed = pg.locator(f"#public-comments li[data-comment='{comment_id}'] .comment-text")
    assert listed.inner_text() == XSS
    reply = pg.locator(f"#public-comments li[data-comment='{comment_id}'] .official-reply")
    assert reply.locator(".reply-text").inner_text() == REPLY
    assert reply.locator(".reply-head").inner_text().startswith("Reactie van de gemeente · ")
    assert pg.locator(f"#my-comments li[data-comment='{comment_id}'] .reply-text") \
        .inner_text() == REPLY
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-mine']}).length === 0")
    assert pg.locator(f"#my-comments li[data-comment='{comment_id}']") \
        .get_attribute("data-status") == "approved"
    wait(pg, "window.__gg.map.queryRenderedFeatures({layers: ['p-comments']}).length === 1")
    click_lonlat(pg, lab.centre_wgs84)
    pg.wait_for_selector(".comment-popup")
    assert pg.locator(".comment-popup .comment-text").inner_text() == XSS
    assert pg.locator(".comment-popup .reply-text").inner_text() == REPLY
    pg.screenshot(path=str(SCREENSHOTS / "participation-approved.png"))
    assert pg.evaluate("window.__xss") is None
    assert pg.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    # anyone may report it
    pg.locator(".comment-popup summary").click()
    pg.locator(".comment-popup [data-report]").click()
    pg.wait_for_selector(".comment-popup .form-msg:has-text('Bedankt')")
    assert rows(server_db, "SELECT reason FROM participation_comment_reports "
                           f"WHERE comment_id = {comment_id}") == [("abusive",)]

    # the resident deletes the survey answers: gone from the database
    pg.locator("#my-survey button").click()
    pg.wait_for_selector("#my-survey", state="detached")
    assert rows(server_db, "SELECT COUNT(*) FROM participation_survey_responses "
                           f"WHERE field_lab_id = {lab.id}") == [(0,)]
    assert pg.locator("#survey-submit").inner_text() == "Enquête versturen"

    # English: the survey questions come from the API in the page's language
    pg.click("#lang")
    pg.wait_for_selector("text=What mark do you give your living environment?")
    pg.click("#lang")
    assert page.errors == []
    assert page.foreign_hosts() == set()


def test_erasing_everything_and_a_comment_outside_the_lab(page: PageWatch, server: str,
                                                          server_db: Path, lab: Lab) -> None:
    pg = open_participation(page, server, lab)
    pg.evaluate(f"localStorage.removeItem('gg-resident-token-{lab.id}')")
    pg.reload()
    wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{lab.id}'")
    assert pg.locator("#mine-empty").is_visible()
    # a point outside the field lab is refused in the page, in plain words
    pg.click("#pin-comment")
    box = pg.locator("#map").bounding_box()
    pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + 25)
    message(pg, "comment", "Dit punt ligt buiten het veldlab; kies een punt binnen de omlijning.")
    # inside; the API refuses the text (a bidirectional override) and its message is shown
    click_lonlat(pg, lab.centre_wgs84)
    pg.fill("#comment-text", "Mooi \u202eplan")
    pg.click("#comment-submit")
    message(pg, "comment", "De tekst klopt niet. Pas het aan en probeer het opnieuw.")
    assert pg.locator("[data-msg=comment]").get_attribute("class") == "form-msg error"
    # a valid comment, then edited: new text and category, back in the moderation queue
    pg.fill("#comment-text", "Een bankje bij de speeltuin")
    pg.click("#comment-submit")
    mine = pg.locator("#my-comments li[data-status=pending]")
    mine.wait_for()
    cid = int(mine.get_attribute("data-comment") or 0)
    pg.click(f"[data-edit='{cid}']")
    form = pg.locator(f"form[data-editing='{cid}']")
    form.locator("select").select_option("question")
    form.locator("textarea").fill("Kan er een bankje bij de speeltuin?")
    form.locator("button[type=submit]").click()
    message(pg, "mine", "Gewijzigd. Uw reactie wacht opnieuw op moderatie.")
    assert rows(server_db, f"SELECT category, text, status FROM participation_comments "
                           f"WHERE id = {cid}") == [("question", "Kan er een bankje bij de "
                                                     "speeltuin?", "pending")]
    # a new resident rates the second plan, then erases everything
    sid = lab.rd_scenario
    for crit in ("green", "health", "safety", "would_use"):
        pg.check(f"#rate-{sid}-{crit}-5")
    pg.click(f"#rating-{sid} button[type=submit]")
    message(pg, f"rating-{sid}", "Uw oordeel is opgeslagen.")
    assert rows(server_db, f"SELECT COUNT(*) FROM participation_ratings WHERE scenario_id = {sid}"
                ) == [(1,)]
    pg.click("#erase-all")
    pg.click("#erase-yes")
    message(pg, "mine", "Alles is gewist.")
    assert pg.evaluate(f"localStorage.getItem('gg-resident-token-{lab.id}')") is None
    assert rows(server_db, f"SELECT COUNT(*) FROM participation_ratings WHERE scenario_id = {sid}"
                ) == [(0,)]
    assert rows(server_db, f"SELECT COUNT(*) FROM participation_comments WHERE id = {cid}"
                ) == [(0,)]
    # the refused comment is the only error the browser logged (its failed request)
    assert [e for e in page.errors if "status of 422" not in e] == []
    assert page.foreign_hosts() == set()



def test_planner_opens_a_field_lab_and_changes_its_period(page: PageWatch, server: str,
                                                          server_db: Path, lab: Lab) -> None:
    pg = open_participation(page, server, lab)
    pg.click("#open-moderation")
    pg.fill("#staff-username", ADMIN[0])
    pg.fill("#staff-password", ADMIN[1])
    pg.click("#staff-login")
    pg.wait_for_selector("#lab-open-form")
    assert pg.locator(f"#lab-admin-list li[data-lab='{lab.id}']").count() == 1
    pg.select_option("#lab-wijk", "WK900202")
    assert pg.input_value("#lab-name") == "Fieldlab Wijk 2.2"
    pg.fill("#lab-description", "Samen aan de slag met het groen.")
    pg.fill("#lab-opens", "2027-03-01")
    pg.fill("#lab-closes", "2027-04-30")
    pg.click("#lab-create")
    wait(pg, "document.querySelector('#lab-admin-msg')?.textContent.includes('is geopend')")
    stored = rows(server_db, "SELECT id, name, area_code, opens_on, closes_on, buurten "
                             "FROM participation_field_labs WHERE area_code = 'WK900202'")
    assert len(stored) == 1
    new_id, name, code, opens, closes, buurten = stored[0]
    assert (name, code, str(opens), str(closes)) == ("Fieldlab Wijk 2.2", "WK900202",
                                                    "2027-03-01", "2027-04-30")
    assert {b["code"] for b in json.loads(buurten)} == {"BU90020201", "BU90020202",
                                                        "BU90020203", "BU90020204"}
    # the area is the wijk's polygon (sent in WGS84, stored in RD New)
    lab_doc = json.loads(urllib.request.urlopen(
        f"{server}/api/participation/field-labs/{new_id}", timeout=30).read())
    lon0, lat0, lon1, lat1 = lab_doc["bbox_wgs84"]
    assert lon0 < lon1 and lat0 < lat1 and lab_doc["is_open"] is False
    # change the period so that it is open today
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    item = pg.locator(f"#lab-admin-list li[data-lab='{new_id}']")
    item.wait_for()
    pg.fill(f"#lab-{new_id}-opens", (today - timedelta(days=1)).isoformat())
    pg.click(f"[data-change='{new_id}']")
    wait(pg, "document.querySelector('#lab-admin-msg')?.textContent.includes('gewijzigd')")
    assert rows(server_db, f"SELECT opens_on FROM participation_field_labs WHERE id = {new_id}"
                ) == [((today - timedelta(days=1)).isoformat(),)]
    # the results of the first lab: too few respondents, so suppressed, never 0; downloads
    pg.click(f"[data-results='{lab.id}']")
    res = pg.locator(f"#results-{lab.id}")
    res.wait_for()
    text = res.inner_text()
    assert "Buurtpark" in text and "Heel het fieldlab" in text
    assert "onderdrukt: minder dan 10 respondenten" in text
    csv = pg.evaluate("(u) => fetch(u).then(async (r) => [r.status, await r.text()])",
                      res.locator("a[data-format=csv]").get_attribute("href"))
    assert csv[0] == 200 and "Buurtpark" in csv[1]
    pg.click("#staff-logout")  # the browser context is shared with the other tests
    pg.wait_for_selector("#login-form")
    # back in the resident view, the new lab can be chosen
    pg.click("#close-moderation")
    wait(pg, f"document.querySelector('#lab-select option[value=\"{new_id}\"]')")
    assert page.errors == [] and page.foreign_hosts() == set()


def test_planner_publishes_a_costed_scenario_into_the_field_lab(page: PageWatch, server: str,
                                                                server_db: Path,
                                                                lab: Lab) -> None:
    pg = page.page
    pg.goto(f"{server}/#planner")
    pg.wait_for_selector("#catalogue-list li")  # the run waits for a drawing
    box = pg.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # a park and a footbridge from the catalogue (so both carry a cost)
    pg.click("[data-catalogue=neighbourhood_park]")
    for dx, dy in ((-60, -40), (60, -40), (60, 40), (-60, 40)):
        pg.mouse.click(cx + dx, cy + dy)
    pg.keyboard.press("Enter")
    pg.fill("#catalogue-search", "brug")
    pg.wait_for_selector("[data-catalogue=footbridge]")
    pg.click("[data-catalogue=footbridge]")
    for dx in (-150, -90):
        pg.mouse.click(cx + dx, cy + 10)
    pg.keyboard.press("Enter")
    volume = pg.locator("[data-volume] input[data-field=walkingTrips]")
    volume.wait_for()
    volume.fill("500")
    pg.fill("[data-volume] input[data-field=minutesPerWalk]", "15")
    assert "neighbourhood_park" in pg.locator("#drawn-list").inner_text()
    pg.check("#drawn-list input[data-displace]")  # the map centre is built up
    sent: list[Any] = []
    pg.on("request", lambda r: sent.append(r.post_data_json)
          if r.url.endswith("/api/scenarios/run") else None)
    pg.fill("#scenario-name", "Park en brug")
    pg.click("#run-scenario")
    wait(pg, "document.querySelector('#scenario-results dl.results') || "
             "document.querySelector('#run-state.error')")
    assert pg.locator("#run-state.error").count() == 0, pg.locator("#drawn-list").inner_text()
    body = sent[-1]
    park, bridge = body["interventions"]
    assert park["catalogue_id"] == "neighbourhood_park" and bridge["catalogue_id"] == "footbridge"
    assert (bridge["walking_trips_per_day"], bridge["minutes_per_walk"]) == (500, 15)
    results = pg.locator("#scenario-results").inner_text()
    assert "Kosten (eenmalig)" in results and "(aanname)" in results
    assert "Baten-kostenverhouding (30 jaar, 2,25%)" in results
    assert "Baten-kostenverhouding bij 15 / 30 / 50 jaar" in results  # the sensitivity table
    # (the e2e region has no residents: the gap rows' values are tested at the API level)
    # publish: log in as a planner (admin) in the panel, choose the lab, publish
    pub = pg.locator("#publish")
    pub.locator("#staff-username").fill(ADMIN[0])
    pub.locator("#staff-password").fill(ADMIN[1])
    pub.locator("#staff-login").click()
    pg.wait_for_selector("#publish-form")
    pg.select_option("#publish-lab", str(lab.id))
    pg.fill("#publish-description", "Een park met een brug over het water.")
    pg.click("#publish-submit")
    wait(pg, "document.querySelector('#publish-msg')?.textContent.startsWith('Gepubliceerd')")
    stored = rows(server_db, "SELECT name, description, scenario_ref FROM participation_scenarios"
                             f" WHERE field_lab_id = {lab.id} AND name = 'Park en brug'")
    assert len(stored) == 1 and stored[0][1] == "Een park met een brug over het water."
    assert stored[0][2].startswith("plan-")
    # publishing the same scenario again is refused with the API's message
    pg.click("#publish-submit")
    wait(pg, "document.querySelector('#publish-msg')?.classList.contains('error')")
    # a lab elsewhere refuses the plan: its residents could not see it (key plan_outside_lab)
    pg.select_option("#publish-lab", str(lab.elsewhere))
    pg.click("#publish-submit")
    message_id = "document.querySelector('#publish-msg')?.textContent"
    wait(pg, f"{message_id}?.startsWith('Een of meer maatregelen')")
    assert pg.locator("#publish-msg").inner_text() == (
        "Een of meer maatregelen van dit plan liggen buiten veldlab Veldlab Wijk 2.3: de "
        "bewoners kunnen ze daar niet zien. Kies het veldlab waar het plan ligt, of teken het "
        "binnen dit veldlab.")
    assert rows(server_db, "SELECT COUNT(*) FROM participation_scenarios "
                           f"WHERE field_lab_id = {lab.elsewhere}") == [(0,)]
    # residents see it in the Meedoen tab
    pg.click("#tab-participation")
    pg.wait_for_selector("#lab-select")
    pg.select_option("#lab-select", str(lab.id))
    wait(pg, f"document.querySelector('.participation')?.dataset.ready === '{lab.id}'")
    assert "Park en brug" in pg.locator("#p-scenarios").inner_text()
    assert [e for e in page.errors if "409" not in e and "422" not in e] == []
    assert page.foreign_hosts() == set()
