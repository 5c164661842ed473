"""Issue 15, finding 6 (Medium) and Low findings about errors and requests: large ids gave
unhandled 500s without security headers; errors reached HTTP three ways; the Host header was
reflected into links; /docs loaded Swagger UI from a CDN; incomplete requests never timed
out; a snapshot nested 900 levels was stored and then answered 500 for good; Unicode
normalisation ran after the length check; a rating of a withdrawn scenario could change."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import exc as sa_exc

import participation_support
from groengezond.api.problems import error_response
from groengezond.api.security import BodySizeLimit
from groengezond.cli.app import uvicorn_options
from participation_support import RATING, Env, dump

from .conftest import assert_problem, run_async

db = participation_support.db
env = participation_support.env


@pytest.mark.parametrize("big", [2**31, 2**63, 2**70])
def test_large_ids_answer_422_not_500(env: Env, big: int) -> None:
    c = env.client
    for r in (c.get(env.url(f"/field-labs/{big}")),
              c.get(env.url(f"/field-labs/{env.lab['id']}/scenarios/{big}")),
              c.get(env.url(f"/field-labs/{big}/results")),
              c.put(env.url(f"/ratings/{big}"), json=RATING, headers=env.resident()),
              c.get(env.url(f"/moderation/queue?offset={big}"), headers=env.bearer("moderator")),
              c.get(env.url(f"/field-labs/{env.lab['id']}/comments?offset={big}"))):
        body = assert_problem(r, 422)
        assert str(big) not in body["detail"]  # the value sent is not echoed


def test_database_data_errors_map_to_422() -> None:
    answer = error_response(sa_exc.DataError("stmt", {}, Exception("out of range")))
    assert answer is not None and answer.status_code == 422
    assert json.loads(answer.body)["title"] == HTTPStatus(422).phrase


def test_unexpected_errors_answer_a_problem_with_security_headers(env: Env,
                                                                  caplog: Any) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    env.client.app.add_api_route("/boom", boom)
    r = env.client.get("/boom", headers={"X-Request-ID": "trace-me-12345"})
    body = assert_problem(r, 500)
    assert "secret internals" not in r.text
    assert body["request_id"] == "trace-me-12345" == r.headers["x-request-id"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert any(getattr(rec, "request_id", None) == "trace-me-12345" and rec.exc_info
               for rec in caplog.records)  # logged once, with its traceback and request id


def test_every_error_is_a_problem_document(env: Env) -> None:
    c = env.client
    assert_problem(c.get("/no/such/path"), 404)
    assert_problem(c.put(env.url("/field-labs")), 405)
    assert_problem(c.post(env.url("/auth/logout")), 401)
    assert_problem(c.post(env.url("/field-labs"), json={"name": 3},
                          headers=env.bearer("planner")), 422)
    assert_problem(c.post(env.url("/field-labs"), content=b"x" * 700_000,
                          headers={"content-type": "application/json"}), 413)


def test_validation_errors_do_not_echo_the_input(env: Env) -> None:
    r = env.client.get(env.url("/field-labs/<script>alert(1)"))
    body = assert_problem(r, 422)
    assert "<script>" not in r.text and "alert" not in body["detail"]


def test_snapshot_nested_900_levels_is_refused(env: Env) -> None:
    before = dump(env.db)
    deep: Any = {}
    for _ in range(900):
        deep = {"a": deep}
    r = env.client.post(env.url(f"/field-labs/{env.lab['id']}/scenarios"),
                        headers={**env.bearer("planner"), "content-type": "application/json"},
                        content=json.dumps({"scenario_id": "deep", "name": "Diep",
                                            "snapshot": deep}))
    assert_problem(r, 422)
    assert dump(env.db) == before


def test_unicode_is_normalised_before_the_length_check(env: Env) -> None:
    # U+0958 becomes two characters under NFC: 150 of them are 300 stored characters
    r = env.client.post(env.url("/field-labs"), headers=env.bearer("planner"),
                        json={**participation_support.lab_body(), "name": "\u0958" * 150})
    body = assert_problem(r, 422)
    assert body["problems"][0]["field"] == "name"


def test_rating_of_a_withdrawn_scenario_cannot_change(env: Env) -> None:
    me = env.resident()
    lab, sc = env.lab["id"], env.scenarios[0]
    rid = env.client.post(env.url(f"/field-labs/{lab}/scenarios/{sc}/ratings"), json=RATING,
                          headers=me).json()["id"]
    assert env.client.delete(env.url(f"/field-labs/{lab}/scenarios/{sc}"),
                             headers=env.bearer("planner")).status_code == 204
    r = env.client.put(env.url(f"/ratings/{rid}"), json={**RATING, "green": 1}, headers=me)
    assert_problem(r, 409)
    assert env.client.delete(env.url(f"/ratings/{rid}"), headers=me).status_code == 204


def test_host_header_is_not_reflected_into_links(client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    evil = {"host": "evil.example"}
    tiles = client.get("/api/tiles.json", headers=evil).json()["tiles"][0]
    landing = client.get("/ogc", headers=evil).json()["links"]
    assert "evil" not in tiles and all("evil" not in link["href"] for link in landing)
    monkeypatch.setenv("GG_PUBLIC_URL", "https://groen.example.nl/")
    tiles = client.get("/api/tiles.json", headers=evil).json()["tiles"][0]
    assert tiles.startswith("https://groen.example.nl/api/tiles/")


def test_docs_come_from_our_own_origin(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "cdn" not in r.text.lower()
    assert "cdn" not in r.headers["content-security-policy"]
    assert "script-src 'self';" in r.headers["content-security-policy"]
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/init.js").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_docs_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, env: Env) -> None:
    from groengezond.api.participation import participation_app

    monkeypatch.setenv("GG_API_DOCS", "false")
    c = TestClient(participation_app(env.db, env.settings))
    assert c.get("/docs").status_code == 404 and c.get("/openapi.json").status_code == 200


def test_incomplete_request_bodies_time_out() -> None:
    sent: list[dict[str, Any]] = []
    reached = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    async def receive() -> dict[str, Any]:
        if not sent and not hasattr(receive, "once"):
            receive.once = True  # type: ignore[attr-defined]
            return {"type": "http.request", "body": b'{"a":', "more_body": True}
        await anyio.sleep(3600)  # the rest never comes
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/x",
             "headers": [(b"content-type", b"application/json")]}
    guard = BodySizeLimit(app, default=1000, by_prefix={}, body_timeout_s=0.2)
    run_async(guard, scope, receive, send)
    assert sent[0]["status"] == 408 and not reached
    assert uvicorn_options("", 5)["timeout_keep_alive"] == 5  # idle connections close too
