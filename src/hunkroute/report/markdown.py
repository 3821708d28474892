"""The Markdown job summary (``GITHUB_STEP_SUMMARY``) and the sticky PR comment.

Money first (budget, spent, premium baseline, saving), then where each hunk went (routing by
category and model), coverage (reviewed, gated, skipped and why), the findings, and what did not
reach the PR inline. GitHub drops a step summary over 1 MiB (FACTS.md §2.4), so rows stop at a
byte budget and the rest is counted, pointing at the JSON report that has them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hunkroute.model import Finding, HunkResult, Report, reviewer
from hunkroute.report.comments import Posting, also_text, by_severity, inert
from hunkroute.report.text import money

MAX_BYTES = 1024 * 1024 - 64 * 1024  # under the 1 MiB step-summary limit, with room to spare


def cell(text: str) -> str:
    return inert(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _saving(report: Report) -> str:
    percent = report.saving_percent
    return "–" if percent is None else f"{percent:.0f}%"


def money_table(report: Report) -> list[str]:
    return [
        "| budget | spent | reserved | premium baseline | saving |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {money(report.budget_nano)} | {money(report.spent_nano)} "
        f"| {money(report.reserved_nano)} | {money(report.premium_baseline_nano)} "
        f"| {_saving(report)} |",
        *_so_far(report),
    ]


def _so_far(report: Report) -> list[str]:
    """This PR's and this month's spend across runs (this one included), from the ledger."""
    lines = []
    for label, shared in (("this PR so far", report.pr_budget),
                          ("this month so far", report.monthly_budget)):  # fmt: skip
        if shared is not None:
            limit = "" if shared.limit_nano is None else f" of {money(shared.limit_nano)}"
            lines.append(f"{label}: {money(shared.spent_nano)}{limit}")
    return ["", " · ".join(lines)] if lines else []


def routing_table(hunks: Sequence[HunkResult]) -> list[str]:
    """Hunks and cost per (category, model): where the budget went."""
    counts: Counter[tuple[str, str]] = Counter()
    costs: Counter[tuple[str, str]] = Counter()
    for result in hunks:
        key = (result.classification.category, _model(result))
        counts[key] += 1
        costs[key] += result.cost_nano
    rows = ["| category | model | hunks | cost |", "| --- | --- | ---: | ---: |"]
    rows += [
        f"| {cell(cat)} | {cell(model)} | {n} | {money(costs[(cat, model)])} |"
        for (cat, model), n in sorted(counts.items())
    ]
    return rows


def _model(result: HunkResult) -> str:
    answered = reviewer(result)
    if answered:
        return answered
    return f"none (planned: {result.route.model})" if result.route.model else "none"


def audit_lines(hunks: Sequence[HunkResult]) -> list[str]:
    """The learning audits, labelled apart from the routing they check (issue 15)."""
    calls = [a for r in hunks for a in r.attempts if a.audit]
    if not calls:
        return []
    asked = Counter(a.model for a in calls)
    who = ", ".join(f"{cell(model)} ×{n}" for model, n in sorted(asked.items()))
    spent = money(sum(a.cost_nano for a in calls))
    return ["", f"Audits (a second model asked too, for routing that learns): {who} · {spent}"]


def coverage(hunks: Sequence[HunkResult]) -> list[str]:
    """How many hunks a model reviewed, the gates alone checked, or nobody looked at, and why."""
    status = Counter(r.status for r in hunks)
    lines = [
        f"- reviewed by a model: **{status['reviewed']}**",
        f"- static gates only: **{status['gated']}**",
    ]
    why: Counter[str] = Counter()
    for r in hunks:
        if r.status not in ("reviewed", "gated"):
            reason = r.route.reason or "; ".join(r.classification.reasons[:1]) or r.status
            why[f"{r.status}: {reason}"] += 1
    lines += [f"- {cell(reason)}: **{n}**" for reason, n in sorted(why.items())]
    return lines


def _finding_row(finding: Finding) -> str:
    where = f"`{cell(finding.file)}:{finding.line}`"
    source = f"{finding.source} ({finding.model})" if finding.model else finding.source
    fix = " ✔ suggestion" if finding.suggestion is not None and finding.validated else ""
    return (
        f"| {finding.severity} | {where} | {cell(source)} | `{cell(finding.rule)}` "
        f"| {cell(finding.message + also_text(finding))}{fix} |"
    )


def _within(rows: list[str], header: list[str], budget: int, what: str) -> list[str]:
    """As many rows as fit in ``budget`` bytes, then a line counting the rest."""
    out = list(header)
    used = sum(len(r.encode()) + 1 for r in out)
    for i, row in enumerate(rows):
        used += len(row.encode()) + 1
        if used > budget:
            return out + ["", f"… and {len(rows) - i} more {what}: see the JSON report."]
        out.append(row)
    return out


def render(report: Report, posting: Posting | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The whole summary; ``posting`` adds where the findings went and what did not make it."""
    head = [f"## hunkroute · {cell(report.origin)}", "", *money_table(report), ""]
    head += ["### Routing", "", *routing_table(report.hunks), *audit_lines(report.hunks), ""]
    head += ["### Coverage", "", *coverage(report.hunks), ""]
    head += [f"- {cell(p)}" for p in (*report.problems, *(posting.problems if posting else ()))]
    head += [f"- _{cell(n)}_" for n in (*report.notes, *(posting.notes if posting else ()))]
    head += [""]
    tail = _posting_lines(posting) if posting else []
    budget = max_bytes - len("\n".join(head + tail).encode()) - 200
    title = f"### Findings ({len(report.findings)}, {len(report.blocking)} blocking)"
    rows = [_finding_row(f) for f in by_severity(report.findings)]
    columns = "| severity | where | source | rule | message |"
    header = [title, "", columns, "| --- | --- | --- | --- | --- |"]
    body = _within(rows, header, budget, "findings") if rows else [title, "", "No findings."]
    return "\n".join(head + body + [""] + tail) + "\n"


def _posting_lines(posting: Posting) -> list[str]:
    lines = [
        "### On the pull request",
        "",
        f"- channel: **{posting.channel}** · new inline: {posting.posted} · already posted: "
        f"{posting.already} · resolved: {posting.resolved}",
    ]
    reasons = Counter(u.reason for u in posting.unposted)
    lines += [f"- not inline, {cell(reason)}: **{n}**" for reason, n in sorted(reasons.items())]
    return lines + [""]
