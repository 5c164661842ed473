"""Quality records: what each layer of a region, and each figure made from it, rests on.

Every layer of a region carries a :class:`LayerQuality` in ``region.json`` (``quality``):
whether it is *real* (read from a published source as it is), *derived* (computed from real
inputs by a documented rule, e.g. land cover rasterised from OSM polygons), a *placeholder*
(stands in for data that is missing, e.g. a buurt carrying its wijk's polygon) or *missing*.
Figures computed from a layer inherit the worst status of their inputs (:func:`worst`), and a
figure that cannot be computed at all says so with a reason, never as 0
(:class:`NotComputable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QualityStatus = Literal["real", "derived", "placeholder", "missing"]
"""The four quality levels, from best to worst."""

ORDER: dict[str, int] = {"real": 0, "derived": 1, "placeholder": 2, "missing": 3}
"""Rank of each status; a higher rank is worse."""


class LayerQuality(BaseModel):
    """The quality of one layer (or of one figure made from layers).

    Attributes
    ----------
    status : {"real", "derived", "placeholder", "missing"}
        See the module docstring.
    reason : str
        Why, in one English sentence for logs and docs; the UI words the status itself.
    key : str or None
        A stable message key for the UI (e.g. ``network.degraded``), when the reason has one.
    figures : dict of str to float
        Measurements behind the status (e.g. ``main_component_residents_share``: 0.73).
    """

    model_config = ConfigDict(extra="forbid")

    status: QualityStatus
    reason: str = ""
    key: str | None = None
    figures: dict[str, float] = Field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """True when a figure may be presented as resting on data (real or derived)."""
        return self.status in ("real", "derived")


def worst(statuses: Iterable[QualityStatus]) -> QualityStatus:
    """The worst of several statuses (``real`` when none are given).

    Examples
    --------
    >>> worst(["real", "placeholder", "derived"])
    'placeholder'
    """
    out: QualityStatus = "real"
    for status in statuses:
        if ORDER[status] > ORDER[out]:
            out = status
    return out


class NotComputable(BaseModel):
    """A figure that cannot be computed, with the reason (never published as 0).

    Attributes
    ----------
    key : str
        Stable message key for the UI, e.g. ``landcover.missing``.
    reason : str
        What is missing, in one English sentence (CLI and logs).
    missing : list of str
        The inputs that are missing (layer names or indicator ids).
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    reason: str
    missing: list[str] = Field(default_factory=list)
