"""The programme store: save and load a :class:`~.schemas.Programme`, roles and audit trail.

- :func:`import_programme` replaces the whole programme in **one transaction** (programme staff
  only): either every project, budget line, KPI, milestone, risk and lesson of the validated
  workbook is stored, or nothing is.
- Roles (:class:`Actor`): ``staff`` reads and writes everything; a project ``lead`` reads
  everything and writes only the projects whose ``lead_user`` they are (or for which they hold
  a ``lead`` membership). Writes by anyone else raise :class:`ForbiddenError`.
- Every change writes an audit entry (:class:`~.models.Change`): who, when, what, old and new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from groengezond.errors import GroengezondError, InputError
from groengezond.programme.db import ProgrammeDatabase
from groengezond.programme.models import (
    ROLES,
    STATUSES,
    BudgetLine,
    Change,
    Indicator,
    Lesson,
    Member,
    Milestone,
    Period,
    Project,
    Result,
    Risk,
)
from groengezond.programme.schemas import (
    PERIOD,
    BudgetLineData,
    KpiData,
    LessonData,
    MilestoneData,
    PeriodData,
    Programme,
    ProjectData,
    ProjectLink,
    RiskData,
)


class ForbiddenError(GroengezondError):
    """The actor's role does not allow this change."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """Who acts: a username and their role (``staff`` or ``lead``)."""

    username: str
    role: str
    projects: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InputError.single("actor", self.username, "role",
                                    f"unknown role {self.role!r}", f"use one of {ROLES}")

    def may_write(self, project: Project) -> bool:
        """Staff may write every project; a lead their own."""
        return self.role == "staff" or project.code in self.projects \
            or (bool(project.lead_user) and project.lead_user == self.username)


STAFF_CLI = Actor("cli", "staff")
"""The actor of the command line (whoever may run it on the server is programme staff)."""


def _audit(s: Session, actor: Actor, action: str, entity: str, key: str,
           detail: dict[str, Any], clock: Callable[[], datetime]) -> None:
    s.add(Change(at=clock(), actor=actor.username, action=action, entity=entity,
                 entity_key=key, detail=detail))


def import_programme(db: ProgrammeDatabase, programme: Programme, actor: Actor = STAFF_CLI,
                     clock: Callable[[], datetime] = _now) -> dict[str, int]:
    """Replace the stored programme by ``programme`` in one transaction (staff only).

    Returns
    -------
    dict
        Counts of what was stored per kind.
    """
    if actor.role != "staff":
        raise ForbiddenError(f"{actor.username} is not programme staff: only staff import")
    counts = {"projects": len(programme.projects), "budget": len(programme.budget),
              "kpis": len(programme.kpis), "milestones": len(programme.milestones),
              "risks": len(programme.risks), "lessons": len(programme.lessons)}
    with db.write() as s:
        s.execute(delete(Period))
        s.execute(delete(Indicator))
        s.execute(delete(Result))
        for model in (BudgetLine, Milestone, Risk, Project, Lesson):
            s.execute(delete(model))
        s.execute(delete(Member).where(Member.role == "lead"))
        by_code: dict[str, Project] = {}
        for p in programme.projects:
            row = Project(code=p.code, name=p.name, track=p.track, module=p.module,
                          lead=p.lead, lead_user=p.lead_user, partners=list(p.partners),
                          areas=list(p.areas), starts_on=p.starts_on, ends_on=p.ends_on,
                          status=p.status, catalogue=list(p.catalogue),
                          links=[link.model_dump() for link in p.links])
            by_code[p.code] = row
            s.add(row)
            if p.lead_user:
                s.add(Member(username=p.lead_user, role="lead", project_code=p.code))
        for b in programme.budget:
            by_code[b.project].budget.append(BudgetLine(
                source=b.source, year=b.year, committed_eur=b.committed_eur,
                spent_eur=b.spent_eur))
        results: dict[tuple[str, str], Result] = {}
        for k in programme.kpis:
            res = results.get((k.project, k.result))
            if res is None:
                res = results[(k.project, k.result)] = Result(title=k.result)
                by_code[k.project].results.append(res)
            res.indicators.append(Indicator(
                title=k.indicator, measure=k.measure, ascending=k.ascending,
                baseline_year=k.baseline_year, baseline=k.baseline,
                monitor_indicator=k.monitor_indicator, monitor_area=k.monitor_area,
                periods=[Period(period=p.period, target=p.target, actual=p.actual)
                         for p in k.periods]))
        for m in programme.milestones:
            by_code[m.project].milestones.append(Milestone(title=m.title, due_on=m.due_on,
                                                           done_on=m.done_on))
        for r in programme.risks:
            by_code[r.project].risks.append(Risk(description=r.description,
                                                 likelihood=r.likelihood, impact=r.impact,
                                                 mitigation=r.mitigation))
        for le in programme.lessons:
            s.add(Lesson(what=le.what, where=le.where, area_code=le.area_code,
                         result=le.result, source=le.source,
                         catalogue_entry=le.catalogue_entry, project_code=le.project))
        _audit(s, actor, "import", "programme", "*", dict(counts), clock)
    return counts


