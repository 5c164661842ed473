"""An in-memory store of asynchronous jobs (OGC API - Processes jobs), bounded in count and age.

A job runs ``work(is_dismissed)`` in a thread of its own, with its own event loop (so it
outlives the request that made it); ``work`` is an async function that returns the job's
outputs or raises. A job moves ``accepted`` → ``running`` → ``successful`` / ``failed``, or to
``dismissed`` when :meth:`JobStore.dismiss` is called (``work`` sees ``is_dismissed()`` turn
true and should stop; the Planner's pool kills the run's process).

Bounds: at most ``max_jobs`` jobs are kept and at most ``max_running`` run at once; a job ends
its life ``ttl_s`` after it finished (its results are gone with it). When the store is full, the
oldest finished job is dropped; when every kept job is still running, a new one is refused
(:class:`JobStoreFullError`). The store is in memory: jobs do not survive a restart, and
each server process has its own (documented in ``docs/versneller.md``).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import anyio

Status = Literal["accepted", "running", "successful", "failed", "dismissed"]
FINISHED: frozenset[str] = frozenset({"successful", "failed", "dismissed"})
Work = Callable[[Callable[[], Awaitable[bool]]], Awaitable[Any]]


class JobStoreFullError(Exception):
    """Every kept job is still running: try again later."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"{limit} jobs are running, the most this server keeps; try again "
                         "when one has finished, or run synchronously")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Job:
    """One job: its process, state, timestamps and, when done, its outputs or error."""

    id: str
    process_id: str
    status: Status = "accepted"
    message: str = ""
    created: datetime = field(default_factory=_now)
    started: datetime | None = None
    finished: datetime | None = None
    outputs: Any = None
    error_status: int = 500
    finished_at_s: float | None = None
    dismissed: threading.Event = field(default_factory=threading.Event)


class JobStore:
    """Jobs by id; thread-safe.

    Parameters
    ----------
    max_jobs : int
        Most jobs kept (finished ones included).
    max_running : int
        Most jobs accepted or running at once.
    ttl_s : float
        Seconds a finished job (and its results) is kept.
    """

    def __init__(self, max_jobs: int = 100, max_running: int = 8, ttl_s: float = 3600.0) -> None:
        self.max_jobs = max_jobs
        self.max_running = max_running
        self.ttl_s = ttl_s
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = time.monotonic()
        for key, job in list(self._jobs.items()):
            if job.finished_at_s is not None and now - job.finished_at_s > self.ttl_s:
                del self._jobs[key]

    def submit(self, process_id: str, work: Work,
               errors: Callable[[BaseException], tuple[int, str]]) -> Job:
        """Start ``work`` as a new job and return it at once (status ``accepted``).

        ``errors`` maps an exception of ``work`` to (HTTP status, message) for the job's status.
        """
        with self._lock:
            self._expire()
            running = [j for j in self._jobs.values() if j.status not in FINISHED]
            if len(running) >= self.max_running:
                raise JobStoreFullError(self.max_running)
            while len(self._jobs) >= self.max_jobs:
                oldest = min((j for j in self._jobs.values() if j.status in FINISHED),
                             key=lambda j: j.finished_at_s or 0.0, default=None)
                if oldest is None:
                    raise JobStoreFullError(self.max_jobs)
                del self._jobs[oldest.id]
            job = Job(id=secrets.token_urlsafe(12), process_id=process_id)
            self._jobs[job.id] = job

        async def dismissed() -> bool:
            return job.dismissed.is_set()

        def run() -> None:
            job.status, job.started = "running", _now()
            try:
                out = anyio.run(work, dismissed)
            except BaseException as exc:
                if job.dismissed.is_set():
                    job.status, job.message = "dismissed", "dismissed by the client"
                else:
                    job.error_status, job.message = errors(exc)
                    job.status = "failed"
            else:
                if job.dismissed.is_set():
                    job.status, job.message = "dismissed", "dismissed by the client"
                else:
                    job.outputs, job.status, job.message = out, "successful", "done"
            job.finished, job.finished_at_s = _now(), time.monotonic()

        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, or None when unknown or expired."""
        with self._lock:
            self._expire()
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """Every kept job, newest first."""
        with self._lock:
            self._expire()
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def dismiss(self, job_id: str) -> Job | None:
        """Ask the job to stop and drop its results; None when unknown."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            job.dismissed.set()
            if job.status in ("successful", "failed"):
                job.status, job.outputs, job.message = "dismissed", None, "dismissed by the client"
            return job

    def wait(self, job_id: str, timeout_s: float) -> Job | None:
        """Wait until the job has finished (tests and small clients); the job or None."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            job = self.get(job_id)
            if job is None or job.status in FINISHED:
                return job
            time.sleep(0.05)
        return self.get(job_id)
