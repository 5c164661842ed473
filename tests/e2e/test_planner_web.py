"""The Planner in the browser over the tiny region, checked against the API.

Every figure asserted is the one the API returned for the run the page made (read from the
page's own request and response), formatted as the app formats it (nl-NL). Drawing is done as a
user does it: clicks on the map, double-click, Enter, the "Klaar" button, the keyboard. Waiting
is Playwright's own (locators, ``expect``, ``expect_response``); there are no fixed sleeps.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import SCREENSHOTS, SUITE_LIMITS, PageWatch, wait_js
from .test_monitor_web import get, serve_tiny

pytestmark = pytest.mark.slow

RUN = "/api/scenarios/run"
# a park in buurt Oost on open ground, and homes in buurt West (RD New, m)
PARK = [(140130, 455160), (140270, 455160), (140270, 455290), (140130, 455290)]
HOMES = [[(140540 + 80 * i, 455200), (140600 + 80 * i, 455200), (140600 + 80 * i, 455260),
          (140540 + 80 * i, 455260)] for i in range(3)]


def expect() -> Any:
    return pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_tiny(tmp_path_factory)


def lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)


def nl_fmt(value: float, digits: int = 1) -> str:
    """The app's ``fmt``: Intl nl-NL, at most ``digits`` decimals, at least one below 1000."""
    low = 0 if abs(value) >= 1000 else min(digits, 1)
    text = f"{abs(value):,.{digits}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    frac = frac + "0" * (low - len(frac))
    out = whole.replace(",", ".") + ("," + frac if frac else "")
    return ("-" if value < 0 and out.strip("0,.") else "") + out


def nl_sig(value: float, n: int = 2) -> str:
    """web/src/format.ts ``formatSig``: ``n`` significant digits, shown with their decimals
    (trailing zeros kept, tens and hundreds rounded, at most 6 decimals), nl-NL grouping,
    never "-0"."""
    if value == 0:
        return "0"
    decimals = min(6, n - 1 - math.floor(math.log10(abs(value))))
    f = 10.0 ** abs(decimals)
    r = math.floor(value * f + 0.5) / f if decimals >= 0 else math.floor(value / f + 0.5) * f
    text = f"{abs(r):,.{max(0, decimals)}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if r < 0 else "") + text


def nl_iv(median: float, lower: float, upper: float, sig: int = 2) -> str:
    """web/src/format.ts ``intervalParts`` as ``ivText`` shows it: the three values to ``sig``
    significant digits of the largest, with the same decimals, nl-NL, never "-0"."""
    big = max(abs(median), abs(lower), abs(upper))
    d = 0 if big == 0 else min(6, sig - 1 - math.floor(math.log10(big)))

    def fixed(v: float) -> str:
        r = round(v, d) if d >= 0 else round(v / 10 ** -d) * 10 ** -d
        text = f"{abs(r):,.{max(0, d)}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return ("-" if r < 0 and text.strip("0,.") else "") + text

    return f"{fixed(median)} (95%-interval {fixed(lower)} – {fixed(upper)})"


def open_planner(watch: PageWatch, server: str, hash_: str = "#planner",
                 clear: bool = True) -> Any:
    pg = watch.page
    if clear:
        pg.goto(f"{server}/#3d")
        pg.evaluate("localStorage.removeItem('gg-saved-scenarios')")
    pg.goto(f"{server}/{hash_}")
    wait_js(pg, "window.__gg && window.__gg.view === 'planner' && window.__gg.map.loaded()")
    pg.locator("#catalogue-list li").first.wait_for()
    lon, lat = lonlat(140500, 455250)
    pg.evaluate(f"window.__gg.map.jumpTo({{center: [{lon}, {lat}], zoom: 15.3}})")
    wait_js(pg, "window.__gg.map.loaded()")
    return pg


def screen(pg: Any, x: float, y: float) -> tuple[float, float]:
    """Page coordinates of an RD point on the map."""
    lon, lat = lonlat(x, y)
    box = pg.locator("#map").bounding_box()
    p = pg.evaluate(f"window.__gg.map.project([{lon}, {lat}])")
    return box["x"] + p["x"], box["y"] + p["y"]


