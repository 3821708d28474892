"""HTTP for every forge API: retries, rate limits, paging and error text, written once.

httpx stops here: a dropped connection or an error status becomes the forge's own error (made by
the forge client's ``unavailable``/``refused`` classes), so nothing above ``forges/`` sees httpx.
Retry rules (GitHub FACTS.md §1.8, GitLab FACTS.md "Endpoints"): server errors and dropped
connections back off exponentially; a rate-limited answer (429, or GitHub's 403) waits for
``Retry-After``, else until the rate-limit reset when the limit is spent, else at least a minute.
Paging follows the ``Link`` header's ``next`` URL (both forges) or GitLab's ``X-Next-Page``. Sleep
and clock are parameters so tests never wait. The token never appears in a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from hunkroute.diff.source import GitObjects, Snapshot, has_commits
from hunkroute.diff.unified import is_outside_repository
from hunkroute.errors import ForgeError

MAX_PAGES = 100
PER_PAGE = 100  # the most both forges give per page
RESET_HEADERS = (("x-ratelimit-remaining", "x-ratelimit-reset"),  # GitHub
                 ("ratelimit-remaining", "ratelimit-reset"))  # GitLab  # fmt: skip

Query = Mapping[str, str | int]


class ApiError(ForgeError):
    """A forge answered with an error status; ``status`` says which."""

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


@dataclass(frozen=True, slots=True)
class Secret:
    """The token to keep out of every message, and what to write in its place."""

    value: str
    label: str

    def scrub(self, text: str) -> str:
        return text.replace(self.value, f"[REDACTED:{self.label}]") if self.value else text


class RestClient:
    """Calls to one forge API root with retries; a forge's client says its headers and errors."""

    secret_label: ClassVar[str] = "token"
    unavailable: ClassVar[type[ForgeError]] = ForgeError  # no answer at all
    refused: ClassVar[type[ApiError]] = ApiError  # an error status

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
        self._http = httpx.Client(
            base_url=api_url.rstrip("/") + "/",
            headers=self.headers(token),
            transport=transport,
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=True,
        )
        self._secret = Secret(token, self.secret_label)
        self._sleep = sleep
        self._clock = clock
        self._policy = policy or RetryPolicy()

    def headers(self, token: str) -> dict[str, str]:
        """The headers of every request, authentication included."""
        raise NotImplementedError

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Query | None = None,
        accept: str | None = None,
    ) -> httpx.Response:
        """One call with retries; an error status after the last try raises the forge's error."""
        policy = self._policy
        headers = {"Accept": accept} if accept else None
        for attempt in range(1, policy.attempts + 1):
            try:
                response = self._http.request(
                    method, path, json=body, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                if attempt == policy.attempts:
                    text = self._secret.scrub(f"{method} {path}: {type(exc).__name__}: {exc}")
                    raise self.unavailable(text) from exc
                self._sleep(self._backoff(attempt))
                continue
            wait = self._wait_for(response, attempt)
            if wait is None or attempt == policy.attempts or wait > policy.max_wait_s:
                return self._checked(method, path, response, wait)
            self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """A JSON call; ``None`` for an empty answer (204)."""
        response = self.request(method, path, body=body)
        return response.json() if response.content else None

    def paged(self, path: str, params: Query | None = None) -> list[Any]:
        """Every item of a list endpoint, page after page."""
        items: list[Any] = []
        first: Query = {"per_page": PER_PAGE, **(params or {})}
        url: str | None = path
        query: Query | None = first
        for _ in range(MAX_PAGES):
            if url is None:
                break
            response = self.request("GET", url, params=query)
            items.extend(response.json())
            url, query = next_page(response, path, first)
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
        for remaining, reset in RESET_HEADERS:
            if headers.get(remaining) == "0" and reset in headers:
                until = _seconds(headers[reset], self._clock())
                return max(until - self._clock(), 0.0) + 1.0
        if response.status_code == 429 or "secondary rate limit" in message(response).lower():
            return max(self._policy.secondary_wait_s, self._backoff(attempt))
        return None  # a 403 that is no rate limit (a read-only token) is answered at once

    def _checked(
        self, method: str, path: str, response: httpx.Response, wait: float | None
    ) -> httpx.Response:
        if response.is_success:
            return response
        limited = (
            f" (rate limited; would need to wait {wait:.0f}s)"
            if wait and response.status_code in (403, 429)
            else ""
        )
        # a proxy may echo the request back: the token must not reach a report or log
        text = self._secret.scrub(message(response) or response.reason_phrase)
        status = response.status_code
        said = text if text.startswith(str(status)) else f"{status} {text}"  # GitLab's say it
        raise self.refused(status, f"{method} {path}: {said}{limited}")


@dataclass(frozen=True, slots=True)
class ApiFiles:
    """New file contents from a forge's API, for a checkout without the head commit.

    A file's endpoint is ``prefix`` + the quoted path + ``suffix``; ``safe`` is what quoting
    leaves alone (GitHub keeps ``/`` in the path, GitLab wants it encoded).
    """

    client: RestClient
    prefix: str
    ref: str
    suffix: str = ""
    safe: str = "/"
    accept: str | None = None

    def read(self, path: str) -> bytes | None:
        if is_outside_repository(path):  # httpx folds "../" into the URL: another API path
            return None
        where = self.prefix + quote(path, safe=self.safe) + self.suffix
        try:
            response = self.client.request(
                "GET", where, params={"ref": self.ref}, accept=self.accept
            )
        except ForgeError:
            return None
        return response.content


def next_page(response: httpx.Response, path: str, first: Query) -> tuple[str | None, Query | None]:
    """The ``Link`` header's next URL, else ``X-Next-Page`` (empty on GitLab's last page)."""
    link = response.links.get("next", {}).get("url")
    if link:
        return link, None
    page = response.headers.get("x-next-page", "").strip()
    return (path, {**first, "page": page}) if page else (None, None)


def _seconds(value: str, default: float) -> float:
    try:
        return max(float(value), 0.0)
    except ValueError:
        return default


def message(response: httpx.Response) -> str:
    """The error text of a forge's JSON answer (GitHub ``message``/``errors``, GitLab ``error``)."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if not isinstance(data, dict):
        return ""
    details = [str(e.get("message", e)) for e in data.get("errors", []) if isinstance(e, dict)]
    details += [str(e) for e in data.get("errors", []) if isinstance(e, str)]
    head = data.get("message") or data.get("error") or ""
    return "; ".join([str(head)] + details).strip("; ")


def head_files(root: Path | None, head_sha: str, api: ApiFiles) -> Snapshot:
    """The head's file contents from the checkout's git when it has the commit, else the API."""
    if root is not None and has_commits(root, head_sha):
        return GitObjects(root, head_sha)
    return api
