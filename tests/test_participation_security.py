"""Attacks on the participation API: every attempt is refused and nothing is stored that
should not be (stored XSS, SQL injection, oversized bodies, forged tokens, CSRF, brute force
on login, control characters, rate limits, security headers)."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

import participation_support
from groengezond.participation.config import RateLimit
from groengezond.participation.db import Database
from groengezond.participation.errors import TooManyRequestsError
from groengezond.participation.export import export_field_lab
from groengezond.participation.schemas import clean_text
from groengezond.participation.security import Passwords, RateLimiter, hash_token
from participation_support import (
    PASSWORD,
    RATING,
    SURVEY,
    Env,
    comment_body,
    dump,
    fast_settings,
    make_env,
)

XSS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>',
       '"><svg/onload=alert(1)>', "javascript:alert(document.cookie)",
       "</textarea><iframe src=//evil.example>"]
SQLI = ["'; DROP TABLE participation_comments; --", "1 OR 1=1", "' OR '1'='1",
        "Robert'); DELETE FROM participation_users;--", "admin'--"]

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def test_stored_xss_is_stored_raw_and_never_served_as_html(env: Env, tmp_path: Path) -> None:
    c, lab = env.client, env.lab["id"]
    me = env.resident()
    ids = []
    for payload in XSS:
        r = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, payload),
                   headers=me)
        assert r.status_code == 201
        assert b"<" not in r.content and b">" not in r.content  # escaped as \u003c
        assert json.loads(r.content)["text"] == payload  # but the same text for a client
        ids.append(r.json()["id"])
        assert r.headers["content-type"].startswith("application/json")
        assert r.headers["x-content-type-options"] == "nosniff"
    for cid in ids:
        c.post(env.url(f"/moderation/comments/{cid}/approve"), headers=env.bearer("moderator"))
    public = c.get(env.url(f"/field-labs/{lab}/comments"))
    assert b"<script" not in public.content and b"<img" not in public.content
    assert [f["properties"]["text"] for f in public.json()["features"]] == XSS
    stored = [row[5] for row in dump(env.db)["participation_comments"]]
    assert sorted(stored) == sorted(XSS)  # stored raw, escaped on output
    page = export_field_lab(env.db, lab, tmp_path / "results.html").read_text()
    assert "<script" not in page and "<img" not in page and "<svg" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_sql_injection_strings_are_data_not_code(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    me = env.resident()
    for s in SQLI:
        r = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, s), headers=me)
        assert r.status_code == 201
        r = c.post(env.url("/auth/login"), json={"username": s, "password": s})
        assert r.status_code == 401
        assert c.get(env.url(f"/field-labs/{s}")).status_code == 422  # not an id
        assert c.get(env.url("/moderation/queue"), params={"field_lab_id": s},
                     headers=env.bearer("moderator")).status_code == 422
        r = c.post(env.url(f"/field-labs/{lab}/survey-responses"),
                   json={**SURVEY, "buurt_code": s}, headers=env.resident())
        assert r.status_code == 422
    rows = dump(env.db)
    assert len(rows["participation_users"]) == 3
    assert sorted(r[5] for r in rows["participation_comments"]) == sorted(SQLI)
    assert rows["participation_survey_responses"] == []


def test_oversized_bodies_are_refused_with_413(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    me = env.resident()
    before = dump(env.db)
    huge = comment_body(env, "x" * 2_000_000)
    r = c.post(env.url(f"/field-labs/{lab}/comments"), json=huge, headers=me)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]

    def chunks() -> object:  # no Content-Length: counted while it streams
        yield b'{"category": "idea", "text": "'
        for _ in range(100):
            yield b"y" * 10_000
        yield b'"}'

    r = c.post(env.url(f"/field-labs/{lab}/comments"), content=chunks(),  # type: ignore[arg-type]
               headers={**me, "content-type": "application/json"})
    assert r.status_code == 413
    r = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, "z" * 2001),
               headers=me)
    assert r.status_code == 422 and "at most 2000 characters" in r.json()["detail"]
    assert "zzzz" not in r.text  # the input is never echoed
    assert dump(env.db) == before


def test_forged_and_erased_tokens_are_refused(env: Env) -> None:
    c, lab, sid = env.client, env.lab["id"], env.scenarios[0]
    before = dump(env.db)
    for headers in ({"X-Resident-Token": "A" * 43}, {"X-Resident-Token": ""},
                    {"X-Resident-Token": "x" * 129}):
        r = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
                   headers=headers)
        assert r.status_code in (401, 422), r.text
    # a planner's token is not a resident token, and the stored hash is not a token
    c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
           headers={"X-Resident-Token": env.staff["planner"]})
    assert dump(env.db) == before
    me = env.resident()
    stored_hash = dump(env.db)["participation_residents"][0][2]
    assert stored_hash == hash_token(me["X-Resident-Token"])
    assert c.get(env.url("/me"), headers={"X-Resident-Token": stored_hash}).status_code == 401
    for auth in ("Bearer " + "k" * 43, "Basic cGxhbm5lcjE6eA==", "Bearer",
                 "Bearer " + hash_token(env.staff["planner"])):
        r = c.post(env.url("/field-labs"), json={"name": "x"}, headers={"Authorization": auth})
        assert r.status_code == 401, auth
    other_lab = c.post(env.url("/field-labs"), headers=env.bearer("planner"),
                       json={"name": "Ander", "area_code": "WK034402",
                             "bbox_rd": [120000, 440000, 121000, 441000],
                             "opens_on": "2026-01-01", "closes_on": "2026-12-31"}).json()
    r = c.post(env.url(f"/field-labs/{other_lab['id']}/comments"), json=comment_body(env),
               headers=me)
    assert r.status_code == 403 and "belongs to field lab" in r.json()["detail"]


def test_cookie_writes_need_the_csrf_token(env: Env) -> None:
    c = env.client
    r = c.post(env.url("/auth/login"), json={"username": "planner1", "password": PASSWORD})
    csrf = r.json()["csrf_token"]
    assert "__Host-gg_session" in c.cookies and "__Host-gg_csrf" in c.cookies
    set_cookie = r.headers.get_list("set-cookie")
    assert any("HttpOnly" in h and "SameSite=strict" in h and "Secure" in h
               for h in set_cookie if h.startswith("__Host-gg_session"))
    lab = env.lab["id"]
    before = dump(env.db)
    body = {"closes_on": "2026-12-31"}
    assert c.patch(env.url(f"/field-labs/{lab}"), json=body).status_code == 403
    r = c.patch(env.url(f"/field-labs/{lab}"), json=body, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    # a CSRF cookie planted by another site does not help: it must be the session's token
    c.cookies.set("__Host-gg_csrf", "planted", domain="testserver.local")
    r = c.patch(env.url(f"/field-labs/{lab}"), json=body, headers={"X-CSRF-Token": "planted"})
    assert r.status_code == 403
    assert dump(env.db) == before
    c.cookies.set("__Host-gg_csrf", csrf, domain="testserver.local")
    assert c.get(env.url("/auth/me")).status_code == 200  # reads need no CSRF token
    r = c.patch(env.url(f"/field-labs/{lab}"), json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    r = c.post(env.url("/auth/logout"), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    # the cookies are cleared with Secure, or a browser would ignore it for __Host- names
    cleared = r.headers.get_list("set-cookie")
    assert len(cleared) == 2 and all("Max-Age=0" in h and "Secure" in h and "Path=/" in h
                                     for h in cleared)
    c.cookies.set("__Host-gg_csrf", csrf, domain="testserver.local")
    assert c.get(env.url("/auth/me")).status_code == 401


@pytest.fixture()
def now(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A settable clock for the rate limits (the ``limits`` memory storage and ours)."""
    import limits.storage.memory

    import groengezond.participation.security as security

    t = [1_000_000.0]
    fake = types.SimpleNamespace(time=lambda: t[0])
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(security, "time", fake)
    return t


