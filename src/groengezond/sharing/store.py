"""Save, version, read and list shared scenarios, with owners and visibility.

Who may do what:

- **create**: anyone. An anonymous owner gets an *owner key* once (only its SHA-256 is stored)
  and proves ownership with it (``X-Owner-Key`` over HTTP); a staff member owns by username.
  Only staff may make a scenario ``private``.
- **read**: ``public`` and ``unlisted`` by anyone with the id; ``private`` by staff and the
  owner. Nobody else learns that a private id exists (it reads as not found).
- **list**: the ``public`` ones, plus the caller's own.
- **new version, change visibility, delete**: the owner (or staff).

Every scenario is validated (:func:`groengezond.scenario.model.scenario_from_data`) before it
is stored, and stored in EPSG:28992 as in scenario YAML files; bounds: at most
:data:`MAX_VERSIONS` versions per scenario and :data:`MAX_LIST` rows per list page.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml
from sqlalchemy import func, or_, select

from groengezond.errors import InputError, Problem
from groengezond.participation.errors import ConflictError, ForbiddenError, NotFoundError
from groengezond.scenario.model import Scenario, parse_geometry, scenario_from_data
from groengezond.sharing.db import SharingDatabase
from groengezond.sharing.models import VISIBILITIES, SharedScenario, SharedScenarioVersion

MAX_VERSIONS = 200
"""Most versions one shared scenario keeps; beyond it, share a new one."""
MAX_LIST = 100
"""Most rows of one list page."""
MAX_YAML_CHARS = 2_000_000
"""Longest scenario YAML accepted on import (characters)."""
ID_BYTES = 9
"""Random bytes of an id (12 URL-safe characters)."""


@dataclass(frozen=True)
class Caller:
    """Who asks: a staff member's username, an anonymous owner key, both or neither."""

    staff: str | None = None
    owner_key: str | None = None

    @property
    def key_hash(self) -> str | None:
        """SHA-256 (hex) of the owner key, or None."""
        return hash_key(self.owner_key) if self.owner_key else None


@dataclass(frozen=True)
class SharedView:
    """A shared scenario at one version, as the caller may see it."""

    id: str
    version: int
    latest_version: int
    visibility: str
    name: str
    scenario: dict[str, Any]
    note: str
    created_at: datetime
    updated_at: datetime
    is_owner: bool
    owner_key: str | None = None
    """The new owner key, only in the answer to the create that made it."""


