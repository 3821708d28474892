"""The pull request's diff: local git when the checkout has both commits, else the API.

The API's diff (``application/vnd.github.diff``) comes with file contents read from the API at
the head commit when git lacks it; the error says how to make the checkout complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hunkroute.diff import source
from hunkroute.errors import GitHubError, InputError
from hunkroute.forges.github.client import GitHubApiError, GitHubClient
from hunkroute.forges.github.event import PullRequestEvent
from hunkroute.forges.http import ApiFiles, head_files

DIFF_MEDIA = "application/vnd.github.diff"
RAW_MEDIA = "application/vnd.github.raw+json"
FETCH_ADVICE = "check out with actions/checkout 'fetch-depth: 0' so git has both commits"


def load_diff(
    event: PullRequestEvent, root: Path | None, client: GitHubClient
) -> source.LoadedDiff:
    """The PR's diff (base...head), from git when it can, else from the API; says what to fix."""
    if root is not None and source.has_commits(root, event.base_sha, event.head_sha):
        wanted = source.DiffSource("range", base=event.base_sha, head=event.head_sha)
        return source.load(wanted, root)
    where = f"/repos/{event.repository}/pulls/{event.number}"
    try:
        data = client.request("GET", where, accept=DIFF_MEDIA).content
    except GitHubApiError as exc:
        raise InputError(
            f"cannot get the diff of PR #{event.number}: the checkout lacks "
            f"{event.head_sha[:12]} and the API refused ({exc}); {FETCH_ADVICE}"
        ) from exc
    except GitHubError as exc:
        raise GitHubError(f"cannot get the PR diff from the API ({exc}); {FETCH_ADVICE}") from exc
    contents = f"/repos/{event.repository}/contents/"
    api = ApiFiles(client, contents, event.head_sha, accept=RAW_MEDIA)
    snapshot = head_files(root, event.head_sha, api)
    origin = f"PR #{event.number} {event.base_sha[:12]}...{event.head_sha[:12]} (API diff)"
    return source.LoadedDiff(data, origin, snapshot)


@dataclass(frozen=True, slots=True)
class GitHubDiff:
    """``load_diff`` as the flow's ``DiffLoader``."""

    event: PullRequestEvent
    client: GitHubClient

    def load(self, root: Path | None) -> source.LoadedDiff:
        return load_diff(self.event, root, self.client)
