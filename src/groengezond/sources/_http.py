"""HTTP for the online fetch: retries with backoff, a local cache, a clear message when offline.

Kept apart from the parsers (as osmnx keeps ``_http.py``): the importers never touch the
network. Tests replace only the transport (``httpx.MockTransport``); retry, cache and parsing
run for real.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from groengezond.errors import GroengezondError
from groengezond.region.store import atomic_file

USER_AGENT = "groengezond (open data platform, Regio Utrecht)"


class OfflineError(GroengezondError):
    """The data services cannot be reached: no network, DNS or the host is down."""


class FetchError(GroengezondError):
    """A data service answered with an error, or with something that is not what was asked."""


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Parameters
    ----------
    attempts : int
        Tries in total (≥ 1).
    backoff_s : float
        Wait before the second try (s); doubled before each further try.
    max_backoff_s : float
        Longest wait (s), also the cap of a server's ``Retry-After``.
    statuses : tuple of int
        HTTP statuses worth another try (rate limits and server trouble).
    """

    attempts: int = 4
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    statuses: tuple[int, ...] = (429, 500, 502, 503, 504)

    def wait(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (0-based)."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_backoff_s)
            except ValueError:
                pass
        return float(min(self.backoff_s * 2**attempt, self.max_backoff_s))


class HttpClient:
    """GET with retries and an on-disk cache of successful responses.

    Parameters
    ----------
    cache_dir : Path or None
        Folder of cached responses (one file per URL + query); None disables the cache.
    transport : httpx.BaseTransport, optional
        Transport to use (tests pass ``httpx.MockTransport``).
    retry : RetryPolicy
        Retry and backoff policy.
    sleep : callable
        ``sleep(seconds)``; tests pass a recorder instead of waiting.
    timeout_s : float
        Timeout of one request (s).
    refresh : bool
        Ignore cached responses (they are still rewritten).
    """

    def __init__(self, *, cache_dir: Path | None = None,
                 transport: httpx.BaseTransport | None = None,
                 retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep,
                 timeout_s: float = 60.0, refresh: bool = False) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.refresh = refresh
        self.requests = 0
        self.cache_hits = 0
        self._client = httpx.Client(transport=transport, timeout=timeout_s,
                                    follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT,
                                             "Accept": "application/json"})

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _cache_file(self, url: str, params: Mapping[str, str] | None) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([url, sorted((params or {}).items())], ensure_ascii=True)
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.body"

    def get_bytes(self, url: str, params: Mapping[str, str] | None = None) -> bytes:
        """GET ``url`` and return the body; served from the cache when there.

        Raises
        ------
        OfflineError
            When the host cannot be reached on every try.
        FetchError
            When the service answers with an error status that another try does not cure.
        """
        cached = self._cache_file(url, params)
        if cached is not None and cached.exists() and not self.refresh:
            self.cache_hits += 1
            return cached.read_bytes()
        body = self._get(url, params)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(cached) as tmp:
                tmp.write_bytes(body)
        return body

    def forget(self, url: str, params: Mapping[str, str] | None = None) -> None:
        """Drop the cached response of ``url`` (e.g. an answer found to be an error)."""
        cached = self._cache_file(url, params)
        if cached is not None:
            cached.unlink(missing_ok=True)

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``url`` and parse the body as JSON (FetchError when it is not JSON)."""
        body = self.get_bytes(url, params)
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            cached = self._cache_file(url, params)
            if cached is not None:
                cached.unlink(missing_ok=True)
            raise FetchError(f"{url} did not answer with JSON ({exc}); try again later or "
                             "check the URL") from exc

    def _get(self, url: str, params: Mapping[str, str] | None) -> bytes:
        host = urlsplit(url).netloc
        last: Exception | None = None
        offline = True
        for attempt in range(self.retry.attempts):
            retry_after = None
            try:
                self.requests += 1
                response = self._client.get(url, params=params)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                last = exc
            except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                last, offline = exc, False
            else:
                offline = False
                if response.status_code == 200:
                    return response.content
                if response.status_code not in self.retry.statuses:
                    raise FetchError(f"{response.request.url} answered HTTP "
                                     f"{response.status_code}: {response.text[:200]!r}; check "
                                     "the gemeente codes and year (is that year published?)")
                last = FetchError(f"HTTP {response.status_code}")
                retry_after = response.headers.get("Retry-After")
            if attempt + 1 < self.retry.attempts:
                self.sleep(self.retry.wait(attempt, retry_after))
        if offline:
            raise OfflineError(f"cannot reach {host} ({last}): this machine seems to be "
                               "offline. 'groengezond fetch' needs internet; on an offline "
                               "machine, copy the files fetched elsewhere and run "
                               "'groengezond build'")
        raise FetchError(f"{url} failed {self.retry.attempts} times (last: {last}); the "
                         "service may be down, try again later")
