"""Messages of the engine: a stable key, its parameters, and an English fallback text.

The engine never words a sentence for the user interface: it returns a :class:`Message`
whose ``key`` is worded in Dutch or English (``msg.<key>`` of ``message_words.json``) with
``params`` filled in: by the web app (which imports that file into its strings) and by the
reports (:func:`worded`). ``text`` is the same sentence in English for the CLI and the logs.

Every key the engine can emit is listed in :data:`MESSAGE_KEYS` with the parameters it
carries; ``tests/test_messages.py`` checks that each has its Dutch and English wording, and
that every message a scenario run produces uses a listed key.

Examples
--------
>>> m = message("scenario.facades_no_effect",
...             "green façades are recorded but have no modelled effect yet")
>>> m.key, m.params, str(m)
('scenario.facades_no_effect', {}, 'green façades are recorded but have no modelled effect yet')
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Param = str | int | float | None
"""A parameter value: numbers stay numbers (the UI formats them in its locale)."""

MESSAGE_KEYS: dict[str, tuple[str, ...]] = {
    "scenario.facades_no_effect": (),
    "scenario.connection_no_volume": ("intervention", "name"),
    "scenario.connection_nobody_near": ("intervention", "name", "catchment_m"),
    "scenario.connection_volume": ("intervention", "name", "mode", "trips_per_day",
                                   "minutes", "minutes_per_week", "catchment_m"),
    "scenario.park_on_water": ("intervention", "name", "land_ha", "water_ha"),
    "scenario.park_displaces": ("intervention", "name", "buildings", "dwellings",
                                "residents"),
    "scenario.baseline_by_age": ("pathway", "rate", "reference_rates"),
    "scenario.baseline_scaled": ("pathway", "rate", "national", "indicator", "indicator_nl",
                                 "indicator_en", "year"),
    "scenario.new_residents_not_in_health": (),
    "scenario.tree_growth": ("mature_crown_m", "planting_crown_m", "years_to_mature",
                             "share_pct"),
}
"""Every message key the engine emits, with the names of its parameters."""

REFUSAL_KEYS: dict[str, tuple[str, ...]] = {
    "no_interventions": (),
    "invalid_polygon": ("intervention",),
    "too_small": ("intervention", "area_m2", "min_m2"),
    "over_buildings": ("intervention", "buildings", "dwellings"),
    "on_water": ("intervention", "land_m2", "area_m2", "min_m2"),
    "too_dense": ("intervention", "dwellings", "ha", "max_per_ha", "max_dwellings"),
    "too_dense_points": ("intervention", "dwellings", "points", "max_per_point"),
    "outside_region": ("intervention", "region"),
    "unreadable_geometry": ("intervention",),
    "wrong_geometry": ("intervention",),
    "missing_count": ("intervention",),
    "no_dwellings": ("intervention",),
    # the Evaluator's estimate (groengezond.evaluation.run, api/evaluations.py)
    "synth_one_treated": ("treated",),
    "synth_too_many_donors": ("donors", "max_donors"),
}
"""Every key of a refusal (:class:`groengezond.errors.Problem` ``key``) a scenario or an
estimate can get, with the names of its ``params``; the web app words them as
``refuse.<key>``."""


@dataclass(frozen=True)
class Message:
    """One message: a key the UI words, its parameters, and the English text.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGE_KEYS`.
    text : str
        The message in English (CLI, logs, and the fallback of an unknown key).
    params : dict
        The values the wording fills in, by name (numbers unformatted, in the units the
        parameter's name gives: ``_m`` metres, ``_ha`` hectares, ``_pct`` per cent).
    """

    key: str
    text: str
    params: dict[str, Param] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def out(self) -> MessageOut:
        """The message as the API returns it."""
        return MessageOut(key=self.key, params=dict(self.params), text=self.text)


def message(key: str, text: str, **params: Param) -> Message:
    """A :class:`Message`; ``key`` must be listed in :data:`MESSAGE_KEYS` with these params.

    Raises
    ------
    ValueError
        For an unknown key or parameters other than the key's (a programming error).
    """
    names = MESSAGE_KEYS.get(key)
    if names is None:
        raise ValueError(f"unknown message key {key!r}; add it to MESSAGE_KEYS")
    if set(params) != set(names):
        raise ValueError(f"message {key!r} takes parameters {sorted(names)}, "
                         f"got {sorted(params)}")
    return Message(key, text, dict(params))


class MessageOut(BaseModel):
    """A message in an API answer: the UI words ``key`` with ``params``; ``text`` is English."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="Message key (groengezond.messages.MESSAGE_KEYS)")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="Values the wording fills in, by name")
    text: str = Field(description="The message in English (CLI and logs)")


WordLang = Literal["nl", "en"]
WORDS_FILE = "message_words.json"
"""The wording of every message and refusal key, per language (package data; the web app
imports the same file, so the app and the reports say the same thing)."""


@lru_cache(maxsize=1)
def _words() -> dict[str, dict[str, str]]:
    text = resources.files("groengezond").joinpath(WORDS_FILE).read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def words(lang: WordLang) -> dict[str, str]:
    """The wording of ``lang``: ``msg.<key>``, ``refuse.<key>`` and the helper words."""
    return _words()[lang]


def _group(text: str, lang: WordLang) -> str:
    if lang == "nl":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def param_text(name: str, value: Param, lang: WordLang) -> str:
    """One parameter as the wording shows it (the rules of ``web/src/i18n.ts`` ``paramText``).

    Counts are exact with grouped thousands, measured values have 2 significant digits, a
    ``year`` is printed as it is and missing values as an en dash.

    Examples
    --------
    >>> param_text("dwellings", 1250, "nl"), param_text("land_ha", 0.4567, "nl")
    ('1.250', '0,46')
    >>> param_text("year", 2022, "en"), param_text("water_ha", 1234.5, "en")
    ('2022', '1,200')
    """
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name == "year":
        return str(value)
    x = float(value)
    if not math.isfinite(x):
        return "–"
    if isinstance(value, int) or x.is_integer():
        return _group(f"{round(x):,d}", lang)
    decimals = 1 - math.floor(math.log10(abs(x))) if x else 0
    f = 10.0 ** abs(decimals)
    r = math.floor(x * f + 0.5) / f if decimals >= 0 else math.floor(x / f + 0.5) * f
    r = 0.0 if r == 0 else r
    return _group(f"{r:,.{max(0, decimals)}f}", lang)


def worded(key: str, params: Mapping[str, Param], lang: WordLang, *, kind: str = "msg",
           labels: Mapping[str, str] | None = None) -> str | None:
    """A message (``kind="msg"``) or refusal (``"refuse"``) in ``lang``, or None if unknown.

    The params ``intervention`` and ``name`` become ``{what}`` ("Ingreep 2 'Brug'"), ``mode``
    is worded, and ``pathway`` is replaced by its label from ``labels`` (by pathway id), as
    the web app does (``fill`` in ``web/src/i18n.ts``).

    Examples
    --------
    >>> worded("scenario.park_displaces", {"intervention": 1, "name": "Park", "buildings": 3,
    ...        "dwellings": 12, "residents": 20}, "nl")[:56]
    "Ingreep 1 'Park': hiervoor verdwijnen 3 gebouwen met 12 "
    """
    table = words(lang)
    template = table.get(f"{kind}.{key}")
    if template is None:
        return None
    values = {name: param_text(name, v, lang) for name, v in params.items()}
    n = params.get("intervention")
    name = params.get("name") or ""
    if isinstance(n, int):
        what = table["msgIntervention"].replace("{n}", str(n))
        values["what"] = f"{what} '{name}'" if name else what
    else:
        values["what"] = str(name)
    if params.get("mode") in ("walking", "cycling"):
        values["mode"] = table["msgWalking" if params["mode"] == "walking" else "msgCycling"]
    pathway = params.get("pathway")
    if isinstance(pathway, str):
        values["pathway"] = (labels or {}).get(pathway, pathway)
    indicator = params.get(f"indicator_{lang}")
    if isinstance(indicator, str) and indicator:
        values["indicator"] = indicator
    out = template
    for name_, text in values.items():
        out = out.replace("{" + name_ + "}", text)
    return out


def texts(messages: list[Message]) -> list[str]:
    """The English texts of ``messages`` (for the result's ``notes``)."""
    return [m.text for m in messages]


__all__ = [
    "MESSAGE_KEYS",
    "REFUSAL_KEYS",
    "WORDS_FILE",
    "Message",
    "MessageOut",
    "Param",
    "WordLang",
    "message",
    "param_text",
    "texts",
    "worded",
    "words",
]
