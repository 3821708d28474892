"""What a spend ledger store is: the ``LedgerStore`` protocol and the values it takes and gives.

A run books every model try twice: ``reserve`` its worst case before the request (against the
run's budget, its PR's budget across runs and the ledger's calendar month, all at once), then
``settle`` the real cost with the attempt's record, or ``release`` a try that was never sent.
Money is whole nano-dollars (``hunkroute.model``). Times are parameters, always timezone-aware;
the ledger files them in UTC, so the month and the ISO week of a try are UTC's (DESIGN.md,
money keys).

Orphans (a run that crashed between ``reserve`` and ``settle``): an open reservation is never
given back, because its request may have been sent and billed. It keeps counting against the
run, PR and month until its run is closed; closing (``close_run``, or ``reap`` of a run left
open longer than ``STALE_AFTER``) charges it in full as spent, recorded as an ``error`` attempt
costed from the ``reservation``. Reaping therefore never frees budget: ``spent + reserved``
stays the same, only the label changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, Protocol

from hunkroute.model import AttemptOutcome

CostSource = Literal["usage", "reservation", "cache"]
ComparisonKind = Literal["audit", "explore"]
"""Where an attempt's cost came from: the provider's usage, the worst case, or a cache hit."""

SuggestionVerdict = Literal["accepted", "rejected", "none"]
ScopeKind = Literal["run", "pr", "month"]

# GitHub-hosted jobs end after 6 hours, so a run open longer than that has crashed.
STALE_AFTER = timedelta(hours=6)


def utc(at: datetime) -> datetime:
    """``at`` in UTC; a naive time is a bug, since its month would be a guess."""
    if at.tzinfo is None:
        raise ValueError(f"the ledger needs timezone-aware times, got {at.isoformat()}")
    return at.astimezone(UTC)


def month_of(at: date) -> str:
    """``YYYY-MM`` of the calendar month (UTC for a datetime) holding ``at``."""
    day = utc(at) if isinstance(at, datetime) else at
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class BudgetScope:
    """The limits a run is opened with; ``None`` means no limit at that scope."""

    run_nano: int
    pr_nano: int | None = None
    monthly_nano: int | None = None


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What identifies a run: the repository, the PR (``None`` outside one) and the head."""

    repo: str
    pr: int | None
    head_sha: str
    budget: BudgetScope


@dataclass(frozen=True, slots=True)
class Run:
    """An open run: its id is what ``reserve`` and ``close_run`` take."""

    id: int
    spec: RunSpec
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Call:
    """What is known of a try before it is sent: who answers, which work, which hunks."""

    provider: str
    model: str
    category: str
    hunk_ids: tuple[str, ...]
    audit: bool = False  # an audit or exploration: a second model asked about the hunks


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """How a try turned out; its cost is passed to ``settle`` beside it."""

    outcome: AttemptOutcome
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    cost_source: CostSource = "usage"
    verdict: SuggestionVerdict = "none"
    latency_ms: int = 0
    audit: bool = False


@dataclass(frozen=True, slots=True)
class Reservation:
    """A worst case booked against a run, its PR and its month; settle or release it once."""

    id: int
    run_id: int
    amount_nano: int
    call: Call
    reserved_at: datetime


@dataclass(frozen=True, slots=True)
class Refused:
    """A reservation that did not fit: the first scope without room, and why."""

    scope: ScopeKind
    reason: str


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a settled try was charged, and why when that is not the cost it was settled with."""

    charged_nano: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class ModelRow:
    """Spend and results of one (model, category) pair."""

    model: str
    category: str
    calls: int
    input_tokens: int
    output_tokens: int
    spent_nano: int
    suggestions: int
    accepted: int


@dataclass(frozen=True, slots=True)
class PrRow:
    """Spend of one PR across its runs."""

    repo: str
    pr: int
    runs: int
    spent_nano: int


@dataclass(frozen=True, slots=True)
class WeekRow:
    """Spend of one ISO week (``2026-W05``) of attempts."""

    week: str
    calls: int
    spent_nano: int


@dataclass(frozen=True, slots=True)
class Totals:
    """Everything since the cut-off: runs, tries, money spent and still reserved."""

    runs: int
    calls: int
    spent_nano: int
    reserved_nano: int
    premium_baseline_nano: int


@dataclass(frozen=True, slots=True)
class Stats:
    """The ``stats`` command's aggregations (DESIGN.md, ``stats --format json``)."""

    totals: Totals
    by_model: tuple[ModelRow, ...]
    by_pr: tuple[PrRow, ...]
    by_week: tuple[WeekRow, ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    """How one (model, category) pair has done, for routing that learns from the past."""

    model: str
    category: str
    calls: int
    accepted: int
    rejected: int
    unparseable: int
    mean_latency_ms: float
    cost_per_hunk_nano: float
    audits: int
    compared: int = 0  # comparisons with the category's best model (``Comparison``)
    matched: int = 0  # of those, how many found every validated fix the best model found


@dataclass(frozen=True, slots=True)
class Comparison:
    """One hunk both ``model`` and the category's ``best`` model were asked about, on which
    the best found a validated fix: ``matched`` when ``model`` found every one of them too."""

    hunk_id: str
    category: str
    model: str
    best: str
    kind: ComparisonKind  # audit: the best model asked too; explore: this model asked too
    matched: bool


class LedgerStore(Protocol):
    """A persistent spend ledger; every method is one transaction, safe across processes."""

    def open_run(self, spec: RunSpec, at: datetime) -> Run:
        """Record a new run (reaping stale ones first) and return its handle."""

    def reserve(
        self, run_id: int, amount_nano: int, call: Call, at: datetime
    ) -> Reservation | Refused:
        """Book ``amount_nano`` if it fits the run, its PR and the month of ``at``, atomically."""

    def settle(
        self, reservation: Reservation, cost_nano: int, attempt: AttemptRecord
    ) -> Settlement:
        """Turn a reservation into spend (at most its amount) and record the attempt."""

    def release(self, reservation: Reservation) -> None:
        """Give back a reservation whose request was never sent."""

    def record(self, run_id: int, call: Call, attempt: AttemptRecord, at: datetime) -> None:
        """Record a free attempt that reserved nothing (a cache hit)."""

    def compare(self, run_id: int, comparisons: Sequence[Comparison], at: datetime) -> None:
        """Record a run's comparisons with the best model (what learned routing learns from)."""

    def close_run(self, run_id: int, at: datetime, premium_baseline_nano: int = 0) -> None:
        """Close a run, charging its open reservations in full (see the orphan rule above)."""

    def reap(self, now: datetime, stale_after: timedelta = STALE_AFTER) -> int:
        """Close runs started before ``now - stale_after`` and still open; how many."""

    def pr_spent(self, repo: str, pr: int) -> int:
        """What all runs of a PR have spent, in nano-dollars."""

    def month_spent(self, month: date) -> int:
        """What the whole ledger spent in the UTC calendar month holding ``month``."""

    def stats(self, since: date | None = None) -> Stats:
        """Aggregations of runs started and attempts made on or after ``since``."""

    def evidence(self, since: date | None = None) -> tuple[Evidence, ...]:
        """Per (model, category) results of attempts and comparisons on or after ``since``."""

    def schema_version(self) -> int:
        """The schema version of the open ledger."""

    def close(self) -> None:
        """Close the connection."""
