"""The hub's audit log: append-only, hash-chained, one JSON line per query or export.

Every entry records who (user and role), what (action and target), when (UTC), the SHA-256 of
the output the action produced, and a chain hash

.. math:: h_i = \\mathrm{SHA256}(h_{i-1} \\Vert \\mathrm{canonical\\ JSON}(e_i)),
          \\quad h_0 = 0^{64},

so that changing, removing or reordering any earlier line breaks every later hash:
:func:`verify` finds the first broken entry. Lines are appended under an exclusive file lock and
flushed to disk before the action's answer leaves. Entries carry keys and numbers only, never a
BSN or any other identifier of a person.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def output_hash(data: bytes | str) -> str:
    """SHA-256 (hex) of an output."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Verification:
    """Result of :func:`verify`: ``ok``, entries checked and the first bad entry (1-based)."""

    ok: bool
    entries: int
    first_bad: int | None = None
    problem: str = ""


class AuditLog:
    """An append-only, hash-chained log in a JSON-lines file.

    Parameters
    ----------
    path : Path
        The log file (created with mode 0600 when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, *, user: str, role: str, action: str, target: str = "",
               output: bytes | str | None = None, details: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        """Append one entry and return it (with its ``seq`` and ``hash``)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.seek(0)
                prev, seq = GENESIS, 0
                for line in fh:
                    if line.strip():
                        last = json.loads(line)
                        prev, seq = last["hash"], int(last["seq"])
                entry: dict[str, Any] = {
                    "seq": seq + 1, "time": datetime.now(UTC).isoformat(timespec="seconds"),
                    "user": user, "role": role, "action": action, "target": target,
                    "output_sha256": output_hash(output) if output is not None else None,
                    "details": details or {}, "prev": prev}
                entry["hash"] = hashlib.sha256(prev.encode() + _canonical(entry)).hexdigest()
                fh.seek(0, os.SEEK_END)
                fh.write(_canonical(entry) + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines()
                if line.strip()]

    def verify(self) -> Verification:
        """Check the chain; the first entry that does not follow from the ones before."""
        prev = GENESIS
        lines = self.path.read_text().splitlines() if self.path.exists() else []
        n = 0
        for n, line in enumerate((ln for ln in lines if ln.strip()), start=1):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                return Verification(False, n, n, "not JSON")
            claimed = entry.pop("hash", None)
            if entry.get("prev") != prev:
                return Verification(False, n, n, "does not follow the entry before")
            if entry.get("seq") != n:
                return Verification(False, n, n, "sequence number out of order")
            if hashlib.sha256(prev.encode() + _canonical(entry)).hexdigest() != claimed:
                return Verification(False, n, n, "hash does not match the entry")
            prev = str(claimed)
        return Verification(True, n)
