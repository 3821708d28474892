"""The JSON report (``--format json``): the contract in DESIGN.md, extended, never renamed."""

from __future__ import annotations

import json
from typing import Any

from hunkroute import __version__
from hunkroute.model import (
    Attempt,
    Finding,
    HunkResult,
    LearnedQuality,
    Plan,
    Report,
    nano_to_usd,
    reviewer,
)
from hunkroute.plan import PlanItem
from hunkroute.report.view import PLAIN, View

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "file": finding.file,
        "line": finding.line,
        "end_line": finding.end_line,
        "severity": finding.severity,
        "source": finding.source,
        "rule": finding.rule,
        "message": finding.message,
        "suggestion": finding.suggestion,
        "model": finding.model,
        "validated": finding.validated,
        "also": [{"source": r.source, "rule": r.rule} for r in finding.also],
    }


def _attempt(attempt: Attempt) -> dict[str, Any]:
    return {
        "model": attempt.model,
        "outcome": attempt.outcome,
        "input_tokens": attempt.input_tokens,
        "output_tokens": attempt.output_tokens,
        "cost_usd": nano_to_usd(attempt.cost_nano),
        "latency_ms": attempt.latency_ms,
        "detail": attempt.detail,
        "audit": attempt.audit,
    }


def _hunk(result: HunkResult) -> dict[str, Any]:
    hunk, route = result.hunk, result.route
    return {
        "id": hunk.id,
        "file": hunk.file,
        "new_start": hunk.new_start,
        "new_end": hunk.new_end,
        "category": result.classification.category,
        "reasons": list(result.classification.reasons),
        "model": reviewer(result),
        "planned_model": route.model,
        "route_reason": route.reason,
        "status": result.status,
        "cost_usd": nano_to_usd(result.cost_nano),
        "input_tokens": sum(a.input_tokens for a in result.attempts),
        "output_tokens": sum(a.output_tokens for a in result.attempts),
        "latency_ms": sum(a.latency_ms for a in result.attempts),
        "redacted": result.redacted,
        "attempts": [_attempt(a) for a in result.attempts],
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The report as the JSON contract's dictionary."""
    return {
        "version": SCHEMA_VERSION,
        "tool_version": __version__,
        "origin": report.origin,
        "budget_usd": nano_to_usd(report.budget_nano),
        "spent_usd": nano_to_usd(report.spent_nano),
        "reserved_usd": nano_to_usd(report.reserved_nano),
        "premium_baseline_usd": nano_to_usd(report.premium_baseline_nano),
        "saving_percent": report.saving_percent,
        **shared_budgets(report),
        "fail_on": report.fail_on,
        "blocking": len(report.blocking),
        "legacy_findings_hidden": report.legacy_hidden,
        "hunks": [_hunk(h) for h in report.hunks],
        "findings": [finding_dict(f) for f in report.findings],
        "skipped_files": [
            {"file": f.path, "status": f.status, "reason": f.skip_reason}
            for f in report.skipped_files
        ],
        "problems": list(report.problems),
        "notes": list(report.notes),
    }


def shared_budgets(report: Report) -> dict[str, float]:
    """The PR's and the month's budget and spend (this run included), when configured."""
    keys: dict[str, float] = {}
    for name, shared in (("pr", report.pr_budget), ("monthly", report.monthly_budget)):
        if shared is not None and shared.limit_nano is not None:
            keys[f"{name}_budget_usd"] = nano_to_usd(shared.limit_nano)
            keys[f"{name}_spent_usd"] = nano_to_usd(shared.spent_nano)
    return keys


def render(report: Report, view: View = PLAIN) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _quality(q: LearnedQuality) -> dict[str, Any]:
    """A pair's learned quality beside its claim (``plan --format json``)."""
    fields = {"model": q.model, "category": q.category, "claimed": q.claimed}
    return {**fields, "learned": q.quality, "reason": q.reason}


def plan_to_dict(items: tuple[PlanItem, ...], plan: Plan, notes: tuple[str, ...]) -> dict[str, Any]:
    """The ``plan`` command's JSON: every hunk's route and the requests it would send."""
    hunks = [
        {
            "id": item.hunk.id,
            "file": item.hunk.file,
            "new_start": item.hunk.new_start,
            "new_end": item.hunk.new_end,
            "category": item.classification.category,
            "reasons": list(item.classification.reasons),
            "model": route.model,
            "status": route.status,
            "route_reason": route.reason,
            "reservation_usd": nano_to_usd(route.reservation_nano),
            "est_input_tokens": route.est_input_tokens,
            "max_output_tokens": route.max_output_tokens,
            "batch": route.batch_id,
        }
        for item, route in zip(items, plan.routes, strict=True)
    ]
    batches = [
        {
            "id": b.id,
            "model": b.model,
            "category": b.category,
            "file": b.file,
            "hunks": list(b.hunk_ids),
            "est_input_tokens": b.est_input_tokens,
            "max_output_tokens": b.max_output_tokens,
            "reservation_usd": nano_to_usd(b.reservation_nano),
        }
        for b in plan.batches
    ]
    baseline = plan.premium_baseline_nano
    return {
        "version": SCHEMA_VERSION,
        "tool_version": __version__,
        "budget_usd": nano_to_usd(plan.budget_nano),
        "reserved_usd": nano_to_usd(plan.reserved_nano),
        "premium_baseline_usd": nano_to_usd(baseline),
        "saving_percent": round((1 - plan.reserved_nano / baseline) * 100, 1) if baseline else 0.0,
        "hunks": hunks,
        "batches": batches,
        "quality": [_quality(q) for q in plan.learned],
        "notes": list(notes),
    }
