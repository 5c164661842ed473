"""Engine messages are keys with parameters; the web app words every key in Dutch and English.

The scenario engine's notes (``ScenarioResult.messages``) and refusals (``Problem.key`` and
``Problem.params``) carry keys of :mod:`groengezond.messages`. The web app words them from
``web/src/strings-nl.ts`` and ``strings-en.ts`` (``msg.<key>`` and ``refuse.<key>``); a key
without its wording would show the English fallback, or a generic notice, in the Dutch app.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from groengezond.api.problems import problem_body
from groengezond.errors import InputError, Problem
from groengezond.messages import (
    MESSAGE_KEYS,
    REFUSAL_KEYS,
    Message,
    message,
    texts,
    worded,
    words,
)
from groengezond.region.model import Region
from groengezond.scenario.model import scenario_from_data
from groengezond.scenario.plausibility import check_plausibility
from groengezond.scenario.testing import footbridge_across_river
from groengezond.services.plan import Planner
from groengezond.synth import generate_region

WEB = Path(__file__).resolve().parents[1] / "web" / "src"
SRC = Path(__file__).resolve().parents[1] / "src" / "groengezond"


def strings(lang: str) -> dict[str, str]:
    """The wording of the message and refusal keys (``message_words.json``)."""
    return words(lang)  # type: ignore[arg-type]


def test_the_web_app_takes_its_engine_words_from_the_package() -> None:
    """One wording for the app and the reports: both string tables spread the package's file."""
    for lang in ("nl", "en"):
        text = (WEB / f"strings-{lang}.ts").read_text("utf-8")
        assert "../../src/groengezond/message_words.json" in text
        assert f"...engineWords.{lang}," in text
        assert '"msg.' not in text and '"refuse.' not in text
    assert set(words("nl")) == set(words("en"))


def test_worded_fills_what_mode_and_pathway() -> None:
    m = message("scenario.connection_volume", "x", intervention=2, name="Brug", mode="walking",
                trips_per_day=1500, minutes=7.5, minutes_per_week=12.345, catchment_m=500)
    nl = worded(m.key, m.params, "nl")
    assert nl is not None and nl.startswith("Ingreep 2 'Brug': 1.500 wandeltochten per dag")
    assert "7,5 min" in nl and "12 minuten per week" in nl and "500 m" in nl
    en = worded(m.key, m.params, "en")
    assert en is not None and en.startswith("Intervention 2 'Brug': 1,500 walking trips")
    b = message("scenario.baseline_by_age", "x", pathway="green_mortality", rate="r",
                reference_rates="a, b")
    assert "Groen en sterfte" in (worded(b.key, b.params, "nl",
                                         labels={"green_mortality": "Groen en sterfte"}) or "")
    assert worded("no.such.key", {}, "nl") is None
    assert worded("too_small", {"intervention": 1, "area_m2": 2.0, "min_m2": 100},
                  "nl", kind="refuse") == ("Te klein: 2 m², minder dan de 100 m² die deze "
                                           "ingreep vraagt. Teken een groter vlak.")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_message_key_has_its_wording(lang: str) -> None:
    words = strings(lang)
    for key, params in MESSAGE_KEYS.items():
        text = words.get(f"msg.{key}")
        assert text, f"msg.{key} has no {lang} wording in message_words.json"
        used = set(re.findall(r"\{(\w+)\}", text))
        allowed = set(params) | ({"what"} if "intervention" in params else set())
        assert used <= allowed, f"msg.{key} ({lang}) uses {used - allowed}"
    for key, params in REFUSAL_KEYS.items():
        text = words.get(f"refuse.{key}")
        assert text, f"refuse.{key} has no {lang} wording in message_words.json"
        used = set(re.findall(r"\{(\w+)\}", text))
        assert used <= set(params) | {"what"}, f"refuse.{key} ({lang}) uses {used}"


def test_the_dutch_wording_is_not_the_english() -> None:
    nl, en = strings("nl"), strings("en")
    for key in [*(f"msg.{k}" for k in MESSAGE_KEYS), *(f"refuse.{k}" for k in REFUSAL_KEYS)]:
        assert nl[key] != en[key], key


