"""The plain values passed between the stages of the data flow.

Everything here is a frozen dataclass or a ``Literal``: stages take these and return new ones,
nothing is mutated in place. Money is counted in whole nano-dollars (``int``) so that the budget
invariant (spent <= reserved <= budget) is exact arithmetic, never float rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

Severity = Literal["error", "warning", "note"]
VerdictOutcome = Literal["accepted", "rejected", "unvalidated"]
# The gate registry (gates/__init__.py) is keyed by these names; a test keeps the two equal.
GateName = Literal["ruff", "bandit", "semgrep", "secrets"]
GATE_NAMES: tuple[GateName, ...] = get_args(GateName)
Source = Literal[GateName, "model", "hunkroute"]  # hunkroute: its own notes (issue 11)
FileStatus = Literal["added", "modified", "deleted", "renamed", "copied", "mode"]
HunkStatus = Literal[
    "reviewed", "gated", "skipped", "skipped_budget", "skipped_limit", "refused", "failed"
]
AttemptOutcome = Literal[
    "ok", "cached", "rejected", "unparseable", "rate_limited", "timeout", "error"
]

SEVERITY_RANK: dict[Severity, int] = {"note": 0, "warning": 1, "error": 2}

# The built-in categories; config may add more (the seed's ``algorithm``, ``architecture``).
REVIEW = "review"
DEBUGGING = "debugging"
BOILERPLATE = "boilerplate"
SKIP = "skip"

NANO_PER_USD = 1_000_000_000


def usd_to_nano(usd: float) -> int:
    """Whole nano-dollars for a dollar amount, rounded to the nearest."""
    return round(usd * NANO_PER_USD)


def nano_to_usd(nano: int) -> float:
    """Dollars for display and for the JSON report."""
    return round(nano / NANO_PER_USD, 9)


def token_cost_nano(tokens: int, usd_per_token: float) -> int:
    """The cost of ``tokens`` at a per-token price, rounded up: reservations never undershoot."""
    exact = tokens * usd_per_token * NANO_PER_USD
    return math.ceil(exact - 1e-6) if exact > 0 else 0


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a hunk with its line number (new-file numbers, old-file for removed lines)."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@`` block of one file; its added lines are what gets reviewed."""

    id: str
    file: str
    language: str
    new_start: int
    new_end: int
    old_start: int
    old_end: int
    added: tuple[Line, ...]
    removed: tuple[Line, ...]
    context: tuple[Line, ...]
    section: str = ""

    @property
    def added_numbers(self) -> frozenset[int]:
        return frozenset(line.number for line in self.added)

    @property
    def new_lines(self) -> tuple[Line, ...]:
        """Added and context lines in new-file order: the hunk as it reads after the change."""
        return tuple(sorted(self.added + self.context, key=lambda line: line.number))

    @property
    def context_old_numbers(self) -> dict[int, int]:
        """The old-file number of each context line, by its new-file number.

        An old line of a hunk is either removed or context, so the context lines' old numbers
        are the hunk's old range without the removed ones, in the same order as their new ones.
        """
        removed = {line.number for line in self.removed}
        olds = [n for n in range(self.old_start, self.old_end + 1) if n not in removed]
        news = sorted(line.number for line in self.context)
        return dict(zip(news, olds, strict=False))

    @property
    def old_lines(self) -> tuple[Line, ...]:
        """Removed and context lines in old-file order (context lines with their old numbers):
        the hunk as it read before the change."""
        numbers = self.context_old_numbers
        context = [Line(numbers.get(line.number, line.number), line.text) for line in self.context]
        return tuple(sorted([*context, *self.removed], key=lambda line: line.number))


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of the diff: its hunks, or the reason it is not looked at."""

    path: str
    old_path: str | None
    status: FileStatus
    language: str
    binary: bool
    hunks: tuple[Hunk, ...]
    skip_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """A parsed diff and where it came from (shown in reports)."""

    files: tuple[FileChange, ...]
    origin: str

    @property
    def hunks(self) -> tuple[Hunk, ...]:
        return tuple(h for f in self.files if f.skip_reason is None for h in f.hunks)


@dataclass(frozen=True, slots=True)
class Related:
    """Another tool that reported the same problem on the same line (merged into one finding)."""

    source: Source
    rule: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at a file and line range, from a gate or a model."""

    file: str
    line: int
    end_line: int
    severity: Severity
    source: Source
    rule: str
    message: str
    suggestion: str | None = None
    model: str | None = None
    validated: bool = False
    also: tuple[Related, ...] = ()


def blocks(finding: Finding, fail_on: Literal["error", "warning", "never"]) -> bool:
    """Whether a finding blocks the merge under ``fail_on``: only static gates block."""
    if fail_on == "never" or finding.source == "model":
        return False
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


@dataclass(frozen=True, slots=True)
class Classification:
    """The category of a hunk and the reasons that decided it, strongest first."""

    category: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Route:
    """The model chosen for one hunk, or none with the reason."""

    hunk_id: str
    category: str
    model: str | None
    status: HunkStatus | None
    reason: str
    est_input_tokens: int = 0
    max_output_tokens: int = 0
    reservation_nano: int = 0
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """Hunks of one file and category sent to one model in one request."""

    id: str
    model: str
    category: str
    file: str
    hunk_ids: tuple[str, ...]
    est_input_tokens: int
    max_output_tokens: int
    reservation_nano: int
    upgraded_from: str | None = None  # the best-value model, when leftover budget upgraded it
    escalation: str = ""  # why it starts on the best model (``escalate_on_findings``)
    audit: bool = False  # an audit or exploration: only ``model`` may answer it (issue 15)


