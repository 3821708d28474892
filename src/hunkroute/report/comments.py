"""What hunkroute says on a pull request: comment bodies, markers, and which findings get one.

Pure text and selection, no I/O. Every comment carries a hidden marker with the finding's
fingerprint, which is how a later run knows what is already on the PR. Finding text comes from
models and tools, so it is treated as data: it cannot forge a marker or ping people.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from hunkroute.model import SEVERITY_RANK, Finding, Report, Severity
from hunkroute.report.anchors import Anchor, DiffLines, anchor
from hunkroute.report.terminal import money

MARKER = "<!-- hunkroute:fp={} -->"
RESOLVED_MARKER = "<!-- hunkroute:resolved -->"
SUMMARY_MARKER = "<!-- hunkroute:summary -->"
_MARKER_RE = re.compile(r"<!-- hunkroute:fp=([0-9a-f]{8,64}) -->")
# GitHub answers 422 past 65,536 characters (FACTS.md §1.7, observed); keep a margin.
MAX_BODY = 60_000


@dataclass(frozen=True, slots=True)
class Unposted:
    """A finding that did not become an inline comment, and why; the summary lists it."""

    finding: Finding
    reason: str


@dataclass(frozen=True, slots=True)
class Planned:
    """A finding chosen for an inline comment, with its fingerprint and checked anchor."""

    finding: Finding
    fingerprint: str
    anchor: Anchor


@dataclass(frozen=True, slots=True)
class Posting:
    """What posting did: the channel used, counts, and everything that did not make it."""

    channel: str
    posted: int = 0
    already: int = 0
    resolved: int = 0
    unposted: tuple[Unposted, ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then by place, so that caps drop the least important."""
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.file, f.line, f.rule))


def marker_of(body: str | None) -> str | None:
    match = _MARKER_RE.search(body or "")
    return match.group(1) if match else None


def inert(text: str) -> str:
    """Untrusted text made harmless in Markdown: no hidden markers, no @-mentions."""
    return text.replace("<!--", "&lt;!--").replace("@", "@\u200b")


def fence_for(text: str) -> str:
    """A backtick fence longer than any run inside ``text`` (CommonMark closes on equal runs)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def suggestion_block(suggestion: str, info: str = "suggestion") -> str:
    """A one-click suggestion; ``info`` is the fence's word (GitLab's carries a line range)."""
    body = suggestion if suggestion.endswith("\n") or not suggestion else suggestion + "\n"
    fence = fence_for(suggestion)
    return f"{fence}{info}\n{body}{fence}"


def also_text(finding: Finding) -> str:
    """`` (also: bandit B602)`` for a finding merged from several tools, else ``""``."""
    if not finding.also:
        return ""
    return " (also: " + ", ".join(f"{r.source} {r.rule}" for r in finding.also) + ")"


def origin(finding: Finding, cost: str | None) -> str:
    """Who found it: a static gate, or which model and what the hunk's review cost."""
    if finding.source != "model":
        return f"{finding.source} (static gate)"
    spent = f", {cost} for this hunk" if cost else ""
    return f"model {finding.model or 'unknown'}{spent}"


def hunk_cost(report: Report, finding: Finding) -> str | None:
    """What reviewing the hunk that holds ``finding`` cost, when a model was paid for it."""
    for result in report.hunks:
        hunk = result.hunk
        if hunk.file == finding.file and hunk.new_start <= finding.line <= hunk.new_end:
            return money(result.cost_nano) if result.cost_nano else None
    return None


def comment_body(item: Planned, cost: str | None, info: str = "suggestion") -> str:
    """An inline comment: severity, rule, message, a suggestion when it is safe, the marker."""
    finding = item.finding
    lines = [
        f"**{finding.severity}** · `{inert(finding.rule)}`",
        "",
        inert(finding.message + also_text(finding)),
    ]
    if finding.suggestion is not None and finding.validated and item.anchor.whole:
        lines += ["", suggestion_block(finding.suggestion, info)]
    elif finding.suggestion is not None and finding.validated:
        lines += ["", "_(a suggestion exists but spans lines outside this hunk: see the summary)_"]
    checked = " · suggestion checked by ruff/bandit/semgrep" if finding.validated else ""
    lines += ["", f"<sub>hunkroute · {origin(finding, cost)}{checked}</sub>"]
    return clip("\n".join(lines)) + "\n" + MARKER.format(item.fingerprint)


def clip(text: str, limit: int = MAX_BODY) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 40] + "\n\n… (cut to fit GitHub's size limit)"


def review_comment(item: Planned, cost: str | None) -> dict[str, object]:
    """One ``comments[]`` entry of ``POST …/reviews`` (RIGHT side; multi-line when needed)."""
    where = item.anchor
    entry: dict[str, object] = {
        "path": where.path,
        "body": comment_body(item, cost),
        "line": where.line,
        "side": "RIGHT",
    }
    if where.start_line < where.line:
        entry.update(start_line=where.start_line, start_side="RIGHT")
    return entry


def plan(
    findings: Sequence[Finding],
    names: Sequence[str],
    lines: DiffLines,
    posted: Collection[str],
    request: str,
) -> tuple[list[Planned], list[Unposted]]:
    """The findings not posted yet: those with a valid anchor, and those outside the diff."""
    candidates: list[Planned] = []
    outside: list[Unposted] = []
    for finding, name in zip(findings, names, strict=True):
        where = anchor(finding, lines)
        if name in posted:
            continue
        if where is None:
            outside.append(Unposted(finding, f"not on a line of the {request} diff"))
        else:
            candidates.append(Planned(finding, name, where))
    return candidates, outside


def select(
    candidates: Sequence[Planned], min_severity: Severity, limit: int
) -> tuple[list[Planned], list[Unposted]]:
    """Apply ``comment_min_severity`` and ``max-comments``, keeping the most severe.

    hunkroute's own notes (a trusted file the PR changed, issue 11) pass the severity floor: the
    author must learn that the change had no effect on this run."""
    floor = SEVERITY_RANK[min_severity]
    ordered = sorted(candidates, key=_rank)
    chosen: list[Planned] = []
    held: list[Unposted] = []
    for item in ordered:
        own = item.finding.source == "hunkroute"
        if SEVERITY_RANK[item.finding.severity] < floor and not own:
            held.append(Unposted(item.finding, f"below comment_min_severity ({min_severity})"))
        elif len(chosen) >= limit:
            held.append(Unposted(item.finding, f"over max-comments ({limit})"))
        else:
            chosen.append(item)
    return chosen, held


def _rank(item: Planned) -> tuple[int, str, int, str]:
    f = item.finding
    return (-SEVERITY_RANK[f.severity], f.file, f.line, f.rule)


def review_body(new: int, kept: int, refused: Sequence[Unposted], head_sha: str) -> str:
    """The review's own text: counts, and the findings GitHub would not take inline."""
    lines = [
        f"**hunkroute** reviewed `{head_sha[:12]}`: {new} new finding(s) inline"
        + (f", {kept} already posted earlier" if kept else "")
        + "."
    ]
    if refused:
        lines += ["", "Not placed inline (listed here so nothing is lost):"]
        lines += [
            f"- `{inert(u.finding.file)}:{u.finding.line}` **{u.finding.severity}** "
            f"`{inert(u.finding.rule)}`: {inert(u.finding.message)} _({u.reason})_"
            for u in refused
        ]
    return clip("\n".join(lines))
