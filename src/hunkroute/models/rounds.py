"""Rounds of the model stage: what each work ended with, the gates' verdicts, and the tally.

``RoundBook`` keeps the per-hunk record of a run (attempts, findings, redaction), judges each
round's suggestions in one call to the judge (after hunkroute's own checks), turns rejected
suggestions into the next round's works, and says at the end what failed and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from hunkroute.config import Config
from hunkroute.ledger.interface import SuggestionVerdict
from hunkroute.model import (
    Attempt,
    Batch,
    Candidate,
    Finding,
    Hunk,
    HunkResult,
    HunkStatus,
    Judge,
    Verdict,
)
from hunkroute.models.answers import Answer, checked_judge
from hunkroute.models.spend import Pending


@dataclass(frozen=True, slots=True)
class Work:
    """One request still to make: hunks of one batch, models tried, why the last was rejected."""

    batch: Batch
    hunks: tuple[Hunk, ...]
    tried: tuple[str, ...] = ()
    feedback: str = ""
    used: int = 0  # attempts these hunks already had


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a work ended: its attempts (whole-request figures) and the answer, if any."""

    work: Work
    attempts: tuple[Attempt, ...]
    answer: Answer | None
    redacted: frozenset[str] = frozenset()
    out_of_budget: bool = False
    dropped: bool = False  # its last call was dropped at the run's deadline
    pending: Pending | None = None  # its answered try, for the ledger once judged


