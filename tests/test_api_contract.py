"""The typed API contract: every route declares its models, and real answers match them.

1. A walk over ``app.openapi()``: every operation answers a declared schema (a JSON model by
   ``$ref``, or a declared non-JSON media type such as GeoJSON, MVT, PNG, PDF, CSV), and every
   request body is a model. Routes left out of the document are listed here explicitly. The
   walk is generic: routes added later are checked without changing this file.
2. Real answers of a synthetic region (Monitor, access, catalogue, maps, OGC, Planner,
   participation) are validated against the OpenAPI document with ``jsonschema``; the response
   models forbid undeclared fields, so any drift between the code and the contract fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from pyproj import Transformer
from shapely.geometry import mapping
from starlette.routing import Mount

from groengezond.api.testing import web_app, web_region
from groengezond.region.model import Region
from groengezond.scenario.testing import park_in, ranked_by_income
from groengezond.synth import generate_region
from participation_support import (
    RATING,
    SURVEY,
    comment_body,
    fast_settings,
    make_env,
    open_database,
)

NOT_IN_SCHEMA = {
    "/": "the built front end (index.html)",
    "/favicon.svg": "the front end's icon",
    "/s/{scenario_id}": "the front end (index.html) opening a shared scenario",
    "/docs": "Swagger UI page",
    "/docs/init.js": "Swagger UI start script",
    "/openapi.json": "the OpenAPI document itself",
    "/assets": "the front end's bundle files (static mount)",
    "/docs/assets": "Swagger UI files (static mount)",
}
"""Routes that are not part of the API contract (static files, the web app, the docs)."""

JSON = "application/json"
BODY_METHODS = {"post", "put", "patch"}


PRIMITIVES = {"string", "integer", "number", "boolean"}


def _typed(schema: dict[str, Any]) -> bool:
    """A schema names a model: a ``$ref``, or an array or union of models or of primitive
    values (``list[str]``); a bare or free-form object is not typed."""
    if "$ref" in schema:
        return True
    if schema.get("type") in PRIMITIVES:
        return True
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    options = schema.get("anyOf", schema.get("oneOf", schema.get("allOf", [])))
    return any(_typed(o) for o in options if o.get("type") != "null")


def _all_routes(app: FastAPI) -> list[Any]:
    """Every route of ``app``, those of included routers too (FastAPI >= 0.165 keeps an
    included router as one route and resolves its routes lazily)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def contract_gaps(app: FastAPI) -> list[str]:
    """Every operation of ``app`` that lacks a response or request model, as readable lines."""
    doc = app.openapi()
    gaps: list[str] = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            ok = {c: r for c, r in op.get("responses", {}).items() if c.startswith("2")}
            if not ok:
                gaps.append(f"{where}: no 2xx response declared")
            for code, resp in ok.items():
                content = resp.get("content")
                if code == "204":
                    continue
                if not content:
                    gaps.append(f"{where} {code}: no content declared")
                    continue
                for media, spec in content.items():
                    if media.startswith(JSON) and not _typed(spec.get("schema", {})):
                        gaps.append(f"{where} {code}: {media} has no response model "
                                    "(add response_model=...)")
            body = op.get("requestBody")
            if body is not None:
                for media, spec in (body.get("content") or {JSON: {}}).items():
                    schema = spec.get("schema", {})
                    if media.startswith(JSON) and not _typed(schema):
                        gaps.append(f"{where}: the request body has no model")
                    elif not media.startswith(JSON) and schema.get("format") != "binary":
                        gaps.append(f"{where}: the {media} request body is not declared "
                                    "as a file (format: binary)")
    documented = set(doc["paths"])
    for route in _all_routes(app):
        path = getattr(route, "path", "")
        if isinstance(getattr(route, "original_route", route), APIRoute) \
                and not getattr(route, "include_in_schema", True) and path not in NOT_IN_SCHEMA:
            gaps.append(f"{path}: left out of the OpenAPI document but not listed "
                        "in NOT_IN_SCHEMA")
        if isinstance(getattr(route, "original_route", route), Mount) \
                and path not in NOT_IN_SCHEMA and path not in documented:
            gaps.append(f"{path}: a mount that is not listed in NOT_IN_SCHEMA")
    return gaps


TO_WGS84 = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(5_000, seed=1)


