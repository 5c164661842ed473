"""Structured logging: JSON lines with a request id on every line.

Every module logs through its own logger, ``logging.getLogger(__name__)`` (so a deployment can
turn one part up or down: ``groengezond.api.planner_pool``, ``groengezond.participation.service``
...). :func:`configure_logging` (called by ``serve`` and by the app's lifespan when nothing is
configured yet) sends them to stderr as one JSON object per line::

    {"ts": "2026-12-04T16:02:11.123Z", "level": "INFO", "logger": "groengezond.api.requests",
     "msg": "request", "request_id": "6f1c...", "method": "GET", "path": "/health",
     "status": 200, "duration_ms": 1.2}

The request id comes from :data:`REQUEST_ID` (a context variable the request middleware sets:
the client's ``X-Request-ID`` when it is a short token, else a fresh random one; it is echoed
in the answer's ``X-Request-ID`` header). Lines logged outside a request carry ``"-"``.
Extra fields are passed with ``logger.info("msg", extra={"fields": {...}})``. Nothing a
resident typed is ever logged (only ids, counts and durations).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("gg_request_id", default="-")
"""The id of the request being served (``"-"`` outside a request)."""

_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ROOT = "groengezond"


def new_request_id(offered: str | None = None) -> str:
    """The id of a new request: the client's ``X-Request-ID`` when it is a plain token of 8-64
    characters (so a proxy's id carries through), else 32 random hex digits."""
    if offered and _GOOD_ID.match(offered):
        return offered
    return secrets.token_hex(16)


class JsonLines(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, request id, fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line (exception text under ``exc`` when there is one)."""
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get()}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update({k: v for k, v in fields.items() if k not in out})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "json", force: bool = False,
                      if_unconfigured: bool = False) -> None:
    """Send the ``groengezond`` loggers (and uvicorn's) to stderr as JSON lines.

    Parameters
    ----------
    level : str
        Lowest level logged (``DEBUG``, ``INFO``, ``WARNING`` ...).
    fmt : {"json", "text"}
        JSON lines (default, for log collectors) or plain text (for a terminal).
    force : bool
        Replace handlers set before; without it an already configured logger is left alone
        (tests and embedding applications keep their own set-up).
    if_unconfigured : bool
        Do nothing when the process's root logger already has handlers (the app's lifespan
        passes it: a host application or the test runner has set logging up already).
    """
    root = logging.getLogger(ROOT)
    if (root.handlers and not force) or (if_unconfigured and logging.getLogger().handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(_with_request_id)
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    for name in ("uvicorn", "uvicorn.error"):
        lg = logging.getLogger(name)
        lg.handlers[:] = [handler]
        lg.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # our request line replaces it


def _with_request_id(record: logging.LogRecord) -> bool:
    if not getattr(record, "request_id", None):
        record.request_id = REQUEST_ID.get()
    return True
