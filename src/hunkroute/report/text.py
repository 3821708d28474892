"""The terminal report: a compact table of hunks and routes, then findings grouped by file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hunkroute.model import Finding, HunkResult, Plan, Report, nano_to_usd
from hunkroute.plan import PlanItem

COLORS = {"error": "31", "warning": "33", "note": "36", "dim": "2", "bold": "1", "ok": "32"}


def paint(text: str, style: str, color: bool) -> str:
    return f"\033[{COLORS[style]}m{text}\033[0m" if color else text


def money(nano: int) -> str:
    return f"${nano_to_usd(nano):.4f}"


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _where(file: str, start: int, end: int) -> str:
    return f"{file}:{start}" if end <= start else f"{file}:{start}-{end}"


def hunk_rows(results: Iterable[HunkResult]) -> list[list[str]]:
    rows = [["HUNK", "CATEGORY", "MODEL", "TOKENS", "COST", "LATENCY", "STATUS", "WHY"]]
    for r in results:
        answered = [a.model for a in r.attempts if a.outcome in ("ok", "cached", "rejected")]
        model = answered[-1] if answered else r.route.model or "-"
        cost = r.cost_nano if r.attempts else r.route.reservation_nano
        mark = "" if r.attempts else "~"
        tokens = sum(a.input_tokens + a.output_tokens for a in r.attempts)
        latency = sum(a.latency_ms for a in r.attempts)
        rows.append(
            [_where(r.hunk.file, r.hunk.new_start, r.hunk.new_end), r.classification.category,
             model, str(tokens) if r.attempts else "-", f"{mark}{money(cost)}",
             f"{latency}ms" if r.attempts else "-", r.status + _redacted(r),
             _why(r.classification.reasons)]
        )  # fmt: skip
    return rows


def _redacted(result: HunkResult) -> str:
    return " (redacted)" if result.redacted else ""


def _why(reasons: Sequence[str], width: int = 60) -> str:
    text = "; ".join(reasons)
    return text if len(text) <= width else text[: width - 1] + "…"


def findings_block(findings: Sequence[Finding], color: bool) -> list[str]:
    lines: list[str] = []
    current = None
    ordered = sorted(findings, key=lambda f: (f.file, f.line, f.rule))
    for f in ordered:
        if f.file != current:
            current = f.file
            lines.append(paint(f.file, "bold", color))
        # a model's rule is just "model:<category>": name the model instead of repeating it
        label = f"model {f.model}" if f.source == "model" and f.model else f"{f.source} {f.rule}"
        lines.append(
            f"  {f.line:>5}  {paint(f.severity.ljust(7), f.severity, color)} {label}  {f.message}"
        )
        if f.suggestion is not None and f.validated:
            lines += _suggestion_lines(f)
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
        return [f"         suggestion: delete line(s) {span}"]
    return [f"         suggestion (replaces line(s) {span}):"] + [
        f"         + {text}" for text in finding.suggestion.splitlines()
    ]


def totals_line(report: Report) -> str:
    baseline = report.premium_baseline_nano
    called = any(r.attempts for r in report.hunks)
    saving = (
        f" (saving {100 * (1 - report.spent_nano / baseline):.0f}%)" if baseline and called else ""
    )
    return (
        f"budget {money(report.budget_nano)} · reserved {money(report.reserved_nano)} · "
        f"spent {money(report.spent_nano)} · premium baseline {money(baseline)}{saving}"
    )


def render(report: Report, color: bool = False) -> str:
    """The whole human report."""
    lines = [paint(f"hunkroute · {report.origin}", "bold", color)]
    if not report.hunks:
        lines.append("no hunks to review")
    else:
        lines += _table(hunk_rows(report.hunks))
        if any(not r.attempts and r.route.model for r in report.hunks):
            lines.append(paint("(~ planned worst case: no model was called)", "dim", color))
    if report.skipped_files:
        lines.append("skipped files:")
        lines += [f"  {f.path} ({f.skip_reason})" for f in report.skipped_files]
    lines.append("")
    if report.findings:
        lines.append(f"findings ({len(report.findings)}, {len(report.blocking)} blocking):")
        lines += findings_block(report.findings, color)
    else:
        lines.append(paint("no findings", "ok", color))
    lines += [f"problem: {p}" for p in report.problems]
    lines += [paint(f"note: {n}", "dim", color) for n in report.notes]
    lines.append(totals_line(report))
    return "\n".join(lines) + "\n"


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
            [_where(hunk.file, hunk.new_start, hunk.new_end), item.classification.category,
             target, money(route.reservation_nano), why]
        )  # fmt: skip
    lines = _table(rows) if items else ["no hunks to review"]
    lines.append(f"{len(plan.batches)} model requests")
    lines += [paint(f"note: {n}", "dim", color) for n in notes]
    baseline = plan.premium_baseline_nano
    saving = f" (saving {100 * (1 - plan.reserved_nano / baseline):.0f}%)" if baseline else ""
    lines.append(
        f"budget {money(plan.budget_nano)} · reserved {money(plan.reserved_nano)} · "
        f"premium baseline {money(baseline)}{saving}"
    )
    return "\n".join(lines) + "\n"
