"""The hub's store and the use cases the API and the CLI share (one place enforces the rules).

A hub is a folder (``GG_UCLOUD_DIR``, default ``data/ucloud``)::

    users.json              users and the hashes of their tokens (mode 0600)
    audit.jsonl             the hash-chained audit log (mode 0600)
    linked/                 pseudonymised, buurt-level data (persons, events per source)
    vault/persons.parquet   pseudonym → the hub's link key, to link projects (never released)
    releases/NAME.parquet   protected releases: published (rounded) cells only
    indicators.parquet      the care indicators per area, NaN where suppressed
    run.json                counts, linkage rates, quarantine of the last run
    exports/ID.json, .csv   export requests and their content (leave only when approved)

Every method takes the acting user's token, authenticates and authorises it
(:mod:`.governance`) and writes the action, with the SHA-256 of its output, to the audit log.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic_settings import BaseSettings, SettingsConfigDict

from groengezond.errors import GroengezondError
from groengezond.ucloud.audit import AuditLog, output_hash
from groengezond.ucloud.governance import (
    AccessDeniedError,
    User,
    Users,
    authorise,
    check_four_eyes,
)
from groengezond.ucloud.pipeline import HubRun

RELEASE_COLUMNS = ["table", "area_code", "level", "category", "published", "suppressed"]
"""What a release file holds: never the exact value of a cell, nor why it was suppressed
(primary or secondary: telling would say which cells hold 1-9 persons)."""
LEVELS = ("buurt", "wijk", "gemeente")


class UcloudSettings(BaseSettings):
    """``GG_UCLOUD_DIR``: the hub's folder."""

    model_config = SettingsConfigDict(env_prefix="GG_UCLOUD_", extra="ignore")
    dir: Path = Path("data/ucloud")


class NotFoundError(GroengezondError):
    """No such release or export (404)."""


class ConflictError(GroengezondError):
    """The export is not in a state that allows this (409)."""


@dataclass(frozen=True)
class Export:
    """An export request."""

    id: str
    release: str
    level: str
    requester: str
    status: str  # pending, approved, rejected
    created: str
    output_sha256: str
    rows: int
    approver: str | None = None
    decided: str | None = None


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