@pytest.fixture(scope="module")
def app(region: Region, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return web_app(tmp_path_factory.mktemp("contract") / "region", region)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` on every object that lists its
    properties and says nothing about others: models of other packages that do not forbid
    extra fields are held to their declared fields too."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: closed(v) for k, v in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


class Contract:
    """Validates answers against the operation's response schema in an OpenAPI document
    (every object closed to undeclared fields, see :func:`closed`)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = {**doc, "components": closed(doc["components"])}

    def check(self, method: str, template: str, response: Any) -> dict[str, Any] | list[Any]:
        assert response.status_code < 300, f"{method} {template}: {response.text[:500]}"
        op = self.doc["paths"][template][method.lower()]
        spec = op["responses"][str(response.status_code)]
        schema = spec["content"][JSON]["schema"]
        root = {**schema, "components": self.doc["components"]}
        body = response.json()
        errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: e.path)
        assert not errors, f"{method} {template} does not match its schema:\n" + "\n".join(
            f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in errors[:10])
        out: dict[str, Any] | list[Any] = body
        return out


def test_every_route_declares_its_models(app: FastAPI) -> None:
    gaps = contract_gaps(app)
    assert not gaps, "routes without a typed contract:\n" + "\n".join(gaps)


def test_the_walk_catches_an_untyped_route() -> None:
    """The walk itself fails a route that answers an untyped dict or an undeclared body."""
    bad = FastAPI()

    @bad.get("/api/untyped")
    def untyped() -> dict[str, Any]:
        return {}

    @bad.get("/hidden", include_in_schema=False)
    def hidden() -> dict[str, Any]:
        return {}

    gaps = contract_gaps(bad)
    assert any("GET /api/untyped 200" in g for g in gaps)
    assert any(g.startswith("/hidden:") for g in gaps)


def test_monitor_answers_match_the_contract(client: TestClient, app: FastAPI) -> None:
    c = Contract(app.openapi())
    c.check("GET", "/health", client.get("/health"))
    region = c.check("GET", "/api/region", client.get("/api/region"))
    assert isinstance(region, dict) and region["synthetic"] is True
    c.check("GET", "/api/capabilities", client.get("/api/capabilities"))
    listing = c.check("GET", "/api/indicators", client.get("/api/indicators"))
    assert isinstance(listing, dict)
    areas = c.check("GET", "/api/areas", client.get("/api/areas", params={"level": "buurt"}))
    assert isinstance(areas, dict)
    code = areas["areas"][0]["code"]
    c.check("GET", "/api/areas/{code}", client.get(f"/api/areas/{code}"))
    for ind in listing["indicators"]:
        for level in ind["levels"][:2]:
            c.check("GET", "/api/indicators/{indicator}/values",
                    client.get(f"/api/indicators/{ind['id']}/values", params={"level": level}))
            c.check("GET", "/api/indicators/{indicator}/inequality",
                    client.get(f"/api/indicators/{ind['id']}/inequality",
                               params={"level": level}))
        c.check("GET", "/api/indicators/{indicator}/areas/{code}",
                client.get(f"/api/indicators/{ind['id']}/areas/{code}"))


def test_access_catalogue_and_maps_match_the_contract(client: TestClient, app: FastAPI) -> None:
    c = Contract(app.openapi())
    summary = c.check("GET", "/api/access/summary", client.get("/api/access/summary"))
    assert isinstance(summary, dict) and summary["summary"]["addresses"] > 0
    for level in ("buurt", "wijk", "gemeente", "region"):
        c.check("GET", "/api/access/areas", client.get("/api/access/areas",
                                                       params={"level": level}))
    code = client.get("/api/areas").json()["areas"][0]["code"]
    c.check("GET", "/api/access/areas/{code}", client.get(f"/api/access/areas/{code}"))
    found = c.check("GET", "/api/catalogue", client.get("/api/catalogue"))
    assert isinstance(found, dict) and found["count"] > 0
    for item in found["items"]:
        c.check("GET", "/api/catalogue/{intervention_id}",
                client.get(f"/api/catalogue/{item['id']}"))
    c.check("GET", "/api/tiles.json", client.get("/api/tiles.json"))
    c.check("GET", "/ogc", client.get("/ogc"))
    c.check("GET", "/ogc/conformance", client.get("/ogc/conformance"))
    c.check("GET", "/ogc/collections", client.get("/ogc/collections"))
    c.check("GET", "/ogc/collections/{collectionId}", client.get("/ogc/collections/areas"))
    c.check("GET", "/api/evaluations/interventions", client.get("/api/evaluations/interventions"))
    report = client.get(f"/api/reports/area/{code}", params={"format": "json"})
    c.check("GET", "/api/reports/area/{code}", report)


def _park(region: Region) -> dict[str, Any]:
    rd = park_in(region, ranked_by_income(region)[0], 5.0)
    ll = shapely.transform(rd, lambda xy: np.column_stack(TO_WGS84.transform(xy[:, 0],
                                                                             xy[:, 1])))
    return {"name": "Park", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "green_kind": "park",
         "geometry": dict(mapping(ll))}]}


def test_planner_answers_match_the_contract(client: TestClient, app: FastAPI,
                                            region: Region) -> None:
    doc = app.openapi()
    c = Contract(doc)
    scenario = _park(region)
    result = c.check("POST", "/api/scenarios/run", client.post("/api/scenarios/run",
                                                                json=scenario))
    assert isinstance(result, dict) and result["scenario"] == "Park"
    # the request body is typed too: a valid body matches the documented request model
    ref = doc["paths"]["/api/scenarios/run"]["post"]["requestBody"]["content"][JSON]["schema"]
    request_errors = list(Draft202012Validator(
        {**ref, "components": doc["components"]}).iter_errors(scenario))
    assert not request_errors, request_errors[0].message
    compared = c.check("POST", "/api/scenarios/compare", client.post(
        "/api/scenarios/compare", json={"scenarios": [scenario]}))
    assert isinstance(compared, dict) and compared["comparison"][0]["scenario"] == "baseline"


def test_a_gap_that_cannot_be_computed_is_null_in_the_answer(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Without addresses the health gap is NaN: sent as null (valid JSON), as typed."""
    region = web_region()
    app = web_app(tmp_path_factory.mktemp("nan") / "region", region)
    client = TestClient(app)
    wijk = region.areas[region.areas["code"] == "WK900102"].geometry.iloc[0]
    cx, cy = wijk.centroid.x, wijk.centroid.y
    ring = [TO_WGS84.transform(x, y) for x, y in ((cx - 60, cy - 40), (cx + 60, cy - 40),
                                                  (cx + 60, cy + 40), (cx - 60, cy + 40),
                                                  (cx - 60, cy - 40))]
    scenario = {"name": "Buurtpark", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "green_kind": "park", "displace": True,
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    result = Contract(app.openapi()).check("POST", "/api/scenarios/run", client.post(
        "/api/scenarios/run", json=scenario))
    assert isinstance(result, dict)
    assert result["equity"]["sii_change"] is None and result["equity"]["verdict"] == "unknown"


def test_participation_answers_match_the_contract(tmp_path: Path) -> None:
    db, _ = open_database("sqlite", tmp_path)
    env = make_env(db, fast_settings(min_respondents=5))
    c = Contract(env.client.app.openapi())  # type: ignore[attr-defined]
    lab = env.lab["id"]
    get, post = env.client.get, env.client.post
    pp = "/api/participation"
    c.check("GET", "/health", get("/health"))
    c.check("GET", pp + "/field-labs", get(env.url("/field-labs")))
    c.check("GET", pp + "/field-labs/{lab_id}", get(env.url(f"/field-labs/{lab}")))
    c.check("GET", pp + "/field-labs/{lab_id}/survey", get(env.url(f"/field-labs/{lab}/survey")))
    me = env.resident()
    c.check("POST", pp + "/field-labs/{lab_id}/scenarios/{scenario_id}/ratings", post(
        env.url(f"/field-labs/{lab}/scenarios/{env.scenarios[0]}/ratings"), json=RATING,
        headers=me))
    comment = c.check("POST", pp + "/field-labs/{lab_id}/comments", post(
        env.url(f"/field-labs/{lab}/comments"), json=comment_body(env), headers=me))
    assert isinstance(comment, dict)
    c.check("POST", pp + "/field-labs/{lab_id}/survey-responses", post(
        env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=me))
    c.check("GET", pp + "/me", get(env.url("/me"), headers=me))
    c.check("GET", pp + "/moderation/queue", get(env.url("/moderation/queue"),
                                                 headers=env.bearer("moderator")))
    c.check("POST", pp + "/moderation/comments/{comment_id}/approve", post(
        env.url(f"/moderation/comments/{comment['id']}/approve"),
        headers=env.bearer("moderator")))
    public = c.check("GET", pp + "/field-labs/{lab_id}/comments",
                     get(env.url(f"/field-labs/{lab}/comments")))
    assert isinstance(public, dict) and public["numberMatched"] == 1
    c.check("POST", pp + "/comments/{comment_id}/reports", post(
        env.url(f"/comments/{comment['id']}/reports"), json={"reason": "spam"}))
    c.check("GET", pp + "/field-labs/{lab_id}/results", get(
        env.url(f"/field-labs/{lab}/results"), headers=env.bearer("planner")))
    c.check("GET", pp + "/field-labs/{lab_id}/indicators",
            get(env.url(f"/field-labs/{lab}/indicators")))
    for mark in (4, 6, 8, 9, 5, 7, 8, 6, 7, 9):  # enough, and varied, to pass disclosure control
        answers = {**SURVEY, "satisfaction": mark, "green_rating": 11 - mark}
        assert post(env.url(f"/field-labs/{lab}/survey-responses"), json=answers,
                    headers=env.resident()).status_code == 201
    env.clock.advance(days=60)  # closed: the survey's figures are published
    rows = c.check("GET", pp + "/field-labs/{lab_id}/indicators",
                   get(env.url(f"/field-labs/{lab}/indicators")))
    assert rows and all(r["source"] == "participation" for r in rows)
    c.check("GET", pp + "/field-labs/{lab_id}/results", get(env.url(f"/field-labs/{lab}/results")))
    erased = c.check("DELETE", pp + "/me", env.client.delete(env.url("/me"), headers=me))
    assert erased == {"ratings": 1, "comments": 1, "survey_responses": 1}