def load_programme(db: ProgrammeDatabase) -> Programme:
    """The stored programme (empty when nothing was imported)."""
    with db.read() as s:
        projects = s.scalars(select(Project).order_by(Project.code).options(
            selectinload(Project.budget), selectinload(Project.milestones),
            selectinload(Project.risks),
            selectinload(Project.results).selectinload(Result.indicators)
            .selectinload(Indicator.periods))).all()
        lessons = s.scalars(select(Lesson).order_by(Lesson.id)).all()
        return Programme(
            projects=tuple(ProjectData(
                code=p.code, name=p.name, track=p.track, module=p.module, lead=p.lead,
                lead_user=p.lead_user, partners=tuple(p.partners), areas=tuple(p.areas),
                starts_on=p.starts_on, ends_on=p.ends_on, status=p.status,
                catalogue=tuple(p.catalogue),
                links=tuple(ProjectLink.model_validate(x) for x in p.links)) for p in projects),
            budget=tuple(BudgetLineData(project=p.code, source=b.source, year=b.year,
                                        committed_eur=b.committed_eur, spent_eur=b.spent_eur)
                         for p in projects for b in p.budget),
            kpis=tuple(KpiData(
                project=p.code, result=r.title, indicator=i.title, measure=i.measure,
                ascending=i.ascending, baseline_year=i.baseline_year, baseline=i.baseline,
                monitor_indicator=i.monitor_indicator, monitor_area=i.monitor_area,
                periods=tuple(PeriodData(period=x.period, target=x.target, actual=x.actual)
                              for x in i.periods))
                for p in projects for r in p.results for i in r.indicators),
            milestones=tuple(MilestoneData(project=p.code, title=m.title, due_on=m.due_on,
                                           done_on=m.done_on)
                             for p in projects for m in p.milestones),
            risks=tuple(RiskData(project=p.code, description=r.description,
                                 likelihood=r.likelihood, impact=r.impact,
                                 mitigation=r.mitigation) for p in projects for r in p.risks),
            lessons=tuple(LessonData(what=le.what, where=le.where, area_code=le.area_code,
                                     result=le.result, source=le.source,
                                     catalogue_entry=le.catalogue_entry,
                                     project=le.project_code) for le in lessons))


def actor(db: ProgrammeDatabase, username: str) -> Actor:
    """The actor ``username`` with the roles stored for them (staff wins over lead).

    Raises
    ------
    ForbiddenError
        When the user has no programme role at all.
    """
    with db.read() as s:
        rows = s.scalars(select(Member).where(Member.username == username)).all()
    if any(r.role == "staff" for r in rows):
        return Actor(username, "staff")
    if rows:
        return Actor(username, "lead", frozenset(r.project_code for r in rows))
    raise ForbiddenError(f"{username} has no role in the programme")


def grant(db: ProgrammeDatabase, by: Actor, username: str, role: str,
          project_code: str = "", clock: Callable[[], datetime] = _now) -> None:
    """Give ``username`` a role (staff only); a lead role names its project."""
    if by.role != "staff":
        raise ForbiddenError(f"{by.username} is not programme staff: only staff grant roles")
    if role not in ROLES or (role == "lead") != bool(project_code):
        raise InputError.single("grant", username, "role", f"role {role!r} for project "
                                f"{project_code!r} is not valid",
                                "give staff without a project, or lead with a project code")
    with db.write() as s:
        s.add(Member(username=username, role=role, project_code=project_code))
        _audit(s, by, "grant", "member", username, {"role": role, "project": project_code},
               clock)


