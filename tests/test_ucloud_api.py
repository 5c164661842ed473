"""``/api/ucloud``: a route-walking test of who may call what, and the export flow over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app, web_region
from ucloud_support import HubUsers, stocked_hub

ALL = {"data_steward", "researcher", "viewer"}
WORK = {"data_steward", "researcher"}
# (method, path) -> roles allowed. Every /api/ucloud route must be listed (checked below).
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/ucloud/me"): ALL,
    ("GET", "/api/ucloud/indicators"): ALL,
    ("GET", "/api/ucloud/releases"): WORK,
    ("GET", "/api/ucloud/releases/{name}"): WORK,
    ("GET", "/api/ucloud/linkage"): WORK,
    ("POST", "/api/ucloud/exports"): WORK,
    ("GET", "/api/ucloud/exports"): WORK,
    ("POST", "/api/ucloud/exports/{export_id}/decision"): {"data_steward"},
    ("GET", "/api/ucloud/exports/{export_id}/download"): WORK,
    ("GET", "/api/ucloud/audit"): {"data_steward"},
}
BODIES = {"/api/ucloud/exports": {"release": "wmo", "level": "gemeente"},
          "/api/ucloud/exports/{export_id}/decision": {"approve": True}}


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, HubUsers]:
    monkeypatch.setenv("GG_UCLOUD_DIR", str(tmp_path / "hub"))
    users = stocked_hub(tmp_path / "hub")
    client = TestClient(web_app(tmp_path / "region", web_region()))
    return client, users


def _walk(routes: list[Any]) -> Any:
    """(path, methods) of every route, also inside included routers (newer FastAPI keeps
    them as lazily included router objects)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for ctx in contexts():
                yield ctx.path, set(ctx.methods or ())
        elif isinstance(route, APIRoute):
            yield route.path, set(route.methods or ())


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """Every /api/ucloud (method, path): from the app's routes and its OpenAPI document."""
    app = client.app
    found = {(m, p) for p, methods in _walk(app.routes)  # type: ignore[attr-defined]
             for m in methods if p.startswith("/api/ucloud")}
    schema = app.openapi()  # type: ignore[attr-defined]
    found |= {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops
              if p.startswith("/api/ucloud")}
    return sorted(found)


def test_every_route_enforces_its_roles(setup: tuple[TestClient, HubUsers]) -> None:
    client, h = setup
    routes = _routes(client)
    assert set(routes) == set(ALLOWED), "a /api/ucloud route without an access rule"
    tokens = {"data_steward": h.steward, "researcher": h.researcher, "viewer": h.viewer}
    for method, path in routes:
        # a pending export by the researcher, so that a steward's decision is a real one
        ex = h.hub.request_export(h.researcher, "wmo", "wijk")
        if path.endswith("download"):
            h.hub.decide(h.steward2, ex.id, True)
        url = path.replace("{name}", "wmo").replace("{export_id}", ex.id)
        body = BODIES.get(path)
        anon = client.request(method, url, json=body)
        assert anon.status_code == 401, (method, path, anon.text)
        assert anon.headers["content-type"].startswith("application/problem+json")
        bad = client.request(method, url, json=body, headers={"Authorization": "Bearer x"})
        assert bad.status_code == 401, (method, path)
        for role, token in tokens.items():
            res = client.request(method, url, json=body,
                                 headers={"Authorization": f"Bearer {token}"})
            if role in ALLOWED[(method, path)]:
                assert res.status_code in (200, 201), (method, path, role, res.text)
            else:
                assert res.status_code == 403, (method, path, role, res.status_code)
    assert h.hub.audit.verify().ok


def test_export_flow_over_http(setup: tuple[TestClient, HubUsers]) -> None:
    client, h = setup

    def auth(t: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {t}"}

    res = client.post("/api/ucloud/exports", json={"release": "wmo"}, headers=auth(h.researcher))
    assert res.status_code == 201
    ex = res.json()
    assert ex["status"] == "pending" and ex["requester"] == "bob"
    dl = f"/api/ucloud/exports/{ex['id']}/download"
    assert client.get(dl, headers=auth(h.researcher)).status_code == 409
    dec = f"/api/ucloud/exports/{ex['id']}/decision"
    own = client.post("/api/ucloud/exports", json={"release": "wmo"}, headers=auth(h.steward))
    r = client.post(f"/api/ucloud/exports/{own.json()['id']}/decision",
                    json={"approve": True}, headers=auth(h.steward))
    assert r.status_code == 403 and "four-eyes" in r.json()["detail"]
    assert client.post(dec, json={"approve": True}, headers=auth(h.steward)).json()[
        "status"] == "approved"
    got = client.get(dl, headers=auth(h.researcher))
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    import hashlib

    assert hashlib.sha256(got.content).hexdigest() == ex["output_sha256"]
    assert client.get("/api/ucloud/releases/nope", headers=auth(h.researcher)).status_code \
        == 404
    assert client.get("/api/ucloud/releases/wmo?level=pand",
                      headers=auth(h.researcher)).status_code == 422
    audit = client.get("/api/ucloud/audit", headers=auth(h.steward)).json()
    assert audit["chain_intact"]
    assert [e["action"] for e in audit["entries"]].count("export_download") == 1
    ind = client.get("/api/ucloud/indicators", headers=auth(h.viewer)).json()
    sup = [r for r in ind if r["suppressed"]]
    assert sup and all(r["value"] is None for r in sup)
    assert all(r["value"] is not None for r in ind if not r["suppressed"])
