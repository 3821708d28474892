"""Suggestion verdicts: apply a suggestion, gate the patched file, accept or reject.

A suggestion replaces lines ``line..end_line`` of the new file. It is rejected when it is a
no-op, touches lines the change did not add (GitHub anchors suggestions only to lines of the
diff), carries a redaction placeholder, breaks Python syntax, or adds a gate finding that was not
there before — in or around the replaced lines, or anywhere when it is an error. Findings are
matched by source, rule and the flagged line's normalized text, so shifted lines do not count as
new. In the replaced region a milder finding of the same tool replacing a worse one (bandit's
B603 once B602's ``shell=True`` is gone) is an improvement, and the same finding on rewritten
lines is no worse. Everything here is pure except ``build_judge``, which wires the checks to one
gate batch per round.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hunkroute.diff.source import Snapshot
from hunkroute.gates.prescan import Baseline
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, ScanResult, Target, scan
from hunkroute.model import SEVERITY_RANK, Candidate, ChangeSet, Finding, Hunk, Judge, Verdict

REDACTION = re.compile(r"\[REDACTED:[^\]\s]*\]")  # the marker the redaction stage leaves
AROUND = 3  # lines either side of the replaced ones where any new finding rejects

Fingerprint = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Scanned:
    """One version of a file and the gates' findings on it."""

    text: str
    findings: Sequence[Finding]


@dataclass(frozen=True, slots=True)
class Refused:
    """A suggestion rejected before any gate ran, and why (unreadable file, broken syntax…)."""

    reason: str


def replacement(suggestion: str) -> list[str]:
    """The suggestion's lines; one final newline is ignored and ``""`` deletes the lines."""
    text = suggestion[:-1] if suggestion.endswith("\n") else suggestion
    return text.split("\n") if text else []


def line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def apply(text: str, line: int, end_line: int, suggestion: str) -> str:
    """``text`` with lines ``line..end_line`` replaced, keeping the file's CRLF endings."""
    lines = text.split("\n")
    cr = "\r" if lines[line - 1].endswith("\r") else ""
    new = [part.rstrip("\r") + cr for part in replacement(suggestion)]
    return "\n".join(lines[: line - 1] + new + lines[end_line:])


def precheck(candidate: Candidate, text: str) -> str | None:
    """Why the suggestion is rejected before any gate runs, or None."""
    finding, hunk = candidate.finding, candidate.hunk
    if finding.suggestion is None:
        return "no suggestion"
    if finding.file != hunk.file:
        return f"the suggestion is for {finding.file}, the hunk is in {hunk.file}"
    if not 1 <= finding.line <= finding.end_line <= line_count(text):
        return f"lines {finding.line}-{finding.end_line} are not in {hunk.file}"
    outside = [n for n in range(finding.line, finding.end_line + 1) if n not in hunk.added_numbers]
    if outside:
        return f"touches line(s) {_numbers(outside)} that the change did not add"
    if REDACTION.search(finding.suggestion):
        return "contains a redaction placeholder, not real code"
    old = [part.rstrip("\r") for part in text.split("\n")[finding.line - 1 : finding.end_line]]
    if replacement(finding.suggestion) == old:
        return "no-op: the suggestion repeats the lines it replaces"
    return None


def syntax_error(text: str) -> str | None:
    """Python's complaint about ``text``, or None when it parses (never executed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning (e.g. an odd escape) is not a failure
        try:
            ast.parse(text)
        except SyntaxError as exc:
            return f"line {exc.lineno}: {exc.msg}"
        except (ValueError, RecursionError) as exc:
            return str(exc) or type(exc).__name__
    return None


def fingerprint(finding: Finding, lines: Sequence[str]) -> Fingerprint:
    """Source, rule and the flagged line's text with whitespace collapsed: survives line shifts."""
    text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    return finding.source, finding.rule, " ".join(text.split())


def difference(
    before: Sequence[Finding], before_text: str, after: Sequence[Finding], after_text: str
) -> tuple[list[Finding], list[Finding]]:
    """(findings only in ``after``, findings only in ``before``), matched by fingerprint."""
    before_lines, after_lines = before_text.split("\n"), after_text.split("\n")
    pool = Counter(fingerprint(f, before_lines) for f in before)
    new = []
    for finding in after:
        key = fingerprint(finding, after_lines)
        if pool[key] > 0:
            pool[key] -= 1
        else:
            new.append(finding)
    fixed = []
    for finding in before:
        key = fingerprint(finding, before_lines)
        if pool[key] > 0:
            pool[key] -= 1
            fixed.append(finding)
    return new, fixed


def _near(finding: Finding, start: int, end: int) -> bool:
    return finding.line <= end + AROUND and finding.end_line >= start - AROUND


