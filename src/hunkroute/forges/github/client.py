"""The GitHub REST client: GitHub's headers and errors over the shared ``forges.http`` client.

Retries, rate limits (``retry-after``, ``x-ratelimit-reset``, secondary limits: FACTS.md §1.8)
and ``link`` paging live in ``forges/http.py``; a 403 that is not a rate limit (a read-only
token) is answered at once, never retried. The token never appears in a message.
"""

from __future__ import annotations

from hunkroute import __version__
from hunkroute.errors import GitHubError
from hunkroute.forges.http import ApiError, RestClient

API_VERSION = "2022-11-28"
JSON_MEDIA = "application/vnd.github+json"


class GitHubApiError(GitHubError, ApiError):
    """GitHub answered with an error status; ``status`` says which."""


class GitHubClient(RestClient):
    """Authenticated calls to one GitHub (or GitHub Enterprise) API root."""

    secret_label = "github_token"
    unavailable = GitHubError
    refused = GitHubApiError

    def headers(self, token: str) -> dict[str, str]:
        headers = {
            "Accept": JSON_MEDIA,
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"hunkroute/{__version__}",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers
