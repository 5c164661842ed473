"""Role checks on every write route: the test walks the app's routes, so a new write route
without a declared access rule (and a sample request) fails here.

For each write route: anonymous clients and residents get 401/403 on staff routes, other
residents get 404 on someone else's input, every staff role the route does not allow gets
403, and none of these changes a single row. Then the allowed caller succeeds with the same
request, which proves the refusals were about access, not about a bad request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import participation_support
from groengezond.api.participation import ACCESS
from participation_support import (
    PASSWORD,
    PREFIX,
    RATING,
    SURVEY,
    Env,
    comment_body,
    dump,
    lab_body,
)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STAFF_ROLES = ("planner", "moderator", "admin")

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


@dataclass
class Call:
    """A concrete request for a route and the headers of whoever owns its object."""

    params: dict[str, Any]
    body: Any = None
    owner: dict[str, str] = field(default_factory=dict)


def _rated(env: Env) -> Call:
    me = env.resident()
    r = env.client.post(env.url(f"/field-labs/{env.lab['id']}/scenarios/{env.scenarios[0]}"
                                "/ratings"), json=RATING, headers=me)
    return Call({"rating_id": r.json()["id"]}, {**RATING, "green": 1}, me)


def _commented(env: Env, approve: bool = False) -> Call:
    me = env.resident()
    r = env.client.post(env.url(f"/field-labs/{env.lab['id']}/comments"),
                        json=comment_body(env), headers=me)
    cid = r.json()["id"]
    if approve:
        env.client.post(env.url(f"/moderation/comments/{cid}/approve"),
                        headers=env.bearer("moderator"))
    return Call({"comment_id": cid}, comment_body(env, "veranderd"), me)


def _answered(env: Env) -> Call:
    me = env.resident()
    r = env.client.post(env.url(f"/field-labs/{env.lab['id']}/survey-responses"), json=SURVEY,
                        headers=me)
    return Call({"response_id": r.json()["id"]}, {**SURVEY, "satisfaction": 2}, me)


def _lab(env: Env, **kw: Any) -> dict[str, Any]:
    return {"lab_id": env.lab["id"], **kw}


SAMPLES: dict[tuple[str, str], Callable[[Env], Call]] = {
    ("POST", "/auth/login"): lambda e: Call({}, {"username": "planner1", "password": PASSWORD}),
    ("POST", "/auth/logout"): lambda e: Call({}),
    ("POST", "/users"): lambda e: Call({}, {"username": "newplanner", "role": "planner",
                                            "password": "a long enough pass phrase"}),
    ("POST", "/field-labs"): lambda e: Call({}, lab_body(name="Nog een veldlab")),
    ("PATCH", "/field-labs/{lab_id}"): lambda e: Call(_lab(e), {"closes_on": "2026-12-31"}),
    ("POST", "/field-labs/{lab_id}/scenarios"): lambda e: Call(
        _lab(e), {"scenario_id": "scn-new", "name": "Nieuw", "snapshot": {"a": 1}}),
    ("DELETE", "/field-labs/{lab_id}/scenarios/{scenario_id}"): lambda e: Call(
        _lab(e, scenario_id=e.scenarios[1])),
    ("POST", "/field-labs/{lab_id}/residents"): lambda e: Call(_lab(e)),
    ("DELETE", "/me"): lambda e: Call({}, owner=_rated(e).owner),
    ("POST", "/field-labs/{lab_id}/scenarios/{scenario_id}/ratings"): lambda e: Call(
        _lab(e, scenario_id=e.scenarios[0]), RATING, e.resident()),
    ("PUT", "/ratings/{rating_id}"): _rated,
    ("DELETE", "/ratings/{rating_id}"): _rated,
    ("POST", "/field-labs/{lab_id}/comments"): lambda e: Call(_lab(e), comment_body(e),
                                                              e.resident()),
    ("PUT", "/comments/{comment_id}"): _commented,
    ("DELETE", "/comments/{comment_id}"): _commented,
    ("POST", "/comments/{comment_id}/reports"): lambda e: Call(
        _commented(e, approve=True).params, {"reason": "abusive"}),
    ("POST", "/field-labs/{lab_id}/survey-responses"): lambda e: Call(_lab(e), SURVEY,
                                                                      e.resident()),
    ("PUT", "/survey-responses/{response_id}"): _answered,
    ("DELETE", "/survey-responses/{response_id}"): _answered,
    ("POST", "/moderation/comments/{comment_id}/approve"): lambda e: Call(
        _commented(e).params),
    ("POST", "/moderation/comments/{comment_id}/reject"): lambda e: Call(
        _commented(e).params, {"reason": "off topic"}),
    ("POST", "/moderation/comments/{comment_id}/hide"): lambda e: Call(_commented(e).params),
    ("PUT", "/comments/{comment_id}/reply"): lambda e: Call(
        _commented(e).params, {"text": "Dank u, we nemen het mee."}),
    ("DELETE", "/comments/{comment_id}/reply"): lambda e: _replied(e),
}


def _replied(env: Env) -> Call:
    call = _commented(env)
    r = env.client.put(env.url(f"/comments/{call.params['comment_id']}/reply"),
                       json={"text": "Dank u."}, headers=env.bearer("moderator"))
    assert r.status_code == 200, r.text
    return Call(call.params)


def _walk(routes: list[Any]) -> Any:
    """(path, methods) of every route, also inside included routers (newer FastAPI keeps
    them as lazily included router objects)."""
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if callable(contexts):
            for ctx in contexts():
                yield ctx.path, set(ctx.methods or ())
        elif hasattr(route, "path") and hasattr(route, "methods"):
            yield route.path, set(route.methods or ())


def write_routes(env: Env) -> list[tuple[str, str]]:
    """Every (method, path) of a write route in the app: its routes and its OpenAPI paths."""
    app = env.client.app
    found = {(m, path) for path, methods in _walk(app.routes)  # type: ignore[attr-defined]
             for m in methods & WRITE_METHODS}
    schema = app.openapi()  # type: ignore[attr-defined]
    found |= {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops
              if m.upper() in WRITE_METHODS}
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


def test_every_write_route_has_an_access_rule_and_a_sample(env: Env) -> None:
    routes = write_routes(env)
    assert routes, "no write routes found"
    for method, path in routes:
        assert path.startswith(PREFIX), f"write route {method} {path} outside {PREFIX}"
        key = (method, path.removeprefix(PREFIX))
        assert key in ACCESS, f"write route {key} has no access rule in api.participation.ACCESS"
        assert key in SAMPLES, f"write route {key} has no sample request in this test"
    assert set(ACCESS) == {(m, p.removeprefix(PREFIX)) for m, p in routes}


def test_write_routes_refuse_everyone_not_allowed(env: Env) -> None:
    c = env.client
    routes = write_routes(env)
    assert len(routes) == len(ACCESS)
    for method, full in routes:
        key = (method, full.removeprefix(PREFIX))
        rule = ACCESS[key]
        call = SAMPLES[key](env)
        url = full.format(**call.params)
        before = dump(env.db)
        attempts: list[tuple[str, dict[str, str], set[int]]] = []
        if rule != "public":
            attempts.append(("anonymous", {}, {401, 403}))
            forged = {"Authorization": "Bearer forged-" + "x" * 40}
            attempts.append(("forged bearer", forged, {401}))
            attempts.append(("forged resident", {"X-Resident-Token": "f" * 43}, {401, 403}))
        if rule == "resident":
            attempts.append(("staff without resident token", env.bearer("admin"), {401}))
            if {"rating_id", "comment_id", "response_id"} & set(call.params):
                attempts.append(("another resident", env.resident(), {403, 404}))
            before = dump(env.db)
        elif rule != "public":
            attempts.append(("resident", env.resident(), {401, 403}))
            before = dump(env.db)
            allowed = set(STAFF_ROLES) if rule == "staff" else {rule, "admin"}
            for role in STAFF_ROLES:
                if role not in allowed:
                    attempts.append((role, env.bearer(role), {403}))
        for who, headers, expected in attempts:
            r = c.request(method, url, json=call.body, headers=headers)
            assert r.status_code in expected, (key, who, r.status_code, r.text)
            assert dump(env.db) == before, f"{who} changed data through {key}"
        # the allowed caller succeeds with the very same request
        if rule == "resident":
            headers = call.owner
        elif rule == "public":
            headers = {}
        else:
            headers = env.bearer("admin" if rule == "admin" else
                                 ("planner" if rule == "staff" else rule))
        r = c.request(method, url, json=call.body, headers=headers)
        assert 200 <= r.status_code < 300, (key, "allowed caller", r.status_code, r.text)
        if key == ("POST", "/auth/logout"):
            env.login("planner")
        c.cookies.clear()


def test_admin_creates_users_and_roles_are_enforced(env: Env) -> None:
    c = env.client
    r = c.post(env.url("/users"), headers=env.bearer("admin"),
               json={"username": "mod2", "password": "short", "role": "moderator"})
    assert r.status_code == 422 and "password" in r.json()["detail"]
    r = c.post(env.url("/users"), headers=env.bearer("admin"),
               json={"username": "mod2", "password": "another pass phrase", "role": "root"})
    assert r.status_code == 422 and "role" in r.json()["detail"]
    r = c.post(env.url("/users"), headers=env.bearer("admin"),
               json={"username": "planner1", "password": "another pass phrase",
                     "role": "planner"})
    assert r.status_code == 409
    assert c.get(env.url("/auth/me"), headers=env.bearer("moderator")).json()["role"] == \
        "moderator"
    assert c.get(env.url("/moderation/queue"), headers=env.bearer("planner")).status_code == 403
    assert c.get(env.url("/moderation/queue")).status_code == 401
    assert c.get(env.url(f"/field-labs/{env.lab['id']}/export")).status_code == 401
    assert c.get(env.url(f"/field-labs/{env.lab['id']}/export"),
                 headers=env.bearer("moderator")).status_code == 403


def test_the_full_app_mounts_participation_with_its_checks(
        tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once create_app mounts the router: the same rules hold there, with security headers."""
    monkeypatch.setenv("GG_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite'}")
    from groengezond.api import create_app

    app = create_app(tiny_dir)
    routes = sorted((m, path) for path, methods in _walk(app.routes)
                    for m in methods & WRITE_METHODS if str(path).startswith(PREFIX))
    if not routes:
        pytest.skip("create_app does not mount participation_router yet")
    assert {(m, p.removeprefix(PREFIX)) for m, p in routes} == set(ACCESS)
    client = TestClient(app, base_url="https://testserver")
    for method, path in routes:
        if ACCESS[(method, path.removeprefix(PREFIX))] == "public":
            continue
        r = client.request(method, re.sub(r"\{[a-z_]+\}", "1", path), json={})
        assert r.status_code in (401, 403), (method, path, r.status_code)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
