"""Request and response models of the participation API (pydantic), with their limits.

Everything a person writes passes :func:`clean_text`: Unicode NFC, ``\\r\\n`` to ``\\n``,
surrounding white space removed, and refused (422) when it holds control characters other
than line break and tab, bidirectional overrides (which can make text display differently
from what it is) or lone surrogates. Text is stored as written, never HTML-escaped in the
database; every HTML output escapes it, and the web client must render it as text
(``textContent``, never ``innerHTML``).

Coordinates: a comment's location is a GeoJSON point in WGS84 (EPSG:4326, RFC 7946) as the
map gives it; a field lab's area is given in EPSG:28992 (``geometry_rd`` or ``bbox_rd``).
"""

from __future__ import annotations

import json
import math
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

MAX_COMMENT_CHARS = 2000
MAX_SNAPSHOT_BYTES = 512_000
RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
"""Valid area of EPSG:28992 (x and y ranges of the Netherlands' RD New grid)."""

_BIDI = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C])


def clean_text(value: str, multiline: bool = True) -> str:
    """Normalise user text and refuse control characters (see the module docstring).

    Parameters
    ----------
    value : str
        Text as received.
    multiline : bool
        Allow line breaks and tabs.

    Raises
    ------
    ValueError
        Naming the first forbidden character and the fix.
    """
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or ord(ch) in _BIDI or ch in "\u2028\u2029":
            allowed = "only line breaks and tabs are allowed" if multiline else \
                "this field takes a single line"
            raise ValueError(f"contains the control character U+{ord(ch):04X}; remove it "
                             f"({allowed})")
    value = value.strip()
    if not value:
        raise ValueError("is empty; write some text")
    return value


def _line(value: str) -> str:
    return clean_text(value, multiline=False)


def _optional_text(value: str) -> str:
    return clean_text(value) if value.strip() else ""


