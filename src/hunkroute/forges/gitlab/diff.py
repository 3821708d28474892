"""The merge request's diff: local git (fetching what a shallow clone lacks), else the API.

``CI_MERGE_REQUEST_DIFF_BASE_SHA`` is already the merge base, so the diff is base..head of two
trees, and one level of each missing commit is all a shallow clone must fetch (GitLab FACTS.md
"The job"). When git cannot have them, ``GET …/diffs`` (paged) gives each file's hunks without
headers; they are framed back into a unified diff here. One stderr line says which was used.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hunkroute.diff import source
from hunkroute.errors import GitLabError, InputError
from hunkroute.forges.gitlab.client import GitLabApiError, GitLabClient, merge_request_path
from hunkroute.forges.gitlab.event import MergeRequestEvent
from hunkroute.forges.http import ApiFiles, head_files

FETCH_ADVICE = "set GIT_DEPTH: 0 (or a depth that reaches the merge base) on the job"


def unified(entries: list[Mapping[str, Any]]) -> bytes:
    """``/diffs`` entries framed as a git unified diff (each ``diff`` is hunks only)."""
    parts: list[str] = []
    for entry in entries:
        old, new = str(entry["old_path"]), str(entry["new_path"])
        head = [f"diff --git a/{old} b/{new}"]
        if entry.get("new_file"):
            head.append("new file mode 100644")
        elif entry.get("deleted_file"):
            head.append("deleted file mode 100644")
        elif entry.get("renamed_file"):
            head += [f"rename from {old}", f"rename to {new}"]
        body = str(entry.get("diff") or "")
        if body:
            minus = "/dev/null" if entry.get("new_file") else f"a/{old}"
            plus = "/dev/null" if entry.get("deleted_file") else f"b/{new}"
            head += [f"--- {minus}", f"+++ {plus}"]
        parts.append(
            "\n".join(head) + "\n" + body + ("" if body.endswith("\n") or not body else "\n")
        )
    return "".join(parts).encode("utf-8")


@dataclass(frozen=True, slots=True)
class GitLabDiff:
    """The flow's ``DiffLoader`` for one merge request."""

    event: MergeRequestEvent
    client: GitLabClient

    def load(self, root: Path | None) -> source.LoadedDiff:
        mr = self.event
        label = f"!{mr.number} {mr.base_sha[:12]}..{mr.head_sha[:12]}"
        if root is not None and source.has_commits(root, mr.base_sha, mr.head_sha):
            return _said(source.between(root, mr.base_sha, mr.head_sha), f"{label} (local git)")
        if root is not None and source.fetch_commits(root, mr.base_sha, mr.head_sha):
            loaded = source.between(root, mr.base_sha, mr.head_sha)
            return _said(loaded, f"{label} (local git, fetched the missing commits)")
        return _said(self._from_api(root), f"{label} (GitLab API /diffs: git lacks the commits)")

    def _from_api(self, root: Path | None) -> source.LoadedDiff:
        mr = self.event
        try:
            entries = self.client.paged(merge_request_path(mr.project_id, mr.number) + "/diffs")
        except GitLabError as exc:
            refused = isinstance(exc, GitLabApiError) and exc.status < 500
            lacks = f"the checkout lacks {mr.base_sha[:12]} or {mr.head_sha[:12]}"
            why = f"cannot get the diff of !{mr.number}: {lacks} and the API failed ({exc})"
            # a 4xx is an input to fix (exit 2); an outage is "unavailable" (exit 4 or a warning)
            kind = InputError if refused else GitLabError
            raise kind(f"{why}; {FETCH_ADVICE}") from exc
        files = f"/projects/{quote(mr.project_id, safe='')}/repository/files/"
        api = ApiFiles(self.client, files, mr.head_sha, suffix="/raw", safe="")
        return source.LoadedDiff(unified(entries), "", head_files(root, mr.head_sha, api))


def _said(loaded: source.LoadedDiff, origin: str) -> source.LoadedDiff:
    print(f"hunkroute: diff of {origin}", file=sys.stderr)
    return source.LoadedDiff(loaded.data, origin, loaded.snapshot)
