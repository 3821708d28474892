"""The summary block of the terminal report: what was spent where, and the hunks worth a look.

Counts per category and model with their cost (a hunk no model looked at shows neither), then
the hunks that have findings or a model verdict; ``-v`` lists every hunk and every skipped file.
Pure, like ``text.py``, which places this block after the findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from hunkroute.model import Finding, HunkResult, Report, auditors, reviewer
from hunkroute.report.terminal import cut, money, paint, table, where
from hunkroute.report.view import View


def _model_of(result: HunkResult) -> str | None:
    return reviewer(result, ("ok", "cached", "rejected"))


def _labelled(result: HunkResult) -> str:
    """The hunk's model, and the models its audits asked too."""
    asked = auditors(result)
    audit = f" (audit: {', '.join(asked)})" if asked else ""
    return (_model_of(result) or "-") + audit


def hunk_rows(results: Iterable[HunkResult]) -> list[list[str]]:
    """One row per hunk; a hunk no model looked at shows no model and no cost."""
    rows = [["HUNK", "CATEGORY", "STATUS", "MODEL", "COST", "WHY"]]
    for r in results:
        called = bool(r.attempts)
        rows.append(
            [where(r.hunk.file, r.hunk.new_start, r.hunk.new_end), r.classification.category,
             r.status + _redacted(r), _labelled(r), money(r.cost_nano) if called else "-",
             "; ".join(r.classification.reasons)]
        )  # fmt: skip
    return rows


def _redacted(result: HunkResult) -> str:
    return " (redacted)" if result.redacted else ""


def spending_rows(results: Iterable[HunkResult]) -> list[list[str]]:
    """Hunks and cost per category and model; ``-`` where no model was called."""
    hunks: Counter[tuple[str, str]] = Counter()
    cost: Counter[tuple[str, str]] = Counter()
    for r in results:
        key = (r.classification.category, _model_of(r) or "-")
        hunks[key] += 1
        cost[key] += r.cost_nano
    rows = [["CATEGORY", "MODEL", "HUNKS", "COST"]]
    for key in sorted(hunks, key=lambda k: (-hunks[k], k)):
        rows.append([*key, str(hunks[key]), money(cost[key]) if key[1] != "-" else "-"])
    return rows


def _noteworthy(result: HunkResult, findings: Sequence[Finding]) -> bool:
    hunk = result.hunk
    return bool(result.attempts) or any(
        f.file == hunk.file and hunk.new_start <= f.line <= hunk.new_end for f in findings
    )


def _skipped(report: Report, verbose: bool) -> list[str]:
    if not report.skipped_files:
        return []
    if verbose:
        return ["skipped files:"] + [f"  {f.path} ({f.skip_reason})" for f in report.skipped_files]
    reasons = Counter(f.skip_reason or "" for f in report.skipped_files)
    counted = ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
    return [f"skipped files: {len(report.skipped_files)} ({counted}; -v lists them)"]


def block(report: Report, view: View) -> list[str]:
    """The summary block, each line cut to the view's width."""
    verbose = view.verbosity > 0
    lines = ["", f"summary: {len(report.hunks)} hunk(s)"]
    lines += ["  " + row for row in table(spending_rows(report.hunks))] if report.hunks else []
    shown = [r for r in report.hunks if verbose or _noteworthy(r, report.findings)]
    if shown:
        lines.append("hunks:" if verbose else "hunks with findings or a model verdict:")
        lines += ["  " + row for row in table(hunk_rows(shown))]
    lines += _skipped(report, verbose)
    lines += [f"problem: {p}" for p in report.problems]
    out = [cut(line, view.width) for line in lines]
    return out + [paint(cut(f"note: {n}", view.width), "dim", view.color) for n in report.notes]
