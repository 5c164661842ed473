"""Take the README's screenshots of each view from the real app over the demo region.

Usage: ``python tests/e2e/doc_screenshots.py [REGION_DIR] [--phone]`` (default
``data/demo-region``; made by ``make demo``; ``--phone`` takes only ``web-phone.png``).
Needs the built front end, ``/usr/bin/chromium`` and Playwright for Python.
Writes ``docs/img/web-3d.png``, ``web-monitor.png``, ``web-planner.png``,
``web-planner-buurten.png`` (the park's effect per buurt: the map of Δ °C and the sortable
table) and ``web-meedoen.png``: for the last, a throw-away participation database gets a
planner account and a field lab over the wijk the park is drawn in, the Planner publishes the
park into it, and the Meedoen tab shows it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import shapely
from playwright.sync_api import sync_playwright
from pyproj import Transformer
from shapely.geometry import mapping

from groengezond.api.testing import free_port, start_server, stop_server
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database
from groengezond.participation.security import Passwords, create_user
from groengezond.region.store import read_region

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
PLANNER = ("docs-planner", "a pass phrase for the screenshots")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def wait_js(page: Any, expression: str, timeout_s: float = 120.0) -> None:
    """Poll ``expression`` until truthy (the app's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.1)


def post(base: str, path: str, body: Any, token: str | None = None) -> Any:
    req = urllib.request.Request(f"{base}{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read().decode())


def wijk_at(region_dir: Path, lon: float, lat: float) -> str:
    """Code of the wijk whose buurt holds the point (WGS84)."""
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True).transform(lon, lat)
    areas = read_region(region_dir).areas
    buurten = areas[(areas["level"] == "buurt") & areas.contains(shapely.Point(x, y))]
    if buurten.empty:
        raise RuntimeError(f"no buurt at {lon:.5f}, {lat:.5f}")
    return str(buurten["parent"].iloc[0])


def open_field_lab(base: str, region_dir: Path, wijk: str) -> int:
    """A field lab over ``wijk``, open for a month, opened by the planner account."""
    token = post(base, "/api/participation/auth/login",
                 {"username": PLANNER[0], "password": PLANNER[1]})["token"]
    areas = read_region(region_dir).areas
    geom = areas[areas["code"] == wijk].geometry.iloc[0]
    buurten = [{"code": str(r.code), "name": str(r.name)}
               for r in areas[(areas["level"] == "buurt") & (areas["parent"] == wijk)]
               .itertuples()]
    today = date.today()
    name = str(areas[areas["code"] == wijk]["name"].iloc[0])
    return int(post(base, "/api/participation/field-labs", {
        "name": f"Veldlab {name}", "description": "Groener en gezonder wonen.",
        "area_code": wijk, "geometry_rd": mapping(geom), "buurten": buurten,
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat()}, token)["id"])


def planner_buurten(page: Any) -> None:
    """The last run's effect per buurt: the map of the change of air temperature (zoomed out to
    the buurten around the park) and the table sorted by it."""
    page.select_option("#buurt-measure", "heat")
    page.wait_for_selector("#buurt-legend[data-measure=heat]")
    page.click("#buurt-table button[data-sort=heat]")
    page.click("#buurt-table button[data-sort=heat]")  # coolest first
    page.evaluate("window.__gg.map.zoomTo(13.5, {duration: 0})")
    wait_js(page, "window.__gg.map.loaded()")
    page.locator("#buurt-effects").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#buurt-effects .table-scroll').scrollLeft = 0")
    time.sleep(1.0)
    page.screenshot(path=str(OUT / "web-planner-buurten.png"))
    page.evaluate("window.__gg.map.zoomTo(14.5, {duration: 0})")


def main(region_dir: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    db_dir = tempfile.TemporaryDirectory()
    url = f"sqlite:///{db_dir.name}/participation.sqlite"
    db = Database.from_url(url)
    create_user(db, Passwords(ParticipationSettings()), PLANNER[0], PLANNER[1], "planner",
                datetime.now(UTC))
    db.dispose()
    proc = start_server(region_dir, port, env={"GG_DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=ARGS, headless=True,
                viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            page.goto(f"{base}/#3d")
            wait_js(page, "window.__gg && window.__gg.firstRender3dMs")
            page.screenshot(path=str(OUT / "web-3d.png"))
            page.click("#tab-monitor")
            wait_js(page, "window.__gg.monitorReady === true && window.__gg.map.loaded()")
            code = page.evaluate("document.querySelector('#area-select').options[1].value")
            page.select_option("#area-select", code)
            wait_js(page, "!document.querySelector('#area-panel').hidden")
            wait_js(page, "window.__gg.map.loaded()")
            time.sleep(1.0)
            page.screenshot(path=str(OUT / "web-monitor.png"))
            page.click("#tab-planner")
            wait_js(page, "document.querySelector('#catalogue-list li')")
            page.evaluate("window.__gg.map.jumpTo({zoom: 14.5})")
            page.click("[data-catalogue=neighbourhood_park]")  # a park with the catalogue's cost
            box = page.locator("#map").bounding_box()
            assert box is not None
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            for dx, dy in ((-90, -60), (80, -70), (100, 50), (-70, 70)):
                page.mouse.click(cx + dx, cy + dy)
            page.keyboard.press("Enter")
            # the map centre is built up: the park demolishes what stands there (costed), else
            # the Planner refuses a park over buildings
            page.check("#drawn-list input[data-displace]")
            page.fill("#scenario-name", "Park")
            page.click("#run-scenario")
            wait_js(page, "document.querySelector('#scenario-results dl.results')", 300.0)
            wait_js(page, "window.__gg.map.loaded()")
            page.locator("#scenario-results dl.results").scroll_into_view_if_needed()
            time.sleep(1.0)
            page.screenshot(path=str(OUT / "web-planner.png"))
            planner_buurten(page)
            # publish the park into a field lab over the wijk at the map centre
            lon, lat = page.evaluate("window.__gg.map.getCenter().toArray()")
            wijk = wijk_at(region_dir, lon, lat)
            lab = open_field_lab(base, region_dir, str(wijk))
            page.fill("#publish #staff-username", PLANNER[0])
            page.fill("#publish #staff-password", PLANNER[1])
            page.click("#publish #staff-login")
            page.wait_for_selector("#publish-form")
            page.fill("#publish-description", "Een nieuw park midden in de wijk.")
            page.click("#publish-submit")
            wait_js(page, "document.querySelector('#publish-msg')?.textContent"
                          ".startsWith('Gepubliceerd')")
            page.click("#tab-participation")
            page.wait_for_selector("#lab-select")
            wait_js(page, f"document.querySelector('#lab-select option[value=\"{lab}\"]')")
            page.select_option("#lab-select", str(lab))
            wait_js(page, f"document.querySelector('.participation')?.dataset.ready === '{lab}'")
            page.locator(".show-scenario").first.click()
            time.sleep(1.5)
            page.screenshot(path=str(OUT / "web-meedoen.png"))
            ctx.close()
    finally:
        stop_server(proc)
        db_dir.cleanup()
    print(f"wrote {OUT}/web-3d.png, web-monitor.png, web-planner.png, "
          "web-planner-buurten.png, web-meedoen.png")


def phone(region_dir: Path) -> None:
    """``docs/img/web-phone.png``: the Meedoen tab on a phone (390 × 844), a park published into
    a field lab over the wijk of the largest gemeente's centre, its plan card in plain words in
    the bottom sheet over the full-screen map (issue 16)."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    db_dir = tempfile.TemporaryDirectory()
    url = f"sqlite:///{db_dir.name}/participation.sqlite"
    db = Database.from_url(url)
    create_user(db, Passwords(ParticipationSettings()), PLANNER[0], PLANNER[1], "planner",
                datetime.now(UTC))
    db.dispose()
    proc = start_server(region_dir, port, env={"GG_DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    try:
        areas = read_region(region_dir).areas
        gm = areas[areas["level"] == "gemeente"].sort_values("inhabitants").iloc[-1]
        c = gm.geometry.representative_point()
        to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
        lon, lat = to_wgs.transform(c.x, c.y)
        lab = open_field_lab(base, region_dir, wijk_at(region_dir, lon, lat))
        ring = [list(to_wgs.transform(c.x + dx, c.y + dy)) for dx, dy in
                ((-90, -60), (90, -60), (90, 60), (-90, 60), (-90, -60))]
        scenario = {"name": "Park", "crs": "EPSG:4326", "interventions": [
            {"kind": "add_green", "name": "Buurtpark", "green_kind": "park", "public": True,
             "displace": True, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
        result = post(base, "/api/scenarios/run", scenario)
        token = post(base, "/api/participation/auth/login",
                     {"username": PLANNER[0], "password": PLANNER[1]})["token"]
        post(base, f"/api/participation/field-labs/{lab}/scenarios", {
            "scenario_id": "docs-phone-park", "name": "Buurtpark",
            "description": "Een nieuw park midden in de wijk.",
            "snapshot": {"scenario": scenario, "result": result}}, token)
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=ARGS, headless=True,
                viewport={"width": 390, "height": 844})
            page = ctx.new_page()
            page.goto(f"{base}/#participation")
            wait_js(page, f"document.querySelector('#lab-select option[value=\"{lab}\"]')")
            page.select_option("#lab-select", str(lab))
            wait_js(page, f"document.querySelector('.participation')?.dataset.ready === '{lab}'")
            page.locator(".plan-changes").first.scroll_into_view_if_needed()
            time.sleep(2.0)  # the fly to the field lab
            page.evaluate("() => new Promise((done) => { const m = window.__gg.map; "
                          "m.triggerRepaint(); m.once('idle', () => done(true)); })")
            page.screenshot(path=str(OUT / "web-phone.png"))
            ctx.close()
    finally:
        stop_server(proc)
        db_dir.cleanup()
    print(f"wrote {OUT}/web-phone.png")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--phone"]
    folder = Path(args[0]) if args else ROOT / "data" / "demo-region"
    if "--phone" in sys.argv:  # only the phone screenshot
        phone(folder)
    else:
        main(folder)
        phone(folder)
