"""Area report: its data, the numbers in the PDF equal the JSON, tagged PDF, accessible HTML."""

from __future__ import annotations

import io
import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from groengezond.api.testing import web_region
from groengezond.cli import app
from groengezond.errors import InputError
from groengezond.indicators.registry import load_registry
from groengezond.region.model import Region
from groengezond.region.quality import LayerQuality, NotComputable
from groengezond.region.store import write_region
from groengezond.reports.area import AreaReport, area_report, render_area_report
from groengezond.reports.gather import access_row, access_table, monitor_tables
from groengezond.reports.messages import unit
from groengezond.reports.render import number

WIJK = "WK900101"


@pytest.fixture(scope="module")
def region() -> Region:
    return web_region()


@pytest.fixture(scope="module")
def tables(region: Region) -> tuple:  # type: ignore[type-arg]
    values, trends = monitor_tables(region)
    return values, trends, access_table(region, None)


ACCESS = {"code": WIJK, "within_300m_network": 0.734, "meets_3_30_300": 0.12,
          "canopy_share": 0.2149, "green_m2_per_inhabitant_500m": 35.26,
          "green_network_m": 181.0, "network_degraded": True}
"""An access row as :func:`access_table` publishes it (web_region has no addresses)."""


@pytest.fixture(scope="module")
def report(region: Region, tables: tuple) -> AreaReport:  # type: ignore[type-arg]
    values, trends, _ = tables
    labs = [{"name": "Proeftuin Wijk 1.1", "description": "Samen vergroenen",
             "area_code": "BU90010101", "buurten": [{"code": "BU90010101"}],
             "opens_on": date(2026, 1, 1), "closes_on": date(2026, 6, 30)},
            {"name": "Elders", "area_code": "WK900299", "buurten": [],
             "opens_on": date(2026, 1, 1), "closes_on": date(2026, 6, 30)}]
    lessons = [{"what": "Tegels eruit", "where": "Wijk 1.1", "result": "Koeler",
                "source": "Test"}]
    return area_report(WIJK, region.meta, region.areas, values, trends, load_registry(),
                       access=ACCESS, field_labs=labs, lessons=lessons)


def _text(pdf: bytes) -> str:
    """The PDF's text with every run of white space (line breaks in cells) as one space."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())


def test_report_has_indicators_ranks_trends_access_labs(report: AreaReport) -> None:
    assert report.level == "wijk" and report.synthetic
    shown = [i for i in report.indicators if i.value is not None]
    assert len(shown) >= 3
    ranked = [i for i in shown if i.rank is not None]
    assert ranked and all(1 <= i.rank <= i.n_ranked and 1 <= (i.quintile or 0) <= 5
                          for i in ranked)
    assert all(len(i.series) >= 2 for i in shown)
    assert any(i.direction for i in shown)
    assert report.access and report.access_not_computable is None and report.access_degraded
    assert report.access[0].value == pytest.approx(73.4)
    assert [f.name for f in report.field_labs] == ["Proeftuin Wijk 1.1"]
    assert report.lessons[0].what == "Tegels eruit"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_numbers_equal_the_json(report: AreaReport, region: Region, lang: str) -> None:
    pdf = render_area_report(report, region.areas, lang, "pdf")  # type: ignore[arg-type]
    text = _text(pdf)
    data = json.loads(report.model_dump_json())
    assert data["name"] in text and data["code"] in text
    checked = 0
    for ind in data["indicators"]:
        if ind["value"] is None:
            continue
        assert number(ind["value"], ind["decimals"], lang) in text, ind["id"]  # type: ignore[arg-type]
        if ind["lower"] is not None:
            interval = (f"{number(ind['lower'], ind['decimals'], lang)} – "  # type: ignore[arg-type]
                        f"{number(ind['upper'], ind['decimals'], lang)}")  # type: ignore[arg-type]
            assert interval in text, ind["id"]
        if ind["slope_per_year"] is not None:
            assert number(ind["slope_per_year"], 2, lang) in text, ind["id"]  # type: ignore[arg-type]
        if ind["slope_lower"] is not None and ind["value"] is not None:
            assert f"95%: {number(ind['slope_lower'], 2, lang)}" in text  # type: ignore[arg-type]
        if ind["rank"] is not None:
            assert f"{ind['rank']} {'van' if lang == 'nl' else 'of'} {ind['n_ranked']}" in text
        checked += 1
    assert checked >= 3
    for fig in data["access"]:
        if fig["value"] is not None:
            assert number(fig["value"], fig["decimals"], lang) in text  # type: ignore[arg-type]
    assert ("SYNTHETISCHE DATA" if lang == "nl" else "SYNTHETIC DATA") in text
    assert "0.1.0" in text and date.today().isoformat() in text


def test_pdf_is_tagged(report: AreaReport, region: Region) -> None:
    pdf = pikepdf.open(io.BytesIO(render_area_report(report, region.areas, "nl", "pdf")))
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "nl"
    assert pdf.Root.MarkInfo.Marked


class _Structure(HTMLParser):
    """Collects what an accessibility check looks at first."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.h1 = 0
        self.title = False
        self.img_without_alt = 0
        self.th_without_scope = 0
        self.headings: list[int] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "title":
            self._in_title = True
        if tag in ("h1", "h2", "h3"):
            self.headings.append(int(tag[1]))
            self.h1 += tag == "h1"
        if tag == "img" and not a.get("alt"):
            self.img_without_alt += 1
        if tag == "th" and a.get("scope") not in ("col", "row"):
            self.th_without_scope += 1

    def handle_data(self, data: str) -> None:
        if self._in_title and data.strip():
            self.title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False


