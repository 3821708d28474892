"""The terminal report: findings first, one line each, then one summary block (issue 13).

Pure: colour, width and verbosity come in as a ``View``. Lines are fitted to the width by
cutting their ends, never by dropping a column. The summary block is ``textsummary.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from hunkroute.model import Finding, Plan, Report
from hunkroute.plan import PlanItem
from hunkroute.report import textsummary as summary
from hunkroute.report.comments import also_text
from hunkroute.report.terminal import cut, money, paint, table, where
from hunkroute.report.view import PLAIN, View

__all__ = ["money", "paint", "render", "render_plan"]


def _why(reasons: Sequence[str], width: int = 60) -> str:
    return cut("; ".join(reasons), width)


def finding_line(finding: Finding, view: View) -> str:
    """``path:line severity rule message (also: …)``, cut to the width, severity painted."""
    label = (  # a model's rule is just "model:<category>": name the model instead
        f"model {finding.model}" if finding.source == "model" and finding.model
        else f"{finding.source} {finding.rule}"
    )  # fmt: skip
    head = f"{finding.file}:{finding.line} "
    severity = finding.severity.ljust(7)
    # ``also`` before the message, which is what a narrow terminal cuts
    rest = cut(f" {label}{also_text(finding)}  {finding.message}", view.width - len(head) - 7)
    if len(head) + 7 >= view.width:
        return cut(head + severity + rest, view.width)
    return head + paint(severity, finding.severity, view.color) + rest


def findings_block(findings: Sequence[Finding], view: View) -> list[str]:
    """Findings grouped by file, one line each, validated suggestions under theirs."""
    lines: list[str] = []
    for f in sorted(findings, key=lambda f: (f.file, f.line, f.rule)):
        lines.append(finding_line(f, view))
        if f.suggestion is not None and f.validated:
            lines += [cut(line, view.width) for line in _suggestion_lines(f)]
    return lines


def _suggestion_lines(finding: Finding) -> list[str]:
    """A validated suggestion; an empty one deletes the lines, which must read as such."""
    span = (
        f"{finding.line}"
        if finding.end_line <= finding.line
        else f"{finding.line}-{finding.end_line}"
    )
    assert finding.suggestion is not None
    if not finding.suggestion.strip():
        return [f"    suggestion: delete line(s) {span}"]
    return [f"    suggestion (replaces line(s) {span}):"] + [
        f"    + {text}" for text in finding.suggestion.splitlines()
    ]


def totals_line(report: Report) -> str:
    baseline = report.premium_baseline_nano
    percent = report.saving_percent
    if percent is None and not report.sent:
        return f"budget {money(report.budget_nano)} · nothing sent to a model"
    saving = "" if percent is None else f" (saving {percent:.0f}%)"
    return (
        f"budget {money(report.budget_nano)} · reserved {money(report.reserved_nano)} · "
        f"spent {money(report.spent_nano)} · premium baseline {money(baseline)}{saving}"
    )


def verdict_line(report: Report) -> str:
    verdict = "blocked" if report.blocking else "passed"
    return f"{verdict} · {len(report.findings)} finding(s), {len(report.blocking)} blocking"


def render(report: Report, view: View = PLAIN) -> str:
    """The whole human report: findings first, then one summary block (issue 13)."""
    lines = [paint(cut(f"hunkroute · {report.origin}", view.width), "bold", view.color)]
    if report.findings:
        lines.append(f"findings ({len(report.findings)}, {len(report.blocking)} blocking):")
        lines += findings_block(report.findings, view)
    else:
        lines.append(paint("no findings", "ok", view.color))
    if view.verbosity >= 0:
        lines += summary.block(report, view)
        lines.append(cut(totals_line(report), view.width))
    verdict = verdict_line(report)
    lines.append(paint(verdict, "error" if report.blocking else "ok", view.color))
    return "\n".join(lines) + "\n"


def _learned_rows(plan: Plan) -> list[str]:
    """Learned beside claimed quality, for the pairs routing used evidence for."""
    if not plan.learned:
        return []
    rows = [["MODEL", "CATEGORY", "CLAIMED", "LEARNED", "FROM"]]
    rows += [[q.model, q.category, f"{q.claimed:g}", f"{q.quality:g}", q.reason]
             for q in plan.learned]  # fmt: skip
    return ["quality learned on this code:", *table(rows)]


def render_plan(
    items: Sequence[PlanItem], plan: Plan, notes: Sequence[str], color: bool = False
) -> str:
    """The ``plan`` command's table: route, reason and reservation for every hunk."""
    rows = [["HUNK", "CATEGORY", "ROUTE", "RESERVED", "WHY"]]
    for item, route in zip(items, plan.routes, strict=True):
        hunk = item.hunk
        target = route.model or route.status or "-"
        why = _why([route.reason] if route.model is None else item.classification.reasons)
        rows.append(
            [where(hunk.file, hunk.new_start, hunk.new_end), item.classification.category,
             target, money(route.reservation_nano), why]
        )  # fmt: skip
    lines = table(rows) if items else ["no hunks to review"]
    lines.append(f"{len(plan.batches)} model requests")
    lines += _learned_rows(plan)
    lines += [paint(f"note: {n}", "dim", color) for n in notes]
    baseline = plan.premium_baseline_nano
    saving = f" (saving {100 * (1 - plan.reserved_nano / baseline):.0f}%)" if baseline else ""
    lines.append(
        f"budget {money(plan.budget_nano)} · reserved {money(plan.reserved_nano)} · "
        f"premium baseline {money(baseline)}{saving}"
    )
    return "\n".join(lines) + "\n"
