"""API: GET /api/reports/area/{code} as PDF, HTML and JSON, in Dutch and English."""

from __future__ import annotations

import io

import pikepdf
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from groengezond.api.testing import web_app
from groengezond.reports.render import number


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region"))


def test_area_report_json_then_pdf_with_the_same_numbers(client: TestClient) -> None:
    data = client.get("/api/reports/area/WK900101", params={"format": "json"}).json()
    assert data["code"] == "WK900101"
    assert data["access_not_computable"].startswith("the region has no walking network")
    r = client.get("/api/reports/area/WK900101", params={"format": "pdf", "lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "/StructTreeRoot" in pikepdf.open(io.BytesIO(r.content)).Root
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    shown = [i for i in data["indicators"] if i["value"] is not None]
    assert shown and all(number(i["value"], i["decimals"], "en") in text for i in shown)
    assert "not computable" in text


def test_area_report_html_in_dutch(client: TestClient) -> None:
    r = client.get("/api/reports/area/GM9001", params={"format": "html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in r.text and "Gebiedsrapport" in r.text


def test_unknown_area_and_bad_format_are_422(client: TestClient) -> None:
    assert client.get("/api/reports/area/XX0000").status_code == 422
    assert client.get("/api/reports/area/WK900101", params={"format": "docx"}).status_code \
        == 422
