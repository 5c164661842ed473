"""Browser tests: a real uvicorn serving the web test region, driven by Debian's chromium.

Needs the built front end (``make web``), ``/usr/bin/chromium`` (``apt-get install chromium``)
and Playwright for Python (``pip install playwright``; its own browser download is never used).
Each missing piece skips the tests with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from groengezond.api.static import WEB_DIST
from groengezond.api.testing import free_port, start_server, stop_server, web_region
from groengezond.region.store import write_region

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Per-client limits the suite fits in. Every test logs in and runs plans on a browser context
# of its own, all from 127.0.0.1, in quick succession: the defaults (5 logins a minute, 6
# Planner runs per 30 s) answered 429 at random places in a full run. The limits themselves
# are tested at the API level (tests/test_participation_security.py,
# tests/security/test_planner_load.py).
SUITE_LIMITS = {"GG_PARTICIPATION_LOGIN_LIMIT__BURST": "200",
                "GG_PARTICIPATION_LOGIN_LIMIT__PER_MINUTE": "200",
                "GG_PLANNER_BURST": "200", "GG_PLANNER_PER_MINUTE": "600"}


@pytest.fixture(scope="session")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's participation database: an SQLite file of its own (not data/)."""
    return tmp_path_factory.mktemp("e2e-db") / "participation.sqlite"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, server_db: Path) -> Iterator[str]:
    """Base URL of a server over the web test region (participation in ``server_db``)."""
    if not (WEB_DIST / "index.html").exists():
        pytest.skip("front end not built: run 'make web' (npm ci && npm run build in web/)")
    folder = write_region(web_region(), tmp_path_factory.mktemp("e2e") / "region")
    port = free_port()
    env = {"GG_DATABASE_URL": f"sqlite:///{server_db}", **SUITE_LIMITS}
    proc = start_server(folder, port, env=env)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright, for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install playwright (never 'playwright install')")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def browser_context(browser: Any) -> Iterator[Any]:
    """A browser context of this test alone: its own cookies, localStorage and cache.

    One context for the whole session let a test inherit another's state (a moderator still
    logged in, a resident's key, a saved scenario), so tests passed alone and failed in a
    suite. Pages a test opens in this context share its state, as two tabs of one browser do.
    """
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


def wait_js(page: Any, expression: str, timeout_s: float = 90.0) -> Any:
    """Poll ``expression`` in the page until it is truthy; return its value.

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval`` inside the page,
    which the app's Content-Security-Policy (no 'unsafe-eval') forbids; ``page.evaluate`` goes
    through the DevTools protocol and is not subject to it, so the policy stays on in tests.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression!r} stayed false for {timeout_s:.0f} s")
        time.sleep(0.1)


class PageWatch:
    """Console errors and every request of a page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.urls: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.urls.append(r.url))

    def foreign_hosts(self) -> set[str]:
        """Hosts other than 127.0.0.1 that the page asked anything of."""
        from urllib.parse import urlparse

        hosts = {urlparse(u).hostname for u in self.urls
                 if urlparse(u).scheme in ("http", "https", "ws", "wss")}
        return {h or "" for h in hosts} - {"127.0.0.1"}


@pytest.fixture()
def page(browser_context: Any) -> Iterator[PageWatch]:
    pg = browser_context.new_page()
    yield PageWatch(pg)
    pg.close()
