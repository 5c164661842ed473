"""Issue 15 review findings: no FastAPI lifespan (the database engine was never closed), one
logger for the whole package, and no way to follow one request through the logs. Replayed:
the lifespan opens and closes what the app holds and logs warm-up errors; every line is JSON
with the request id, for requests, Planner runs and participation writes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from groengezond.logs import JsonLines, _with_request_id
from groengezond.region.model import Region

from .conftest import scenario


@pytest.fixture()
def lines() -> Iterator[io.StringIO]:
    """Capture the package's log as JSON lines (what ``configure_logging`` sets up)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines())
    handler.addFilter(_with_request_id)
    root = logging.getLogger("groengezond")
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(old)


def _records(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_every_line_is_json_with_the_request_id(app: FastAPI, region: Region,
                                                lines: io.StringIO) -> None:
    c = TestClient(app)
    r = c.post("/api/scenarios/run", json=scenario(region),
               headers={"X-Request-ID": "planner-req-0001"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "planner-req-0001"
    recs = [x for x in _records(lines) if x["request_id"] == "planner-req-0001"]
    events = {x.get("event") for x in recs}
    assert {"request", "planner_run"} <= events
    run = next(x for x in recs if x.get("event") == "planner_run")
    assert run["outcome"] == "ok" and run["duration_ms"] > 0
    assert {x["logger"] for x in recs} >= {"groengezond.api.requests",
                                          "groengezond.api.scenarios"}  # a logger per module


def test_participation_writes_are_logged_with_their_request(lines: io.StringIO,
                                                            tmp_path: Path) -> None:
    import participation_support
    from groengezond.participation.db import Database

    db = Database.from_url(f"sqlite:///{tmp_path / 'p.sqlite'}")
    e = participation_support.make_env(db)
    me = e.resident()
    r = e.client.post(e.url(f"/field-labs/{e.lab['id']}/comments"),
                      json=participation_support.comment_body(e), headers={
                          **me, "X-Request-ID": "comment-req-0001"})
    assert r.status_code == 201
    recs = [x for x in _records(lines) if x["request_id"] == "comment-req-0001"]
    write = next(x for x in recs if x.get("event") == "participation_write")
    assert write["what"] == "comment" and write["logger"] == "groengezond.participation.service"
    assert "Oosterweg" not in lines.getvalue()  # what residents write is never logged


def test_lifespan_closes_what_the_app_holds_and_logs_warm_up_errors(
        app: FastAPI, lines: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    disposed: list[bool] = []
    db = app.state.participation_db
    monkeypatch.setattr(db.engine, "dispose", lambda *a, **k: disposed.append(True))

    def broken_warm_up() -> None:
        raise RuntimeError("monitor tables broke")

    monkeypatch.setattr(app.state, "warm_up", broken_warm_up)
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200  # it starts all the same
    recs = _records(lines)
    failed = next(x for x in recs if x.get("event") == "warm_up_failed")
    assert "monitor tables broke" in failed["exc"]
    assert disposed == [True] and app.state.planner_pool._closed
    assert {"startup", "shutdown"} <= {x.get("event") for x in recs}
