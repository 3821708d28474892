"""The MR's base commit through GitLab's repository API, for checkouts that cannot fetch it.

``config.trusted`` reads hunkroute's config, its rule files and the gates' configs from the
base: files from ``repository/files/:path/raw``, rule folders from ``repository/tree``
(recursive, paged). A failure reads as "not there"; a missing rule file then fails the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from hunkroute.errors import GitLabError
from hunkroute.forges.gitlab.client import GitLabClient
from hunkroute.forges.http import ApiFiles


@dataclass(frozen=True, slots=True)
class GitLabRevision:
    """Files of project ``project_id`` at commit ``ref``: a ``config.trusted.Revision``."""

    client: GitLabClient
    project_id: str
    ref: str

    @property
    def _project(self) -> str:
        return f"/projects/{quote(self.project_id, safe='')}/repository"

    def read(self, path: str) -> bytes | None:
        files = ApiFiles(self.client, f"{self._project}/files/", self.ref, suffix="/raw", safe="")
        return files.read(path)

    def files_below(self, folder: str) -> tuple[str, ...]:
        query = {"path": folder.rstrip("/"), "ref": self.ref, "recursive": "true"}
        try:
            entries = self.client.paged(f"{self._project}/tree", query)
        except GitLabError:
            return ()
        return tuple(
            str(e["path"]) for e in entries if isinstance(e, dict) and e.get("type") == "blob"
        )
