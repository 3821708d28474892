"""Renders of the spend ledger's ``Stats`` for ``hunkroute stats``: text, JSON and Markdown.

Pure functions of the ``Stats`` value and the claimed-vs-learned table (``LearningRow``s, issue
15). The JSON keys are DESIGN.md's contract (``stats --format json``; ``learning[]`` added);
text is tables and bar charts of spend by model and of claimed vs learned quality; Markdown is
tables and a Mermaid pie chart, which GitHub renders in a job summary.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hunkroute.ledger.interface import ModelRow, Stats
from hunkroute.model import LearningRow, nano_to_usd
from hunkroute.report.markdown import cell
from hunkroute.report.terminal import money, table

BAR_WIDTH = 30


def saving_percent(stats: Stats) -> float | None:
    """1 − spent / honest baseline of the closed runs, in percent; ``None`` without a baseline."""
    baseline = stats.totals.premium_baseline_nano
    if not baseline:
        return None
    return round(100 * (1 - stats.totals.spent_nano / baseline), 1)


def to_dict(stats: Stats, learning: Sequence[LearningRow] = ()) -> dict[str, Any]:
    """The ``stats --format json`` contract."""
    totals = stats.totals
    return {
        "spent_usd": nano_to_usd(totals.spent_nano),
        "reserved_usd": nano_to_usd(totals.reserved_nano),
        "premium_baseline_usd": nano_to_usd(totals.premium_baseline_nano),
        "saving_percent": saving_percent(stats),
        "runs": totals.runs,
        "calls": totals.calls,
        "by_model": [_model(row) for row in stats.by_model],
        "by_pr": [
            {"repo": r.repo, "pr": r.pr, "runs": r.runs, "spent_usd": nano_to_usd(r.spent_nano)}
            for r in stats.by_pr
        ],
        "by_week": [
            {"week": w.week, "calls": w.calls, "spent_usd": nano_to_usd(w.spent_nano)}
            for w in stats.by_week
        ],
        "learning": [
            {
                "model": r.model,
                "category": r.category,
                "claimed": r.claimed,
                "learned": r.learned,
                "comparisons": r.compared,
                "matched": r.matched,
                "explanation": r.explanation,
            }
            for r in learning
        ],  # fmt: skip
    }


def _model(row: ModelRow) -> dict[str, Any]:
    return {
        "model": row.model,
        "category": row.category,
        "calls": row.calls,
        "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens,
        "spent_usd": nano_to_usd(row.spent_nano),
        "suggestions": row.suggestions,
        "accepted": row.accepted,
    }


def render_json(stats: Stats, learning: Sequence[LearningRow] = ()) -> str:
    return json.dumps(to_dict(stats, learning), indent=2) + "\n"


def spend_by_model(stats: Stats) -> list[tuple[str, int]]:
    """Spend per model over all categories, most first."""
    spent: Counter[str] = Counter()
    for row in stats.by_model:
        spent[row.model] += row.spent_nano
    return sorted(spent.items(), key=lambda kv: (-kv[1], kv[0]))


def headline(stats: Stats) -> str:
    totals = stats.totals
    percent = saving_percent(stats)
    saving = "" if percent is None else f" (saving {percent:.0f}%)"
    return (
        f"{totals.runs} run(s) · {totals.calls} call(s) · spent {money(totals.spent_nano)} · "
        f"premium baseline {money(totals.premium_baseline_nano)}{saving}"
    )


def _model_rows(stats: Stats) -> list[list[str]]:
    return [
        [r.model, r.category, str(r.calls), str(r.input_tokens), str(r.output_tokens),
         money(r.spent_nano), str(r.suggestions), str(r.accepted)]
        for r in stats.by_model
    ]  # fmt: skip


MODEL_HEADER = ["MODEL", "CATEGORY", "CALLS", "IN", "OUT", "SPENT", "SUGGESTIONS", "ACCEPTED"]


def bars(stats: Stats, width: int = BAR_WIDTH) -> list[str]:
    """A bar per model, the longest the biggest spender."""
    spent = spend_by_model(stats)
    top = max((nano for _, nano in spent), default=0)
    name_width = max((len(name) for name, _ in spent), default=0)
    return [
        f"{name.ljust(name_width)}  {'█' * (round(width * nano / top) if top else 0):<{width}}"
        f"  {money(nano)}"
        for name, nano in spent
    ]


def _quality(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


LEARNING_HEADER = ["MODEL", "CATEGORY", "CLAIMED", "LEARNED", "COMPARISONS", "MATCHED", "WHY"]


def _learning_rows(learning: Sequence[LearningRow]) -> list[list[str]]:
    return [
        [r.model, r.category, _quality(r.claimed), _quality(r.learned), str(r.compared),
         str(r.matched), r.explanation]
        for r in learning
    ]  # fmt: skip


def quality_bars(learning: Sequence[LearningRow], width: int = BAR_WIDTH) -> list[str]:
    """Two bars per pair on the same 0–10 scale: the claim, and what was learned (if yet)."""
    label = max((len(f"{r.model} {r.category}") for r in learning), default=0)
    lines = []
    for r in learning:
        for kind, value in (("claimed", r.claimed), ("learned", r.learned)):
            name = f"{r.model} {r.category}" if kind == "claimed" else ""
            bar = "█" * round(width * min(max(value or 0.0, 0.0), 10.0) / 10)
            lines.append(f"{name.ljust(label)}  {kind}  {bar:<{width}}  {_quality(value)}")
    return lines


def learning_text(learning: Sequence[LearningRow]) -> list[str]:
    """The claimed-vs-learned table and chart; nothing before the first comparison."""
    if not learning:
        return []
    table_lines = table([LEARNING_HEADER, *_learning_rows(learning)])
    return ["", "quality claimed vs learned on this code (what routing uses now)", *table_lines,
            "", *quality_bars(learning)]  # fmt: skip


def render_text(stats: Stats, learning: Sequence[LearningRow] = ()) -> str:
    lines = [headline(stats), ""]
    if not stats.by_model:
        return "\n".join([*lines, "no model calls recorded"]) + "\n"
    lines += table([MODEL_HEADER, *_model_rows(stats)]) + ["", "spend by model", *bars(stats)]
    if stats.by_pr:
        prs = [[f"{r.repo}#{r.pr}", str(r.runs), money(r.spent_nano)] for r in stats.by_pr]
        lines += ["", *table([["PR", "RUNS", "SPENT"], *prs])]
    weeks = [[w.week, str(w.calls), money(w.spent_nano)] for w in stats.by_week]
    lines += ["", *table([["WEEK", "CALLS", "SPENT"], *weeks])]
    lines += learning_text(learning)
    return "\n".join(lines) + "\n"


def _mdtable(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows),
    ]


def pie(stats: Stats) -> list[str]:
    """A Mermaid pie of spend by model (GitHub renders ```mermaid blocks)."""
    slices = [f'    "{name.replace(chr(34), "")}" : {nano_to_usd(nano):.6f}'
              for name, nano in spend_by_model(stats) if nano > 0]  # fmt: skip
    if not slices:
        return []
    return ["```mermaid", "pie title Spend by model (USD)", *slices, "```"]


def render_markdown(stats: Stats, learning: Sequence[LearningRow] = ()) -> str:
    lines = ["## hunkroute spend", "", headline(stats), ""]
    lines += _mdtable([h.lower() for h in MODEL_HEADER], _model_rows(stats)) + [""]
    lines += pie(stats)
    if stats.by_pr:
        prs = [[f"{r.repo}#{r.pr}", str(r.runs), money(r.spent_nano)] for r in stats.by_pr]
        lines += ["", *_mdtable(["PR", "runs", "spent"], prs)]
    weeks = [[w.week, str(w.calls), money(w.spent_nano)] for w in stats.by_week]
    lines += ["", *_mdtable(["week", "calls", "spent"], weeks)]
    if learning:
        header = [h.lower() for h in LEARNING_HEADER]
        lines += [
            "",
            "### Quality claimed vs learned",
            "",
            *_mdtable(header, _learning_rows(learning)),
        ]
    return "\n".join(lines) + "\n"


RENDERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