def test_login_brute_force_is_rate_limited(db: Database, now: list[float]) -> None:
    env = make_env(db, fast_settings(login_limit=RateLimit(per_minute=5, burst=5)), RateLimiter())
    c = env.client
    c.cookies.clear()
    before = len(dump(db)["participation_sessions"])
    codes = [c.post(env.url("/auth/login"), json={"username": "admin1",
                                                   "password": f"guess{i}"}).status_code
             for i in range(12)]
    assert codes[:2] == [401, 401] and set(codes[2:]) == {429}  # 3 logins of make_env count
    r = c.post(env.url("/auth/login"), json={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1  # even the right one
    assert len(dump(db)["participation_sessions"]) == before  # no session was made
    now[0] += 61  # a minute later the window has passed; this client's own 2 failures cost
    r = c.post(env.url("/auth/login"), json={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 200


def test_failed_logins_never_lock_out_the_real_user(db: Database, now: list[float]) -> None:
    env = make_env(db, fast_settings(), RateLimiter(free_login_failures=3))
    for i in range(3):  # strangers, from three addresses, guess many times each
        other = env.client.__class__(env.client.app, base_url="https://testserver",
                                     client=(f"192.0.2.{i}", 1000))
        codes = [other.post(env.url("/auth/login"), json={"username": "moderator1",
                                                           "password": "nope"}).status_code
                 for _ in range(6)]
        assert codes[:4] == [401] * 4 and codes[4] == 429  # the 4th failure adds a wait
    r = env.client.post(env.url("/auth/login"), json={"username": "moderator1",
                                                      "password": PASSWORD})
    assert r.status_code == 200  # the real user, from their own address, gets in


def test_failed_logins_add_a_growing_wait(db: Database, now: list[float]) -> None:
    env = make_env(db, fast_settings(), RateLimiter(free_login_failures=2))
    c = env.client
    waits = []
    for _ in range(4):
        r = c.post(env.url("/auth/login"), json={"username": "planner1", "password": "x"})
        assert r.status_code == 401
        r = c.post(env.url("/auth/login"), json={"username": "planner1", "password": "x"})
        if r.status_code == 429:
            waits.append(int(r.headers["retry-after"]))
            now[0] += waits[-1]
    assert waits == sorted(waits) and waits[-1] > waits[0]  # 2, 4, 8 ... s
    assert c.post(env.url("/auth/login"), json={"username": "planner1",
                                                "password": PASSWORD}).status_code == 200


def test_resident_writes_are_rate_limited(db: Database, now: list[float]) -> None:
    env = make_env(db, fast_settings(write_limit=RateLimit(per_minute=60, burst=3)),
                   RateLimiter())
    c, lab = env.client, env.lab["id"]
    me = env.resident()
    codes = [c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, f"c{i}"),
                    headers=me).status_code for i in range(5)]
    assert codes.count(201) <= 3 and codes[-1] == 429
    assert len(dump(db)["participation_comments"]) == codes.count(201)
    now[0] += 3.5
    assert c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, "later"),
                  headers=me).status_code == 201