class Hub:
    """One hub folder.

    Parameters
    ----------
    root : Path
        The folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.users = Users(root / "users.json")
        self.audit = AuditLog(root / "audit.jsonl")

    # ------------------------------------------------------------------ access
    def act(self, token: str | None, action: str, target: str = "") -> User:
        """Authenticate and authorise; a refusal is logged too (without the token)."""
        try:
            user = self.users.authenticate(token)
        except AccessDeniedError:
            self.audit.append(user="(unknown)", role="", action=f"denied:{action}",
                              target=target)
            raise
        try:
            authorise(user, action)
        except AccessDeniedError:
            self.audit.append(user=user.name, role=user.role, action=f"denied:{action}",
                              target=target)
            raise
        return user

    def add_user(self, token: str | None, name: str, role: str) -> str:
        """Create a user (the first user of a new hub must be a data steward)."""
        if self.users.empty():
            if role != "data_steward":
                raise AccessDeniedError("the first user of a hub is its data steward")
            new = self.users.add(name, role)
            self.audit.append(user=name, role=role, action="bootstrap_user", target=name)
            return new
        actor = self.act(token, "manage_users", name)
        new = self.users.add(name, role)
        self.audit.append(user=actor.name, role=actor.role, action="add_user", target=name,
                          details={"role": role})
        return new

    # ------------------------------------------------------------------ ingestion
    def save_run(self, token: str | None, run: HubRun, *, domain: str, year: int) -> dict[
            str, Any]:
        """Store a run: pseudonymised data, protected releases, indicators, summary."""
        user = self.act(token, "ingest", domain)
        linked = self.root / "linked"
        linked.mkdir(mode=0o700, parents=True, exist_ok=True)
        run.linked.persons.to_parquet(linked / "persons.parquet", index=False)
        _write_private(self.root / "vault" / "persons.parquet",
                       run.linked.vault.to_parquet(index=False))
        for name, ev in run.linked.events.items():
            ev.to_parquet(linked / f"events_{name}.parquet", index=False)
        (self.root / "releases").mkdir(mode=0o700, exist_ok=True)
        for name, rel in run.releases.items():
            rel.cells[RELEASE_COLUMNS].to_parquet(self.root / "releases" / f"{name}.parquet",
                                                  index=False)
        run.indicators.to_parquet(self.root / "indicators.parquet", index=False)
        summary = {"domain": domain, "year": year, **run.summary(),
                   "quarantine": [asdict(p) for p in run.quarantine[:1000]]}
        text = json.dumps(summary, indent=1, default=str)
        _write_private(self.root / "run.json", text.encode())
        self.audit.append(user=user.name, role=user.role, action="ingest", target=domain,
                          output=text, details={"persons": summary["persons"],
                                                "year": year})
        return summary

    # ------------------------------------------------------------------ linking projects
    def for_linking(self, token: str | None, joint: str) -> tuple[str, pd.DataFrame]:
        """This project's domain and vault, to link it into ``joint`` (data steward only;
        logged)."""
        user = self.act(token, "link_projects", joint)
        run, vault = self.root / "run.json", self.root / "vault" / "persons.parquet"
        if not run.exists() or not vault.exists():
            raise GroengezondError(f"{self.root} holds no run with a vault: store one with "
                                   f"'groengezond ucloud run' first")
        domain = str(json.loads(run.read_text())["domain"])
        self.audit.append(user=user.name, role=user.role, action="link_projects",
                          target=f"{domain}->{joint}")
        return domain, pd.read_parquet(vault)

    # ------------------------------------------------------------------ reading
    def releases(self, token: str | None) -> list[str]:
        """Names of the stored releases."""
        self.act(token, "read_releases")
        folder = self.root / "releases"
        return sorted(p.stem for p in folder.glob("*.parquet")) if folder.exists() else []

    def release(self, token: str | None, name: str, level: str | None = None
                ) -> pd.DataFrame:
        """The published cells of a release (a query: logged with its output hash)."""
        user = self.act(token, "read_releases", name)
        frame = self._release_frame(name, level)
        self.audit.append(user=user.name, role=user.role, action="query",
                          target=f"release:{name}:{level or 'all'}",
                          output=frame.to_csv(index=False), details={"rows": len(frame)})
        return frame

    def _release_frame(self, name: str, level: str | None) -> pd.DataFrame:
        path = self.root / "releases" / f"{name}.parquet"
        if not name.replace("_", "").isalnum() or not path.exists():
            raise NotFoundError(f"no release {name!r}; see the list of releases")
        frame = pd.read_parquet(path)
        if level is not None:
            if level not in LEVELS:
                raise GroengezondError(f"level {level!r}: use one of {list(LEVELS)}")
            frame = frame[frame["level"] == level]
        return frame[RELEASE_COLUMNS].reset_index(drop=True)

    def indicators(self, token: str | None) -> pd.DataFrame:
        """The published indicators (NaN where suppressed)."""
        user = self.act(token, "read_indicators")
        path = self.root / "indicators.parquet"
        if not path.exists():
            raise NotFoundError("no indicators yet: the data steward runs 'groengezond ucloud run'")
        frame = pd.read_parquet(path)
        self.audit.append(user=user.name, role=user.role, action="query",
                          target="indicators", output=frame.to_csv(index=False))
        return frame

    def linkage(self, token: str | None) -> dict[str, Any]:
        """Counts and linkage rates of the last run."""
        user = self.act(token, "read_linkage")
        path = self.root / "run.json"
        if not path.exists():
            raise NotFoundError("no run yet")
        text = path.read_text()
        self.audit.append(user=user.name, role=user.role, action="query", target="linkage",
                          output=text)
        data: dict[str, Any] = json.loads(text)
        return data

    def audit_entries(self, token: str | None) -> tuple[list[dict[str, Any]], bool]:
        """The audit log and whether its chain holds."""
        user = self.act(token, "read_audit")
        entries = self.audit.entries()
        ok = self.audit.verify().ok
        self.audit.append(user=user.name, role=user.role, action="read_audit",
                          details={"entries": len(entries)})
        return entries, ok

    # ------------------------------------------------------------------ exports
    def _export_path(self, export_id: str) -> Path:
        if not export_id.isalnum():
            raise NotFoundError(f"no export {export_id!r}")
        return self.root / "exports" / f"{export_id}.json"

    def _load_export(self, export_id: str) -> Export:
        p = self._export_path(export_id)
        if not p.exists():
            raise NotFoundError(f"no export {export_id!r}")
        return Export(**json.loads(p.read_text()))

    def _save_export(self, ex: Export) -> None:
        _write_private(self._export_path(ex.id), json.dumps(asdict(ex)).encode())

    def request_export(self, token: str | None, release: str, level: str | None = None
                       ) -> Export:
        """Request an export of a release; it waits for a second person's approval."""
        user = self.act(token, "request_export", release)
        content = self._release_frame(release, level).to_csv(index=False)
        ex = Export(secrets.token_hex(8), release, level or "all", user.name, "pending",
                    datetime.now(UTC).isoformat(timespec="seconds"), output_hash(content),
                    content.count("\n") - 1)
        _write_private(self.root / "exports" / f"{ex.id}.csv", content.encode())
        self._save_export(ex)
        self.audit.append(user=user.name, role=user.role, action="export_request",
                          target=ex.id, output=content, details={"release": release})
        return ex

    def exports(self, token: str | None) -> list[Export]:
        """Export requests: a researcher sees their own, a data steward all."""
        user = self.act(token, "list_exports")
        folder = self.root / "exports"
        out = [Export(**json.loads(p.read_text())) for p in sorted(folder.glob("*.json"))] \
            if folder.exists() else []
        return [e for e in out if user.role == "data_steward" or e.requester == user.name]

    def decide(self, token: str | None, export_id: str, approve: bool) -> Export:
        """Approve or reject an export (a data steward other than the requester)."""
        user = self.act(token, "approve_export", export_id)
        ex = self._load_export(export_id)
        try:
            check_four_eyes(ex.requester, user)
        except AccessDeniedError:
            self.audit.append(user=user.name, role=user.role, action="denied:four_eyes",
                              target=export_id)
            raise
        if ex.status != "pending":
            raise ConflictError(f"export {export_id} is {ex.status} already")
        ex = Export(**{**asdict(ex), "status": "approved" if approve else "rejected",
                       "approver": user.name,
                       "decided": datetime.now(UTC).isoformat(timespec="seconds")})
        self._save_export(ex)
        self.audit.append(user=user.name, role=user.role,
                          action="export_approve" if approve else "export_reject",
                          target=export_id, details={"requester": ex.requester})
        return ex

    def download(self, token: str | None, export_id: str) -> bytes:
        """The content of an approved export (its requester or a data steward)."""
        user = self.act(token, "download_export", export_id)
        ex = self._load_export(export_id)
        if user.role != "data_steward" and user.name != ex.requester:
            raise AccessDeniedError("only the requester or a data steward downloads an export")
        if ex.status != "approved":
            raise ConflictError(f"export {export_id} is {ex.status}: it leaves only when a second "
                           f"person has approved it")
        data = (self.root / "exports" / f"{export_id}.csv").read_bytes()
        if output_hash(data) != ex.output_sha256:
            raise ConflictError(f"export {export_id} changed after it was requested")
        self.audit.append(user=user.name, role=user.role, action="export_download",
                          target=export_id, output=data)
        return data