def hash_key(key: str) -> str:
    """SHA-256 (hex) of an owner key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_visibility(visibility: str, caller: Caller) -> None:
    if visibility not in VISIBILITIES:
        raise InputError.single("request", "body", "visibility", f"unknown {visibility!r}",
                                "use public, unlisted or private")
    if visibility == "private" and not caller.staff:
        raise ForbiddenError("only programme staff may keep a scenario private (log in as "
                             "staff, or share it as unlisted: only people with the link see it)")


def validate(data: Any, file: str = "scenario") -> Scenario:
    """The scenario in ``data`` (EPSG:28992), validated; :class:`InputError` otherwise.

    Besides the model's checks, every geometry must parse (WKT or GeoJSON) and be non-empty,
    so that what is stored can always be drawn again.
    """
    scenario = scenario_from_data(data, file=file)
    problems = []
    for i, item in enumerate(scenario.interventions):
        try:
            ok = not parse_geometry(item.geometry).is_empty
        except Exception:
            ok = False
        if not ok:
            problems.append(Problem(file, f"intervention {i + 1} {item.name!r}", "geometry",
                                    "cannot be read or is empty",
                                    "draw the shape again (GeoJSON or WKT polygon, line or "
                                    "point)"))
    if problems:
        raise InputError(problems)
    return scenario


def _is_owner(row: SharedScenario, caller: Caller) -> bool:
    if caller.staff and row.owner_staff == caller.staff:
        return True
    key = caller.key_hash
    return key is not None and row.owner_key_hash is not None and secrets.compare_digest(
        key, row.owner_key_hash)


def _may_read(row: SharedScenario, caller: Caller) -> bool:
    return row.visibility != "private" or bool(caller.staff) or _is_owner(row, caller)


def _may_write(row: SharedScenario, caller: Caller) -> bool:
    return bool(caller.staff) or _is_owner(row, caller)


def _view(row: SharedScenario, ver: SharedScenarioVersion, caller: Caller,
          owner_key: str | None = None) -> SharedView:
    return SharedView(id=row.id, version=ver.version, latest_version=row.latest_version,
                      visibility=row.visibility, name=ver.name, scenario=ver.scenario,
                      note=ver.note, created_at=row.created_at, updated_at=row.updated_at,
                      is_owner=owner_key is not None or _is_owner(row, caller),
                      owner_key=owner_key)


def create(db: SharingDatabase, scenario: Scenario, caller: Caller,
           visibility: str = "unlisted", note: str = "") -> SharedView:
    """Share ``scenario`` as version 1 of a new id; an anonymous caller gets an owner key.

    An anonymous caller who already has an owner key (``caller.owner_key``) keeps it, so one
    key owns all of that browser's scenarios.
    """
    _check_visibility(visibility, caller)
    new_key = None
    key_hash: str | None = None
    if not caller.staff:
        if caller.owner_key:
            key_hash = caller.key_hash
        else:
            new_key = secrets.token_urlsafe(32)
            key_hash = hash_key(new_key)
    now = _now()
    row = SharedScenario(id=secrets.token_urlsafe(ID_BYTES), owner_key_hash=key_hash,
                         owner_staff=caller.staff, visibility=visibility, latest_version=1,
                         created_at=now, updated_at=now)
    ver = SharedScenarioVersion(scenario_id=row.id, version=1, name=scenario.name[:200],
                                scenario=scenario.model_dump(mode="json"), note=note[:500],
                                created_at=now)
    with db.write() as s:
        s.add(row)
        s.flush()
        s.add(ver)
    return _view(row, ver, caller, owner_key=new_key)


def _row(s: Any, scenario_id: str, caller: Caller) -> SharedScenario:
    row: SharedScenario | None = s.get(SharedScenario, scenario_id)
    if row is None or not _may_read(row, caller):
        raise NotFoundError(f"request: shared scenario {scenario_id!r} does not exist (or is "
                            "private); check the link")
    return row


def read(db: SharingDatabase, scenario_id: str, caller: Caller,
         version: int | None = None) -> SharedView:
    """The scenario at ``version`` (default the newest); not found when the caller may not."""
    with db.read() as s:
        row = _row(s, scenario_id, caller)
        n = row.latest_version if version is None else version
        ver = s.get(SharedScenarioVersion, (scenario_id, n))
        if ver is None:
            raise NotFoundError(f"request: shared scenario {scenario_id!r} has no version {n}; "
                                f"its versions are 1 to {row.latest_version}")
        return _view(row, ver, caller)


def add_version(db: SharingDatabase, scenario_id: str, scenario: Scenario, caller: Caller,
                note: str = "", visibility: str | None = None) -> SharedView:
    """Save ``scenario`` as the next version (owner or staff only)."""
    if visibility is not None:
        _check_visibility(visibility, caller)
    with db.write() as s:
        row = _row(s, scenario_id, caller)
        if not _may_write(row, caller):
            raise ForbiddenError(f"request: only the owner of shared scenario {scenario_id!r} "
                                 "may save a new version; share your own copy instead")
        if row.latest_version >= MAX_VERSIONS:
            raise ConflictError(f"request: shared scenario {scenario_id!r} has "
                                f"{MAX_VERSIONS} versions, the most kept; share a new one")
        now = _now()
        row.latest_version += 1
        row.updated_at = now
        if visibility is not None:
            row.visibility = visibility
        ver = SharedScenarioVersion(scenario_id=row.id, version=row.latest_version,
                                    name=scenario.name[:200],
                                    scenario=scenario.model_dump(mode="json"), note=note[:500],
                                    created_at=now)
        s.add(ver)
        s.flush()
        return _view(row, ver, caller)


def delete(db: SharingDatabase, scenario_id: str, caller: Caller) -> None:
    """Delete a shared scenario with all its versions (owner or staff only)."""
    with db.write() as s:
        row = _row(s, scenario_id, caller)
        if not _may_write(row, caller):
            raise ForbiddenError(f"request: only the owner of shared scenario {scenario_id!r} "
                                 "may delete it")
        s.query(SharedScenarioVersion).filter_by(scenario_id=scenario_id).delete()
        s.delete(row)


def listing(db: SharingDatabase, caller: Caller, *, mine: bool = False, limit: int = 50,
            offset: int = 0) -> tuple[int, list[SharedView]]:
    """Public scenarios (or, with ``mine``, the caller's own), newest first, as a page."""
    limit = max(1, min(limit, MAX_LIST))
    with db.read() as s:
        q = select(SharedScenario)
        if mine:
            conds = []
            if caller.staff:
                conds.append(SharedScenario.owner_staff == caller.staff)
            if caller.key_hash:
                conds.append(SharedScenario.owner_key_hash == caller.key_hash)
            if not conds:
                return 0, []
            q = q.where(or_(*conds))
        else:
            q = q.where(SharedScenario.visibility == "public")
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = s.scalars(q.order_by(SharedScenario.updated_at.desc(), SharedScenario.id)
                         .limit(limit).offset(offset)).all()
        out = []
        for row in rows:
            ver = s.get(SharedScenarioVersion, (row.id, row.latest_version))
            assert ver is not None
            out.append(_view(row, ver, caller))
        return int(total), out


def to_yaml(view: SharedView) -> str:
    """The version's scenario as a scenario YAML file (as ``groengezond plan`` reads)."""
    text: str = yaml.safe_dump(view.scenario, sort_keys=False, allow_unicode=True)
    return text


def from_yaml(text: str, file: str = "scenario YAML") -> Scenario:
    """A scenario from YAML text, validated; :class:`InputError` naming what is wrong."""
    if len(text) > MAX_YAML_CHARS:
        raise InputError.single(file, "", "", f"has {len(text)} characters",
                                f"give at most {MAX_YAML_CHARS} (simplify the geometries)")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", "", f"cannot be parsed ({exc})",
                                "write valid YAML, as 'groengezond plan' reads it") from None
    from groengezond.api.scenario_limits import check_raw_scenario

    check_raw_scenario(data, file)
    return validate(data, file)