@pytest.mark.parametrize("bad", ["nul\x00byte", "bell\x07", "esc\x1b[31mred", "c1\x85",
                                 "bidi \u202eevil\u202c", "isolate \u2066x\u2069", "   ",
                                 "line\u2028sep"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"control character|empty"):
        clean_text(bad)


def test_text_is_normalised_not_escaped() -> None:
    assert clean_text("  Café\r\nregel 2\t! <b>  ") == "Café\nregel 2\t! <b>"
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    with pytest.raises(ValueError):
        clean_text("twee\nregels", multiline=False)


def test_control_characters_never_stored(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    me = env.resident()
    before = dump(env.db)
    r = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, "a\u202eb"),
               headers=me)
    assert r.status_code == 422 and "U+202E" in r.json()["detail"]
    assert r.json()["problems"][0]["field"] == "text"
    assert dump(env.db) == before


def test_security_headers_everywhere(env: Env) -> None:
    for path in ("/health", env.url("/field-labs"), "/nonexistent"):
        h = env.client.get(path).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "script-src 'self'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
    assert env.client.get(env.url("/field-labs")).headers["cache-control"] == "no-store"
    assert "cdn.jsdelivr.net" not in env.client.get("/docs").headers["content-security-policy"]


def test_passwords_are_argon2_and_never_returned(env: Env) -> None:
    users = dump(env.db)["participation_users"]
    assert all(u[2].startswith("$argon2id$") for u in users)
    assert PASSWORD not in json.dumps([list(map(str, u)) for u in users])
    pw = Passwords(env.settings)
    assert pw.verify(users[0][2], PASSWORD) and not pw.verify(users[0][2], PASSWORD + "x")
    assert not pw.verify("not a hash", PASSWORD)


def test_rate_limiter_window(now: list[float]) -> None:
    lim = RateLimiter()
    rate = RateLimit(per_minute=6, burst=2)  # 2 per 20 s
    lim.take("b", "k", rate, "things")
    lim.take("b", "k", rate, "things")
    with pytest.raises(TooManyRequestsError, match="wait 20 s") as exc:
        lim.take("b", "k", rate, "things")
    assert exc.value.headers["Retry-After"] == "20"
    lim.take("b", "other", rate, "things")  # keys are independent
    now[0] += 20.5
    lim.take("b", "k", rate, "things")
    assert RateLimiter(enabled=False).exhausted("b", "k", rate) is False


def test_database_down_answers_503_retryable() -> None:
    from fastapi.testclient import TestClient

    from groengezond.api.participation import participation_app

    down = Database.from_url("postgresql+psycopg://nobody:x@127.0.0.1:1/none", migrate=False)
    client = TestClient(participation_app(down, fast_settings()), base_url="https://testserver")
    r = client.post("/api/participation/field-labs/1/comments", json={"category": "idea"},
                    headers={"X-Resident-Token": "t" * 43})
    assert r.status_code in (422, 503)  # body invalid: validation may answer first
    r = client.get("/api/participation/field-labs")
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert "retry" in r.json()["detail"]
    down.dispose()
