"""Posting a report to a merge request: one thread per finding, and one sticky summary note.

GitLab FACTS.md "Endpoints": read the MR's ``diff_refs``, list its discussions (all pages), skip
findings whose fingerprint one of our threads already carries, check every anchor against the
diff, post the rest one thread each (a position GitLab still refuses with 400 moves into the
summary), and resolve our threads whose finding is gone. "Ours" means written by the token's own
user (``GET /user``), so an MR author cannot silence a finding by pasting a marker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hunkroute.forges.gitlab.client import GitLabApiError, GitLabClient, merge_request_path
from hunkroute.forges.gitlab.positions import (
    DiffRefs,
    context_old_lines,
    position,
    suggestion_info,
)
from hunkroute.model import Report, Severity
from hunkroute.report import anchors
from hunkroute.report.comments import (
    SUMMARY_MARKER,
    Posting,
    Unposted,
    clip,
    comment_body,
    hunk_cost,
    marker_of,
    plan,
    select,
)

PAUSE_S = 0.2  # between content-creating requests: GitLab rate-limits note creation bursts
REFUSED = "GitLab refused the position (400)"


@dataclass(frozen=True, slots=True)
class MergeRequest:
    """Which merge request to post to."""

    project: str  # numeric id or path
    iid: int

    @property
    def base(self) -> str:
        return merge_request_path(self.project, self.iid)


@dataclass(frozen=True, slots=True)
class PostOptions:
    """Noise control."""

    min_severity: Severity = "warning"
    max_comments: int = 50


def first_note(discussion: dict[str, Any]) -> dict[str, Any]:
    notes = discussion.get("notes") or [{}]
    return dict(notes[0])


def ours(discussions: Sequence[dict[str, Any]], me: int) -> dict[str, dict[str, Any]]:
    """Our threads by the fingerprint their first note carries."""
    found: dict[str, dict[str, Any]] = {}
    for discussion in discussions:
        note = first_note(discussion)
        name = marker_of(note.get("body"))
        if name and (note.get("author") or {}).get("id") == me:
            found[name] = discussion
    return found


def post_discussions(
    client: GitLabClient,
    mr: MergeRequest,
    report: Report,
    options: PostOptions,
    pause: Callable[[float], None],
) -> Posting:
    """Post new findings as threads, once; resolve our threads whose finding is gone."""
    refs = DiffRefs.of(client.call("GET", mr.base))
    me = int(client.call("GET", "/user")["id"])
    lines = anchors.diff_lines(r.hunk for r in report.hunks)
    names = anchors.fingerprints(report.findings, lines)
    kept = ours(client.paged(f"{mr.base}/discussions"), me)
    candidates, outside = plan(report.findings, names, lines, set(kept), "MR")
    chosen, held = select(candidates, options.min_severity, options.max_comments)
    old_lines = context_old_lines(r.hunk for r in report.hunks)
    refused: list[Unposted] = []
    for item in chosen:
        pause(PAUSE_S)
        body = comment_body(item, hunk_cost(report, item.finding), suggestion_info(item.anchor))
        if not _thread(client, mr, body, position(item.anchor, refs, old_lines)):
            refused.append(Unposted(item.finding, REFUSED))
    return Posting(
        "threads",
        posted=len(chosen) - len(refused),
        already=sum(1 for n in names if n in kept),
        resolved=_resolve(client, mr, kept, set(names), pause),
        unposted=tuple(outside + held + refused),
    )


def _thread(client: GitLabClient, mr: MergeRequest, body: str, where: dict[str, object]) -> bool:
    """One diff thread; False when GitLab cannot map its position (400)."""
    try:
        client.request("POST", f"{mr.base}/discussions", body={"body": body, "position": where})
    except GitLabApiError as exc:
        if exc.status == 400:
            return False
        raise
    return True


def _resolve(
    client: GitLabClient,
    mr: MergeRequest,
    kept: dict[str, dict[str, Any]],
    current: set[str],
    pause: Callable[[float], None],
) -> int:
    """Resolve our open threads whose finding this run no longer reports."""
    resolved = 0
    for name, discussion in kept.items():
        if name in current or first_note(discussion).get("resolved"):
            continue
        pause(PAUSE_S)
        client.request(
            "PUT", f"{mr.base}/discussions/{discussion['id']}", params={"resolved": "true"}
        )
        resolved += 1
    return resolved


def upsert_summary_note(client: GitLabClient, mr: MergeRequest, markdown: str) -> None:
    """One sticky MR note, found by its marker and author, edited in place on every push."""
    me = int(client.call("GET", "/user")["id"])
    notes = [first_note(d) for d in client.paged(f"{mr.base}/discussions")]
    mine = next(
        (
            n
            for n in notes
            if SUMMARY_MARKER in (n.get("body") or "") and (n.get("author") or {}).get("id") == me
        ),
        None,
    )
    body = {"body": clip(markdown) + "\n" + SUMMARY_MARKER}
    if mine is None:
        client.request("POST", f"{mr.base}/notes", body=body)
    else:
        client.request("PUT", f"{mr.base}/notes/{mine['id']}", body=body)
