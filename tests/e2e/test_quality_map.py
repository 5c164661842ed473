"""End to end: placeholder boundaries are cross-hatched, in the legend, and said in the panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from groengezond.api.static import WEB_DIST
from groengezond.api.testing import free_port, start_server, stop_server, web_region
from groengezond.region.model import Region
from groengezond.region.store import write_region

from .conftest import SCREENSHOTS, SUITE_LIMITS, PageWatch, wait_js

pytestmark = pytest.mark.slow

PLACEHOLDER = "BU90010203"


def _serve(region: Region, tmp_path_factory: pytest.TempPathFactory, name: str,
           server_db: Path) -> Iterator[str]:
    """Base URL of a server over ``region`` (written to a folder of its own), stopped after."""
    folder = write_region(region, tmp_path_factory.mktemp(name) / "region")
    port = free_port()
    proc = start_server(folder, port, env={"GG_DATABASE_URL": f"sqlite:///{server_db}",
                                              **SUITE_LIMITS})
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def flagged_server(tmp_path_factory: pytest.TempPathFactory, server_db: Path) -> Iterator[str]:
    """A server over the web test region in which one buurt's boundary is a placeholder."""
    if not (WEB_DIST / "index.html").exists():
        pytest.skip("front end not built: run 'make web' (npm ci && npm run build in web/)")
    region = web_region()
    areas = region.areas.copy()
    areas["geometry_source"] = "boundary"
    areas.loc[areas["code"] == PLACEHOLDER, "geometry_source"] = "placeholder:wijk"
    areas["geometry_quality"] = areas["geometry_source"].map(
        {"boundary": "real", "placeholder:wijk": "placeholder"})
    yield from _serve(region.with_layers(areas=areas), tmp_path_factory, "e2e-quality",
                      server_db)


def test_placeholder_buurt_is_hatched_with_a_legend_entry(page: PageWatch,
                                                          flagged_server: str) -> None:
    pg: Any = page.page
    pg.goto(f"{flagged_server}/#monitor")
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true")
    wait_js(pg, "window.__gg.map.loaded()")
    wait_js(pg, "document.querySelector('#legend-placeholder') !== null")
    legend = pg.locator("#legend").inner_text()
    assert "Grens is een plaatsvervanger (1)" in legend
    assert "Let op: 1 van de 24 cijfers rusten op plaatsvervangende gegevens" in legend
    hatched = wait_js(pg, "window.__gg.map.queryRenderedFeatures(undefined, "
                          "{layers: ['areas-placeholder']}).map(f => f.properties.code)")
    assert set(hatched) == {PLACEHOLDER}
    pg.locator("#map").screenshot(path=str(SCREENSHOTS / "monitor-placeholder.png"))
    pg.select_option("#area-select", PLACEHOLDER)
    pg.wait_for_selector("#placeholder-note")
    assert "geen eigen grens" in pg.locator("#placeholder-note").inner_text()
    pg.click("#lang")  # English: the legend entry is worded too
    wait_js(pg, "document.querySelector('#legend')?.textContent"
                ".includes('Boundary is a placeholder (1)')")
    pg.click("#lang")
    assert page.errors == []


@pytest.fixture(scope="module")
def no_buildings_server(tmp_path_factory: pytest.TempPathFactory, server_db: Path
                        ) -> Iterator[str]:
    """A server over the web test region without its buildings layer (like real Utrecht)."""
    if not (WEB_DIST / "index.html").exists():
        pytest.skip("front end not built: run 'make web' (npm ci && npm run build in web/)")
    region = web_region()
    yield from _serve(region.with_layers(buildings=region.buildings.iloc[0:0]),
                      tmp_path_factory, "e2e-no-buildings", server_db)


def test_3d_view_says_the_buildings_layer_is_missing(page: PageWatch,
                                                      no_buildings_server: str) -> None:
    """Not "0 gebouwen" under "Gebouwen op hoogte": the panel says the layer is missing."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{no_buildings_server}/api/region", timeout=60) as r:
        region = json.loads(r.read())
    assert region["quality"]["buildings"]["status"] == "missing"
    assert region["counts"]["buildings"] == 0
    pg: Any = page.page
    pg.goto(f"{no_buildings_server}/#3d")
    wait_js(pg, "window.__gg && window.__gg.view === '3d' && "
                "document.querySelector('#layer-counts') !== null")
    notices = pg.locator(".layer-notice").all_inner_texts()
    assert notices == ["Deze regio heeft geen gebouwenlaag: er staan geen gebouwen op de kaart, "
                       "ook niet op hoogte in 3D. Voeg een bron met gebouwen (BAG of 3D BAG) toe "
                       "aan de bouwconfiguratie."]
    trees = f"{region['counts']['trees']:,}".replace(",", ".")
    green = f"{region['counts']['green']:,}".replace(",", ".")
    assert pg.locator("#layer-counts").inner_text() == (
        f"geen gebouwen (laag ontbreekt), {trees} bomen, {green} groengebieden")
    assert "Gebouwen (hoogte)" not in pg.locator(".view3d .swatches").inner_text()
    pg.click("#lang")
    wait_js(pg, "document.documentElement.lang === 'en'")
    assert pg.locator(".layer-notice").all_inner_texts()[0].startswith(
        "This region has no buildings layer")
    assert page.errors == []
