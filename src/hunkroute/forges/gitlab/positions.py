"""Where a thread can sit on a merge request's diff, by GitLab's position rules (pure).

GitLab FACTS.md "Endpoints": a position carries the MR's three ``diff_refs`` shas, both paths,
and ``new_line`` for an added line, ``old_line`` too for an unchanged context line; anything
else it cannot map is refused with 400. A thread is single-line (multi-line positions need
underdocumented line codes, gitlab-org/gitlab#247521): it sits on the first line of the
finding's range, and a ``suggestion:-0+N`` block replaces that line and the N below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hunkroute.model import Hunk
from hunkroute.report.anchors import Anchor


@dataclass(frozen=True, slots=True)
class DiffRefs:
    """The MR's ``diff_refs``: every position must carry exactly these three."""

    base_sha: str
    start_sha: str
    head_sha: str

    @staticmethod
    def of(merge_request: Mapping[str, Any]) -> DiffRefs:
        refs = merge_request.get("diff_refs") or {}
        return DiffRefs(str(refs["base_sha"]), str(refs["start_sha"]), str(refs["head_sha"]))


def context_old_lines(hunks: Iterable[Hunk]) -> dict[tuple[str, int], int]:
    """The old-file number of every context line, by (path, new-file number)."""
    return {
        (hunk.file, new): old for hunk in hunks for new, old in hunk.context_old_numbers.items()
    }


def position(
    anchor: Anchor, refs: DiffRefs, old_lines: Mapping[tuple[str, int], int]
) -> dict[str, object]:
    """The ``position`` of a thread on the anchor's first line."""
    where: dict[str, object] = {
        "position_type": "text",
        "base_sha": refs.base_sha,
        "start_sha": refs.start_sha,
        "head_sha": refs.head_sha,
        "old_path": anchor.path,  # renames: GitLab refuses, the finding moves to the summary
        "new_path": anchor.path,
        "new_line": anchor.start_line,
    }
    old = old_lines.get((anchor.path, anchor.start_line))
    if old is not None:
        where["old_line"] = old
    return where


def suggestion_info(anchor: Anchor) -> str:
    """``suggestion:-0+N``: the thread's line and the N lines below it, the finding's range."""
    return f"suggestion:-0+{anchor.line - anchor.start_line}"