def decide(candidate: Candidate, base: Scanned, patched: Scanned) -> Verdict:
    """Compare the patched file's findings with the unpatched file's and judge."""
    finding = candidate.finding
    assert finding.suggestion is not None
    new_end = finding.line + len(replacement(finding.suggestion)) - 1
    new, fixed = difference(base.findings, base.text, patched.findings, patched.text)
    old_region = [f for f in fixed if _near(f, finding.line, finding.end_line)]

    def excused(n: Finding) -> bool:
        """The same tool's finding, milder than (or the same rule as) one the lines had before."""
        rank = SEVERITY_RANK[n.severity]
        return any(
            f.source == n.source
            and (
                SEVERITY_RANK[f.severity] > rank or (f.rule == n.rule and f.severity == n.severity)
            )
            for f in old_region
        )

    blocking = [
        n
        for n in new
        if (n.severity == "error" or _near(n, finding.line, new_end))
        and not (_near(n, finding.line, new_end) and excused(n))
    ]
    if blocking:
        reason = "; ".join(_describe(n) for n in blocking)
        return Verdict(candidate, "rejected", reason, tuple(blocking))
    fixes = f"; fixes {', '.join(sorted({f'{f.source} {f.rule}' for f in fixed}))}" if fixed else ""
    return Verdict(candidate, "accepted", f"accepted{fixes}", (), tuple(fixed))


def _describe(finding: Finding) -> str:
    return f"adds {finding.source} {finding.rule} at line {finding.line}: {finding.message}"


def _numbers(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (", …" if len(numbers) > 5 else "")


def _hunk_of(finding: Finding, hunks: Sequence[Hunk]) -> Hunk | None:
    return next(
        (h for h in hunks if h.file == finding.file and finding.line in h.added_numbers), None
    )


def free_round(
    findings: Sequence[Finding], changes: ChangeSet, judge: Judge
) -> tuple[tuple[Finding, ...], tuple[str, ...]]:
    """Validate the gates' own fixes (ruff's safe fixes) as suggestions costing nothing.

    Accepted suggestions are marked validated; rejected ones are dropped from their finding.
    Returns the findings and the problems met (a gate that failed while judging).
    """
    candidates = [
        Candidate(hunk, f)
        for f in findings
        if f.suggestion is not None and (hunk := _hunk_of(f, changes.hunks)) is not None
    ]
    verdicts = {v.candidate.finding: v for v in judge(candidates)} if candidates else {}
    problems = sorted({v.reason for v in verdicts.values() if v.outcome == "unvalidated"})

    def settled(finding: Finding) -> Finding:
        verdict = verdicts.get(finding)
        if verdict is not None and verdict.accepted:
            return replace(finding, validated=True)
        return finding if finding.suggestion is None else replace(finding, suggestion=None)

    return tuple(settled(f) for f in findings), tuple(problems)


def build_judge(
    setup: GateSetup, runner: ToolRunner, baseline: Baseline, snapshot: Snapshot
) -> Judge:
    """A judge that runs each enabled gate once per round, over every patched variant.

    Files the baseline already holds are not scanned again; gates that failed in the prescan are
    not retried (their failure is already a problem in the report).
    """
    only = baseline.ran if baseline.texts else None

    def judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        texts = dict(baseline.texts)
        bases: dict[str, Target] = {}
        variants: dict[int, Target | Refused] = {}
        parses: dict[str, bool] = {}  # whether the unpatched file parses, once per file
        for index, candidate in enumerate(candidates):
            path = candidate.hunk.file
            if path not in texts and (text := _read(snapshot, path)) is not None:
                texts[path] = text
                bases[path] = Target(BASE, path, text, candidate.hunk.language)
            if candidate.hunk.language == "python" and path in texts and path not in parses:
                parses[path] = syntax_error(texts[path]) is None
            variant = _variant(index, candidate, texts.get(path), parses.get(path, False))
            if isinstance(variant, Target) and path in baseline.partial:
                variant = replace(variant, partial=True)
            variants[index] = variant
        targets = [t for t in variants.values() if isinstance(t, Target)]
        result = scan([*bases.values(), *targets], setup, runner, only) if targets else None
        return [_verdict(c, variants[i], texts, baseline, result) for i, c in enumerate(candidates)]

    return judge


def _read(snapshot: Snapshot, path: str) -> str | None:
    data = snapshot.read(path)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _variant(
    index: int, candidate: Candidate, text: str | None, base_parses: bool
) -> Target | Refused:
    """The patched file to scan, or why the suggestion is rejected without scanning."""
    if text is None:
        return Refused(f"the new version of {candidate.hunk.file} cannot be read")
    reason = precheck(candidate, text)
    if reason is not None:
        return Refused(reason)
    finding = candidate.finding
    assert finding.suggestion is not None
    patched = apply(text, finding.line, finding.end_line, finding.suggestion)
    if candidate.hunk.language == "python" and base_parses:
        error = syntax_error(patched)
        if error is not None:
            return Refused(f"breaks Python syntax ({error})")
    return Target(f"v{index}", candidate.hunk.file, patched, candidate.hunk.language)


def _verdict(
    candidate: Candidate,
    variant: Target | Refused,
    texts: dict[str, str],
    baseline: Baseline,
    result: ScanResult | None,
) -> Verdict:
    if isinstance(variant, Refused):
        return Verdict(candidate, "rejected", variant.reason)
    assert result is not None
    if result.failures:
        failed = "; ".join(f.describe() for f in result.failures)
        return Verdict(candidate, "unvalidated", f"not validated: {failed}")
    path = variant.path
    before = baseline.findings.get(path, ()) if path in baseline.texts else result.of(BASE, path)
    return decide(
        candidate,
        Scanned(texts[path], before),
        Scanned(variant.text, result.of(variant.tree, path)),
    )