@dataclass(frozen=True, slots=True)
class ModelStage:
    """What the model stage adds to the report (here, so the pipeline need not import httpx)."""

    results: Mapping[str, HunkResult]
    findings: tuple[Finding, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    spent_nano: int
    reserved_nano: int


def split(attempt: Attempt, parts: int) -> list[Attempt]:
    """A request's attempt shared by its hunks so that the hunks add up to the request."""
    cost, cost_extra = divmod(attempt.cost_nano, parts)
    tokens_in, in_extra = divmod(attempt.input_tokens, parts)
    tokens_out, out_extra = divmod(attempt.output_tokens, parts)
    cached, cached_extra = divmod(attempt.cached_tokens, parts)
    return [
        replace(
            attempt,
            cost_nano=cost + (cost_extra if i == 0 else 0),
            input_tokens=tokens_in + (in_extra if i == 0 else 0),
            output_tokens=tokens_out + (out_extra if i == 0 else 0),
            cached_tokens=cached + (cached_extra if i == 0 else 0),
        )
        for i in range(parts)
    ]


@dataclass
class RoundBook:
    """The per-hunk record of one run's model stage."""

    config: Config
    judge: Judge
    attempts: dict[str, list[Attempt]] = field(default_factory=dict)
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    redacted: set[str] = field(default_factory=set)
    out_of_budget: set[str] = field(default_factory=set)
    deadline_s: float | None = None
    dropped: int = 0  # calls dropped at the deadline

    def judge_round(self, outcomes: Sequence[Outcome]) -> list[Work]:
        """Record a round, judge its suggestions together, and return the next round's works."""
        for outcome in outcomes:
            self._record(outcome)
        candidates = [
            Candidate(hunk, f)
            for o in outcomes
            if o.answer is not None
            for hunk in o.work.hunks
            for f in o.answer.findings.get(hunk.id, ())
            if f.suggestion is not None
        ]
        verdicts = self.verdicts(candidates)
        return [w for o in outcomes if o.answer is not None for w in self._settle(o, verdicts)]

    def judged(self, outcome: Outcome) -> tuple[Pending, SuggestionVerdict] | None:
        """A work's answered try as the ledger files it, with the gates' verdict on its hunks."""
        if outcome.pending is None:
            return None
        ids = [h.id for h in outcome.work.hunks]
        rejected = any(self.attempts[i][-1].outcome == "rejected" for i in ids)
        accepted = any(
            f.validated and f.suggestion is not None for i in ids for f in self.findings.get(i, ())
        )
        pending = outcome.pending
        if rejected and pending.attempt.outcome == "ok":
            pending = pending.judged("rejected")
        return pending, "rejected" if rejected else "accepted" if accepted else "none"

    def _record(self, outcome: Outcome) -> None:
        hunks = outcome.work.hunks
        for attempt in outcome.attempts:
            for hunk, part in zip(hunks, split(attempt, len(hunks)), strict=True):
                self.attempts.setdefault(hunk.id, []).append(part)
        self.redacted |= outcome.redacted
        if outcome.out_of_budget:
            self.out_of_budget |= {h.id for h in hunks}
        self.dropped += outcome.dropped

    def verdicts(self, candidates: Sequence[Candidate]) -> dict[Candidate, Verdict]:
        """hunkroute's own checks first; the judge (the gates) sees only what passes them."""
        local = checked_judge(candidates)
        result = {v.candidate: v for v in local if not v.accepted}
        passing = [v.candidate for v in local if v.accepted]
        if passing:
            result |= {v.candidate: v for v in self.judge(passing)}
        for candidate in passing:
            result.setdefault(
                candidate, Verdict(candidate, "unvalidated", "the gates gave no verdict")
            )
        return result

    def _settle(self, outcome: Outcome, verdicts: Mapping[Candidate, Verdict]) -> list[Work]:
        """Store the judged findings; hunks with a rejected suggestion may try another model."""
        assert outcome.answer is not None
        rejected: list[Hunk] = []
        reasons: list[str] = []  # every rejected hunk's, for the next model's prompt
        for hunk in outcome.work.hunks:
            judged, hunk_reasons = self._judged(hunk, outcome.answer, verdicts)
            self.findings[hunk.id] = judged
            if hunk_reasons:
                rejected.append(hunk)
                reasons += hunk_reasons
                self._mark_rejected(hunk.id, hunk_reasons)
        return self._retry(outcome, rejected, reasons)

    @staticmethod
    def _judged(
        hunk: Hunk, answer: Answer, verdicts: Mapping[Candidate, Verdict]
    ) -> tuple[tuple[Finding, ...], list[str]]:
        """One hunk's findings marked validated or not, and why its suggestions were rejected."""
        judged = []
        reasons = []
        for f in answer.findings.get(hunk.id, ()):
            verdict = verdicts.get(Candidate(hunk, f)) if f.suggestion is not None else None
            judged.append(replace(f, validated=bool(verdict and verdict.accepted)))
            if verdict is not None and not verdict.accepted:
                reasons.append(_reason(f, verdict))
        return tuple(judged), reasons

    def _mark_rejected(self, hunk_id: str, reasons: Sequence[str]) -> None:
        last = self.attempts[hunk_id][-1]
        self.attempts[hunk_id][-1] = replace(last, outcome="rejected", detail="; ".join(reasons))

    def _retry(self, outcome: Outcome, rejected: list[Hunk], reasons: list[str]) -> list[Work]:
        used = outcome.work.used + len(outcome.attempts)
        limit = self.config.max_attempts if self.config.fallback else 1
        if not rejected or used >= limit:
            return []
        tried = outcome.work.tried + tuple(a.model for a in outcome.attempts)
        return [Work(outcome.work.batch, tuple(rejected), tried, "\n".join(reasons), used)]

    def status(self, hunk_id: str) -> HunkStatus:
        attempts = self.attempts.get(hunk_id, [])
        if any(a.outcome in ("ok", "cached", "rejected") for a in attempts):
            return "reviewed"
        if not attempts and hunk_id in self.out_of_budget:
            return "skipped_budget"
        return "failed"

    def problems(
        self,
        failures: Mapping[str, list[str]],
        outages: Mapping[str, str],
        results: Iterable[HunkResult],
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Unreachable models, rate limits first, as (problems, notes).

        They are problems (the last line, and exit 4 with ``fail_closed``) when the run lost
        something to them: a hunk no model could review, or calls dropped at the deadline.
        When fallback models reviewed every hunk, the outages are notes: nothing went unchecked.
        """
        lines = []
        for name in sorted(set(failures) | set(outages), key=lambda n: _severity(n, outages)):
            reason = outages.get(name) or failures[name][-1]
            count = len(failures.get(name, []))
            circuit = "; circuit open for the rest of the run" if name in outages else ""
            lines.append(f"provider {name} unavailable: {reason} ({count} failed call(s){circuit})")
        failed = sum(1 for r in results if r.status == "failed")
        if not failed and not self.dropped:
            return (), tuple(f"{line}; fallback models reviewed its hunks" for line in lines)
        if self.dropped:
            lines.append(
                f"{self.dropped} model call(s) dropped at the deadline ({self.deadline_s:g} s,"
                " precommit.deadline_s); the run is judged on what came back"
            )
        if failed:
            lines.append(f"{failed} hunk(s) could not be reviewed by any model")
        return tuple(lines), ()

    def notes(self, results: Iterable[HunkResult], overcharged: set[str]) -> tuple[str, ...]:
        notes = []
        skipped = sum(1 for r in results if r.status == "skipped_budget")
        if skipped:
            notes.append(f"budget ran out mid-run: {skipped} hunk(s) skipped_budget")
        for name in sorted(overcharged):
            notes.append(f"{name} reported usage above the reserved worst case: charged that")
        return tuple(notes)


def _severity(name: str, outages: Mapping[str, str]) -> tuple[int, str]:
    reason = outages.get(name, "")
    return (0 if ("rate" in reason or "quota" in reason) else 1, name)


def _reason(finding: Finding, verdict: Verdict) -> str:
    gates = "; ".join(f"{g.source} {g.rule}: {g.message}" for g in verdict.new_findings[:5])
    where = f"lines {finding.line}-{finding.end_line}"
    return f"{where}: suggestion rejected: {verdict.reason}" + (f" ({gates})" if gates else "")
