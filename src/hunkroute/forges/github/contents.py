"""The PR's base commit through GitHub's contents API, for checkouts that lack it.

``config.trusted`` reads hunkroute's config, its rule files and the gates' configs from the
base; when git does not have the base commit (``pull_request_target``, a shallow checkout) they
come from here. A failure reads as "not there"; a missing rule file then fails the run loudly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hunkroute.forges.github.client import GitHubClient
from hunkroute.forges.http import ApiFiles

RAW_MEDIA = "application/vnd.github.raw+json"
LISTING_MEDIA = "application/vnd.github+json"


@dataclass(frozen=True, slots=True)
class GitHubRevision:
    """Files of ``repository`` at commit ``ref``: a ``config.trusted.Revision``."""

    client: GitHubClient
    repository: str
    ref: str

    def _api(self, accept: str) -> ApiFiles:
        return ApiFiles(self.client, f"/repos/{self.repository}/contents/", self.ref, accept=accept)

    def read(self, path: str) -> bytes | None:
        return self._api(RAW_MEDIA).read(path)

    def files_below(self, folder: str) -> tuple[str, ...]:
        """Every file below ``folder``, listing sub-folders in turn (the API lists one level)."""
        data = self._api(LISTING_MEDIA).read(folder.rstrip("/"))
        try:
            entries = json.loads(data) if data is not None else None
        except ValueError:
            return ()
        if not isinstance(entries, list):
            return ()  # a file, not a folder
        found: list[str] = []
        for entry in filter(lambda e: isinstance(e, dict), entries):
            path, kind = str(entry.get("path", "")), entry.get("type")
            if kind == "file":
                found.append(path)
            elif kind == "dir":
                found += self.files_below(path)
        return tuple(found)
