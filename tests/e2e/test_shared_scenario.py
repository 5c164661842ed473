"""End to end: a scenario saved in the Planner is shared on the server, and its link /s/<id>
opens the same scenario in a fresh browser profile (a second chromium with a new user-data-dir,
in its own process, with nothing in its localStorage)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, PageWatch, wait_js
from .test_web_app import draw_park, open_app

pytestmark = pytest.mark.slow

FRESH = textwrap.dedent("""
    import json, sys, time
    from playwright.sync_api import sync_playwright
    url, profile, chromium, args = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])

    def wait(page, expr, timeout=90):
        end = time.monotonic() + timeout
        while not page.evaluate(expr):
            if time.monotonic() > end:
                raise TimeoutError(expr)
            time.sleep(0.1)

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=chromium, args=args,
                                                   headless=True,
                                                   viewport={"width": 1280, "height": 800})
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        wait(page, "document.querySelector('#drawn-list')?.textContent.includes('Park')")
        saved = page.evaluate("localStorage.getItem('gg-saved-scenarios')")
        name = page.eval_on_selector("#scenario-name", "e => e.value")
        drawn = page.locator("#drawn-list").inner_text()
        tab = page.get_attribute("#tab-planner", "aria-selected")
        page.click("#run-scenario")
        page.wait_for_selector("#scenario-results dl.results", timeout=90_000)
        results = page.locator("#scenario-results dl.results").inner_text()
        ctx.close()
    print(json.dumps({"name": name, "drawn": drawn, "results": results, "saved": saved,
                      "tab": tab, "errors": errors}))
""")


def test_shared_link_opens_the_same_scenario_in_a_fresh_profile(
        page: PageWatch, server: str, tmp_path: Path) -> None:
    pg = open_app(page, server, "planner")
    pg.wait_for_selector("#catalogue-list li")  # the run waits for a drawing
    draw_park(pg, dx0=120)
    wait_js(pg, "document.querySelector('#drawn-list').textContent.includes('Park')")
    pg.check("#drawn-list input[data-displace]")
    pg.fill("#scenario-name", "Gedeeld park")
    pg.click("#run-scenario")
    wait_js(pg, "document.querySelector('#scenario-results h3')?.textContent"
                ".includes('Gedeeld park')")
    mine = pg.locator("#scenario-results dl.results").inner_text()
    pg.click("#save-scenario")
    pg.wait_for_selector("#share-link")
    href = pg.get_attribute("#share-link", "href")
    assert href and href.startswith("/s/")
    # the server holds it: the API answers the same name and the drawn park
    import httpx

    doc: dict[str, Any] = httpx.get(f"{server}/api/shared-scenarios/{href[3:]}").json()
    assert doc["name"] == "Gedeeld park" and doc["version"] == 1
    assert [i["kind"] for i in doc["scenario_wgs84"]["interventions"]] == ["add_green"]
    assert doc["scenario_wgs84"]["interventions"][0]["displace"] is True
    # the report button: a tagged PDF of the same scenario, rendered on the server
    report = pg.get_attribute("#report-link", "href")
    assert report == f"/api/reports/shared-scenario/{href[3:]}?format=pdf&lang=nl"
    pdf = httpx.get(f"{server}{report}", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    out = subprocess.run(
        [sys.executable, "-c", FRESH, f"{server}{href}", str(tmp_path / "fresh-profile"),
         str(CHROMIUM), json.dumps(CHROMIUM_ARGS)],
        capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    fresh = json.loads(out.stdout.strip().splitlines()[-1])
    assert fresh["saved"] is None  # nothing came from this browser's storage
    assert fresh["tab"] == "true" and fresh["name"] == "Gedeeld park"
    assert fresh["drawn"].count("Park") == 1
    # the same plan gives the same effects (seeded run): every formatted value equal
    assert fresh["results"] == mine
    assert fresh["errors"] == []
    assert page.errors == []
