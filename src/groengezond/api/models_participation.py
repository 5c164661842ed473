"""Response models of the participation routes that answer plain documents (the others use
:mod:`groengezond.participation.schemas` and :mod:`groengezond.participation.results`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from groengezond.api.contract import Contract, FloatOrNaN
from groengezond.participation.schemas import Buurt


class SurveyQuestion(Contract):
    """One survey question in Dutch and English, and the answers it takes."""

    id: str
    nl: str
    en: str
    answer: str


class SurveyDoc(Contract):
    """The survey of a field lab: its buurten and questions."""

    field_lab_id: int
    buurten: list[Buurt]
    questions: list[SurveyQuestion]


class Erased(Contract):
    """What was deleted with a resident (GDPR art. 17)."""

    ratings: int
    comments: int
    survey_responses: int


class ReportReceived(Contract):
    """A report of a comment was received (the same answer whether or not it counted)."""

    status: str
    message: str


class PointGeometry(Contract):
    """A GeoJSON point in EPSG:4326 (lon, lat)."""

    type: Literal["Point"]
    coordinates: list[float]


class PublicReply(Contract):
    """The municipality's official reply under a public comment (who wrote it is not shown)."""

    text: str
    created_at: str = Field(description="ISO date-time")
    updated_at: str = Field(description="ISO date-time")


class CommentProperties(Contract):
    """What a resident wrote, without who, and the municipality's reply (null: none yet)."""

    category: str
    text: str
    scenario_id: int | None
    created_at: str = Field(description="ISO date-time")
    reply: PublicReply | None = None


class CommentFeature(Contract):
    """An approved comment as a GeoJSON Feature."""

    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: CommentProperties


class PublicComments(Contract):
    """Approved comments of a field lab, one page at a time (GeoJSON, EPSG:4326)."""

    type: Literal["FeatureCollection"]
    numberMatched: int  # noqa: N815 (OGC's spelling)
    numberReturned: int  # noqa: N815
    offset: int
    limit: int
    next: int | None = Field(description="Offset of the next page; null on the last")
    features: list[CommentFeature]


class LabIndicatorRow(Contract):
    """A survey result as a Monitor indicator row (long form)."""

    area_code: str
    indicator: str
    year: int
    value: FloatOrNaN
    lower: FloatOrNaN
    upper: FloatOrNaN
    source: str
    respondents: int | None = Field(None, description="Only on rows not yet published")
    level: str | None = None


EXPORT_MEDIA: dict[str, dict[str, Any]] = {
    "text/csv": {}, "application/geopackage+sqlite3": {}, "text/html": {}}
"""Media types of a field lab's export."""
