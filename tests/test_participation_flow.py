"""The whole participation flow for planners, residents and moderators, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import participation_support
from groengezond.participation.errors import ConflictError
from groengezond.participation.schemas import RatingIn
from groengezond.participation.service import Participation
from participation_support import (
    PREFIX,
    RATING,
    SURVEY,
    Env,
    comment_body,
    dump,
)

db = participation_support.db  # the fixtures, on both backends
env = participation_support.env


def test_planner_opens_lab_and_publishes(env: Env) -> None:
    c = env.client
    lab = c.get(env.url(f"/field-labs/{env.lab['id']}")).json()
    assert lab["is_open"] is True and lab["survey_year"] == 2026
    assert [s["scenario_id"] for s in lab["scenarios"]] == ["scn-park", "scn-trees"]
    assert lab["geometry"]["type"] == "Polygon"
    lon0, lat0, lon1, lat1 = lab["bbox_wgs84"]
    assert 5.0 < lon0 < lon1 < 5.2 and 52.0 < lat0 < lat1 < 52.2  # RD bbox near Utrecht
    one = c.get(env.url(f"/field-labs/{env.lab['id']}/scenarios/{env.scenarios[0]}")).json()
    assert one["snapshot"]["results"]["green_access_delta"] == 0.12
    again = c.post(env.url(f"/field-labs/{env.lab['id']}/scenarios"),
                   headers=env.bearer("planner"),
                   json={"scenario_id": "scn-park", "name": "x", "snapshot": {}})
    assert again.status_code == 409 and "new scenario_id" in again.json()["detail"]
    survey = c.get(env.url(f"/field-labs/{env.lab['id']}/survey")).json()
    assert [b["code"] for b in survey["buurten"]] == ["BU03440101", "BU03440102", "BU03440103"]
    assert {q["id"] for q in survey["questions"]} >= {"satisfaction", "feels_safe"}
    # withdraw: hidden from the public, no longer rateable
    r = c.delete(env.url(f"/field-labs/{env.lab['id']}/scenarios/{env.scenarios[1]}"),
                 headers=env.bearer("planner"))
    assert r.status_code == 204
    lab = c.get(env.url(f"/field-labs/{env.lab['id']}")).json()
    assert [s["scenario_id"] for s in lab["scenarios"]] == ["scn-park"]
    r = c.post(env.url(f"/field-labs/{env.lab['id']}/scenarios/{env.scenarios[1]}/ratings"),
               json=RATING, headers=env.resident())
    assert r.status_code == 404


def test_lab_with_polygon_and_bad_geometry(env: Env) -> None:
    c, h = env.client, env.bearer("planner")
    square = {"type": "Polygon", "coordinates": [[[140000, 450000], [141000, 450000],
                                                  [141000, 451000], [140000, 450000]]]}
    body = {"name": "Buurt", "area_code": "BU03440101", "geometry_rd": square,
            "opens_on": "2026-01-01", "closes_on": "2026-12-31"}
    assert c.post(env.url("/field-labs"), json=body, headers=h).status_code == 201
    degrees = {**body, "geometry_rd": {"type": "Polygon", "coordinates": [
        [[5.1, 52.0], [5.2, 52.0], [5.2, 52.1], [5.1, 52.0]]]}}
    r = c.post(env.url("/field-labs"), json=degrees, headers=h)
    assert r.status_code == 422 and "geometry_rd" in r.text and "not degrees" in r.text
    both = {**body, "bbox_rd": [1, 2, 3, 4]}
    assert c.post(env.url("/field-labs"), json=both, headers=h).status_code == 422
    backwards = {**body, "opens_on": "2026-12-31", "closes_on": "2026-01-01"}
    r = c.post(env.url("/field-labs"), json=backwards, headers=h)
    assert r.status_code == 422 and "closes_on" in r.json()["detail"]
    # the polygon as the web map gives it (WGS84) is converted to RD New
    wgs = {k: v for k, v in body.items() if k != "geometry_rd"}
    wgs["geometry_wgs84"] = {"type": "Polygon", "coordinates": [
        [[5.10, 52.08], [5.12, 52.08], [5.12, 52.09], [5.10, 52.08]]]}
    r = c.post(env.url("/field-labs"), json=wgs, headers=h)
    assert r.status_code == 201, r.text
    lon0, lat0, lon1, lat1 = r.json()["bbox_wgs84"]
    # (the RD bbox back in degrees: within about 10 m of the drawn one)
    assert (lon0, lat0, lon1, lat1) == pytest.approx((5.10, 52.08, 5.12, 52.09), abs=2e-4)
    rd_too = {**wgs, "geometry_rd": square}
    assert c.post(env.url("/field-labs"), json=rd_too, headers=h).status_code == 422
    metres = {**wgs, "geometry_wgs84": square}
    r = c.post(env.url("/field-labs"), json=metres, headers=h)
    assert r.status_code == 422 and "outside the Netherlands" in r.text


def test_resident_rates_comments_and_answers(env: Env) -> None:
    c, lab, sid = env.client, env.lab["id"], env.scenarios[0]
    me = env.resident()
    key = {"Idempotency-Key": "rating-0001"}
    r = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
               headers={**me, **key})
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    rating = r.json()
    # a retry with the same key is the same rating, not a second one
    r = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
               headers={**me, **key})
    assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
    assert r.json()["id"] == rating["id"]
    # the same key for another submission is refused
    r = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"),
               json={**RATING, "green": 1}, headers={**me, **key})
    assert r.status_code == 409 and "Idempotency-Key" in r.json()["detail"]
    # a second rating (new key) is refused with 409 and points to PUT
    r = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING, headers=me)
    assert r.status_code == 409 and f"PUT /api/participation/ratings/{rating['id']}" in r.text
    r = c.put(env.url(f"/ratings/{rating['id']}"), json={**RATING, "green": 2}, headers=me)
    assert r.status_code == 200 and r.json()["green"] == 2
    r = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, scenario_id=sid),
               headers={**me, "Idempotency-Key": "comment-001"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    r = c.post(env.url(f"/field-labs/{lab}/comments"),
               json=comment_body(env, location={"type": "Point", "coordinates": [4.9, 52.37]}),
               headers=me)
    assert r.status_code == 422 and "location" in r.json()["detail"]
    assert "outside field lab" in r.json()["detail"]
    r = c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=me)
    assert r.status_code == 201
    r = c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=me)
    assert r.status_code == 409
    r = c.post(env.url(f"/field-labs/{lab}/survey-responses"),
               json={**SURVEY, "buurt_code": "BU99999999"}, headers=env.resident())
    assert r.status_code == 422 and "BU03440101" in r.json()["detail"]
    mine = c.get(env.url("/me"), headers=me).json()
    assert len(mine["ratings"]) == 1 and len(mine["comments"]) == 1
    assert mine["survey"]["satisfaction"] == 7


def test_token_sees_and_changes_only_its_own_input(env: Env) -> None:
    c, lab, sid = env.client, env.lab["id"], env.scenarios[0]
    alice, bob = env.resident(), env.resident()
    rating = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
                    headers=alice).json()
    comment = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env),
                     headers=alice).json()
    survey = c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY,
                    headers=alice).json()
    before = dump(env.db)
    for method, path, body in (
        ("PUT", f"/ratings/{rating['id']}", {**RATING, "green": 1}),
        ("DELETE", f"/ratings/{rating['id']}", None),
        ("PUT", f"/comments/{comment['id']}", comment_body(env, "gekaapt")),
        ("DELETE", f"/comments/{comment['id']}", None),
        ("PUT", f"/survey-responses/{survey['id']}", SURVEY),
        ("DELETE", f"/survey-responses/{survey['id']}", None),
    ):
        r = c.request(method, env.url(path), json=body, headers=bob)
        assert r.status_code == 404, (method, path, r.text)
    assert dump(env.db) == before
    bobs = c.get(env.url("/me"), headers=bob).json()
    assert bobs["ratings"] == [] and bobs["comments"] == [] and bobs["survey"] is None
    # alice deletes her own items one by one
    assert c.delete(env.url(f"/ratings/{rating['id']}"), headers=alice).status_code == 204
    assert c.delete(env.url(f"/comments/{comment['id']}"), headers=alice).status_code == 204
    assert c.delete(env.url(f"/survey-responses/{survey['id']}"),
                    headers=alice).status_code == 204
    mine = c.get(env.url("/me"), headers=alice).json()
    assert mine["ratings"] == [] and mine["comments"] == [] and mine["survey"] is None


def test_erasure_removes_everything(env: Env) -> None:
    c, lab, sid = env.client, env.lab["id"], env.scenarios[0]
    me, other = env.resident(), env.resident()
    for who in (me, other):
        c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING, headers=who)
        c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env), headers=who)
        c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=who)
    env.clock.advance(days=90)  # the field lab has closed: erasure still works
    r = c.delete(env.url("/me"), headers=me)
    assert r.status_code == 200
    assert r.json() == {"ratings": 1, "comments": 1, "survey_responses": 1}
    assert c.get(env.url("/me"), headers=me).status_code == 401
    rows = dump(env.db)
    assert len(rows["participation_residents"]) == 1
    assert len(rows["participation_ratings"]) == 1
    assert len(rows["participation_comments"]) == 1
    assert len(rows["participation_survey_responses"]) == 1


def test_closed_period_refuses_writes(env: Env) -> None:
    c, lab, sid = env.client, env.lab["id"], env.scenarios[0]
    me = env.resident()
    rating = c.post(env.url(f"/field-labs/{lab}/scenarios/{sid}/ratings"), json=RATING,
                    headers=me).json()
    env.clock.advance(days=60)  # 2026-08-14: after closes_on 2026-07-31
    before = dump(env.db)
    for r in (
        c.post(env.url(f"/field-labs/{lab}/residents")),
        c.post(env.url(f"/field-labs/{lab}/scenarios/{env.scenarios[1]}/ratings"), json=RATING,
               headers=me),
        c.put(env.url(f"/ratings/{rating['id']}"), json=RATING, headers=me),
        c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env), headers=me),
        c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=me),
    ):
        assert r.status_code == 409, r.text
        assert "closed for input" in r.json()["detail"]
        assert "2026-06-01 to 2026-07-31" in r.json()["detail"]
    assert dump(env.db) == before
    assert c.get(env.url(f"/field-labs/{lab}")).json()["is_open"] is False
    # the planner (session expired meanwhile) extends the period; writes work again
    r = c.patch(env.url(f"/field-labs/{lab}"), json={"closes_on": "2026-09-30"},
                headers=env.bearer("planner"))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    r = c.patch(env.url(f"/field-labs/{lab}"), json={"closes_on": "2026-09-30"},
                headers=env.login("planner"))
    assert r.status_code == 200 and r.json()["is_open"] is True
    r = c.post(env.url(f"/field-labs/{lab}/survey-responses"), json=SURVEY, headers=me)
    assert r.status_code == 201
    r = c.patch(env.url(f"/field-labs/{lab}"), json={"closes_on": "2026-01-01"},
                headers=env.bearer("planner"))
    assert r.status_code == 422 and "closes_on" in r.json()["detail"]


def test_moderation_flow(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    mod = env.bearer("moderator")
    authors = [env.resident() for _ in range(3)]
    ids = [c.post(env.url(f"/field-labs/{lab}/comments"),
                  json=comment_body(env, f"opmerking {i}"), headers=h).json()["id"]
           for i, h in enumerate(authors)]
    public = c.get(env.url(f"/field-labs/{lab}/comments")).json()
    assert public["type"] == "FeatureCollection" and public["features"] == []  # not before
    assert public["numberMatched"] == 0 and public["next"] is None  # moderation
    queue = c.get(env.url("/moderation/queue"), headers=mod).json()
    assert [q["id"] for q in queue] == ids
    assert c.post(env.url(f"/moderation/comments/{ids[0]}/approve"), headers=mod).status_code \
        == 200
    r = c.post(env.url(f"/moderation/comments/{ids[1]}/reject"), headers=mod, json={})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = c.post(env.url(f"/moderation/comments/{ids[1]}/reject"), headers=mod,
               json={"reason": "Bevat een adres"})
    assert r.json()["status"] == "rejected"
    assert c.post(env.url(f"/moderation/comments/{ids[2]}/hide"), headers=mod).json()[
        "status"] == "hidden"
    features = c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"]
    assert [f["id"] for f in features] == [ids[0]]
    assert features[0]["properties"]["text"] == "opmerking 0"
    assert "status" not in features[0]["properties"]
    # the author of the rejected comment sees why
    mine = c.get(env.url("/me"), headers=authors[1]).json()["comments"][0]
    assert mine["status"] == "rejected" and mine["moderation_reason"] == "Bevat een adres"
    # editing sends a comment back to the queue and off the map
    r = c.put(env.url(f"/comments/{ids[0]}"), json=comment_body(env, "aangepast"),
              headers=authors[0])
    assert r.json()["status"] == "pending"
    assert c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"] == []
    assert c.get(env.url("/moderation/queue"), headers=mod).json()[0]["id"] == ids[0]


def test_reports_auto_hide_pending_review(env: Env) -> None:
    c, lab = env.client, env.lab["id"]
    mod = env.bearer("moderator")
    cid = c.post(env.url(f"/field-labs/{lab}/comments"), json=comment_body(env, "grof"),
                 headers=env.resident()).json()["id"]
    c.post(env.url(f"/moderation/comments/{cid}/approve"), headers=mod)
    url = env.url(f"/comments/{cid}/reports")
    assert c.post(url, json={"reason": "abusive"}).status_code == 202
    assert c.post(url, json={"reason": "abusive"}).status_code == 202  # same reporter again
    rows = dump(env.db)
    assert len(rows["participation_comment_reports"]) == 1
    for ip in ("198.51.100.1", "198.51.100.2"):  # two more reporters reach the threshold (3)
        other = c.__class__(c.app, base_url="https://testserver", client=(ip, 1234))
        assert other.post(url, json={"reason": "abusive"}).status_code == 202
    assert c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"] == []
    queue = c.get(env.url("/moderation/queue"), headers=mod).json()
    assert queue[0]["id"] == cid and queue[0]["status"] == "hidden"
    assert queue[0]["report_count"] == 3 and "pending review" in queue[0]["moderation_reason"]
    assert c.post(url, json={"reason": "spam"}).status_code == 404  # not public now
    # the moderator reviews and approves: visible again, reports cleared
    item = c.post(env.url(f"/moderation/comments/{cid}/approve"), headers=mod).json()
    assert item["status"] == "approved" and item["report_count"] == 0
    assert len(c.get(env.url(f"/field-labs/{lab}/comments")).json()["features"]) == 1
    assert c.post(url, json={"reason": "nonsense"}).status_code == 422
    assert PREFIX in url


def test_simultaneous_duplicates_store_one_rating(env: Env) -> None:
    svc = Participation(env.db, env.settings, env.clock)
    lab, sid = env.lab["id"], env.scenarios[0]
    token = svc.new_resident(lab).token
    with ThreadPoolExecutor(8) as pool:  # the same submission retried at the same moment
        same = [pool.submit(svc.rate, token, lab, sid, RatingIn(**RATING), "same-key-01")
                for _ in range(8)]
        results = [f.result() for f in same]
    assert len({r.body.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    other = svc.new_resident(lab).token
    with ThreadPoolExecutor(8) as pool:  # different keys: one wins, the others are told 409
        futures = [pool.submit(svc.rate, other, lab, sid, RatingIn(**RATING), f"key-{i:04d}")
                   for i in range(8)]
    outcomes = []
    for f in futures:
        try:
            outcomes.append(f.result().replayed)
        except ConflictError:
            outcomes.append(None)
    assert outcomes.count(False) == 1 and outcomes.count(None) == 7
    assert len(dump(env.db)["participation_ratings"]) == 2
