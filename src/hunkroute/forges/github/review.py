"""Posting a report to a pull request: one review with inline comments, or a check run.

The review path (FACTS.md §1.1-1.3): list the PR's review comments (all pages), skip findings
whose fingerprint is already there, check every anchor against the diff, post the rest as one
``COMMENT`` review per 30 comments, and tidy up our earlier comments whose finding is gone. A 422
means GitHub refused some anchor: the culprits are found with pending reviews that are deleted
right away (invisible to others), the review is posted without them, and they move to its body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hunkroute.forges.github.client import GitHubApiError, GitHubClient
from hunkroute.model import Finding, Report, Severity
from hunkroute.report import anchors
from hunkroute.report.comments import (
    RESOLVED_MARKER,
    SUMMARY_MARKER,
    Planned,
    Posting,
    Unposted,
    also_text,
    by_severity,
    clip,
    hunk_cost,
    marker_of,
    plan,
    review_body,
    review_comment,
    select,
)

# GitHub's abuse detection answers 403 to large bursts; FACTS.md §1.8 asks for pauses between
# content-creating requests.
COMMENTS_PER_REVIEW = 30
ANNOTATIONS_PER_REQUEST = 50  # checks API limit (FACTS.md §1.5)
PAUSE_S = 1.0
LEVELS = {"error": "failure", "warning": "warning", "note": "notice"}


@dataclass(frozen=True, slots=True)
class PullRequest:
    """Which pull request to post to, and the commit the review is about."""

    repository: str  # owner/name
    number: int
    head_sha: str

    @property
    def base(self) -> str:
        return f"/repos/{self.repository}/pulls/{self.number}"


@dataclass(frozen=True, slots=True)
class PostOptions:
    """Noise control and where to post."""

    mode: Literal["review", "checks"]
    min_severity: Severity = "warning"
    max_comments: int = 50
    check_name: str = "hunkroute"


def is_ours(comment: dict[str, Any]) -> bool:
    """Markers only count from bot accounts, so a PR author cannot silence a finding."""
    user = comment.get("user") or {}
    return bool(user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]"))


def post_review(
    client: GitHubClient,
    pr: PullRequest,
    report: Report,
    options: PostOptions,
    pause: Callable[[float], None],
) -> Posting:
    """Post new findings as inline comments, once; resolve our comments whose finding is gone."""
    lines = anchors.diff_lines(r.hunk for r in report.hunks)
    names = anchors.fingerprints(report.findings, lines)
    existing = client.paged(f"{pr.base}/comments")
    ours = {
        name: c
        for c in existing
        if c.get("in_reply_to_id") is None and is_ours(c) and (name := marker_of(c.get("body")))
    }
    candidates, outside = plan(report.findings, names, lines, set(ours), "PR")
    chosen, held = select(candidates, options.min_severity, options.max_comments)
    refused = _post_in_reviews(client, pr, report, chosen, outside, len(ours), pause)
    resolved = _resolve(client, pr, existing, ours, set(names), pause)
    return Posting(
        "review",
        posted=len(chosen) - len(refused),
        already=sum(1 for n in names if n in ours),
        resolved=resolved,
        unposted=tuple(outside + held + refused),
    )


def _post_in_reviews(
    client: GitHubClient,
    pr: PullRequest,
    report: Report,
    chosen: Sequence[Planned],
    outside: Sequence[Unposted],
    kept: int,
    pause: Callable[[float], None],
) -> list[Unposted]:
    """One review per 30 comments; the first also lists what could not be placed inline."""
    refused: list[Unposted] = []
    for start in range(0, len(chosen), COMMENTS_PER_REVIEW):
        if start:
            pause(PAUSE_S)
        part = list(chosen[start : start + COMMENTS_PER_REVIEW])
        listed = list(outside) if start == 0 else []

        def body(
            bad: Sequence[Unposted], part: list[Planned] = part, listed: list[Unposted] = listed
        ) -> str:
            return review_body(len(part) - len(bad), kept, listed + list(bad), pr.head_sha)

        refused += _submit(client, pr, report, part, body)
    return refused


def _submit(
    client: GitHubClient,
    pr: PullRequest,
    report: Report,
    items: list[Planned],
    body: Callable[[Sequence[Unposted]], str],
) -> list[Unposted]:
    """Post one review; on 422 find the refused comments, post without them, return them."""
    comments = [review_comment(p, hunk_cost(report, p.finding)) for p in items]
    payload = {"commit_id": pr.head_sha, "event": "COMMENT"}
    try:
        full = {**payload, "body": body([]), "comments": comments}
        client.request("POST", f"{pr.base}/reviews", body=full)
        return []
    except GitHubApiError as exc:
        if exc.status != 422 or not comments:
            raise
    bad = _refused(client, pr, comments, list(range(len(comments))), known_bad=True)
    refused = [Unposted(items[i].finding, "GitHub refused the anchor (422)") for i in bad]
    good = [c for i, c in enumerate(comments) if i not in bad]
    client.request(
        "POST", f"{pr.base}/reviews", body={**payload, "body": body(refused), "comments": good}
    )
    return refused


def _refused(
    client: GitHubClient, pr: PullRequest, comments: list[dict[str, object]], idx: list[int],
    known_bad: bool,
) -> list[int]:  # fmt: skip
    """Bisect with pending reviews (deleted at once) to find the comments GitHub refuses."""
    if not known_bad and _accepted(client, pr, [comments[i] for i in idx]):
        return []
    if len(idx) == 1:
        return idx
    middle = len(idx) // 2
    left = _refused(client, pr, comments, idx[:middle], known_bad=False)
    # When the left half is clean and the whole was refused, the right half must hold a culprit.
    right = _refused(client, pr, comments, idx[middle:], known_bad=known_bad and not left)
    return left + right


def _accepted(client: GitHubClient, pr: PullRequest, comments: list[dict[str, object]]) -> bool:
    try:
        pending = client.call(
            "POST", f"{pr.base}/reviews", {"commit_id": pr.head_sha, "comments": comments}
        )
    except GitHubApiError as exc:
        if exc.status == 422:
            return False
        raise
    client.request("DELETE", f"{pr.base}/reviews/{pending['id']}")
    return True


def _resolve(
    client: GitHubClient,
    pr: PullRequest,
    existing: Sequence[dict[str, Any]],
    ours: dict[str, dict[str, Any]],
    current: set[str],
    pause: Callable[[float], None],
) -> int:
    """Delete our comments whose finding is gone; where people replied, say it is resolved."""
    resolved = 0
    for name, comment in ours.items():
        if name in current:
            continue
        replies = [c for c in existing if c.get("in_reply_to_id") == comment["id"]]
        if any(RESOLVED_MARKER in (r.get("body") or "") for r in replies):
            continue
        pause(PAUSE_S)
        if replies:
            text = f"Resolved in `{pr.head_sha[:12]}`: hunkroute no longer finds this.\n"
            client.request(
                "POST",
                f"{pr.base}/comments/{comment['id']}/replies",
                body={"body": text + RESOLVED_MARKER},
            )
        else:
            client.request("DELETE", f"/repos/{pr.repository}/pulls/comments/{comment['id']}")
        resolved += 1
    return resolved


def annotation(finding: Finding) -> dict[str, object]:
    """A check-run annotation for one finding."""
    return {
        "path": finding.file,
        "start_line": finding.line,
        "end_line": max(finding.line, finding.end_line),
        "annotation_level": LEVELS[finding.severity],
        "title": clip(f"{finding.source} {finding.rule}", 255),
        "message": clip(finding.message + also_text(finding), 60_000) or finding.rule,
    }


def post_checks(
    client: GitHubClient, pr: PullRequest, report: Report, options: PostOptions, summary: str
) -> Posting:
    """One completed check run; annotations go 50 per request, appended with updates."""
    notes = [annotation(f) for f in by_severity(report.findings)]
    output = {
        "title": f"{len(report.findings)} finding(s), {len(report.blocking)} blocking",
        "summary": clip(summary, 65_000),
    }
    created = client.call(
        "POST",
        f"/repos/{pr.repository}/check-runs",
        {
            "name": options.check_name,
            "head_sha": pr.head_sha,
            "status": "completed",
            "conclusion": "failure" if report.blocking else "success",
            "output": {**output, "annotations": notes[:ANNOTATIONS_PER_REQUEST]},
        },
    )
    for start in range(ANNOTATIONS_PER_REQUEST, len(notes), ANNOTATIONS_PER_REQUEST):
        client.request(
            "PATCH",
            f"/repos/{pr.repository}/check-runs/{created['id']}",
            body={"output": {**output, "annotations": notes[start:start + 50]}},
        )  # fmt: skip
    return Posting("checks", posted=len(notes))


def upsert_summary_comment(client: GitHubClient, pr: PullRequest, markdown: str) -> None:
    """One sticky PR comment, found by its marker and edited in place on every push."""
    issue = f"/repos/{pr.repository}/issues"
    comments = client.paged(f"{issue}/{pr.number}/comments")
    mine = next(
        (c for c in comments if is_ours(c) and SUMMARY_MARKER in (c.get("body") or "")), None
    )
    body = {"body": clip(markdown) + "\n" + SUMMARY_MARKER}
    if mine is None:
        client.request("POST", f"{issue}/{pr.number}/comments", body=body)
    else:
        client.request("PATCH", f"{issue}/comments/{mine['id']}", body=body)
