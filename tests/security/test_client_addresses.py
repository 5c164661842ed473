"""Issue 15, finding 3 (Medium) and the limiter review findings: per-address limits trusted a
client-set ``X-Forwarded-For``; one token stored 1,000 comments; one client hid an approved
comment with 3 reports; strangers could lock a staff account; the limiter's purge judged
every bucket by one limit; its state was per process. Each replayed."""

from __future__ import annotations

import json
import threading
import time
import types
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import uvicorn

import participation_support
from groengezond.api.participation import participation_app
from groengezond.api.testing import free_port
from groengezond.cli.app import uvicorn_options
from groengezond.participation.config import RateLimit
from groengezond.participation.db import Database
from groengezond.participation.errors import TooManyRequestsError
from groengezond.participation.security import RateLimiter
from participation_support import PASSWORD, Env, comment_body, fast_settings, make_env

db = participation_support.db
env = participation_support.env


@pytest.fixture()
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    import limits.storage.memory

    import groengezond.participation.security as security

    t = [2_000_000.0]
    fake = types.SimpleNamespace(time=lambda: t[0])
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(security, "time", fake)
    return t


def test_serve_ignores_x_forwarded_for_unless_proxies_are_named() -> None:
    assert uvicorn_options("", 5)["proxy_headers"] is False
    named = uvicorn_options("10.0.0.1, 10.0.0.2", 5)
    assert named["proxy_headers"] is True and named["forwarded_allow_ips"] == "10.0.0.1,10.0.0.2"


def _post(url: str, body: dict[str, str], forwarded: str) -> int:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "content-type": "application/json", "x-forwarded-for": forwarded})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_login_limit_holds_against_a_new_x_forwarded_for_per_request(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path / 'p.sqlite'}")
    app = participation_app(database, fast_settings(login_limit=RateLimit(per_minute=5,
                                                                           burst=5)))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", **uvicorn_options("", 5)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/api/participation/auth/login"
        codes = [_post(url, {"username": f"user{i}", "password": "guess"}, f"198.51.100.{i}")
                 for i in range(8)]
    finally:
        server.should_exit = True
        thread.join(10)
    assert codes[:5] == [401] * 5 and codes[5:] == [429] * 3  # one client, whatever it says


def test_comments_are_capped_per_resident_token(db: Database) -> None:
    e = make_env(db, fast_settings(comments_per_resident=5))
    me = e.resident()
    lab = e.lab["id"]
    codes = [e.client.post(e.url(f"/field-labs/{lab}/comments"),
                           json=comment_body(e, f"nummer {i}"), headers=me).status_code
             for i in range(12)]
    assert codes.count(201) == 5 and set(codes[5:]) == {409}
    assert len(e.client.get(e.url("/me"), headers=me).json()["comments"]) == 5


def test_public_comment_list_is_paginated(env: Env) -> None:
    lab = env.lab["id"]
    mod = env.bearer("moderator")
    for i in range(7):
        cid = env.client.post(env.url(f"/field-labs/{lab}/comments"),
                              json=comment_body(env, f"c{i}"), headers=env.resident()).json()["id"]
        env.client.post(env.url(f"/moderation/comments/{cid}/approve"), headers=mod)
    page = env.client.get(env.url(f"/field-labs/{lab}/comments?limit=3&offset=3")).json()
    assert page["numberMatched"] == 7 and page["numberReturned"] == 3 and page["next"] == 6
    assert env.client.get(env.url(f"/field-labs/{lab}/comments?limit=100000")).status_code == 422


def _approved_comment(e: Env) -> int:
    lab = e.lab["id"]
    cid = int(e.client.post(e.url(f"/field-labs/{lab}/comments"), json=comment_body(e),
                            headers=e.resident()).json()["id"])
    e.client.post(e.url(f"/moderation/comments/{cid}/approve"), headers=e.bearer("moderator"))
    return cid


def _visible(e: Env, cid: int) -> bool:
    page = e.client.get(e.url(f"/field-labs/{e.lab['id']}/comments")).json()
    return cid in [f["id"] for f in page["features"]]


def test_one_client_cannot_hide_a_comment_with_many_tokens(env: Env) -> None:
    cid = _approved_comment(env)
    for _ in range(3):  # three tokens, one address
        r = env.client.post(env.url(f"/comments/{cid}/reports"), json={"reason": "abusive"},
                            headers=env.resident())
        assert r.status_code == 202
    assert _visible(env, cid)


def test_one_token_from_many_addresses_counts_once(env: Env) -> None:
    cid = _approved_comment(env)
    me = env.resident()
    for i in range(3):
        other = env.client.__class__(env.client.app, base_url="https://testserver",
                                     client=(f"192.0.2.{i}", 1000))
        assert other.post(env.url(f"/comments/{cid}/reports"), json={"reason": "spam"},
                          headers=me).status_code == 202
    assert _visible(env, cid)


def test_reports_of_distinct_reporters_hide_pending_moderation(env: Env) -> None:
    cid = _approved_comment(env)
    for i in range(3):
        other = env.client.__class__(env.client.app, base_url="https://testserver",
                                     client=(f"192.0.2.{i}", 1000))
        other.post(env.url(f"/comments/{cid}/reports"), json={"reason": "abusive"})
    assert not _visible(env, cid)
    queue = env.client.get(env.url("/moderation/queue"), headers=env.bearer("moderator")).json()
    assert [q["status"] for q in queue if q["id"] == cid] == ["hidden"]


def test_strangers_cannot_lock_a_staff_member_out(db: Database, now: list[float]) -> None:
    e = make_env(db, fast_settings(), RateLimiter())
    for i in range(20):
        stranger = e.client.__class__(e.client.app, base_url="https://testserver",
                                      client=(f"198.51.100.{i}", 1000))
        for _ in range(5):
            stranger.post(e.url("/auth/login"), json={"username": "admin1", "password": "x"})
    r = e.client.post(e.url("/auth/login"), json={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 200


def test_each_limit_keeps_its_own_window(now: list[float]) -> None:
    lim = RateLimiter()
    lockout = RateLimit(per_minute=0.5, burst=2)  # 2 per 4 minutes
    short = RateLimit(per_minute=60, burst=1)  # 1 per second
    lim.take("login", "victim", lockout, "logins")
    lim.take("login", "victim", lockout, "logins")
    for i in range(2_000):  # many keys of a short bucket, as the old purge was triggered by
        lim.take("write", f"k{i}", short, "writes")
    now[0] += 31  # the old purge forgot the lockout after 30 s once it had many keys
    with pytest.raises(TooManyRequestsError):
        lim.take("login", "victim", lockout, "logins")


def test_limiter_state_is_shared_by_every_app_that_uses_it(env: Env) -> None:
    from fastapi.testclient import TestClient

    shared = RateLimiter()
    cfg = fast_settings(write_limit=RateLimit(per_minute=60, burst=2))
    workers = [TestClient(participation_app(env.db, cfg, env.clock, shared),
                          base_url="https://testserver", client=("203.0.113.9", 1))
               for _ in range(2)]
    me = env.resident()
    url = env.url(f"/field-labs/{env.lab['id']}/comments")
    codes = [workers[i % 2].post(url, json=comment_body(env, f"t{i}"), headers=me).status_code
             for i in range(4)]
    assert codes == [201, 201, 429, 429]  # two "workers", one limit
    try:
        import redis  # noqa: F401
    except ImportError:
        return
    # the URI of a storage shared across servers is accepted (no server needed to build it)
    assert RateLimiter(storage_uri="redis://127.0.0.1:1/0").storage is not None
