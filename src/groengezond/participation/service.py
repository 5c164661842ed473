"""Participation use cases: field labs, published scenarios and resident input.

:class:`Participation` is what the API (and the CLI) call. Staff methods take the
authenticated :class:`~groengezond.participation.security.Staff` and check its role again
(defence in depth: the routes check it first). Resident methods take the resident's private
token; a token sees and changes only its own input, in its own field lab.

Writes by residents are refused outside the field lab's open period (:class:`FieldLabClosedError`),
except erasure, which is always allowed (GDPR art. 17). Submissions carry an optional
idempotency key: sending the same submission again with the same key returns the stored one
instead of storing it twice, so clients can retry safely after a lost response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from groengezond.errors import InputError, Problem
from groengezond.participation import area
from groengezond.participation.config import ParticipationSettings
from groengezond.participation.db import Database
from groengezond.participation.errors import (
    ConflictError,
    FieldLabClosedError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)
from groengezond.participation.models import (
    Comment,
    CommentReply,
    FieldLab,
    PublishedScenario,
    Rating,
    Resident,
    SurveyResponse,
)
from groengezond.participation.schemas import (
    Buurt,
    CommentIn,
    CommentOut,
    FieldLabIn,
    FieldLabOut,
    FieldLabPatch,
    MyInput,
    RatingIn,
    RatingOut,
    ReplyOut,
    ResidentTokenOut,
    ScenarioIn,
    ScenarioOut,
    SurveyIn,
    SurveyOut,
)
from groengezond.participation.security import Staff, hash_token, new_token, require_role

R = TypeVar("R")
log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def comment_out(c: Comment) -> CommentOut:
    """A stored comment as its author sees it (location in WGS84)."""
    return CommentOut(id=c.id, field_lab_id=c.field_lab_id, scenario_id=c.scenario_id,
                      category=c.category, text=c.text,  # type: ignore[arg-type]
                      location=area.point_geojson(c.x_rd, c.y_rd),
                      status=c.status, moderation_reason=c.moderation_reason,  # type: ignore[arg-type]
                      created_at=c.created_at, updated_at=c.updated_at,
                      reply=reply_out(c.reply) if c.reply is not None else None)


def reply_out(r: CommentReply) -> ReplyOut:
    """The municipality's reply to a comment as shown under it."""
    return ReplyOut(comment_id=r.comment_id, text=r.text, created_at=r.created_at,
                    updated_at=r.updated_at)


@dataclass(frozen=True)
class Submitted:
    """The result of a submission: the stored object and whether it was a replay."""

    body: Any
    replayed: bool