def _project(s: Session, code: str) -> Project:
    p = s.scalars(select(Project).where(Project.code == code)).one_or_none()
    if p is None:
        raise InputError.single("programme", code, "project", f"no project {code!r}",
                                "give the code of a stored project")
    return p


def set_status(db: ProgrammeDatabase, by: Actor, code: str, status: str,
               clock: Callable[[], datetime] = _now) -> None:
    """Change a project's status (staff, or the project's lead), with an audit entry."""
    if status not in STATUSES:
        raise InputError.single("programme", code, "status", f"unknown status {status!r}",
                                f"use one of {', '.join(STATUSES)}")
    with db.write() as s:
        p = _project(s, code)
        if not by.may_write(p):
            raise ForbiddenError(f"{by.username} may not change project {code}")
        _audit(s, by, "update", "project.status", code, {"old": p.status, "new": status},
               clock)
        p.status = status


def record_actual(db: ProgrammeDatabase, by: Actor, code: str, indicator: str, period: str,
                  actual: float, clock: Callable[[], datetime] = _now) -> None:
    """Record the actual of a project's KPI in a period (staff, or the project's lead)."""
    if not PERIOD.match(period):
        raise InputError.single("programme", code, "period", f"{period!r} is not a half-year",
                                "write YYYYH1 or YYYYH2")
    with db.write() as s:
        p = _project(s, code)
        if not by.may_write(p):
            raise ForbiddenError(f"{by.username} may not change project {code}")
        ind = next((i for r in p.results for i in r.indicators if i.title == indicator), None)
        if ind is None:
            raise InputError.single("programme", code, "indicator",
                                    f"project {code} has no KPI {indicator!r}",
                                    "give the indicator title of the kpis sheet")
        row = next((x for x in ind.periods if x.period == period), None)
        old = None if row is None else row.actual
        if row is None:
            ind.periods.append(Period(period=period, target=None, actual=actual))
        else:
            row.actual = actual
        _audit(s, by, "update", "kpi.actual", f"{code}/{indicator}/{period}",
               {"old": old, "new": actual}, clock)


def add_lesson(db: ProgrammeDatabase, by: Actor, lesson: LessonData,
               catalogue_ids: set[str] | None = None,
               clock: Callable[[], datetime] = _now) -> int:
    """Add a lesson to the knowledge base (staff, or the lead of the lesson's project).

    Raises
    ------
    InputError
        When the catalogue entry or the project is unknown.
    ForbiddenError
        When a lead adds a lesson of another project (or of none).
    """
    if catalogue_ids is None:
        from groengezond.catalogue.model import load_catalogue

        catalogue_ids = {i.id for i in load_catalogue().interventions}
    if lesson.catalogue_entry and lesson.catalogue_entry not in catalogue_ids:
        raise InputError.single("lesson", lesson.what, "catalogue_entry",
                                f"unknown catalogue entry {lesson.catalogue_entry!r}",
                                "use an id of `groengezond catalogue list` or leave it empty")
    with db.write() as s:
        if lesson.project:
            project = _project(s, lesson.project)
            if not by.may_write(project):
                raise ForbiddenError(f"{by.username} may not add lessons to {lesson.project}")
        elif by.role != "staff":
            raise ForbiddenError(f"{by.username} is not programme staff: name your project")
        row = Lesson(what=lesson.what, where=lesson.where, area_code=lesson.area_code,
                     result=lesson.result, source=lesson.source,
                     catalogue_entry=lesson.catalogue_entry, project_code=lesson.project)
        s.add(row)
        s.flush()
        _audit(s, by, "create", "lesson", str(row.id), lesson.model_dump(), clock)
        return row.id


def audit_trail(db: ProgrammeDatabase) -> list[dict[str, Any]]:
    """Every audit entry, oldest first."""
    with db.read() as s:
        return [{"at": c.at.isoformat(), "actor": c.actor, "action": c.action,
                 "entity": c.entity, "key": c.entity_key, "detail": c.detail}
                for c in s.scalars(select(Change).order_by(Change.id)).all()]