def _nfc(value: object) -> object:
    """NFC first, so the length limit counts the characters that are stored (NFC can make a
    text longer: U+0958 becomes two characters) and the database never gets a longer one."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_line),
                 BeforeValidator(_nfc)]
ShortText = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(clean_text),
                      BeforeValidator(_nfc)]
CommentText = Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS),
                        AfterValidator(clean_text), BeforeValidator(_nfc)]
Description = Annotated[str, Field(max_length=5000), AfterValidator(_optional_text),
                        BeforeValidator(_nfc)]
AreaCode = Annotated[str, Field(pattern=r"^(GM\d{4}|WK\d{6}|BU\d{8})$")]
BuurtCode = Annotated[str, Field(pattern=r"^BU\d{8}$")]
Score5 = Annotated[int, Field(ge=1, le=5, strict=True)]
Score10 = Annotated[int, Field(ge=1, le=10, strict=True)]
Category = Literal["idea", "concern", "question", "praise", "other"]
ReportReason = Literal["abusive", "spam", "personal_data", "off_topic", "other"]
GreenVisits = Literal["daily", "weekly", "monthly", "rarely", "never"]
Role = Literal["admin", "planner", "moderator"]

_IN = ConfigDict(extra="forbid", frozen=True)
_OUT = ConfigDict(from_attributes=True, frozen=True)


# ------------------------------------------------------------------------- staff and auth
class LoginIn(BaseModel):
    """User name and password of a staff member."""

    model_config = _IN
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class StaffOut(BaseModel):
    """Who is logged in."""

    model_config = _OUT
    username: str
    role: Role


class LoginOut(StaffOut):
    """A new session. ``token`` works as ``Authorization: Bearer``; the browser gets cookies."""

    token: str
    csrf_token: str
    expires_at: datetime


class UserIn(BaseModel):
    """A new staff account (admin only)."""

    model_config = _IN
    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{3,64}$")]
    password: Annotated[str, Field(min_length=12, max_length=256)]
    role: Role


class UserOut(BaseModel):
    """A staff account (never its password hash)."""

    model_config = _OUT
    id: int
    username: str
    role: Role
    active: bool


# ---------------------------------------------------------------------------- field labs
class Buurt(BaseModel):
    """A buurt of a field lab, which residents choose in the survey."""

    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True)
    code: BuurtCode
    name: Line


def _rd_geometry(geom: dict[str, Any]) -> dict[str, Any]:
    from shapely.geometry import shape

    if geom.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("must be a GeoJSON Polygon or MultiPolygon (coordinates in EPSG:28992)")
    try:
        poly = shape(geom)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"is not valid GeoJSON ({exc})") from None
    if poly.is_empty or not poly.is_valid or poly.area <= 0:
        raise ValueError("is empty, self-intersecting or has no area; draw a simple polygon")
    _check_rd_bounds(poly.bounds)
    return geom


def _check_rd_bounds(bounds: tuple[float, ...]) -> None:
    x0, y0, x1, y1 = RD_BOUNDS
    if not all(math.isfinite(v) for v in bounds) or bounds[0] < x0 or bounds[2] > x1 \
            or bounds[1] < y0 or bounds[3] > y1:
        raise ValueError("lies outside the Netherlands in EPSG:28992; give RD New metres "
                         f"(x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f}), not degrees")


def _wgs84_to_rd(geom: Any) -> dict[str, Any]:
    """A GeoJSON (Multi)Polygon in WGS84 (as a web map gives it) in EPSG:28992."""
    import shapely
    from pyproj import Transformer
    from shapely.geometry import mapping, shape

    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("geometry_wgs84 must be a GeoJSON Polygon or MultiPolygon "
                         "(longitude, latitude)")
    try:
        poly = shape(geom)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"geometry_wgs84 is not valid GeoJSON ({exc})") from None
    x0, y0, x1, y1 = poly.bounds
    if not (3.0 <= x0 <= x1 <= 7.5 and 50.5 <= y0 <= y1 <= 53.8):
        raise ValueError("geometry_wgs84 lies outside the Netherlands; give longitude, "
                         "latitude in degrees (EPSG:4326)")
    to_rd = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    rd = shapely.transform(poly, lambda xy: np.column_stack(to_rd.transform(xy[:, 0],
                                                                            xy[:, 1])))
    return dict(mapping(rd))


class FieldLabIn(BaseModel):
    """A new field lab: an area (``geometry_rd``, ``geometry_wgs84`` or ``bbox_rd``), its
    buurten and period. ``geometry_wgs84`` (as a web map gives it) is converted to
    ``geometry_rd`` on input."""

    model_config = _IN

    @model_validator(mode="before")
    @classmethod
    def _from_wgs84(cls, data: Any) -> Any:
        if isinstance(data, dict) and "geometry_wgs84" in data:
            data = dict(data)
            if data.get("geometry_rd") is not None:
                raise ValueError("give geometry_rd or geometry_wgs84, not both")
            data["geometry_rd"] = _wgs84_to_rd(data.pop("geometry_wgs84"))
        return data

    name: Line
    description: Description = ""
    area_code: AreaCode
    geometry_rd: Annotated[dict[str, Any] | None, AfterValidator(
        lambda g: None if g is None else _rd_geometry(g))] = None
    bbox_rd: tuple[float, float, float, float] | None = None
    buurten: Annotated[list[Buurt], Field(max_length=500)] = []
    opens_on: date
    closes_on: date

    @field_validator("bbox_rd")
    @classmethod
    def _bbox(cls, v: tuple[float, float, float, float] | None
              ) -> tuple[float, float, float, float] | None:
        if v is not None:
            if not (v[0] < v[2] and v[1] < v[3]):
                raise ValueError("must be [min_x, min_y, max_x, max_y] with min < max")
            _check_rd_bounds(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> FieldLabIn:
        if (self.geometry_rd is None) == (self.bbox_rd is None):
            raise ValueError("give exactly one of geometry_rd (GeoJSON polygon) and bbox_rd")
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on is before opens_on; give a close date on or after it")
        codes = [b.code for b in self.buurten]
        if len(set(codes)) != len(codes):
            raise ValueError("buurten lists a buurt code twice; give each buurt once")
        return self


class FieldLabPatch(BaseModel):
    """Changes to a field lab (only the fields given change)."""

    model_config = _IN
    name: Line | None = None
    description: Description | None = None
    buurten: Annotated[list[Buurt], Field(max_length=500)] | None = None
    opens_on: date | None = None
    closes_on: date | None = None


class ScenarioIn(BaseModel):
    """A Planner scenario to publish: its id, name, description and a JSON snapshot."""

    model_config = _IN
    scenario_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")]
    name: Line
    description: Description = ""
    snapshot: dict[str, Any]

    @field_validator("snapshot")
    @classmethod
    def _size(cls, v: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(v, allow_nan=False).encode())
        if size > MAX_SNAPSHOT_BYTES:
            raise ValueError(f"is {size} bytes; keep a snapshot under {MAX_SNAPSHOT_BYTES} "
                             "bytes (results per area, not per address)")
        return v


class ScenarioOut(BaseModel):
    """A published scenario; ``snapshot`` only when one scenario is asked for."""

    model_config = _OUT
    id: int
    scenario_id: str
    name: str
    description: str
    published_at: datetime
    snapshot: dict[str, Any] | None = None


class FieldLabOut(BaseModel):
    """A field lab as the public sees it (area as GeoJSON in EPSG:4326)."""

    model_config = _OUT
    id: int
    name: str
    description: str
    area_code: str
    geometry: dict[str, Any]
    bbox_wgs84: tuple[float, float, float, float]
    buurten: list[Buurt]
    opens_on: date
    closes_on: date
    is_open: bool
    survey_year: int
    scenarios: list[ScenarioOut]


# ----------------------------------------------------------------------- resident input
class PointIn(BaseModel):
    """A GeoJSON point in WGS84: ``{"type": "Point", "coordinates": [lon, lat]}``."""

    model_config = _IN
    type: Literal["Point"]
    coordinates: tuple[float, float]

    @field_validator("coordinates")
    @classmethod
    def _lonlat(cls, v: tuple[float, float]) -> tuple[float, float]:
        lon, lat = v
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
                and -90 <= lat <= 90):
            raise ValueError("must be [longitude, latitude] in degrees (EPSG:4326)")
        return v


class ResidentTokenOut(BaseModel):
    """A resident's private token: keep it; it is the only way to see or change your input."""

    token: str
    field_lab_id: int
    header: str = "X-Resident-Token"