def check_structure(html: str, lang: str) -> None:
    """The accessibility basics axe checks first: lang, title, one h1, alt, th scope, order."""
    s = _Structure()
    s.feed(html)
    assert s.lang == lang and s.title and s.h1 == 1
    assert s.img_without_alt == 0 and s.th_without_scope == 0
    assert all(b - a <= 1 for a, b in zip(s.headings, s.headings[1:], strict=False))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_html_structure(report: AreaReport, region: Region, lang: str) -> None:
    html = render_area_report(report, region.areas, lang, "html").decode()  # type: ignore[arg-type]
    check_structure(html, lang)
    assert ("Toegang tot groen" if lang == "nl" else "Green access") in html
    for ind in report.indicators:  # units are worded in the report's language
        assert f"({unit(ind.unit, lang)})" in html  # type: ignore[arg-type]
    if lang == "nl":
        assert any(unit(i.unit, "nl") != i.unit for i in report.indicators)


def test_quality_flags_and_not_computable(region: Region, tables: tuple) -> None:  # type: ignore[type-arg]
    values, trends, _ = tables
    meta = region.meta.model_copy(update={"quality": {
        "green": LayerQuality(status="placeholder", reason="no green polygons for 2024")}})
    areas = region.areas.copy()
    areas["geometry_quality"] = "real"
    areas.loc[areas["code"] == WIJK, "geometry_quality"] = "the wijk's polygon stands in"
    rep = area_report(WIJK, meta, areas, values, trends, load_registry(),
                      access=NotComputable(key="access.no_network", reason="no network",
                                           missing=["network_edges"]))
    html = render_area_report(rep, areas, "en", "html").decode()
    assert "no green polygons for 2024" in html and "placeholder" in html
    assert "the wijk&#39;s polygon stands in" in html
    areas["geometry_quality"] = "real"
    areas["geometry_source"] = "placeholder:wijk"
    rep = area_report(WIJK, meta, areas, values, trends, load_registry())
    assert rep.geometry_quality == "geometry_source placeholder:wijk"
    assert "not computable: no network" in html


def test_access_computed_or_not_computable(region: Region, tiny: Region) -> None:
    missing = access_row(access_table(region, None), WIJK)  # web_region has no addresses
    assert isinstance(missing, NotComputable) and "addresses" in missing.reason
    table = access_table(tiny, None)
    assert not isinstance(table, NotComputable)
    row = access_row(table, "WK999901")
    assert isinstance(row, dict) and 0 <= row["within_300m_network"] <= 1


def test_unknown_area_is_an_input_error(region: Region, tables: tuple) -> None:  # type: ignore[type-arg]
    values, trends, _ = tables
    with pytest.raises(InputError, match="no area with code"):
        area_report("XX0000", region.meta, region.areas, values, trends, load_registry())


def test_cli_writes_pdf_html_json(tmp_path: Path, region: Region) -> None:
    folder = write_region(region, tmp_path / "r")
    runner = CliRunner()
    for fmt in ("pdf", "html", "json"):
        out = tmp_path / f"area.{fmt}"
        r = runner.invoke(app, ["report", "area", WIJK, "--region", str(folder), "--format",
                                fmt, "--out", str(out), "--lang", "en"])
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 500
    assert out.read_text()[:1] == "{" and (tmp_path / "area.pdf").read_bytes()[:5] == b"%PDF-"
    bad = runner.invoke(app, ["report", "area", WIJK, "--region", str(folder), "--lang", "fr",
                              "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code == 2 and "nl (Dutch) or en (English)" in bad.output
    assert not (tmp_path / "x.pdf").exists()