@dataclass(frozen=True)
class Participation:
    """The participation service over one database.

    Parameters
    ----------
    db : Database
        Where everything is stored.
    settings : ParticipationSettings
        Thresholds, time zone and limits.
    clock : callable
        Returns the current aware datetime (tests pass a fixed one).
    """

    db: Database
    settings: ParticipationSettings
    clock: Callable[[], datetime] = field(default=utc_now)

    # ------------------------------------------------------------------------- time
    def now(self) -> datetime:
        """The current time (UTC)."""
        return self.clock()

    def today(self) -> date:
        """Today's date in the field labs' time zone."""
        return self.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    def _is_open(self, lab: FieldLab) -> bool:
        return lab.opens_on <= self.today() <= lab.closes_on

    def _require_open(self, lab: FieldLab) -> None:
        if not self._is_open(lab):
            raise FieldLabClosedError(
                f"field lab {lab.id} ({lab.name!r}) is closed for input: it is open from "
                f"{lab.opens_on.isoformat()} to {lab.closes_on.isoformat()} (inclusive); your "
                "input was not stored")

    # ------------------------------------------------------------------- field labs
    def _lab(self, s: Session, lab_id: int) -> FieldLab:
        lab = s.get(FieldLab, lab_id)
        if lab is None:
            raise NotFoundError(f"there is no field lab {lab_id}; list them at "
                                "/api/participation/field-labs")
        return lab

    def _lab_out(self, s: Session, lab: FieldLab) -> FieldLabOut:
        scenarios = s.scalars(select(PublishedScenario).where(
            PublishedScenario.field_lab_id == lab.id, PublishedScenario.withdrawn_at.is_(None))
            .order_by(PublishedScenario.id)).all()
        return FieldLabOut(
            id=lab.id, name=lab.name, description=lab.description, area_code=lab.area_code,
            geometry=area.geojson_wgs84(lab.geometry_wkt),
            bbox_wgs84=area.bbox_wgs84(lab.min_x, lab.min_y, lab.max_x, lab.max_y),
            buurten=[Buurt(**b) for b in lab.buurten], opens_on=lab.opens_on,
            closes_on=lab.closes_on, is_open=self._is_open(lab),
            survey_year=lab.closes_on.year,
            scenarios=[_scenario_out(sc, with_snapshot=False) for sc in scenarios])

    def create_field_lab(self, staff: Staff, data: FieldLabIn) -> FieldLabOut:
        """Open a field lab for an area (planner or admin)."""
        require_role(staff, "planner")
        geom = area.area_from_input(data.geometry_rd, data.bbox_rd)
        x0, y0, x1, y1 = geom.bounds
        now = self.now()
        with self.db.write() as s:
            lab = FieldLab(name=data.name, description=data.description,
                           area_code=data.area_code, geometry_wkt=area.to_wkt(geom),
                           min_x=x0, min_y=y0, max_x=x1, max_y=y1,
                           buurten=[b.model_dump() for b in data.buurten],
                           opens_on=data.opens_on, closes_on=data.closes_on,
                           created_by=staff.user_id, created_at=now, updated_at=now)
            s.add(lab)
            s.flush()
            return self._lab_out(s, lab)

    def update_field_lab(self, staff: Staff, lab_id: int, patch: FieldLabPatch) -> FieldLabOut:
        """Change a field lab's name, description, buurten or period (planner or admin)."""
        require_role(staff, "planner")
        with self.db.write() as s:
            lab = self._lab(s, lab_id)
            changes = patch.model_dump(exclude_unset=True)
            if changes.get("buurten") is not None:
                codes = [b["code"] for b in changes["buurten"]]
                if len(set(codes)) != len(codes):
                    raise InputError.single("request body", f"field lab {lab_id}", "buurten",
                                            "a buurt code is listed twice",
                                            "give each buurt once")
            for key, value in changes.items():
                if value is not None:
                    setattr(lab, key, value)
            if lab.closes_on < lab.opens_on:
                raise InputError.single("request body", f"field lab {lab_id}", "closes_on",
                                        f"closes_on {lab.closes_on} is before opens_on "
                                        f"{lab.opens_on}", "give a close date on or after it")
            lab.updated_at = self.now()
            s.flush()
            return self._lab_out(s, lab)

    def list_field_labs(self) -> list[FieldLabOut]:
        """Every field lab, newest first."""
        with self.db.read() as s:
            labs = s.scalars(select(FieldLab).order_by(FieldLab.id.desc())).all()
            return [self._lab_out(s, lab) for lab in labs]

    def get_field_lab(self, lab_id: int) -> FieldLabOut:
        """One field lab with its published scenarios."""
        with self.db.read() as s:
            return self._lab_out(s, self._lab(s, lab_id))

    # -------------------------------------------------------------------- scenarios
    def _scenario(self, s: Session, lab_id: int, scenario_id: int) -> PublishedScenario:
        sc = s.get(PublishedScenario, scenario_id)
        if sc is None or sc.field_lab_id != lab_id or sc.withdrawn_at is not None:
            raise NotFoundError(f"field lab {lab_id} has no published scenario {scenario_id}; see "
                                f"/api/participation/field-labs/{lab_id}")
        return sc

    def publish_scenario(self, staff: Staff, lab_id: int, data: ScenarioIn) -> ScenarioOut:
        """Publish a Planner scenario (as a snapshot) into a field lab (planner or admin).

        Raises
        ------
        ConflictError
            When the field lab already has a scenario with this Planner id.
        InputError
            When an intervention of the plan lies wholly outside the field lab's area (its
            residents could not see it).
        """
        require_role(staff, "planner")
        try:
            with self.db.write() as s:
                lab = self._lab(s, lab_id)
                outside = area.interventions_outside(lab.geometry_wkt, data.snapshot)
                if outside:
                    raise InputError([Problem(
                        "request body", f"field lab {lab.id}", "snapshot.scenario.interventions",
                        f"{', '.join(outside)} lies outside field lab {lab.name!r}",
                        "publish the plan into the field lab whose area it lies in, or move "
                        "it inside this lab's area (see its geometry)", key="plan_outside_lab")])
                sc = PublishedScenario(field_lab_id=lab_id, scenario_ref=data.scenario_id,
                                       name=data.name, description=data.description,
                                       snapshot=data.snapshot, published_at=self.now(),
                                       published_by=staff.user_id)
                s.add(sc)
                s.flush()
                return _scenario_out(sc, with_snapshot=True)
        except IntegrityError:
            raise ConflictError(
                f"scenario {data.scenario_id!r} was published in field lab {lab_id} before; "
                "publish the new version under a new scenario_id") from None

    def withdraw_scenario(self, staff: Staff, lab_id: int, scenario_id: int) -> None:
        """Withdraw a published scenario: hidden and no longer rateable; ratings are kept."""
        require_role(staff, "planner")
        with self.db.write() as s:
            self._scenario(s, lab_id, scenario_id).withdrawn_at = self.now()

    def get_scenario(self, lab_id: int, scenario_id: int) -> ScenarioOut:
        """A published scenario with its snapshot."""
        with self.db.read() as s:
            return _scenario_out(self._scenario(s, lab_id, scenario_id), with_snapshot=True)

    # -------------------------------------------------------------------- residents
    def new_resident(self, lab_id: int) -> ResidentTokenOut:
        """Issue a private token for a new anonymous resident of an open field lab."""
        token = new_token()
        with self.db.write() as s:
            self._require_open(self._lab(s, lab_id))
            s.add(Resident(field_lab_id=lab_id, token_hash=hash_token(token),
                           created_at=self.now()))
        return ResidentTokenOut(token=token, field_lab_id=lab_id)

    def _resident(self, s: Session, token: str | None, lab_id: int | None = None) -> Resident:
        if not token:
            raise UnauthorizedError(
                "this needs your resident token in the X-Resident-Token header; get one with "
                "POST /api/participation/field-labs/{id}/residents")
        res = s.scalars(select(Resident).where(
            Resident.token_hash == hash_token(token))).one_or_none()
        if res is None:
            raise UnauthorizedError("the resident token is unknown (erased, or mistyped)")
        if lab_id is not None and res.field_lab_id != lab_id:
            raise ForbiddenError(f"this resident token belongs to field lab {res.field_lab_id}, "
                                 f"not {lab_id}")
        return res

    def my_input(self, token: str | None) -> MyInput:
        """Everything stored under a resident token (GDPR right of access)."""
        with self.db.read() as s:
            res = self._resident(s, token)
            ratings = s.scalars(select(Rating).where(Rating.resident_id == res.id)
                                .order_by(Rating.id)).all()
            comments = s.scalars(select(Comment).where(Comment.resident_id == res.id)
                                 .order_by(Comment.id)).all()
            survey = s.scalars(select(SurveyResponse).where(
                SurveyResponse.resident_id == res.id)).one_or_none()
            return MyInput(field_lab_id=res.field_lab_id, created_at=res.created_at,
                           ratings=[RatingOut.model_validate(r) for r in ratings],
                           comments=[comment_out(c) for c in comments],
                           survey=None if survey is None else SurveyOut.model_validate(survey))

    def erase_me(self, token: str | None) -> dict[str, int]:
        """Delete a resident and all their input, also outside the open period (GDPR art. 17).

        Returns the number of ratings, comments and survey responses deleted. Reports the
        resident made are not linked to the token (they carry a pseudonym of the IP address).
        """
        with self.db.write() as s:
            res = self._resident(s, token)
            counts = {
                "ratings": _count(s, Rating, Rating.resident_id == res.id),
                "comments": _count(s, Comment, Comment.resident_id == res.id),
                "survey_responses": _count(s, SurveyResponse,
                                           SurveyResponse.resident_id == res.id),
            }
            s.execute(delete(Resident).where(Resident.id == res.id))
        log.info("participation write", extra={"fields": {
            "event": "participation_write", "what": "erasure", **counts}})
        return counts

    def _submit(self, attempt: Callable[[Session], R], what: str = "submission") -> R:
        """Run a write; on a unique-constraint race run it once more (then it sees the row)."""
        for _ in range(3):
            try:
                with self.db.write() as s:
                    out = attempt(s)
                if isinstance(out, Submitted):
                    log.info("participation write", extra={"fields": {
                        "event": "participation_write", "what": what,
                        "id": getattr(out.body, "id", None), "replayed": out.replayed}})
                return out
            except IntegrityError:
                continue
        raise ConflictError("the submission collided with a simultaneous one; send it again")

    # ---------------------------------------------------------------------- ratings
    def rate(self, token: str | None, lab_id: int, scenario_id: int, data: RatingIn,
             key: str | None) -> Submitted:
        """Store a resident's rating of a scenario (one per resident per scenario).

        Raises
        ------
        ConflictError
            When the resident rated this scenario before (change it with PUT instead), or the
            idempotency key was used for a different submission.
        """
        def attempt(s: Session) -> Submitted:
            res = self._resident(s, token, lab_id)
            sc = self._scenario(s, lab_id, scenario_id)
            old = s.scalars(select(Rating).where(Rating.scenario_id == sc.id,
                                                 Rating.resident_id == res.id)).one_or_none()
            if old is not None:
                if key is not None and old.client_key == key:
                    _same(RatingIn.model_validate(old, from_attributes=True) == data, key)
                    return Submitted(RatingOut.model_validate(old), replayed=True)
                raise ConflictError(f"you rated scenario {scenario_id} before (rating {old.id}); "
                                    f"change it with PUT /api/participation/ratings/{old.id}")
            self._require_open(self._lab(s, lab_id))
            now = self.now()
            row = Rating(scenario_id=sc.id, resident_id=res.id, client_key=key,
                         created_at=now, updated_at=now, **data.model_dump())
            s.add(row)
            s.flush()
            return Submitted(RatingOut.model_validate(row), replayed=False)

        return self._submit(attempt, "rating")

    def _own(self, s: Session, model: type[Any], row_id: int, token: str | None,
             what: str) -> tuple[Any, Resident]:
        res = self._resident(s, token)
        row = s.get(model, row_id)
        if row is None or row.resident_id != res.id:
            raise NotFoundError(f"you have no {what} {row_id} (a token sees only its own input)")
        return row, res

    def update_rating(self, token: str | None, rating_id: int, data: RatingIn) -> RatingOut:
        """Change one's own rating."""
        with self.db.write() as s:
            row, res = self._own(s, Rating, rating_id, token, "rating")
            self._require_open(self._lab(s, res.field_lab_id))
            sc = s.get(PublishedScenario, row.scenario_id)
            if sc is None or sc.withdrawn_at is not None:
                raise ConflictError(f"scenario {row.scenario_id} was withdrawn; its ratings can "
                                    "no longer be changed (you may still delete yours)")
            for key, value in data.model_dump().items():
                setattr(row, key, value)
            row.updated_at = self.now()
            s.flush()
            return RatingOut.model_validate(row)

    def delete_rating(self, token: str | None, rating_id: int) -> None:
        """Delete one's own rating (always allowed)."""
        with self.db.write() as s:
            row, _ = self._own(s, Rating, rating_id, token, "rating")
            s.delete(row)

    # --------------------------------------------------------------------- comments
    def _location(self, lab: FieldLab, data: CommentIn) -> tuple[float, float]:
        lon, lat = data.location.coordinates
        x, y = area.lonlat_to_rd(lon, lat)
        if not area.contains(lab.geometry_wkt, x, y):
            raise InputError.single("request body", f"field lab {lab.id}", "location",
                                    f"the point ({lon:.6f}, {lat:.6f}) lies outside field lab "
                                    f"{lab.name!r}",
                                    "pin the comment inside the field lab's area (see its "
                                    "geometry)")
        return x, y

    def _check_scenario_ref(self, s: Session, lab: FieldLab, scenario_id: int | None) -> None:
        if scenario_id is not None:
            self._scenario(s, lab.id, scenario_id)

    def comment(self, token: str | None, lab_id: int, data: CommentIn,
                key: str | None) -> Submitted:
        """Store a comment pinned inside the field lab; it waits for moderation."""
        def attempt(s: Session) -> Submitted:
            res = self._resident(s, token, lab_id)
            lab = self._lab(s, lab_id)
            if key is not None:
                old = s.scalars(select(Comment).where(Comment.resident_id == res.id,
                                                      Comment.client_key == key)).one_or_none()
                if old is not None:
                    _same(old.text == data.text and old.category == data.category, key)
                    return Submitted(comment_out(old), replayed=True)
            self._require_open(lab)
            cap = self.settings.comments_per_resident
            if _count(s, Comment, Comment.resident_id == res.id) >= cap:
                raise ConflictError(f"you have {cap} comments in this field lab, the most one "
                                    "resident may keep; change or delete one of yours first")
            self._check_scenario_ref(s, lab, data.scenario_id)
            x, y = self._location(lab, data)
            now = self.now()
            row = Comment(field_lab_id=lab.id, scenario_id=data.scenario_id, resident_id=res.id,
                          category=data.category, text=data.text, x_rd=x, y_rd=y,
                          status="pending", needs_review=True, report_count=0, client_key=key,
                          created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return Submitted(comment_out(row), replayed=False)

        return self._submit(attempt, "comment")

    def update_comment(self, token: str | None, comment_id: int, data: CommentIn) -> CommentOut:
        """Change one's own comment; it goes back to the moderation queue."""
        with self.db.write() as s:
            row, res = self._own(s, Comment, comment_id, token, "comment")
            lab = self._lab(s, res.field_lab_id)
            self._require_open(lab)
            self._check_scenario_ref(s, lab, data.scenario_id)
            row.x_rd, row.y_rd = self._location(lab, data)
            row.category, row.text, row.scenario_id = data.category, data.text, data.scenario_id
            row.status, row.needs_review, row.moderation_reason = "pending", True, None
            row.reply = None  # the reply answered the old text
            row.updated_at = self.now()
            s.flush()
            return comment_out(row)

    def delete_comment(self, token: str | None, comment_id: int) -> None:
        """Delete one's own comment (always allowed)."""
        with self.db.write() as s:
            row, _ = self._own(s, Comment, comment_id, token, "comment")
            s.delete(row)

    def public_comments(self, lab_id: int, scenario_id: int | None = None, *,
                        limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """Approved comments of a field lab as a GeoJSON FeatureCollection (EPSG:4326), one
        page at a time (oldest first): ``numberMatched`` says how many there are, ``next``
        the offset of the next page (None on the last page)."""
        with self.db.read() as s:
            self._lab(s, lab_id)
            where = [Comment.field_lab_id == lab_id, Comment.status == "approved"]
            if scenario_id is not None:
                where.append(Comment.scenario_id == scenario_id)
            total = _count(s, Comment, and_(*where))
            rows = s.scalars(select(Comment).where(*where).order_by(Comment.id)
                             .limit(limit).offset(offset)).all()
            return {"type": "FeatureCollection", "numberMatched": total,
                    "numberReturned": len(rows), "offset": offset, "limit": limit,
                    "next": offset + len(rows) if offset + len(rows) < total else None,
                    "features": [
                {"type": "Feature", "id": c.id, "geometry": area.point_geojson(c.x_rd, c.y_rd),
                 "properties": {"category": c.category, "text": c.text,
                                "scenario_id": c.scenario_id,
                                "created_at": c.created_at.isoformat(),
                                "reply": None if c.reply is None else {
                                    "text": c.reply.text,
                                    "created_at": c.reply.created_at.isoformat(),
                                    "updated_at": c.reply.updated_at.isoformat()}}}
                for c in rows]}

    # ----------------------------------------------------------------------- survey
    def _check_buurt(self, lab: FieldLab, code: str) -> None:
        codes = [b["code"] for b in lab.buurten]
        if code not in codes:
            listed = ", ".join(codes) if codes else "none yet (ask the planner to add them)"
            raise InputError.single("request body", f"field lab {lab.id}", "buurt_code",
                                    f"buurt {code} is not one of this field lab's buurten",
                                    f"choose one of: {listed}")

    def answer_survey(self, token: str | None, lab_id: int, data: SurveyIn,
                      key: str | None) -> Submitted:
        """Store a resident's survey answers (one response per resident)."""
        def attempt(s: Session) -> Submitted:
            res = self._resident(s, token, lab_id)
            lab = self._lab(s, lab_id)
            old = s.scalars(select(SurveyResponse).where(
                SurveyResponse.resident_id == res.id)).one_or_none()
            if old is not None:
                if key is not None and old.client_key == key:
                    _same(SurveyIn.model_validate(old, from_attributes=True) == data, key)
                    return Submitted(SurveyOut.model_validate(old), replayed=True)
                raise ConflictError(f"you answered the survey before (response {old.id}); change "
                                    f"it with PUT /api/participation/survey-responses/{old.id}")
            self._require_open(lab)
            self._check_buurt(lab, data.buurt_code)
            now = self.now()
            row = SurveyResponse(field_lab_id=lab.id, resident_id=res.id, client_key=key,
                                 created_at=now, updated_at=now, **data.model_dump())
            s.add(row)
            s.flush()
            return Submitted(SurveyOut.model_validate(row), replayed=False)

        return self._submit(attempt, "survey_response")

    def update_survey(self, token: str | None, response_id: int, data: SurveyIn) -> SurveyOut:
        """Change one's own survey answers."""
        with self.db.write() as s:
            row, res = self._own(s, SurveyResponse, response_id, token, "survey response")
            lab = self._lab(s, res.field_lab_id)
            self._require_open(lab)
            self._check_buurt(lab, data.buurt_code)
            for key, value in data.model_dump().items():
                setattr(row, key, value)
            row.updated_at = self.now()
            s.flush()
            return SurveyOut.model_validate(row)

    def delete_survey(self, token: str | None, response_id: int) -> None:
        """Delete one's own survey answers (always allowed)."""
        with self.db.write() as s:
            row, _ = self._own(s, SurveyResponse, response_id, token, "survey response")
            s.delete(row)


def _scenario_out(sc: PublishedScenario, with_snapshot: bool) -> ScenarioOut:
    return ScenarioOut(id=sc.id, scenario_id=sc.scenario_ref, name=sc.name,
                       description=sc.description, published_at=sc.published_at,
                       snapshot=sc.snapshot if with_snapshot else None)


def _same(equal: bool, key: str) -> None:
    if not equal:
        raise ConflictError(f"Idempotency-Key {key!r} was used before for a different submission; "
                            "use a new key for a new submission")


def _count(s: Session, model: type[Any], where: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(where)) or 0)
