"""Messages of the engine: a stable key, its parameters, and an English fallback text.

The engine never words a sentence for the user interface: it returns a :class:`Message`
whose ``key`` the web app words in Dutch or English (``web/src/strings-nl.ts`` and
``strings-en.ts``, key ``msg.<key>``) with ``params`` filled in. ``text`` is the same
sentence in English for the CLI and the logs, where no translation table is at hand.

Every key the engine can emit is listed in :data:`MESSAGE_KEYS` with the parameters it
carries; ``tests/test_messages.py`` checks that each has its Dutch and English wording in the
web app, and that every message a scenario run produces uses a listed key.

Examples
--------
>>> m = message("scenario.facades_no_effect",
...             "green façades are recorded but have no modelled effect yet")
>>> m.key, m.params, str(m)
('scenario.facades_no_effect', {}, 'green façades are recorded but have no modelled effect yet')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


def texts(messages: list[Message]) -> list[str]:
    """The English texts of ``messages`` (for the result's ``notes``)."""
    return [m.text for m in messages]


__all__ = ["MESSAGE_KEYS", "REFUSAL_KEYS", "Message", "MessageOut", "Param", "message", "texts"]
