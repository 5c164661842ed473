"""Take the README's screenshots of each view from the real app over the demo region.

Usage: ``python tests/e2e/doc_screenshots.py [REGION_DIR]`` (default ``data/demo-region``; made
by ``make demo``). Needs the built front end, ``/usr/bin/chromium`` and Playwright for Python.
Writes ``docs/img/web-3d.png``, ``web-monitor.png`` and ``web-planner.png``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from groengezond.api.testing import free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def wait_js(page: Any, expression: str, timeout_s: float = 120.0) -> None:
    """Poll ``expression`` until truthy (the app's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.1)


def main(region_dir: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = start_server(region_dir, port)
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
            page.click("[data-kind=park]")
            box = page.locator("#map").bounding_box()
            assert box is not None
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            for dx, dy in ((-90, -60), (80, -70), (100, 50), (-70, 70)):
                page.mouse.click(cx + dx, cy + dy)
            page.keyboard.press("Enter")
            page.fill("#scenario-name", "Park")
            page.click("#run-scenario")
            wait_js(page, "document.querySelector('#scenario-results dl.results')", 300.0)
            wait_js(page, "window.__gg.map.loaded()")
            time.sleep(1.0)
            page.screenshot(path=str(OUT / "web-planner.png"))
            ctx.close()
    finally:
        stop_server(proc)
    print(f"wrote {OUT}/web-3d.png, web-monitor.png, web-planner.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "demo-region")
