"""The prescan: every enabled gate, once, over the new versions of the changed files.

Changed-code scope: a finding counts only when it touches a line the change added, like
reviewdog's ``added`` filter, so legacy findings in untouched code never block a merge. The
whole-file findings are kept as the ``Baseline`` that suggestions are compared against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from hunkroute.diff.source import Snapshot
from hunkroute.gates.diffview import diff_view
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, Target, scan
from hunkroute.model import ChangeSet, FileChange, Finding


@dataclass(frozen=True, slots=True)
class Baseline:
    """The scanned new versions of the changed files, all their findings, and the gates that ran."""

    texts: Mapping[str, str] = field(default_factory=dict)
    languages: Mapping[str, str] = field(default_factory=dict)
    findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    ran: tuple[str, ...] = ()
    partial: frozenset[str] = frozenset()  # texts rebuilt from the diff alone


@dataclass(frozen=True, slots=True)
class Prescan:
    """In-scope findings (ruff's safe fixes still unvalidated), the baseline, and what failed."""

    findings: tuple[Finding, ...] = ()
    baseline: Baseline = field(default_factory=Baseline)
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def added_lines(changes: ChangeSet) -> dict[str, frozenset[int]]:
    """Added line numbers (new file) per path, over the hunks that are looked at."""
    lines: dict[str, set[int]] = {}
    for hunk in changes.hunks:
        lines.setdefault(hunk.file, set()).update(hunk.added_numbers)
    return {path: frozenset(numbers) for path, numbers in lines.items()}


def in_scope(finding: Finding, added: Mapping[str, frozenset[int]]) -> bool:
    """True when the finding's line range touches an added line."""
    numbers = added.get(finding.file, frozenset())
    return any(n in numbers for n in range(finding.line, finding.end_line + 1))


def targets(changes: ChangeSet, snapshot: Snapshot) -> tuple[list[Target], list[str]]:
    """The new version of every changed file worth gating, and a note for each one left out."""
    found: list[Target] = []
    notes: list[str] = []
    for file in changes.files:
        if file.skip_reason or file.status == "deleted" or not any(h.added for h in file.hunks):
            continue
        text, problem = _read(file, snapshot)
        if text is not None:
            found.append(Target(BASE, file.path, text, file.language))
            continue
        text, complete = diff_view(file)
        found.append(Target(BASE, file.path, text, file.language, partial=not complete))
        if not complete:
            without = ": no ruff" if file.language == "python" else ""
            notes.append(f"{file.path}: gated on the diff alone ({problem}){without}")
    return found, notes


def _read(file: FileChange, snapshot: Snapshot) -> tuple[str | None, str]:
    """The file's new version, or why it cannot be used (missing, or not what the diff says)."""
    data = snapshot.read(file.path)
    if data is None:
        return None, "its new version cannot be read"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    lines = text.split("\n")
    for hunk in file.hunks:
        for line in hunk.added:
            if line.number > len(lines) or lines[line.number - 1].rstrip("\r") != line.text:
                return None, f"line {line.number} on disk differs from the diff"
    return text, ""


def prescan(
    changes: ChangeSet, snapshot: Snapshot, setup: GateSetup, runner: ToolRunner
) -> Prescan:
    """Run the gates once over the changed files; keep what touches added lines."""
    found, notes = targets(changes, snapshot)
    result = scan(found, setup, runner)
    baseline = Baseline(
        texts={t.path: t.text for t in found},
        languages={t.path: t.language for t in found},
        findings={t.path: result.of(BASE, t.path) for t in found},
        ran=result.ran,
        partial=frozenset(t.path for t in found if t.partial),
    )
    added = added_lines(changes)
    scoped = (
        _own_fix_only(f, added)
        for path in baseline.findings
        for f in baseline.findings[path]
        if in_scope(f, added)
    )
    return Prescan(
        findings=tuple(sorted(scoped, key=_order)),
        baseline=baseline,
        problems=tuple(f.describe() for f in result.failures),
        notes=tuple(notes),
    )


def _own_fix_only(finding: Finding, added: Mapping[str, frozenset[int]]) -> Finding:
    """Drop a tool's fix that rewrites lines the change did not add (GitHub cannot anchor it)."""
    if finding.suggestion is None:
        return finding
    span = range(finding.line, finding.end_line + 1)
    if all(n in added.get(finding.file, frozenset()) for n in span):
        return finding
    return replace(finding, suggestion=None)


def _order(finding: Finding) -> tuple[str, int, str, str]:
    return finding.file, finding.line, finding.source, finding.rule
