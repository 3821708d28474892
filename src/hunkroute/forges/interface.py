"""The forge interface: what a code host (GitHub, GitLab, …) gives the shared review flow.

A forge is three things (a third forge is one new package that provides them, plus a thin
command that builds them; ``commands/forge.py`` runs the rest):

- the event → a ``ChangeRequest``: the facts of the pull or merge request;
- a ``DiffLoader``: the change's diff and new file contents (local git, else the forge's API);
- a ``Poster``: the findings onto the request, and the sticky summary, as a ``Posting`` value.

Plus ``Outputs``: the files and step outputs the CI system reads after the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from hunkroute.diff.source import LoadedDiff
from hunkroute.model import Report
from hunkroute.report.comments import Posting


class ChangeRequest(Protocol):
    """A pull request (GitHub) or merge request (GitLab), as the flow needs it."""

    @property
    def repository(self) -> str:
        """owner/name or the project's path: with ``number``, the request's budget key."""

    @property
    def number(self) -> int:
        """The PR number or the MR iid."""

    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def base_sha(self) -> str: ...

    @property
    def head_sha(self) -> str: ...

    @property
    def head_ref(self) -> str: ...

    @property
    def fork(self) -> bool:
        """From another repository: no secrets, so no posting token and no provider keys."""


class DiffLoader(Protocol):
    """The request's diff and its new file contents; says where they came from."""

    def load(self, root: Path | None) -> LoadedDiff: ...


class Poster(Protocol):
    """Puts a report on the request; failures are values in the ``Posting``, never lost."""

    def post(self, report: Report) -> Posting: ...

    def post_summary(self, summary: str, posting: Posting) -> tuple[str, ...]:
        """Upsert the sticky summary when this forge keeps one; notes on what went wrong."""


class Outputs(Protocol):
    """Writes the files the CI system picks up (reports, job summary, step outputs)."""

    def write(self, report: Report, summary: str) -> None: ...
