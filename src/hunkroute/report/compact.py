"""The hook's terminal output: one line per finding, suggestions as small diffs, a closing line.

Pure. Findings read ``path:line: severity rule message (source)``, the shape editors and
terminals already link to. Messages, rules and suggestions come from the diff and from models,
so they are untrusted: control characters are shown escaped, never sent to the terminal, so that
an answer cannot move the cursor, recolour the screen or fake a "passed" line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from hunkroute.model import Finding, Report
from hunkroute.report.comments import also_text
from hunkroute.report.text import money, paint

INDENT = "    "


def escape(text: str) -> str:
    """``text`` with control and format characters escaped (tabs kept: they are code)."""
    return "".join(
        char
        if char == "\t" or not unicodedata.category(char).startswith("C")
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) collapsed, then escaped."""
    return escape(" ".join(text.split()))


def finding_line(finding: Finding, color: bool) -> str:
    by = finding.model or finding.source
    severity = paint(finding.severity, finding.severity, color)
    return (
        f"{escape(finding.file)}:{finding.line}: {severity} {one_line(finding.rule)} "
        f"{one_line(finding.message + also_text(finding))} ({escape(by)})"
    )


def suggestion_diff(
    finding: Finding, new_lines: Mapping[tuple[str, int], str], color: bool
) -> list[str]:
    """The lines a suggestion replaces (when the diff shows them) and its replacement."""
    assert finding.suggestion is not None
    numbers = range(finding.line, max(finding.line, finding.end_line) + 1)
    old = [new_lines.get((finding.file, n)) for n in numbers]
    if all(text is not None for text in old):
        removed = [paint(f"{INDENT}-{escape(text or '')}", "error", color) for text in old]
    else:
        removed = [paint(f"{INDENT}~ replaces lines {numbers[0]}-{numbers[-1]}", "dim", color)]
    added = [paint(f"{INDENT}+{escape(s)}", "ok", color) for s in finding.suggestion.splitlines()]
    return removed + added


def _new_lines(report: Report) -> dict[tuple[str, int], str]:
    """New-file text the diff shows, by file and line number, to show what a suggestion replaces."""
    return {
        (result.hunk.file, line.number): line.text
        for result in report.hunks
        for line in result.hunk.new_lines
    }


def render(report: Report, color: bool = False) -> str:
    """Every finding, in file and line order, with its validated suggestion as a small diff."""
    new_lines = _new_lines(report)
    lines: list[str] = []
    for finding in sorted(report.findings, key=lambda f: (f.file, f.line, f.rule)):
        lines.append(finding_line(finding, color))
        if finding.suggestion is not None and finding.validated:
            lines += suggestion_diff(finding, new_lines, color)
    return "".join(f"{line}\n" for line in lines)


def closing_lines(report: Report, elapsed_s: float, notes: bool = True) -> list[str]:
    """Notes (e.g. why no model ran), what failed to answer (never blocking), then the verdict."""
    lines = [f"hunkroute: note: {one_line(n)}" for n in report.notes] if notes else []
    if report.problems:
        more = f" (+{len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        lines.append(f"hunkroute: {one_line(report.problems[0])}{more}; this does not block")
    verdict = "blocked (skip once with --no-verify)" if report.blocking else "passed"
    lines.append(
        f"hunkroute: {verdict} · {len(report.findings)} finding(s), {len(report.blocking)} blocking"
        f" · cost {money(report.spent_nano)} of {money(report.budget_nano)} · {elapsed_s:.1f} s"
    )
    return lines