def link_projects(a: tuple[Hub, str | None], b: tuple[Hub, str | None], key: bytes,
                  joint: str, out: Path) -> dict[str, Any]:
    """Link two projects' linked data into a joint domain, each with its steward's consent.

    Writes ``out/linked/<domain>/persons.parquet`` (the project's persons, their pseudonyms
    replaced by the joint domain's) and its ``events_*.parquet`` (which refer to persons by
    row), and ``out/crosslink.json`` (the counts). ``out`` is the joint project's hub folder:
    its releases pass the same disclosure control. Nothing of the vaults leaves the hubs.

    Parameters
    ----------
    a, b : (Hub, token)
        Each project's hub and its data steward's token.
    key : bytes
        The hub's secret key.
    joint : str
        The joint domain's name.
    out : Path
        The joint project's hub folder.

    Returns
    -------
    dict
        The report of :func:`~groengezond.ucloud.crosslink.cross_link`.
    """
    from groengezond.ucloud.crosslink import cross_link

    (hub_a, token_a), (hub_b, token_b) = a, b
    dom_a, vault_a = hub_a.for_linking(token_a, joint)
    dom_b, vault_b = hub_b.for_linking(token_b, joint)
    if dom_a == dom_b or joint in (dom_a, dom_b):
        raise GroengezondError(f"link two different projects into a new domain: got "
                               f"{dom_a!r} and {dom_b!r} into {joint!r}")
    link = cross_link(vault_a, vault_b, key, joint)
    for hub, dom, table in ((hub_a, dom_a, link.a), (hub_b, dom_b, link.b)):
        persons = pd.read_parquet(hub.root / "linked" / "persons.parquet")
        joint_of = dict(zip(table["pseudonym"], table["joint"], strict=True))
        persons["pseudonym"] = persons["pseudonym"].map(joint_of)
        folder = out / "linked" / dom
        _write_private(folder / "persons.parquet", persons.to_parquet(index=False))
        for ev in sorted((hub.root / "linked").glob("events_*.parquet")):
            _write_private(folder / ev.name, ev.read_bytes())
    text = json.dumps(link.report, indent=1)
    _write_private(out / "crosslink.json", text.encode())
    for hub, token in ((hub_a, token_a), (hub_b, token_b)):
        user = hub.users.authenticate(token)
        hub.audit.append(user=user.name, role=user.role, action="linked_projects",
                         target=joint, output=text, details=link.report)
    return link.report
