"""Where a finding can sit in a pull request's diff, and the fingerprint that names it.

GitHub refuses a whole review (422) when one comment points at a line outside the diff, and a
multi-line comment must start and end in the same hunk (FACTS.md §1.1-1.2), so every anchor is
checked here against the hunks before anything is posted. The fingerprint keys on the file, the
rule and the *text* of the flagged lines, never on line numbers, so a finding keeps its name when
a later push shifts it up or down the file (FACTS.md §1.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hunkroute.model import Finding, Hunk


@dataclass(frozen=True, slots=True)
class DiffLines:
    """The new-file lines a pull request's diff shows, hunk by hunk, and their text."""

    spans: Mapping[str, tuple[frozenset[int], ...]]
    text: Mapping[tuple[str, int], str]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A valid place for an inline comment: lines ``start_line..line`` on the RIGHT side."""

    path: str
    start_line: int
    line: int
    whole: bool  # the anchor covers the finding's whole range, so a suggestion may replace it


def diff_lines(hunks: Iterable[Hunk]) -> DiffLines:
    """Index the added and context lines of every hunk (RIGHT side, new-file numbers)."""
    spans: dict[str, list[frozenset[int]]] = {}
    text: dict[tuple[str, int], str] = {}
    for hunk in hunks:
        lines = hunk.new_lines
        spans.setdefault(hunk.file, []).append(frozenset(line.number for line in lines))
        text.update(((hunk.file, line.number), line.text) for line in lines)
    return DiffLines({path: tuple(s) for path, s in spans.items()}, text)


def anchor(finding: Finding, lines: DiffLines) -> Anchor | None:
    """The finding's range if one hunk holds it, else its last or first line alone, else None."""
    spans = lines.spans.get(finding.file, ())
    end = max(finding.line, finding.end_line)
    for span in spans:
        if finding.line in span and end in span:
            return Anchor(finding.file, finding.line, end, True)
    for number in (end, finding.line):
        if any(number in span for span in spans):
            return Anchor(finding.file, number, number, False)
    return None


def _normalized(text: str) -> str:
    return " ".join(text.split())


def fingerprint(finding: Finding, lines: DiffLines, occurrence: int = 0) -> str:
    """A short stable name: file, source, rule and the flagged code, not the line numbers."""
    end = max(finding.line, finding.end_line)
    code = [lines.text.get((finding.file, n)) for n in range(finding.line, end + 1)]
    known = [_normalized(c) for c in code if c is not None]
    subject = "\n".join(known) if known else _normalized(finding.message)
    key = "\x1f".join((finding.file, finding.source, finding.rule, subject, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def fingerprints(findings: Sequence[Finding], lines: DiffLines) -> tuple[str, ...]:
    """One fingerprint per finding; identical findings are told apart by their occurrence."""
    seen: dict[str, int] = {}
    names: list[str] = []
    for finding in findings:
        base = fingerprint(finding, lines)
        count = seen.get(base, 0)
        seen[base] = count + 1
        names.append(base if count == 0 else fingerprint(finding, lines, count))
    return tuple(names)