@dataclass(frozen=True, slots=True)
class LearnedQuality:
    """A model's quality for a category as measured on this codebase, beside its claim."""

    model: str
    category: str
    quality: float
    claimed: float
    reason: str  # e.g. "learned 3.1 on review from 24 audits (claimed 8.7)"


@dataclass(frozen=True, slots=True)
class LearningRow:
    """One pair of ``stats``' claimed-vs-learned table."""

    model: str
    category: str
    claimed: float | None  # ``None``: the config no longer lists the model
    learned: float | None  # ``None``: fewer than ``min_samples`` comparisons, the claim stands
    compared: int
    matched: int
    explanation: str


Learned = Mapping[tuple[str, str], LearnedQuality]
"""Learned quality by (provider name, category); a pair not in it routes on its claim."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Routes for every hunk, the batches to send, and what they may cost at worst."""

    budget_nano: int
    routes: tuple[Route, ...]
    batches: tuple[Batch, ...]
    premium_baseline_nano: int
    # Each model-worthy hunk's estimate at the best model: the honest baseline's "not sent" part.
    premium_estimates: Mapping[str, int] = field(default_factory=dict)
    learned: tuple[LearnedQuality, ...] = ()  # what routing used instead of the claims

    @property
    def reserved_nano(self) -> int:
        return sum(b.reservation_nano for b in self.batches)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at a hunk's batch with one model."""

    model: str
    outcome: AttemptOutcome
    input_tokens: int = 0
    output_tokens: int = 0
    cost_nano: int = 0
    latency_ms: int = 0
    detail: str = ""
    cached_tokens: int = 0  # part of ``input_tokens``, billed at the cached price
    audit: bool = False  # a second model asked about the hunk, for learned routing (issue 15)


def was_sent(attempt: Attempt) -> bool:
    """Whether an attempt reached a provider: it was billed tokens or charged money."""
    return attempt.outcome != "cached" and bool(
        attempt.cost_nano or attempt.input_tokens or attempt.output_tokens
    )


@dataclass(frozen=True, slots=True)
class SharedBudget:
    """A budget shared by many runs (one PR's, or the ledger's month) and what they spent.

    ``spent_nano`` includes this run; ``limit_nano`` is ``None`` when no limit is configured.
    """

    limit_nano: int | None
    spent_nano: int


@dataclass(frozen=True, slots=True)
class HunkResult:
    """Everything the run learned about one hunk."""

    hunk: Hunk
    classification: Classification
    route: Route
    status: HunkStatus
    cost_nano: int = 0
    attempts: tuple[Attempt, ...] = ()
    redacted: bool = False


def reviewer(result: HunkResult, outcomes: tuple[AttemptOutcome, ...] = ("ok", "cached")
             ) -> str | None:  # fmt: skip
    """The model whose answer the hunk kept: the last to answer it, audits aside."""
    answered = [a.model for a in result.attempts if a.outcome in outcomes and not a.audit]
    return answered[-1] if answered else None


def auditors(result: HunkResult) -> tuple[str, ...]:
    """The models an audit or exploration also asked about the hunk (issue 15)."""
    return tuple(sorted({a.model for a in result.attempts if a.audit}))


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a run, as every sink renders it."""

    origin: str
    budget_nano: int
    spent_nano: int
    reserved_nano: int
    premium_baseline_nano: int
    hunks: tuple[HunkResult, ...]
    findings: tuple[Finding, ...]
    fail_on: Literal["error", "warning", "never"]
    skipped_files: tuple[FileChange, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    legacy_hidden: int = 0  # findings hidden because the base version has the same statement
    pr_budget: SharedBudget | None = None  # known when the run has a PR and a ledger
    monthly_budget: SharedBudget | None = None  # known when the run has a ledger

    @property
    def saving_percent(self) -> float | None:
        """1 − spent / honest baseline, in percent; ``None`` when nothing was sent."""
        if not self.sent or not self.premium_baseline_nano:
            return None
        return round(100 * (1 - self.spent_nano / self.premium_baseline_nano), 1)

    @property
    def sent(self) -> bool:
        """Whether any request reached a model: without one there is no saving to speak of."""
        return any(was_sent(a) for h in self.hunks for a in h.attempts)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """Findings at or above ``fail_on``; only static gates block, never a model alone."""
        return tuple(f for f in self.findings if blocks(f, self.fail_on))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A finding with a suggestion, waiting for the gates' verdict, and the hunk it belongs to."""

    hunk: Hunk
    finding: Finding


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gates' judgement of one suggestion.

    ``unvalidated`` means no gate could judge it (a gate failed): it is not shown as validated,
    and the failure is a problem of the run, not a fault of the suggestion's model.
    """

    candidate: Candidate
    outcome: VerdictOutcome
    reason: str
    new_findings: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.outcome == "accepted"


Judge = Callable[[Sequence[Candidate]], Sequence[Verdict]]
"""Runs the gates once over a round of suggestions and returns one verdict per candidate."""
