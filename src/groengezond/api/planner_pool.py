"""A bounded pool for Planner runs: worker processes, a deadline, and stop on disconnect.

One scenario run can take seconds and gigabytes (a park over a whole region, 10,000 draws).
:class:`RunPool` keeps such runs from stalling the server:

- **bounded**: at most ``workers`` runs compute at once and ``queue`` more may wait; a run
  beyond that is refused at once with :class:`PoolFullError` (the API answers 503 with
  ``Retry-After``), so a burst cannot pile up work.
- **own process**: each run is computed in a child process forked from the server (which
  already holds the Planner's baseline, shared copy-on-write, so nothing is rebuilt). The
  child sends its answer back through a pipe and exits, so all the memory the run used goes
  back to the operating system; the server's event loop only waits on the pipe, so ``/health``
  and every other route keep answering while runs compute. Workers run at a lower scheduling
  priority (:data:`WORKER_NICENESS`), so the server's own requests get the CPU first.
- **deadline**: a run (waiting included) that is not done after ``deadline_s`` is stopped
  (its process killed) and answered with :class:`RunTimedOutError` (503).
- **disconnect**: while a run waits or computes, the pool asks ``is_disconnected`` every
  ~50 ms; when the client has gone, the run is stopped (its process killed). The worker
  closes the file descriptors it inherited (the server's sockets), or it would keep the
  client's connection open and hide the hang-up.

Where ``fork`` is not available (Windows, macOS default) the pool computes in threads of the
server process instead: the bounds and the 503 hold, but a run past its deadline or of a
departed client is only abandoned (its thread finishes in the background), and its memory
stays with the server process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from typing import Any

import anyio
import anyio.to_thread

from groengezond.errors import InputError, Problem

log = logging.getLogger(__name__)

POLL_S = 0.05
"""How often a waiting run checks its client, its deadline and its worker (s)."""
WORKER_NICENESS = 10
"""Scheduling niceness added to a worker process, so that ``/health`` and the other routes
get the CPU before the scenario runs when there are fewer cores than busy processes."""


class PoolFullError(Exception):
    """Every worker is busy and the queue is full: answer 503 with ``Retry-After``."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("the Planner is busy with other scenarios; try again in "
                         f"{retry_after_s} s")
        self.retry_after_s = retry_after_s


class RunTimedOutError(Exception):
    """The run was stopped at its deadline."""

    def __init__(self, deadline_s: float) -> None:
        super().__init__(f"the scenario did not finish within {deadline_s:g} s and was "
                         "stopped; make it smaller (fewer or smaller interventions, fewer "
                         "draws) or try again when the Planner is less busy")
        self.deadline_s = deadline_s


class ClientGoneError(Exception):
    """The client disconnected; the run was stopped."""


class WorkerFailedError(Exception):
    """The run failed inside its worker (an unexpected error, or the worker died)."""


def _close_inherited(keep: int) -> None:
    """Close every file descriptor the fork inherited except stdio and ``keep``.

    The worker must not hold the server's sockets: a client connection kept open in the
    worker hides the client's hang-up from the server (so the run would not be stopped) and
    keeps the connection alive after the server closed it.
    """
    top = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65_536
    os.closerange(3, keep)
    os.closerange(keep + 1, max(keep + 2, int(top)))