def click_vertices(pg: Any, ring: list[tuple[float, float]]) -> None:
    for i, (x, y) in enumerate(ring):
        pg.mouse.click(*screen(pg, x, y))
        expect()(pg.locator("#vertex-list li")).to_have_count(i + 1)


def run(pg: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press "Doorrekenen"; the body the page sent and the API's answer."""
    with pg.expect_response(lambda r: r.url.endswith(RUN)) as resp:
        pg.click("#run-scenario")
    r = resp.value
    body = r.request.post_data_json
    answer = r.json()
    assert r.status not in (429, 503), f"the server refused the run for load: {answer}"
    if r.status == 200:
        expect()(pg.locator("#scenario-results dl.results")).to_be_visible()
    return body, answer


def draw_park(pg: Any, ring: list[tuple[float, float]] = PARK) -> None:
    pg.click("button[data-kind=park]")
    click_vertices(pg, ring)
    pg.click("#draw-finish")
    expect()(pg.locator("#drawn-list li[data-drawn]")).not_to_have_count(0)


def test_homes_keep_their_dwellings_however_the_polygon_is_finished(page: PageWatch,
                                                                    tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    pg.fill("#dwellings", "40")
    finishes = ["dblclick", "enter", "button"]
    for ring, how in zip(HOMES, finishes, strict=True):
        pg.click("button[data-kind=homes]")
        click_vertices(pg, ring[:3])
        if how == "dblclick":
            pg.mouse.dblclick(*screen(pg, *ring[3]))
        else:
            pg.mouse.click(*screen(pg, *ring[3]))
            expect()(pg.locator("#vertex-list li")).to_have_count(4)
            if how == "enter":
                pg.keyboard.press("Enter")  # the map has the focus after the click
            else:
                pg.click("#draw-finish")
        expect()(pg.locator("#vertex-list li")).to_have_count(0)
    rows = pg.locator("#drawn-list li[data-drawn] .drawn-label")
    expect()(rows).to_have_count(3)
    for text in rows.all_inner_texts():
        assert "40 aantal woningen" in text
    body, answer = run(pg)
    homes = body["interventions"]
    assert [i["dwellings"] for i in homes] == [40, 40, 40]
    assert [i["residents"] for i in homes] == [84, 84, 84]  # 2.1 residents per dwelling
    assert answer["exposures"]["new_residents"] == 3 * 84
    results = pg.locator("#scenario-results").inner_text()
    assert f"Nieuwe bewoners\n{nl_fmt(answer['exposures']['new_residents'], 0)}" in results
    assert page.errors == []


def test_keyboard_drawing_with_the_centre_marker(page: PageWatch, tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    marker = pg.locator("#map-centre")
    expect()(marker).to_be_hidden()
    pg.focus("button[data-kind=park]")
    pg.keyboard.press("Enter")
    expect()(marker).to_be_visible()
    box = pg.locator("#map").bounding_box()
    mbox = marker.bounding_box()
    assert abs(mbox["x"] + mbox["width"] / 2 - (box["x"] + box["width"] / 2)) <= 1
    assert abs(mbox["y"] + mbox["height"] / 2 - (box["y"] + box["height"] / 2)) <= 1
    centres = [lonlat(x, y) for x, y in PARK]
    for i, (lon, lat) in enumerate(centres):
        pg.evaluate(f"window.__gg.map.jumpTo({{center: [{lon}, {lat}]}})")
        pg.focus("#draw-centre")
        pg.keyboard.press("Enter")  # presses the button: the page-wide Enter no longer takes it
        expect()(pg.locator("#vertex-list li")).to_have_count(i + 1)
    expect()(pg.locator("#draw-state")).to_contain_text("4 punten")
    pg.focus("#draw-finish")
    pg.keyboard.press("Enter")
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(1)
    expect()(marker).to_be_hidden()
    pg.focus("#run-scenario")
    with pg.expect_response(lambda r: r.url.endswith(RUN)) as resp:
        pg.keyboard.press("Enter")
    ring = resp.value.request.post_data_json["interventions"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 5
    for (lon, lat), (a, b) in zip(centres, ring[:4], strict=True):
        assert abs(lon - a) < 1e-7 and abs(lat - b) < 1e-7
    assert page.errors == []


def area_m2(ring: list[tuple[float, float]]) -> float:
    """Geodesic area (m²) of a lon/lat ring on the WGS84 ellipsoid."""
    from pyproj import Geod

    lons, lats = zip(*ring, strict=True)
    return abs(Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)[0])


def shown_area(pg: Any) -> float:
    text = pg.locator("#draw-measure").inner_text()
    value = text.split("oppervlakte ")[1].split(" ")[0]
    unit = text.split("oppervlakte ")[1].split(" ")[1]
    v = float(value.replace(".", "").replace(",", "."))
    return v * (10_000 if unit == "ha" else 1)


def test_vertices_move_and_go_and_the_area_shows_while_drawing(page: PageWatch,
                                                               tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    pg.click("button[data-kind=park]")
    click_vertices(pg, PARK)
    ring = [lonlat(x, y) for x, y in PARK]
    # the area shown is the polygon's (3 significant digits; the sphere is within 0.5 %)
    assert shown_area(pg) == pytest.approx(area_m2(ring), rel=0.015)
    assert "omtrek" in pg.locator("#draw-measure").inner_text()
    # remove the fourth vertex: a triangle, half the area
    pg.click("#vertex-list button[data-vertex='3']")
    expect()(pg.locator("#vertex-list li")).to_have_count(3)
    assert shown_area(pg) == pytest.approx(area_m2(ring[:3]), rel=0.015)
    # drag the second vertex 60 m east
    wait_js(pg, "window.__gg.map.queryRenderedFeatures({layers: ['sketch-points']}).length === 3")
    sx, sy = screen(pg, *PARK[1])
    tx, ty = screen(pg, PARK[1][0] + 60, PARK[1][1])
    pg.mouse.move(sx, sy)
    pg.mouse.down()
    pg.mouse.move((sx + tx) / 2, sy, steps=4)
    pg.mouse.move(tx, ty, steps=4)
    pg.mouse.up()
    moved = [ring[0], lonlat(PARK[1][0] + 60, PARK[1][1]), ring[2]]
    # the vertex lands on the pixel under the mouse (about 1 m): the area within 3 %
    expect()(pg.locator("#draw-measure")).to_contain_text(" ha ")
    assert shown_area(pg) == pytest.approx(area_m2(moved), rel=0.03)
    expect()(pg.locator("#vertex-list li")).to_have_count(3)  # the drag added no vertex
    pg.click("#draw-finish")
    # a finished drawing can be edited again: its three vertices come back
    pg.click("#drawn-list button[data-edit]")
    expect()(pg.locator("#vertex-list li")).to_have_count(3)
    pg.locator("#map canvas").press("Escape")  # goes back unchanged
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(1)
    assert page.errors == []


def test_catalogue_filters_are_the_apis_and_say_why_an_item_cannot_be_drawn(
        page: PageWatch, tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    everything = get(tiny_server, "/api/catalogue")
    expect()(pg.locator("#catalogue-count")).to_have_text(
        f"{everything['count']} van {everything['of']} maatregelen")
    pg.select_option("#filter-problem", "heat")
    pg.select_option("#filter-evidence", "moderate")
    doc = get(tiny_server, "/api/catalogue?problem=heat&min_evidence=moderate")
    items = pg.locator("#catalogue-list li.catalogue-item")
    expect()(items).to_have_count(doc["count"])
    assert [li.get_attribute("data-id") for li in items.all()] == [i["id"] for i in doc["items"]]
    assert [li.locator("strong").inner_text() for li in items.all()] == [
        i["name_nl"] for i in doc["items"]]
    pg.select_option("#filter-cost", "50000")
    doc = get(tiny_server,
              "/api/catalogue?problem=heat&min_evidence=moderate&max_cost_eur=50000")
    expect()(items).to_have_count(doc["count"])
    # the items the Planner cannot draw name the reason, and have no drawing button
    pg.select_option("#filter-problem", "")
    pg.select_option("#filter-evidence", "")
    pg.select_option("#filter-cost", "")
    expect()(items).to_have_count(everything["count"])
    cannot = [i["id"] for i in everything["items"]
              if i["scenario_intervention"] in ("depave", "green_roofs")]
    assert cannot, "the catalogue has items without a drawing tool"
    for item_id in cannot:
        li = pg.locator(f"#catalogue-list li[data-id={item_id}]")
        expect()(li.locator(".draw-reason")).to_contain_text("Niet te tekenen")
        expect()(li.locator("button[data-catalogue]")).to_have_count(0)
    drawable = len(everything["items"]) - len(cannot)
    expect()(pg.locator("#catalogue-list button[data-catalogue]")).to_have_count(drawable)
    assert page.errors == []


def test_results_per_buurt_heat_and_the_effect_map(page: PageWatch, tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    draw_park(pg)
    _, r = run(pg)
    dt = r["exposures"]["d_t_air_c"]
    results = pg.locator("#scenario-results dl.results").inner_text()
    sign = "+" if dt > 0 else ""
    assert f"Zomerse luchttemperatuur bij de woningen\n{sign}{nl_fmt(dt, 2)} °C gemiddeld" \
        in results, results
    assert f"{nl_fmt(-r['exposures']['max_cooling_c'], 2)} °C" in results
    table = pg.locator("#buurt-table")
    expect()(table.locator("tbody tr")).to_have_count(len(r["buurten"]))
    for b in r["buurten"]:
        row = table.locator(f"tr[data-code={b['code']}]")
        expect()(row.locator("th")).to_have_text(b["name"])
        expect()(row.locator("td[data-measure=heat]")).to_have_text(nl_sig(b["d_t_air_c"]))
        expect()(row.locator("td[data-measure=ndvi]")).to_have_text(nl_sig(b["d_ndvi_500m"]))
        expect()(row.locator("td[data-measure=deaths]")).to_have_text(
            nl_sig(b["deaths_prevented"]["median"]))
        expect()(row.locator("td[data-measure=depression]")).to_have_text(
            nl_sig(b["depression_cases_prevented"]["median"]))
        access = 100 * (b["within_300m_after"] - b["within_300m_before"])
        expect()(row.locator("td[data-measure=access]")).to_have_text(nl_sig(access))
    # sorting by Δ °C: largest first, then smallest first
    table.locator("button[data-sort=heat]").click()
    order = sorted(r["buurten"], key=lambda b: b["d_t_air_c"])
    expect()(pg.locator("#buurt-table th[aria-sort]")).to_have_attribute("aria-sort",
                                                                         "descending")
    expect()(pg.locator("#buurt-table tbody tr").first).to_have_attribute(
        "data-code", order[-1]["code"])
    pg.locator("#buurt-table button[data-sort=heat]").click()
    expect()(pg.locator("#buurt-table th[aria-sort]")).to_have_attribute("aria-sort",
                                                                         "ascending")
    expect()(pg.locator("#buurt-table tbody tr").first).to_have_attribute(
        "data-code", order[0]["code"])
    # the effect map of Δ °C: its legend spans the API's values, every buurt is coloured
    pg.select_option("#buurt-measure", "heat")
    legend = pg.locator("#buurt-legend[data-measure=heat]")
    expect()(legend.locator("[data-end=min]")).to_have_text(nl_sig(order[0]["d_t_air_c"]))
    expect()(legend.locator("[data-end=max]")).to_have_text(nl_sig(order[-1]["d_t_air_c"]))
    wait_js(pg, "window.__gg.map.loaded() && window.__gg.map.queryRenderedFeatures("
                "{layers: ['planner-buurten-fill']}).length > 0")
    pg.evaluate("window.__gg.map.fitBounds(window.__gg.map.getBounds(), {duration: 0})")
    pg.locator("#buurt-effects").scroll_into_view_if_needed()
    pg.screenshot(path=str(SCREENSHOTS / "planner-buurt-map.png"))
    assert page.errors == []


def test_a_changed_input_marks_the_result_stale_and_an_empty_plan_cannot_run(
        page: PageWatch, tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    reason = "Teken eerst minstens één maatregel"
    expect()(pg.locator("#run-scenario")).to_be_disabled()
    expect()(pg.locator("#save-scenario")).to_be_disabled()
    expect()(pg.locator("#run-reason")).to_contain_text(reason)
    draw_park(pg)
    expect()(pg.locator("#run-scenario")).to_be_enabled()
    run(pg)
    expect()(pg.locator("#save-scenario")).to_be_enabled()
    expect()(pg.locator("#result-stale")).to_have_count(0)
    # ticking demolition changes the input: the result is out of date, and cannot be saved
    pg.check("#drawn-list input[data-displace]")
    expect()(pg.locator("#result-stale")).to_be_visible()
    expect()(pg.locator("#save-scenario")).to_be_disabled()
    expect()(pg.locator("#run-reason")).to_contain_text("opnieuw door")
    expect()(pg.locator("#publish")).to_have_count(0)
    expect()(pg.locator("#buurt-effects")).to_have_count(0)
    run(pg)
    expect()(pg.locator("#result-stale")).to_have_count(0)
    # removing the only drawing: stale, and nothing to run
    pg.locator("#drawn-list li[data-drawn] button", has_text="Verwijderen").click()
    expect()(pg.locator("#result-stale")).to_be_visible()
    expect()(pg.locator("#run-scenario")).to_be_disabled()
    expect()(pg.locator("#run-reason")).to_contain_text(reason)
    assert page.errors == []


def test_refusals_are_shown_at_their_intervention_with_the_field(page: PageWatch,
                                                                 tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    draw_park(pg)
    pg.fill("#dwellings", "300")  # too many homes for 0.36 ha (at most 300 per ha)
    pg.click("button[data-kind=homes]")
    click_vertices(pg, HOMES[0])
    pg.click("#draw-finish")
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(2)
    _, answer = run(pg)
    problems = answer["problems"]
    assert problems and all(p["location"].startswith("intervention 2") for p in problems)
    refused = pg.locator("#drawn-list [data-refusals='1'] .refusal")
    expect()(refused).to_have_count(len(problems))
    first = problems[0]
    expect()(refused.first).to_have_attribute("data-key", first["key"])
    # worded from its key with the API's figures, and the field in words (dom.ts fieldText)
    assert first["key"] == "too_dense" and first["field"] == "dwellings"
    expect()(refused.first).to_contain_text(f"{first['params']['dwellings']} woningen op ")
    expect()(refused.first).to_contain_text("geef hooguit")
    expect()(refused.first.locator(".refusal-field")).to_have_text(" (veld ‘het aantal woningen’)")
    expect()(pg.locator("#drawn-list [data-refusals='0']")).to_have_count(0)
    expect()(pg.locator("#run-state")).to_contain_text("niet gebouwd")
    expect()(pg.locator("#scenario-results dl.results")).to_have_count(0)
    assert [e for e in page.errors if "status of 422" not in e] == []


def test_comparison_has_a_baseline_and_a_difference_and_exports_csv(page: PageWatch,
                                                                    tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    draw_park(pg)
    pg.fill("#scenario-name", "Klein park")
    _, a = run(pg)
    pg.click("#save-scenario")
    big = [(140110, 455140), (140300, 455140), (140300, 455320), (140110, 455320)]
    pg.locator("#drawn-list li[data-drawn] button", has_text="Verwijderen").click()
    draw_park(pg, big)
    pg.fill("#scenario-name", "Groot park")
    _, b = run(pg)
    pg.click("#save-scenario")
    pg.click("#compare-scenarios")
    table = pg.locator("#compare-table")
    expect()(table.locator("thead th")).to_have_text(
        ["Maat", "Huidige situatie", "Klein park", "Groot park", "Verschil"])
    heat = table.locator("tr[data-metric=d_t_air_c] td")
    da, db = a["exposures"]["d_t_air_c"], b["exposures"]["d_t_air_c"]
    expect()(heat).to_have_text([nl_fmt(0, 2), nl_fmt(da, 2), nl_fmt(db, 2),
                                 ("+" if db - da > 0 else "") + nl_fmt(db - da, 2)])
    gap = table.locator("tr[data-metric=health_gap_sii] td")
    sii = a["equity"]["sii_before"]
    expect()(gap.first).to_have_text("–" if sii is None else nl_fmt(sii, 3))
    deaths = next(t for t in a["totals"] if t["outcome"] == "all_cause_mortality")["total"]
    expect()(table.locator("tr[data-metric=deaths_prevented] td").nth(1)).to_have_text(
        nl_iv(deaths["median"], deaths["lower"], deaths["upper"]))
    with pg.expect_download() as dl:
        pg.click("#compare-csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(text))}
    assert float(rows["d_t_air_c"]["Klein park median"]) == pytest.approx(da)
    assert float(rows["d_t_air_c"]["Groot park median"]) == pytest.approx(db)
    assert float(rows["d_t_air_c"]["difference_last_minus_first"]) == pytest.approx(db - da)
    assert float(rows["deaths_prevented"]["Klein park lower"]) == pytest.approx(deaths["lower"])
    assert math.isclose(float(rows["within_300m_pct"]["baseline"]),
                        100 * a["exposures"]["within_300m_before"], abs_tol=1e-9)
    assert page.errors == []


def test_a_saved_scenario_reopens_on_the_map_and_the_url_holds_it(page: PageWatch,
                                                                  tiny_server: str) -> None:
    pg = open_planner(page, tiny_server)
    draw_park(pg)
    pg.fill("#scenario-name", "Park aan de rand")
    _, r = run(pg)
    pg.click("#save-scenario")
    sid = r["input_hash"][:12]
    wait_js(pg, f"location.hash === '#planner?scenario={sid}'")
    # a fresh page at that URL draws the park back and shows its result (not re-run)
    runs: list[str] = []
    pg.on("request", lambda req: runs.append(req.url) if req.url.endswith(RUN) else None)
    pg.goto("about:blank")
    open_planner(page, tiny_server, f"#planner?scenario={sid}", clear=False)
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(1)
    expect()(pg.locator("#scenario-results > h3")).to_have_text("Resultaat: Park aan de rand")
    wait_js(pg, "window.__gg.map.querySourceFeatures('drawn').length > 0")
    assert runs == []
    # Back: the Planner without it; Forward: open again
    pg.click("#tab-monitor")
    wait_js(pg, "window.__gg.view === 'monitor' && window.__gg.monitorReady === true")
    pg.go_back()
    wait_js(pg, f"window.__gg.view === 'planner' && location.hash === '#planner?scenario={sid}'")
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(1)
    pg.locator(f"#saved-list li[data-id='{sid}'] button[data-open]").wait_for()
    # a new drawing leaves the saved scenario: the URL says so, and Back reopens it
    pg.click("button[data-kind=trees]")
    pg.mouse.click(*screen(pg, 140650, 455450))
    pg.click("#draw-finish")
    wait_js(pg, "location.hash === '#planner'")
    pg.go_back()
    wait_js(pg, f"location.hash === '#planner?scenario={sid}'")
    expect()(pg.locator("#drawn-list li[data-drawn]")).to_have_count(1)
    expect()(pg.locator("#scenario-results > h3")).to_have_text("Resultaat: Park aan de rand")
    assert page.errors == []


@pytest.fixture(scope="module")
def no_landcover_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the tiny region without its land-cover raster."""
    import dataclasses

    from groengezond.api.testing import free_port, start_server, stop_server
    from groengezond.region.store import write_region
    from groengezond.region.testing import tiny_region

    region = dataclasses.replace(tiny_region(), landcover=None)
    folder = write_region(region, tmp_path_factory.mktemp("no-lc") / "region")
    port = free_port()
    proc = start_server(folder, port, env={
        "GG_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('no-lc-db') / 'p.sqlite'}",
        **SUITE_LIMITS})
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


def test_items_resting_on_missing_land_cover_say_so(page: PageWatch,
                                                    no_landcover_server: str) -> None:
    region = get(no_landcover_server, "/api/region")
    assert not region["counts"].get("landcover_cells")
    pg = open_planner(page, no_landcover_server)
    everything = get(no_landcover_server, "/api/catalogue")
    resting = [i["id"] for i in everything["items"]
               if i["scenario_intervention"] in ("plant_trees", "depave", "green_roofs")]
    assert any(i["scenario_intervention"] == "plant_trees" for i in everything["items"])
    for item_id in resting:
        li = pg.locator(f"#catalogue-list li[data-id={item_id}]")
        expect()(li.locator(".draw-reason")).to_have_text(
            "Niet door te rekenen in deze regio: de effecten rusten op de bodembedekking, "
            "en die ontbreekt.")
        expect()(li.locator("button[data-catalogue]")).to_have_count(0)
    # a park still can be drawn: its access to green does not rest on the land cover
    expect()(pg.locator("#catalogue-list li[data-id=pocket_park] button[data-catalogue]")
             ).to_have_count(1)
    assert page.errors == []