class RatingIn(BaseModel):
    """A rating of a scenario, 1 (very bad) to 5 (very good) on each criterion."""

    model_config = _IN
    green: Score5
    health: Score5
    safety: Score5
    would_use: Score5


class RatingOut(RatingIn):
    """A stored rating."""

    model_config = _OUT
    id: int
    scenario_id: int
    created_at: datetime
    updated_at: datetime


class CommentIn(BaseModel):
    """A comment pinned on the map inside the field lab."""

    model_config = _IN
    category: Category
    text: CommentText
    location: PointIn
    scenario_id: int | None = None


class ReplyIn(BaseModel):
    """The municipality's official reply to a comment (staff: planner, moderator or admin)."""

    model_config = _IN
    text: CommentText


class ReplyOut(BaseModel):
    """An official reply as shown under its comment (the author's account is not shown)."""

    model_config = _OUT
    comment_id: int
    text: str
    created_at: datetime
    updated_at: datetime


class CommentOut(BaseModel):
    """A comment as its author (or a moderator) sees it, with its moderation state and the
    municipality's reply (None while there is none)."""

    model_config = _OUT
    id: int
    field_lab_id: int
    scenario_id: int | None
    category: Category
    text: str
    location: dict[str, Any]
    status: Literal["pending", "approved", "rejected", "hidden"]
    moderation_reason: str | None
    created_at: datetime
    updated_at: datetime
    reply: ReplyOut | None = None


class ModerationItem(CommentOut):
    """A comment in the moderation queue, with the name of the plan it is about (None when
    it is about the field lab in general, or the plan was withdrawn: ``scenario_withdrawn``)."""

    report_count: int
    needs_review: bool
    scenario_name: str | None = None
    scenario_withdrawn: bool = False


class ReportIn(BaseModel):
    """A report of an abusive comment (anyone may report; one report per reporter)."""

    model_config = _IN
    reason: ReportReason


class Decision(BaseModel):
    """A moderator's reason (required to reject, optional to hide or approve)."""

    model_config = _IN
    reason: ShortText | None = None


class SurveyIn(BaseModel):
    """Answers to the 'belevingswaarde' survey (see :data:`SURVEY_QUESTIONS`)."""

    model_config = _IN
    buurt_code: BuurtCode
    satisfaction: Score10
    green_rating: Score10
    feels_safe: Score5
    neighbour_contact: Score5
    green_visits: GreenVisits


class SurveyOut(SurveyIn):
    """Stored survey answers."""

    model_config = _OUT
    id: int
    field_lab_id: int
    created_at: datetime
    updated_at: datetime


class MyInput(BaseModel):
    """Everything stored under a resident token (GDPR right of access)."""

    field_lab_id: int
    created_at: datetime
    ratings: list[RatingOut]
    comments: list[CommentOut]
    survey: SurveyOut | None


SURVEY_QUESTIONS: tuple[dict[str, Any], ...] = (
    {"id": "buurt_code", "nl": "In welke buurt woont u?", "en": "Which buurt do you live in?",
     "answer": "one of the field lab's buurten"},
    {"id": "satisfaction", "nl": "Welk rapportcijfer geeft u uw woonomgeving?",
     "en": "What mark do you give your living environment?", "answer": "1-10"},
    {"id": "green_rating", "nl": "Welk rapportcijfer geeft u het groen in uw buurt?",
     "en": "What mark do you give the green in your buurt?", "answer": "1-10"},
    {"id": "feels_safe", "nl": "Ik voel mij veilig in mijn buurt.",
     "en": "I feel safe in my buurt.", "answer": "1 (strongly disagree) - 5 (strongly agree)"},
    {"id": "neighbour_contact", "nl": "Ik heb voldoende contact met mijn buren.",
     "en": "I have enough contact with my neighbours.",
     "answer": "1 (strongly disagree) - 5 (strongly agree)"},
    {"id": "green_visits", "nl": "Hoe vaak bezoekt u een park of ander groen?",
     "en": "How often do you visit a park or other green space?",
     "answer": "daily, weekly, monthly, rarely, never"},
)
"""The 'belevingswaarde' survey: standard questions on the living environment, green, safety
and contact with neighbours (after the Gezondheidsmonitor and the Leefbaarometer surveys)."""
