"""The municipality's official reply under a comment, and the plan a queued comment is about
(issue 16), on both backends."""

from __future__ import annotations

import participation_support
from participation_support import Env, comment_body

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def _pin(env: Env, text: str, scenario: int | None = None) -> tuple[int, dict[str, str]]:
    author = env.resident()
    body = comment_body(env, text, scenario_id=scenario)
    r = env.client.post(env.url(f"/field-labs/{env.lab['id']}/comments"), json=body,
                        headers=author)
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), author


def test_queue_names_the_plan_a_comment_is_about(env: Env) -> None:
    c, mod = env.client, env.bearer("moderator")
    about, _ = _pin(env, "Mooi plan", env.scenarios[1])
    general, _ = _pin(env, "Algemeen")
    queue = {q["id"]: q for q in c.get(env.url("/moderation/queue"), headers=mod).json()}
    assert queue[about]["scenario_id"] == env.scenarios[1]
    assert queue[about]["scenario_name"] == "Bomenlaan"
    assert queue[about]["scenario_withdrawn"] is False
    assert queue[general]["scenario_name"] is None
    # a withdrawn plan is still named, and marked as withdrawn
    r = c.delete(env.url(f"/field-labs/{env.lab['id']}/scenarios/{env.scenarios[1]}"),
                 headers=env.bearer("planner"))
    assert r.status_code == 204
    r = c.post(env.url(f"/moderation/comments/{about}/approve"), headers=mod)
    assert r.json()["scenario_name"] == "Bomenlaan" and r.json()["scenario_withdrawn"] is True


def test_official_reply_shows_under_the_comment(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    cid, author = _pin(env, "Komt er een bankje?")
    # staff only: residents and anonymous callers are refused, nothing is stored
    r = c.put(env.url(f"/comments/{cid}/reply"), json={"text": "Ja"}, headers=author)
    assert r.status_code == 401
    r = c.put(env.url(f"/comments/{cid}/reply"), json={"text": ""},
              headers=env.bearer("planner"))
    assert r.status_code == 422 and "text" in r.json()["detail"]
    r = c.put(env.url(f"/comments/{cid}/reply"), json={"text": "Ja, in het voorjaar."},
              headers=env.bearer("planner"))
    assert r.status_code == 200, r.text
    assert r.json()["comment_id"] == cid and r.json()["text"] == "Ja, in het voorjaar."
    # the author sees it at once, the public once the comment is approved
    mine = c.get(env.url("/me"), headers=author).json()["comments"][0]
    assert mine["reply"]["text"] == "Ja, in het voorjaar."
    assert c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"] == []
    c.post(env.url(f"/moderation/comments/{cid}/approve"), headers=env.bearer("moderator"))
    (f,) = c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"]
    assert f["properties"]["reply"]["text"] == "Ja, in het voorjaar."
    # a moderator may change it; the same reply row is updated
    r = c.put(env.url(f"/comments/{cid}/reply"), json={"text": "Ja, in maart."},
              headers=env.bearer("moderator"))
    assert r.json()["text"] == "Ja, in maart."
    (f,) = c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"]
    assert f["properties"]["reply"]["text"] == "Ja, in maart."
    # withdrawn: gone everywhere; a second withdrawal is 404
    assert c.delete(env.url(f"/comments/{cid}/reply"),
                    headers=env.bearer("planner")).status_code == 204
    (f,) = c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"]
    assert f["properties"]["reply"] is None
    assert c.delete(env.url(f"/comments/{cid}/reply"),
                    headers=env.bearer("planner")).status_code == 404
    assert c.put(env.url("/comments/999999/reply"), json={"text": "x"},
                 headers=env.bearer("planner")).status_code == 404


def test_editing_a_comment_drops_the_reply_and_erasure_removes_it(env: Env) -> None:
    c = env.client
    cid, author = _pin(env, "Te weinig licht")
    c.put(env.url(f"/comments/{cid}/reply"), json={"text": "We kijken ernaar."},
          headers=env.bearer("planner"))
    r = c.put(env.url(f"/comments/{cid}"), json=comment_body(env, "Te weinig licht 's avonds"),
              headers=author)
    assert r.status_code == 200 and r.json()["reply"] is None  # it answered the old text
    c.put(env.url(f"/comments/{cid}/reply"), json={"text": "Lampen komen."},
          headers=env.bearer("planner"))
    assert c.delete(env.url("/me"), headers=author).status_code == 200
    assert participation_support.dump(env.db)["participation_comment_replies"] == []
