"""Who may do what in the hub: roles, users, four-eyes export approval.

Roles (:data:`PERMISSIONS`):

- **viewer** — reads the published indicators (what the Monitor shows);
- **researcher** — also reads the protected releases and linkage rates, and requests exports;
- **data steward** — also runs ingestion, manages users, links projects (with the other
  project's steward), reads the audit log and approves or
  rejects exports, never their own (four-eyes).

Users authenticate with a bearer token (32 random bytes, shown once); the hub stores only its
SHA-256. Every decision here is written to the :class:`~groengezond.ucloud.audit.AuditLog` by the
callers (API and CLI), which both go through :func:`authorise`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from groengezond.errors import GroengezondError

Role = Literal["data_steward", "researcher", "viewer"]
ROLES: tuple[Role, ...] = ("data_steward", "researcher", "viewer")

PERMISSIONS: dict[str, frozenset[Role]] = {
    "read_indicators": frozenset({"viewer", "researcher", "data_steward"}),
    "read_releases": frozenset({"researcher", "data_steward"}),
    "read_linkage": frozenset({"researcher", "data_steward"}),
    "request_export": frozenset({"researcher", "data_steward"}),
    "download_export": frozenset({"researcher", "data_steward"}),
    "list_exports": frozenset({"researcher", "data_steward"}),
    "approve_export": frozenset({"data_steward"}),
    "read_audit": frozenset({"data_steward"}),
    "ingest": frozenset({"data_steward"}),
    "manage_users": frozenset({"data_steward"}),
    "publish": frozenset({"data_steward"}),
    "synthesise": frozenset({"data_steward"}),
    "link_projects": frozenset({"data_steward"}),
}
"""Action → roles allowed to do it."""


class AccessDeniedError(GroengezondError):
    """The user is unknown or the role may not do this (the API answers 401 or 403)."""

    def __init__(self, message: str, *, unauthenticated: bool = False) -> None:
        super().__init__(message)
        self.unauthenticated = unauthenticated


@dataclass(frozen=True)
class User:
    """An authenticated user."""

    name: str
    role: Role


def _token_hash(token: str) -> str:
    return hashlib.sha256(b"gg-ucloud-token:" + token.encode()).hexdigest()


class Users:
    """The hub's users (``users.json`` in the hub folder, mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(self.path.read_text())
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        tmp.replace(self.path)

    def empty(self) -> bool:
        """No user yet (the first one may be created without a token, as data steward)."""
        return not self._load()

    def add(self, name: str, role: str) -> str:
        """Create a user and return their token (shown once, stored only as a hash).

        Raises
        ------
        GroengezondError
            Unknown role, bad name or the name is taken.
        """
        if role not in ROLES:
            raise GroengezondError(f"unknown role {role!r}; use one of {list(ROLES)}")
        if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise GroengezondError(f"user name {name!r}: use letters, digits, '-', '_', '.'")
        data = self._load()
        if name in data:
            raise GroengezondError(f"user {name!r} exists already")
        token = secrets.token_urlsafe(32)
        data[name] = {"role": role, "token_sha256": _token_hash(token)}
        self._save(data)
        return token

    def authenticate(self, token: str | None) -> User:
        """The user holding ``token``.

        Raises
        ------
        AccessDeniedError
            No token, or no user has it (``unauthenticated``).
        """
        if not token:
            raise AccessDeniedError("no token: send 'Authorization: Bearer <token>'",
                               unauthenticated=True)
        h = _token_hash(token)
        for name, rec in self._load().items():
            if hmac.compare_digest(rec["token_sha256"], h):
                return User(name, rec["role"])  # type: ignore[arg-type]
        raise AccessDeniedError("unknown token", unauthenticated=True)


def authorise(user: User, action: str) -> None:
    """Raise :class:`AccessDeniedError` unless ``user``'s role may do ``action``."""
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise AccessDeniedError(f"unknown action {action!r}")
    if user.role not in allowed:
        raise AccessDeniedError(f"role {user.role} may not {action.replace('_', ' ')}; "
                           f"allowed: {sorted(allowed)}")


def check_four_eyes(requester: str, approver: User) -> None:
    """An export needs a data steward who is not its requester."""
    authorise(approver, "approve_export")
    if approver.name == requester:
        raise AccessDeniedError("four-eyes rule: an export is approved by a second person, "
                           "not by its requester")
