"""The GitLab REST API v4 client: ``PRIVATE-TOKEN`` auth and GitLab's errors over ``forges.http``.

Retries (5xx, 429 with ``Retry-After`` or ``RateLimit-Reset``) and paging (``Link`` or
``X-Next-Page``) are the shared client's. The token travels only in its header: it is scrubbed
from every message, in case a proxy echoes the request back.
"""

from __future__ import annotations

from urllib.parse import quote

from hunkroute import __version__
from hunkroute.errors import GitLabError
from hunkroute.forges.http import ApiError, RestClient


class GitLabApiError(GitLabError, ApiError):
    """GitLab answered with an error status; ``status`` says which."""


def merge_request_path(project: str, iid: int) -> str:
    """``/projects/:id/merge_requests/:iid``; a project path is URL-encoded, as GitLab asks."""
    return f"/projects/{quote(project, safe='')}/merge_requests/{iid}"


class GitLabClient(RestClient):
    """Authenticated calls to one GitLab API root (``CI_API_V4_URL``)."""

    secret_label = "gitlab_token"
    unavailable = GitLabError
    refused = GitLabApiError

    def headers(self, token: str) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": f"hunkroute/{__version__}"}
        if token:
            headers["PRIVATE-TOKEN"] = token
        return headers
