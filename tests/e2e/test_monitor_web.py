"""The Monitor in the browser, checked against the API: the numbers shown are the API's.

Each test asks the same API URL the page uses and compares the figure shown (formatted as
nl-NL does: decimal comma, one decimal). Waiting is Playwright's own (locators and ``expect``);
there are no fixed sleeps.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import SUITE_LIMITS, PageWatch, wait_js

pytestmark = pytest.mark.slow

IND = "healthy_life_expectancy_years"
AREA = "BU90010203"


def get(server: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server}{path}", timeout=60) as r:
        return json.load(r)


def nl(value: float, places: int = 1) -> str:
    """``value`` as Intl.NumberFormat('nl-NL') shows it below 1000 (the app's fmt)."""
    return f"{value:.{places}f}".replace(".", ",")


def expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


def open_monitor(watch: PageWatch, server: str, hash_: str = "#monitor") -> Any:
    pg = watch.page
    pg.goto(f"{server}/{hash_}")
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true")
    return pg


def test_table_ranks_values_and_regional_value_are_the_apis(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    doc = get(server, f"/api/indicators/{IND}/values?level=buurt&year=2022")
    region = get(server, f"/api/indicators/{IND}/values?level=region&year=2022")["values"][0]
    rows = pg.locator("#ranked-table tbody tr")
    expect()(rows).to_have_count(len(doc["values"]))
    # ranked: the first row is rank 1, the API's best area
    best = next(v for v in doc["values"] if v["rank"] == 1)
    expect()(rows.first).to_have_attribute("data-code", best["area_code"])
    mine = next(v for v in doc["values"] if v["area_code"] == AREA)
    row = pg.locator(f"#ranked-table tr[data-code={AREA}]")
    expect()(row.locator("td.value")).to_have_text(nl(mine["value"]))
    expect()(row.locator("td").first).to_have_text(str(mine["rank"]))
    expect()(row.locator("td").nth(3)).to_have_text(f"{nl(mine['lower'])} – {nl(mine['upper'])}")
    expect()(pg.locator("#ranked-table tfoot td.value")).to_have_text(nl(region["value"]))
    # a suppressed area is last, shown as such, without a rank
    hidden = [v for v in doc["values"] if v["suppressed"]]
    assert hidden, "the test region has a suppressed buurt"
    expect()(rows.last.locator("td.value")).to_have_text("Onderdrukt")
    # sorting by name, then by value
    pg.click("#ranked-table button[data-sort=name]")
    expect()(pg.locator("#ranked-table th[aria-sort=ascending] button")).to_have_attribute(
        "data-sort", "name")
    names = rows.locator("button.area-link").all_inner_texts()
    assert names == sorted(names)
    pg.click("#ranked-table button[data-sort=value]")
    expect()(pg.locator("#ranked-table th[aria-sort]")).to_have_attribute("aria-sort",
                                                                         "descending")
    top = max((v for v in doc["values"] if not v["suppressed"]), key=lambda v: v["value"])
    expect()(rows.first).to_have_attribute("data-code", top["area_code"])
    assert page.errors == []


def test_picking_an_area_in_the_table_flies_there_and_shows_the_apis_values(
        page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    area = get(server, f"/api/indicators/{IND}/areas/{AREA}")
    now = next(p for p in area["series"] if p["year"] == 2022)
    zoom_before = pg.evaluate("window.__gg.map.getZoom()")
    pg.locator(f"#ranked-table tr[data-code={AREA}] button.area-link").click()
    panel = pg.locator("#area-panel")
    expect()(panel.locator("h3")).to_have_text(area["area"]["name"])
    expect()(panel.locator(".value")).to_have_text(f"{nl(now['value'])} jaar")
    expect()(panel.locator(".interval")).to_have_text(
        f"95%-interval {nl(now['lower'])} – {nl(now['upper'])}")
    expect()(panel.locator(".rank")).to_have_text(f"Positie {now['rank']} van {now['of']} (2022)")
    wait_js(pg, f"window.__gg.map.getZoom() > {zoom_before} + 0.5 && !window.__gg.map.isMoving()")
    centre = get(server, f"/api/areas/{AREA}")["centre_wgs84"]
    assert pg.evaluate(f"window.__gg.map.getBounds().contains({json.dumps(centre)})")
    expect()(pg.locator(f"#ranked-table tr.selected[data-code={AREA}]")).to_have_count(1)
    assert page.errors == []


def test_legend_classes_stay_the_same_across_years(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    ranges = pg.locator("#legend-classes li").all_inner_texts()
    pg.select_option("#year-select", "2012")
    expect()(pg.locator("#legend .legend-title")).to_contain_text("2012")
    later = pg.locator("#legend-classes li").all_inner_texts()

    def strip(items: list[str]) -> list[str]:
        return [t.rsplit(" (", 1)[0] for t in items]  # without the count per class

    assert strip(ranges) == strip(later)
    # every published value of every year falls in the legend's range, counted per class
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in later[:-2]]
    doc = get(server, f"/api/indicators/{IND}/values?level=buurt&year=2012")
    assert sum(counts) == sum(1 for v in doc["values"] if not v["suppressed"])
    assert page.errors == []


def test_headings_and_intervals_follow_the_indicator(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    expect()(pg.locator("#gap-panel h3")).to_have_text("Gezondheidskloof")
    expect()(pg.locator("#ranked-table thead th")).to_have_count(4)
    pg.select_option("#indicator-select", "green_within_300m_pct")
    expect()(pg.locator("#gap-panel h3")).to_have_text("Verschil in groen tussen gebieden")
    # counted indicators have no interval: no interval column, none in the area panel
    expect()(pg.locator("#ranked-table thead th")).to_have_count(3)
    pg.select_option("#area-select", AREA)
    expect()(pg.locator("#area-panel h3")).to_be_visible()
    expect()(pg.locator("#area-panel .interval")).to_have_count(0)
    pg.select_option("#indicator-select", "income_mean_eur")
    expect()(pg.locator("#gap-panel h3")).to_have_text("Verschil tussen gebieden")
    assert page.errors == []


def test_best_worst_says_which_areas_are_left_out(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    doc = get(server, f"/api/indicators/{IND}/values?level=buurt&year=2022")
    shown = [v for v in doc["values"] if not v["suppressed"] and v["lower"] is not None]
    mid = statistics.median(v["upper"] - v["lower"] for v in shown)
    wide = [v for v in shown if v["upper"] - v["lower"] > 2 * mid]
    expect()(pg.locator("#gap-panel dl.gap")).to_be_visible()
    if wide:
        expect()(pg.locator("#left-out")).to_contain_text(f"{len(wide)} van de {len(shown)}")
        for v in wide:
            expect()(pg.locator("#left-out")).to_contain_text(v["name"])
    else:
        expect()(pg.locator("#left-out")).to_have_count(0)
    gap = get(server, f"/api/indicators/{IND}/inequality?level=buurt")["best_worst"][-1]
    assert gap["best_code"] not in {v["area_code"] for v in wide}
    expect()(pg.locator("#gap-panel dl.gap")).to_contain_text(gap["best_name"])
    assert page.errors == []


def test_two_areas_side_by_side(page: PageWatch, server: str) -> None:
    other = "BU90020101"
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022&area={AREA}")
    expect()(pg.locator("#area-panel h3")).to_be_visible()
    pg.select_option("#compare-select", other)
    table = pg.locator("#compare-table")
    a = get(server, f"/api/indicators/{IND}/areas/{AREA}")["series"]
    b = get(server, f"/api/indicators/{IND}/areas/{other}")["series"]
    expect()(table.locator("tbody tr")).to_have_count(len(a))
    for pa, pb in zip(a, b, strict=True):
        row = table.locator("tbody tr", has_text=str(pa["year"]))
        expect()(row.locator("td").nth(0)).to_contain_text(nl(pa["value"]))
        expect()(row.locator("td").nth(1)).to_contain_text(nl(pb["value"]))
        expect()(row.locator("td").nth(2)).to_have_text(nl(pa["value"] - pb["value"]))
    assert "cmp=" + other in pg.url
    assert page.errors == []


def test_tooltip_names_the_area_and_its_value(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022")
    wait_js(pg, "window.__gg.map.loaded()")
    xy = pg.evaluate("""async (code) => {
        const a = await (await fetch('/api/areas/' + code)).json();
        const p = window.__gg.map.project(a.centre_wgs84); return [p.x, p.y]; }""", AREA)
    box = pg.locator("#map").bounding_box()
    pg.mouse.move(box["x"] + xy[0], box["y"] + xy[1])
    mine = next(v for v in get(server, f"/api/indicators/{IND}/values?level=buurt&year=2022")
                ["values"] if v["area_code"] == AREA)
    expect()(pg.locator(".area-tooltip")).to_have_text(f"{mine['name']}: {nl(mine['value'])} jaar")
    expect()(pg.locator(".area-label", has_text=mine["name"])).to_have_count(1)
    assert page.errors == []


def test_downloads_table_map_and_chart(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server, f"#monitor?ind={IND}&level=buurt&year=2022&area={AREA}")
    expect()(pg.locator("#area-panel h3")).to_be_visible()
    with pg.expect_download() as info:
        pg.click("#download-csv")
    download = info.value
    assert download.suggested_filename == f"{IND}-buurt-2022.csv"
    text = Path(download.path()).read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    doc = get(server, f"/api/indicators/{IND}/values?level=buurt&year=2022")
    assert rows[0][:4] == ["Positie", "code", "Gebied", "Waarde (jaar)"]
    by_code = {r[1]: r for r in rows[1:]}
    for v in doc["values"]:
        r = by_code[v["area_code"]]
        if v["value"] is None:
            assert r[3] == ""
        else:
            assert float(r[3]) == pytest.approx(v["value"], rel=1e-12)
    assert len(rows) == len(doc["values"]) + 2  # header, areas, the region
    with pg.expect_download() as info:
        pg.click("#download-map")
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    from PIL import Image  # the map as drawn, not an empty canvas (its buffer is not kept)

    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 24) or []
    assert len(colours) > 20, f"the map PNG has {len(colours)} colours: the canvas was blank"
    with pg.expect_download() as info:
        pg.click("#download-chart-svg")
    svg = Path(info.value.path()).read_text("utf-8")
    assert svg.startswith("<svg") and svg.count("<circle") == 4
    with pg.expect_download() as info:
        pg.click("#download-chart-png")
    assert Path(info.value.path()).read_bytes()[:4] == b"\x89PNG"
    with pg.expect_download() as info:
        pg.click("#download-gpkg")
    assert info.value.suggested_filename == f"{IND}-buurt-2022.gpkg"
    assert Path(info.value.path()).read_bytes()[:16] == b"SQLite format 3\x00"
    assert page.errors == []


def test_the_url_holds_the_view_and_back_and_forward_work(page: PageWatch, server: str) -> None:
    pg = open_monitor(page, server)
    start = pg.url
    assert "ind=" in start and "level=buurt" in start
    pg.select_option("#indicator-select", "perceived_health_good_pct")
    expect()(pg.locator("#legend .legend-title")).to_contain_text("Ervaren gezondheid")
    pg.select_option("#level-select", "wijk")
    expect()(pg.locator("#ranked-table tbody tr")).to_have_count(6)
    pg.select_option("#year-select", "2016")
    wijk = "WK900102"
    pg.select_option("#area-select", wijk)
    expect()(pg.locator("#area-panel h3")).to_be_visible()
    want = f"#monitor?ind=perceived_health_good_pct&level=wijk&year=2016&area={wijk}"
    wait_js(pg, f"location.hash === {json.dumps(want)}")
    # reloading restores the whole view
    pg.reload()
    wait_js(pg, "window.__gg && window.__gg.monitorReady === true")
    expect()(pg.locator("#indicator-select")).to_have_value("perceived_health_good_pct")
    expect()(pg.locator("#level-select")).to_have_value("wijk")
    expect()(pg.locator("#year-select")).to_have_value("2016")
    expect()(pg.locator("#area-panel h3")).to_have_text("Wijk 1.2")
    # Back: the area goes, then the year; Forward brings the year back
    pg.go_back()
    expect()(pg.locator("#area-panel")).to_be_hidden()
    expect()(pg.locator("#year-select")).to_have_value("2016")
    pg.go_back()
    expect()(pg.locator("#year-select")).to_have_value("2022")
    expect()(pg.locator("#level-select")).to_have_value("wijk")
    pg.go_forward()
    expect()(pg.locator("#year-select")).to_have_value("2016")
    # a tab is a history entry too
    pg.click("#tab-3d")
    wait_js(pg, "window.__gg.view === '3d'")
    pg.go_back()
    wait_js(pg, "window.__gg.view === 'monitor'")
    expect()(pg.locator("#year-select")).to_have_value("2016")
    assert page.errors == []


def serve_tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the tiny region: it has addresses, so green access is computed."""
    from groengezond.api.static import WEB_DIST
    from groengezond.api.testing import free_port, start_server, stop_server
    from groengezond.region.store import write_region
    from groengezond.region.testing import tiny_region

    if not (WEB_DIST / "index.html").exists():
        pytest.skip("front end not built: run 'make web'")
    folder = write_region(tiny_region(), tmp_path_factory.mktemp("tiny") / "region")
    port = free_port()
    proc = start_server(folder, port, env={
        "GG_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('tiny-db') / 'p.sqlite'}",
        **SUITE_LIMITS})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_tiny(tmp_path_factory)


def test_green_access_shows_the_apis_figures(page: PageWatch, tiny_server: str) -> None:
    pg = open_monitor(page, tiny_server)
    summary = get(tiny_server, "/api/access/summary")
    table = pg.locator("#access-table")
    for measure in ("within_300m_network", "within_300m_euclidean", "meets_3_30_300"):
        share = summary["summary"][measure]
        expect()(table.locator(f"tr[data-measure={measure}] td").first).to_have_text(
            f"{round(100 * share)}%")
    m2 = summary["summary"]["supply_m2_per_inhabitant"]
    expect()(table.locator("tr[data-measure=supply_m2_per_inhabitant] td").first).to_have_text(
        f"{m2:,.0f} m²".replace(",", "."))
    if summary["network_degraded"]:
        expect()(pg.locator("#access-panel .notice")).to_contain_text("wandelnetwerk")
    # the tiny region has no income or age groups per buurt: said, not shown as 0
    expect()(pg.locator("#access-panel")).to_contain_text("Niet te berekenen naar inkomen")
    expect()(pg.locator("#access-panel")).to_contain_text("Niet te berekenen naar leeftijd")
    # a buurt with too few residents is suppressed in the area column too
    code = next(a["code"] for a in get(tiny_server, "/api/access/areas?level=buurt")["areas"]
                if a["suppressed"])
    pg.select_option("#area-select", code)
    expect()(table.locator("thead th")).to_have_count(3)
    expect()(table.locator("tr[data-measure=within_300m_network] td").nth(1)).to_have_text(
        "Onderdrukt")
    assert page.errors == []
