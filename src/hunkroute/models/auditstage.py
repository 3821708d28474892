"""The audit stage of a run: the audits and explorations ``models/audit.py`` chose, asked after
the model stage as ordinary budgeted calls, compared with the run's answers, filed in the
ledger and merged into the report (issue 15).

Money: the stage spends at most ``audit.allowance`` — ``learning.audit_share`` of the budget,
and never more than the model stage left unreserved — split between one job per asked model
(so no hunk is twice in one job). Each job books every try in its own in-memory ledger and in
the persistent one, like any call, so the run's reservations plus the audits' stay within the
budget: spent ≤ reserved ≤ budget.

A comparison judges the routed model (an audit) or the explored one (an exploration) against
the best model's answer on one hunk (``learning.matched``); a model that did not answer is not
judged. A finding only an audit found is real (it passed the same gates), so it is reported,
unless it repeats lines a model finding of the run already covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from hunkroute.config import ProviderConfig
from hunkroute.ledger import Comparison
from hunkroute.model import Attempt, Batch, Finding, Hunk, HunkResult, Judge, Plan, nano_to_usd
from hunkroute.models import execute
from hunkroute.models.audit import AuditCall, allowance, choose
from hunkroute.models.learning import Table, matched, overlaps
from hunkroute.models.rounds import ModelStage
from hunkroute.models.spend import Shared

Asked = Mapping[tuple[str, str], tuple[Finding, ...]]  # (hunk id, model) → its findings there
ANSWERED = ("ok", "cached", "rejected")


@dataclass(frozen=True, slots=True)
class AuditStage:
    """What the audits add to a run's report."""

    attempts: Mapping[str, tuple[Attempt, ...]]  # per hunk, each labelled ``audit``
    findings: tuple[Finding, ...]  # what only the audits found
    comparisons: tuple[Comparison, ...]
    spent_nano: int
    reserved_nano: int
    notes: tuple[str, ...]


NO_AUDITS = AuditStage({}, (), (), 0, 0, ())


def run(
    calls: Sequence[AuditCall],
    allowance_nano: int,
    base: execute.Job,
    main: ModelStage,
    judge: Judge,
    shared: Shared,
) -> AuditStage:
    """Ask, gate, compare and file the chosen calls; ``base`` is the model stage's job."""
    if not calls:
        return NO_AUDITS
    jobs = jobs_for(calls, allowance_nano, base)
    stages = execute.run_all(jobs, judge, shared=shared)
    hunks = {hunk_id: item.hunk for hunk_id, item in base.items.items()}
    asked = answers(jobs, stages, hunks)
    compared = comparisons(calls, main, asked, hunks)
    shared.compared(compared)
    attempts: dict[str, tuple[Attempt, ...]] = {}
    for stage in stages:
        for hunk_id, result in stage.results.items():
            labelled = tuple(replace(a, audit=True) for a in result.attempts)
            attempts[hunk_id] = attempts.get(hunk_id, ()) + labelled
    spent = sum(s.spent_nano for s in stages)
    notes = [summary(calls, spent, len(compared))]
    notes += [f"audit: {line}" for s in stages for line in (*s.problems, *s.notes)]
    return AuditStage(attempts, novel(main.findings, asked, hunks), compared, spent,
                      sum(s.reserved_nano for s in stages), tuple(notes))  # fmt: skip


def jobs_for(
    calls: Sequence[AuditCall], allowance_nano: int, base: execute.Job
) -> list[execute.Job]:
    """One job per asked model, its budget its calls' share of the allowance (never less than
    their reservations, which ``audit.choose`` fitted into it); no fallback to other models."""
    total = sum(c.reservation_nano for c in calls)
    config = replace(base.config, fallback=False)
    jobs = []
    for model in sorted({c.model for c in calls}):
        mine = [c for c in calls if c.model == model]
        part = sum(c.reservation_nano for c in mine)
        budget = allowance_nano * part // total if total else 0
        ids = {c.hunk_id for c in mine}
        routes = tuple(r for r in base.plan.routes if r.hunk_id in ids)
        batches = tuple(_batch(c, base.items[c.hunk_id].hunk) for c in mine)
        jobs.append(replace(base, plan=Plan(budget, routes, batches, 0), config=config))
    return jobs


def _batch(call: AuditCall, hunk: Hunk) -> Batch:
    return Batch(f"{call.kind}:{call.model}:{call.hunk_id}", call.model, call.category,
                 hunk.file, (call.hunk_id,), call.est_input_tokens, call.max_output_tokens,
                 call.reservation_nano, audit=True)  # fmt: skip


def in_hunk(finding: Finding, hunk: Hunk) -> bool:
    return finding.file == hunk.file and hunk.new_start <= finding.line <= hunk.new_end


