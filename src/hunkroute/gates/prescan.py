"""The prescan: every enabled gate, once, over the new versions of the changed files.

Changed-code scope: a finding counts only when it touches a line the change added, like
reviewdog's ``added`` filter, so legacy findings in untouched code never block a merge. The
whole-file findings are kept as the ``Baseline`` that suggestions are compared against.

New findings only (issue 13): when the base versions can be read, they go into the same batch
(a tree of their own, so no gate starts twice) and a finding on an added line whose statement
the base version already had flagged is legacy (``legacy.py``): hidden, and counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from hunkroute.diff.source import Snapshot
from hunkroute.gates import legacy
from hunkroute.gates.diffview import diff_view
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, ScanResult, Target, scan
from hunkroute.model import ChangeSet, FileChange, Finding

PREVIOUS = "previous"  # the tree of the base versions


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
    legacy_hidden: int = 0


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


def previous_targets(changes: ChangeSet, found: Sequence[Target], base: Snapshot) -> list[Target]:
    """The base version of every scanned file that had one, under the file's new path."""
    files = {f.path: f for f in changes.files}
    previous: list[Target] = []
    for target in found:
        file = files[target.path]
        if file.status == "added":
            continue
        text = _decoded(base.read(file.old_path or file.path))
        if text is not None:
            previous.append(replace(target, tree=PREVIOUS, text=text, partial=False))
    return previous


def _decoded(data: bytes | None) -> str | None:
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read(file: FileChange, snapshot: Snapshot) -> tuple[str | None, str]:
    """The file's new version, or why it cannot be used (missing, or not what the diff says)."""
    data = snapshot.read(file.path)
    if data is None:
        return None, "its new version cannot be read"
    text = _decoded(data)
    if text is None:
        return None, "not UTF-8 text"
    lines = text.split("\n")
    for hunk in file.hunks:
        for line in hunk.added:
            if line.number > len(lines) or lines[line.number - 1].rstrip("\r") != line.text:
                return None, f"line {line.number} on disk differs from the diff"
    return text, ""


def prescan(
    changes: ChangeSet,
    snapshot: Snapshot,
    setup: GateSetup,
    runner: ToolRunner,
    base: Snapshot | None = None,
) -> Prescan:
    """Run the gates once over the changed files; keep what touches added lines and is new."""
    found, notes = targets(changes, snapshot)
    previous = previous_targets(changes, found, base) if base is not None else []
    result = scan([*found, *previous], setup, runner)
    baseline = Baseline(
        texts={t.path: t.text for t in found},
        languages={t.path: t.language for t in found},
        findings={t.path: result.of(BASE, t.path) for t in found},
        ran=result.ran,
        partial=frozenset(t.path for t in found if t.partial),
    )
    added = added_lines(changes)
    scoped = [
        _own_fix_only(f, added)
        for path in baseline.findings
        for f in baseline.findings[path]
        if in_scope(f, added)
    ]
    kept, hidden = _new_only(scoped, found, previous, result)
    return Prescan(
        findings=tuple(sorted(kept, key=_order)),
        baseline=baseline,
        problems=tuple(f.describe() for f in result.failures),
        notes=tuple(notes),
        legacy_hidden=hidden,
    )


def _new_only(
    scoped: Sequence[Finding],
    found: Sequence[Target],
    previous: Sequence[Target],
    result: ScanResult,
) -> tuple[list[Finding], int]:
    """Drop the findings the base versions already had (statement by statement)."""
    if not previous:
        return list(scoped), 0
    wanted = {f.file for f in scoped}
    versions = {t.path: legacy.statements(t.text, t.language) for t in found if t.path in wanted}
    flagged = {
        t.path: legacy.flagged(result.of(PREVIOUS, t.path), legacy.statements(t.text, t.language))
        for t in previous
        if t.path in wanted
    }
    return legacy.new_only(scoped, versions, flagged)


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
