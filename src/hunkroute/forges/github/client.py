"""A small GitHub REST client over httpx: headers, retries, rate limits and paging.

Retry rules follow GitHub's documentation (FACTS.md §1.8): server errors and dropped connections
back off exponentially; a rate-limited answer (403/429) waits for ``retry-after``, else until
``x-ratelimit-reset`` when the primary limit is spent, else at least a minute for a secondary
limit. A 403 that is not a rate limit (a read-only token) is answered at once, never retried.
Sleep and clock are parameters so tests never wait. The token never appears in a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from hunkroute import __version__
from hunkroute.errors import GitHubError

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"
MAX_PAGES = 100


class GitHubApiError(GitHubError):
    """GitHub answered with an error status; ``status`` says which."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep trying; a rate limit that resets later than ``max_wait_s`` ends it."""

    attempts: int = 4
    backoff_s: float = 2.0
    max_wait_s: float = 180.0
    secondary_wait_s: float = 60.0


class GitHubClient:
    """Authenticated calls to one GitHub (or GitHub Enterprise) API root."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        policy: RetryPolicy | None = None,
    ) -> None:
        headers = {
            "Accept": JSON_MEDIA,
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"hunkroute/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=api_url.rstrip("/") + "/",
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=True,
        )
        self._sleep = sleep
        self._clock = clock
        self._token = token
        self._policy = policy or RetryPolicy()

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        accept: str = JSON_MEDIA,
    ) -> httpx.Response:
        """One call with retries; an error status after the last try raises ``GitHubApiError``."""
        policy = self._policy
        for attempt in range(1, policy.attempts + 1):
            try:
                response = self._http.request(
                    method, path, json=body, params=params, headers={"Accept": accept}
                )
            except httpx.TransportError as exc:
                if attempt == policy.attempts:
                    raise GitHubError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
                self._sleep(self._backoff(attempt))
                continue
            wait = self._wait_for(response, attempt)
            if wait is None or attempt == policy.attempts or wait > policy.max_wait_s:
                return _checked(method, path, response, wait, self._token)
            self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """A JSON call; ``None`` for an empty answer (204)."""
        response = self.request(method, path, body=body)
        return response.json() if response.content else None

    def paged(self, path: str, params: Mapping[str, str | int] | None = None) -> list[Any]:
        """Every item of a list endpoint, following the ``link`` header's ``next`` URL."""
        items: list[Any] = []
        url: str | None = path
        query: Mapping[str, str | int] | None = {"per_page": 100, **(params or {})}
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = self.request("GET", url, params=query)
            items.extend(response.json())
            url, query = response.links.get("next", {}).get("url"), None
        return items

    def _backoff(self, attempt: int) -> float:
        return float(self._policy.backoff_s * 2 ** (attempt - 1))

    def _wait_for(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when this answer is final."""
        if response.status_code >= 500:
            return self._backoff(attempt)
        if response.status_code not in (403, 429):
            return None
        headers = response.headers
        if "retry-after" in headers:
            return _seconds(headers["retry-after"], self._policy.secondary_wait_s)
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            reset = _seconds(headers["x-ratelimit-reset"], self._clock())
            return max(reset - self._clock(), 0.0) + 1.0
        if response.status_code == 429 or "secondary rate limit" in _message(response).lower():
            return max(self._policy.secondary_wait_s, self._backoff(attempt))
        return None


def _seconds(value: str, default: float) -> float:
    try:
        return max(float(value), 0.0)
    except ValueError:
        return default


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if not isinstance(data, dict):
        return ""
    details = [str(e.get("message", e)) for e in data.get("errors", []) if isinstance(e, dict)]
    return "; ".join([str(data.get("message", ""))] + details).strip("; ")


def _checked(
    method: str, path: str, response: httpx.Response, wait: float | None, token: str
) -> httpx.Response:
    if response.is_success:
        return response
    limited = (
        f" (rate limited; would need to wait {wait:.0f}s)"
        if wait and response.status_code in (403, 429)
        else ""
    )
    text = _message(response) or response.reason_phrase
    if token:  # a proxy may echo the request back: the token must not reach a report or log
        text = text.replace(token, "[REDACTED:github_token]")
    raise GitHubApiError(
        response.status_code, f"{method} {path}: {response.status_code} {text}{limited}"
    )