def test_every_key_the_engine_writes_is_listed() -> None:
    """Every ``message("…")`` and refusal ``key="…"`` in the scenario code is a listed key."""
    code = "\n".join(p.read_text("utf-8") for p in [*(SRC / "scenario").glob("*.py"),
                                                     SRC / "services" / "plan.py",
                                                     SRC / "evaluation" / "run.py",
                                                     SRC / "api" / "evaluations.py"])
    emitted = set(re.findall(r'message\(\s*"([a-z_.]+)"', code))
    assert emitted and emitted <= set(MESSAGE_KEYS), emitted - set(MESSAGE_KEYS)
    assert set(MESSAGE_KEYS) <= emitted, set(MESSAGE_KEYS) - emitted
    refusals = set(re.findall(r'key="([a-z_]+)"', code)) - {"landcover.missing",
                                                           "canopy.missing"}
    refusals = {k for k in refusals if "." not in k}
    assert refusals <= set(REFUSAL_KEYS), refusals - set(REFUSAL_KEYS)


def test_message_checks_its_key_and_params() -> None:
    m = message("scenario.park_displaces", "text", intervention=1, name=None, buildings=2,
                dwellings=3, residents=5)
    assert isinstance(m, Message) and str(m) == "text" and m.params["residents"] == 5
    assert m.out().model_dump() == {"key": "scenario.park_displaces", "params": m.params,
                                    "text": "text"}
    with pytest.raises(ValueError, match="unknown message key"):
        message("scenario.nonsense", "text")
    with pytest.raises(ValueError, match="takes parameters"):
        message("scenario.park_displaces", "text", intervention=1)
    assert texts([m]) == ["text"]


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(20_000, seed=1)


def test_a_run_returns_its_notes_as_messages(region: Region) -> None:
    """A footbridge with no volume and a park that displaces homes: each note is a message
    with a listed key and exactly its params, and ``notes`` are their English texts."""
    bridge = footbridge_across_river(region)
    addr = region.addresses
    x, y = addr.geometry.x.iloc[500], addr.geometry.y.iloc[500]
    sc = scenario_from_data({"name": "m", "interventions": [
        {"kind": "add_connection", "name": "Brug", "geometry": bridge.wkt},
        {"kind": "add_green", "name": "Park", "displace": True,
         "geometry": shapely.box(x - 80, y - 80, x + 80, y + 80).wkt}]})
    r = Planner(region).run(sc, np.random.default_rng(3))
    assert r.notes == [m.text for m in r.messages]
    keys = [m.key for m in r.messages]
    assert {"scenario.connection_no_volume", "scenario.park_displaces",
            "scenario.new_residents_not_in_health"} <= set(keys)
    for m in r.messages:
        assert set(m.params) == set(MESSAGE_KEYS[m.key]), m.key
    displaced = next(m for m in r.messages if m.key == "scenario.park_displaces")
    assert displaced.params["intervention"] == 2 and displaced.params["name"] == "Park"
    assert displaced.params["residents"] == r.displaced[0].residents
    bridge_note = next(m for m in r.messages if m.key == "scenario.connection_no_volume")
    assert bridge_note.params == {"intervention": 1, "name": "Brug"}


def test_refusals_carry_key_and_params_into_the_problem_answer(region: Region) -> None:
    addr = region.addresses
    x, y = addr.geometry.x.iloc[500], addr.geometry.y.iloc[500]
    sc = scenario_from_data({"name": "m", "interventions": [
        {"kind": "add_green", "name": "Park",
         "geometry": shapely.box(x - 80, y - 80, x + 80, y + 80).wkt},
        {"kind": "add_green", "name": "Klein",
         "geometry": shapely.box(x + 500, y, x + 501, y + 1).wkt}]})
    with pytest.raises(InputError) as err:
        check_plausibility(region, sc)
    by_key = {p.key: p for p in err.value.problems}
    over = by_key["over_buildings"]
    assert set(over.params) == set(REFUSAL_KEYS["over_buildings"])
    assert over.params["intervention"] == 1 and int(over.params["buildings"] or 0) > 0
    small = by_key["too_small"]
    assert small.params["intervention"] == 2
    assert float(small.params["area_m2"] or 0) == pytest.approx(1.0)
    body = problem_body(422, err.value.message, list(err.value.problems))
    sent = {p["key"]: p for p in body["problems"]}
    assert sent["over_buildings"]["params"] == over.params
    assert sent["too_small"]["params"]["min_m2"] == small.params["min_m2"]


def test_a_problem_without_params_still_compares_and_prints() -> None:
    a = Problem("f", "row 1", "x", "is wrong", "fix it", key="k", params={"n": 1})
    b = Problem("f", "row 1", "x", "is wrong", "fix it", key="k")
    assert a == b and str(a) == "f: row 1, field 'x': is wrong; fix it"
    assert hash(a) == hash(b)