def _child(job: Callable[[], Any], conn: Connection) -> None:
    """Body of a worker process: run ``job`` and send ``(kind, payload)`` back."""
    _close_inherited(conn.fileno())
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)  # the server's own requests go first when CPUs are short
    try:
        conn.send(("ok", job()))
    except InputError as exc:
        conn.send(("input", [p.__dict__ for p in exc.problems]))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class RunPool:
    """A bounded pool of Planner runs (see the module docstring).

    Parameters
    ----------
    workers : int
        Runs computed at once.
    queue : int
        Runs that may wait for a worker; more are refused with :class:`PoolFullError`.
    deadline_s : float
        Longest a run may take, waiting included (s).
    mode : {"process", "thread"}, optional
        ``process`` (fork a worker per run; the default where fork exists) or ``thread``.
    retry_after_s : int
        ``Retry-After`` given with :class:`PoolFullError` (s).
    """

    def __init__(self, workers: int = 2, queue: int = 1, deadline_s: float = 30.0,
                 mode: str | None = None, retry_after_s: int = 5) -> None:
        if mode is None:
            mode = "process" if "fork" in mp.get_all_start_methods() else "thread"
        if mode not in ("process", "thread"):
            raise ValueError(f"unknown pool mode {mode!r}; use 'process' or 'thread'")
        self.workers, self.queue, self.deadline_s = workers, queue, deadline_s
        self.mode, self.retry_after_s = mode, retry_after_s
        self._admit = threading.BoundedSemaphore(workers + queue)
        self._compute = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self._children: set[Any] = set()
        self._closed = False
        self.stats = {"done": 0, "refused": 0, "timed_out": 0, "abandoned": 0, "failed": 0}

    @property
    def in_flight(self) -> int:
        """Runs computing or waiting now."""
        return self.workers + self.queue - self._admit._value  # type: ignore[attr-defined]

    async def run(self, job: Callable[[], Any],
                  is_disconnected: Callable[[], Awaitable[bool]] | None = None) -> Any:
        """Compute ``job()`` in the pool and return what it returns.

        ``job`` must return picklable data (in process mode it crosses a pipe).

        Raises
        ------
        PoolFullError
            Workers and queue are all taken.
        RunTimedOutError
            The deadline passed (the run was stopped).
        ClientGoneError
            The client disconnected (the run was stopped).
        InputError
            The job refused its input.
        WorkerFailedError
            The job failed otherwise.
        """
        if self._closed or not self._admit.acquire(blocking=False):
            self.stats["refused"] += 1
            raise PoolFullError(self.retry_after_s)
        deadline = time.monotonic() + self.deadline_s
        try:
            while not self._compute.acquire(blocking=False):
                await self._check(deadline, is_disconnected)
                await anyio.sleep(POLL_S)
            try:
                if self.mode == "process":
                    out = await self._in_process(job, deadline, is_disconnected)
                else:
                    out = await self._in_thread(job, deadline, is_disconnected)
                self.stats["done"] += 1
                return out
            finally:
                self._compute.release()
        finally:
            self._admit.release()

    async def _check(self, deadline: float,
                     is_disconnected: Callable[[], Awaitable[bool]] | None) -> None:
        if time.monotonic() > deadline:
            self.stats["timed_out"] += 1
            raise RunTimedOutError(self.deadline_s)
        if is_disconnected is not None and await is_disconnected():
            self.stats["abandoned"] += 1
            raise ClientGoneError("the client disconnected; the run was stopped")

    async def _in_process(self, job: Callable[[], Any], deadline: float,
                          is_disconnected: Callable[[], Awaitable[bool]] | None) -> Any:
        ctx = mp.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(job, send), daemon=True)
        proc.start()
        send.close()
        with self._lock:
            self._children.add(proc)
        t0 = time.monotonic()
        try:
            while not recv.poll():
                if not proc.is_alive() and not recv.poll():
                    self.stats["failed"] += 1
                    raise WorkerFailedError(f"the worker stopped (exit code {proc.exitcode})")
                await self._check(deadline, is_disconnected)
                await anyio.sleep(POLL_S)
            kind, payload = await anyio.to_thread.run_sync(recv.recv)
        finally:
            recv.close()
            if proc.is_alive():
                proc.kill()
            await anyio.to_thread.run_sync(proc.join, 5.0)
            with self._lock:
                self._children.discard(proc)
            log.info("planner worker done", extra={"fields": {
                "event": "planner_worker", "pid": proc.pid, "exit_code": proc.exitcode,
                "duration_ms": round(1000 * (time.monotonic() - t0), 1)}})
        return _unpack(kind, payload, self.stats)

    async def _in_thread(self, job: Callable[[], Any], deadline: float,
                         is_disconnected: Callable[[], Awaitable[bool]] | None) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                box["out"] = ("ok", job())
            except InputError as exc:
                box["out"] = ("input", [p.__dict__ for p in exc.problems])
            except BaseException as exc:
                box["out"] = ("error", f"{type(exc).__name__}: {exc}")
            finally:
                done.set()

        threading.Thread(target=work, name="gg-planner-run", daemon=True).start()
        while not done.is_set():
            await self._check(deadline, is_disconnected)
            await anyio.sleep(POLL_S)
        kind, payload = box["out"]
        return _unpack(kind, payload, self.stats)

    def close(self) -> None:
        """Refuse new runs and stop the running ones (called at shutdown)."""
        self._closed = True
        with self._lock:
            children = list(self._children)
        for proc in children:
            if proc.is_alive():
                proc.kill()
        for proc in children:
            proc.join(5.0)


def _unpack(kind: str, payload: Any, stats: dict[str, int]) -> Any:
    if kind == "ok":
        return payload
    if kind == "input":
        raise InputError([Problem(**p) for p in payload])
    stats["failed"] += 1
    log.error("planner run failed", extra={"fields": {"event": "planner_failed",
                                                      "error": str(payload)[:500]}})
    raise WorkerFailedError("the scenario run failed on the server; it has been logged")


def pool_from_settings() -> RunPool:
    """The pool configured by ``GG_PLANNER_WORKERS``, ``_QUEUE``, ``_DEADLINE_S`` and
    ``GG_PLANNER_POOL`` (``process`` or ``thread``; default: process where fork exists)."""
    from groengezond.settings import get_settings

    s = get_settings()
    return RunPool(s.planner_workers, s.planner_queue, s.planner_deadline_s,
                   mode=os.environ.get("GG_PLANNER_POOL") or None)
