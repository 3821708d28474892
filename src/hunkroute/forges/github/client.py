"""The GitHub REST client: GitHub's headers and errors over the shared ``forges.http`` client.

Retries, rate limits (``retry-after``, ``x-ratelimit-reset``, secondary limits: FACTS.md §1.8)
and ``link`` paging live in ``forges/http.py``; a 403 that is not a rate limit (a read-only
token) is answered at once, never retried. The token never appears in a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from hunkroute import __version__
from hunkroute.errors import ForgeError, GitHubError
from hunkroute.forges.http import RestClient, RetryPolicy, Secret

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"

__all__ = ["GitHubApiError", "GitHubClient", "RetryPolicy"]


class GitHubApiError(GitHubError):
    """GitHub answered with an error status; ``status`` says which."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int | None, message: str) -> ForgeError:
    return GitHubError(message) if status is None else GitHubApiError(status, message)


class GitHubClient(RestClient):
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
        super().__init__(
            api_url,
            headers,
            Secret(token, "github_token"),
            _error,
            transport=transport,
            sleep=sleep,
            clock=clock,
            policy=policy or RetryPolicy(),
        )
