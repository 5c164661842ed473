"""API: the programme monitor over HTTP with roles (staff, project lead) and the audit trail;
an xlsx with errors is refused whole with every error listed; a made-up breach is flagged."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from groengezond.api.testing import web_app
from groengezond.participation.config import participation_settings
from groengezond.participation.security import Passwords, create_user
from groengezond.participation.service import utc_now
from groengezond.programme.xlsx import read_programme, write_programme

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "programme" / "programme.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "een-lang-wachtwoord-123"


@pytest.fixture()
def client(tmp_path: Path) -> TestClient:
    return TestClient(web_app(tmp_path / "region"), base_url="https://testserver")


def login(client: TestClient, name: str, role: str) -> dict[str, str]:
    app: Any = client.app
    create_user(app.state.participation_db, Passwords(participation_settings()), name,
                PASSWORD, role, utc_now())
    r = client.post("/api/participation/auth/login", json={"username": name,
                                                           "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def upload(client: TestClient, path: Path, who: dict[str, str]) -> Any:
    return client.post("/api/programme/import", content=path.read_bytes(),
                       headers={**who, "Content-Type": XLSX})


def test_roles_audit_and_report(client: TestClient) -> None:
    admin = login(client, "admin1", "admin")
    assert client.get("/api/programme").status_code == 401
    r = upload(client, EXAMPLE, admin)
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["projects"] == 20
    programme = client.get("/api/programme", headers=admin).json()
    assert len(programme["projects"]) == 20
    own, other = programme["projects"][0]["code"], programme["projects"][1]["code"]
    # a lead of one project; a staff member without a programme role
    lead = login(client, "lead1", "planner")
    nobody = login(client, "planner2", "planner")
    assert client.post("/api/programme/members", headers=admin, json={
        "username": "lead1", "role": "lead", "project": own}).status_code == 201
    assert client.get("/api/programme", headers=nobody).status_code == 403
    assert len(client.get("/api/programme", headers=lead).json()["projects"]) == 20
    assert client.put(f"/api/programme/projects/{own}/status", headers=lead,
                      json={"status": "paused"}).status_code == 200
    r = client.put(f"/api/programme/projects/{other}/status", headers=lead,
                   json={"status": "paused"})
    assert r.status_code == 403 and other in r.json()["detail"]
    kpi = next(k for k in programme["kpis"] if k["project"] == own)
    assert client.put(f"/api/programme/projects/{own}/actuals", headers=lead, json={
        "indicator": kpi["indicator"], "period": "2026H2", "actual": 12.5}).status_code == 200
    assert upload(client, EXAMPLE, lead).status_code == 403  # leads do not import
    assert client.get("/api/programme/audit", headers=lead).status_code == 403
    trail = client.get("/api/programme/audit", headers=admin).json()
    assert [(e["actor"], e["action"], e["entity"]) for e in trail[-3:]] == [
        ("admin1", "grant", "member"), ("lead1", "update", "project.status"),
        ("lead1", "update", "kpi.actual")]
    assert trail[-2]["detail"]["new"] == "paused"
    assert all(c["ok"] for c in client.get("/api/programme/rules", headers=lead).json())
    data = client.get("/api/programme/report", headers=lead,
                      params={"period": "2026H2", "format": "json"}).json()
    assert data["projects"] == 20 and data["rules_ok"]
    pdf = client.get("/api/programme/report", headers=lead, params={"period": "2026H2"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert "/StructTreeRoot" in pikepdf.open(io.BytesIO(pdf.content)).Root
    exported = client.get("/api/programme/export.xlsx", headers=admin)
    assert exported.status_code == 200
    wb = load_workbook(io.BytesIO(exported.content))
    assert wb["projects"].max_row == 21  # header + 20 projects


def test_a_bad_workbook_is_refused_whole_with_every_error(client: TestClient,
                                                          tmp_path: Path) -> None:
    admin = login(client, "admin1", "admin")
    assert upload(client, EXAMPLE, admin).status_code == 200
    wb = load_workbook(EXAMPLE)
    wb["projects"]["C3"] = "Gezonde dieren"
    wb["budget"]["D4"] = "veel"
    wb["risks"]["C2"] = 9
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    r = upload(client, bad, admin)
    assert r.status_code == 422
    where = {(p["location"], p["field"]) for p in r.json()["problems"]}
    assert where == {("sheet projects, row 3", "column C (track)"),
                     ("sheet budget, row 4", "column D (committed_eur)"),
                     ("sheet risks, row 2", "column C (likelihood)")}
    assert all(p["fix"] for p in r.json()["problems"])
    # nothing of it was stored: the programme is the example's still
    tracks = {p["track"] for p in client.get("/api/programme", headers=admin).json()["projects"]}
    assert "Gezonde dieren" not in tracks


def test_a_made_up_breach_is_flagged(client: TestClient, tmp_path: Path) -> None:
    admin = login(client, "admin1", "admin")
    example = read_programme(EXAMPLE)
    first = example.budget[0]
    big = first.model_copy(update={"source": "rijk", "committed_eur": 40_000_000.0})
    breach = example.model_copy(update={"budget": (big, *example.budget[1:])})
    path = write_programme(breach, tmp_path / "breach.xlsx")
    assert upload(client, path, admin).status_code == 200
    checks = client.get("/api/programme/rules", headers=admin).json()
    failed = {c["key"] for c in checks if not c["ok"]}
    assert "rijk_max" in failed
    assert any("30" in c["message"] for c in checks if c["key"] == "rijk_max")


def test_knowledge_base_is_public_and_leads_add_lessons(client: TestClient) -> None:
    admin = login(client, "admin1", "admin")
    assert upload(client, EXAMPLE, admin).status_code == 200
    hits = client.get("/api/programme/lessons", params={"q": "bomen"}).json()
    assert isinstance(hits, list)
    r = client.post("/api/programme/lessons", headers=admin, json={
        "what": "Tegeltaxi", "where": "Overvecht", "result": "300 m² onthard",
        "source": "Verslag 2026"})
    assert r.status_code == 201 and r.json()["id"] > 0
    assert [le["what"] for le in client.get("/api/programme/lessons",
                                            params={"q": "tegeltaxi"}).json()] == ["Tegeltaxi"]
