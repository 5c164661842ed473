"""The national Monitor in the browser: 342 gemeenten, perceived good health, the gap (issue 20).

Builds the national region from real data (examples/nederland-sources.yaml; SOURCES.md items 7
and 14), serves it, and checks that the gemeente choropleth's legend counts every gemeente with
a value the API returned, and that the SII shown is the API's (nl-NL formatted). Skips where
../shared/data is absent.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from groengezond.api.static import WEB_DIST
from groengezond.api.testing import free_port, start_server, stop_server
from groengezond.services.build import build_to_folder

from .conftest import SUITE_LIMITS, PageWatch, wait_js

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "examples" / "nederland-sources.yaml"
SHARED = REPO.parent / "shared" / "data"
IND = "perceived_health_good_pct"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (SHARED / "health").exists(),
                                 reason="../shared/data (SOURCES.md items 7 and 14) is absent")]


def get(server: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server}{path}", timeout=120) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (WEB_DIST / "index.html").exists():
        pytest.skip("front end not built: run 'make web'")
    folder = tmp_path_factory.mktemp("nl") / "region"
    build_to_folder(CONFIG, folder)
    db = tmp_path_factory.mktemp("nl-db") / "p.sqlite"
    port = free_port()
    proc = start_server(folder, port, env={"GG_DATABASE_URL": f"sqlite:///{db}", **SUITE_LIMITS})
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


def test_gemeente_choropleth_and_gap_show_the_apis_figures(page: PageWatch,
                                                            national: str) -> None:
    pg = page.page
    pg.goto(f"{national}/#monitor?ind={IND}&level=gemeente&year=2020")
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true", timeout_s=180)
    values = get(national, f"/api/indicators/{IND}/values?level=gemeente&year=2020")["values"]
    shown = [v for v in values if not v["suppressed"] and v["value"] is not None]
    assert len(shown) >= 300
    legend = pg.locator("#legend-classes li")
    pg.locator("#legend-classes").wait_for()
    counts = [int(m.group(1)) for text in legend.all_inner_texts()
              if (m := re.search(r"\((\d+)\)\s*$", text)) and "swatch" not in text]
    # the classed rows plus 'suppressed (n)'; the classes hold every gemeente with a value
    assert sum(counts[:-1]) == len(shown)
    doc = get(national, f"/api/indicators/{IND}/inequality?level=gemeente")
    row = next(r for r in doc["series"] if r["year"] == 2020)
    assert row["sii"] < 0
    gap = pg.locator("dl.gap")
    gap.wait_for()
    text = gap.inner_text()
    want = [f"{row['sii']:.1f}", f"{row['sii_lower']:.1f}", f"{row['sii_upper']:.1f}"]
    for figure in want:
        number = figure.replace(".", ",")
        assert number in text or number.replace("-", "−") in text, (figure, text)
    # Dutch throughout: the national Monitor holds no English words (test_dutch_words.py)
    from .test_dutch_words import check

    check(pg, "national Monitor (gemeenten)")