def answers(jobs: Sequence[execute.Job], stages: Sequence[ModelStage],
            hunks: Mapping[str, Hunk]) -> dict[tuple[str, str], tuple[Finding, ...]]:  # fmt: skip
    """The findings of every audit call that was answered, by (hunk id, model)."""
    asked = {}
    for job, stage in zip(jobs, stages, strict=True):
        model = job.plan.batches[0].model
        for hunk_id, result in stage.results.items():
            if any(a.outcome in ANSWERED for a in result.attempts):
                hunk = hunks[hunk_id]
                mine = (f for f in stage.findings if f.model == model and in_hunk(f, hunk))
                asked[(hunk_id, model)] = tuple(mine)
    return asked


def comparisons(
    calls: Sequence[AuditCall], main: ModelStage, asked: Asked, hunks: Mapping[str, Hunk]
) -> tuple[Comparison, ...]:
    """One comparison per answered call on whose hunk the best model found a validated fix."""
    found = []
    for call in calls:
        judged = call.routed if call.kind == "audit" else call.model
        best = _findings(call.best, call, main, asked, hunks)
        mine = _findings(judged, call, main, asked, hunks)
        outcome = None if best is None or mine is None else matched(best, mine)
        if outcome is not None:
            found.append(Comparison(call.hunk_id, call.category, judged, call.best, call.kind,
                                    outcome))  # fmt: skip
    return tuple(found)


def _findings(model: str, call: AuditCall, main: ModelStage, asked: Asked,
              hunks: Mapping[str, Hunk]) -> tuple[Finding, ...] | None:  # fmt: skip
    """What ``model`` found on the call's hunk: from its audit call, else from the model stage
    when it was the routed model and answered there; ``None`` when it never answered."""
    if (call.hunk_id, model) in asked:
        return asked[(call.hunk_id, model)]
    result = main.results.get(call.hunk_id)
    if model != call.routed or result is None:
        return None
    if not any(a.model == model and a.outcome in ANSWERED for a in result.attempts):
        return None
    hunk = hunks[call.hunk_id]
    return tuple(f for f in main.findings if f.model == model and in_hunk(f, hunk))


def novel(main: Sequence[Finding], asked: Asked, hunks: Mapping[str, Hunk]) -> tuple[Finding, ...]:
    """Audit findings worth reporting: validated (or with no suggestion to validate) and on
    lines no model finding of the run, nor an earlier audit finding, already covers."""
    kept: list[Finding] = []
    for (hunk_id, _), findings in sorted(asked.items()):
        hunk = hunks[hunk_id]
        seen = [f for f in main if f.source == "model" and in_hunk(f, hunk)] + kept
        for finding in findings:
            worth = finding.validated or finding.suggestion is None
            if worth and not any(overlaps(finding, other) for other in seen):
                kept.append(finding)
                seen.append(finding)
    return tuple(kept)


def summary(calls: Sequence[AuditCall], spent_nano: int, compared: int) -> str:
    audits = sum(1 for c in calls if c.kind == "audit")
    return (
        f"learning: {audits} audit(s) and {len(calls) - audits} exploration(s) for "
        f"${nano_to_usd(spent_nano):.4f}; {compared} comparison(s) with the best model filed"
    )


def audited(
    main: ModelStage,
    job: execute.Job,
    evidence: Table,
    claims: Sequence[ProviderConfig],
    judge: Judge,
    shared: Shared,
) -> ModelStage:
    """The model stage ``main`` (of ``job``) with the audits its routes draw, run and added.

    ``claims`` are the providers with their claimed qualities: the priors audits are drawn by.
    """
    left = allowance(job.config, job.plan.budget_nano, main.reserved_nano)
    items = tuple(job.items.values())
    calls = choose(job.plan.routes, items, job.config, claims, evidence, left)
    return with_audits(main, run(calls, left, job, main, judge, shared))


def with_audits(main: ModelStage, stage: AuditStage) -> ModelStage:
    """The model stage's results with the audits' attempts, findings, money and notes added."""
    results = {hunk_id: _merged(result, stage.attempts.get(hunk_id, ()))
               for hunk_id, result in main.results.items()}  # fmt: skip
    return ModelStage(results, main.findings + stage.findings, main.problems,
                      main.notes + stage.notes, main.spent_nano + stage.spent_nano,
                      main.reserved_nano + stage.reserved_nano)  # fmt: skip


def _merged(result: HunkResult, extra: tuple[Attempt, ...]) -> HunkResult:
    if not extra:
        return result
    cost = result.cost_nano + sum(a.cost_nano for a in extra)
    return replace(result, attempts=result.attempts + extra, cost_nano=cost)
