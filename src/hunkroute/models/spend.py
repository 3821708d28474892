"""The persistent half of a run's bookkeeping: every model try booked in the spend ledger too.

The run's ``Ledger`` (budget.py) keeps spent ≤ reserved ≤ budget inside one process; the
persistent store (``ledger/``) keeps the same across processes for the run, its PR and the
calendar month, atomically. A try is sent only when both booked it (issue 14).

``Shared.attempt`` is the one place an attempt is written to the store: it settles the try's
reservation, or records a free attempt (a cache hit). A store that fails mid-run is a problem
of the run, not its end: from then on only the run's own ledger books, whose budget never
exceeds ``budget_usd``, so a broken ledger can stop the cross-run accounting but never the
run, and never overspend it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from hunkroute.config import Config
from hunkroute.errors import LedgerError
from hunkroute.ledger import (
    AttemptRecord,
    BudgetScope,
    Call,
    Comparison,
    LedgerStore,
    Refused,
    Reservation,
    RunSpec,
)
from hunkroute.ledger.interface import CostSource, SuggestionVerdict
from hunkroute.model import (
    Attempt,
    AttemptOutcome,
    SharedBudget,
    nano_to_usd,
    usd_to_nano,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pending:
    """One try as the ledger files it; an answered one waits for the gates' verdict.

    ``attempt`` holds this try's own figures (not the whole logical call's), its cost the
    amount charged.
    """

    call: Call
    reservation: Reservation | None  # ``None``: no ledger, or a cache hit (nothing reserved)
    attempt: Attempt
    source: CostSource

    def judged(self, outcome: AttemptOutcome) -> Pending:
        return replace(self, attempt=replace(self.attempt, outcome=outcome))


@dataclass
class Shared:
    """One run's handle on the persistent ledger; without a store every method does nothing."""

    store: LedgerStore | None = None
    run_id: int = 0
    now: Callable[[], datetime] = field(default=lambda: _never())
    failure: str | None = None  # the first error the store raised, for the report
    required: bool = False  # the user relied on the ledger: losing it is a problem
    refusal: str | None = None  # the first reservation the store refused, for the report

    def reserve(self, amount_nano: int, call: Call) -> Reservation | Refused | None:
        """Book a try across processes; ``None`` when there is no (working) store."""
        booked = self.guarded(lambda s: s.reserve(self.run_id, amount_nano, call, self.now()))
        if isinstance(booked, Refused) and self.refusal is None:
            self.refusal = f"{booked.scope} budget: {booked.reason}"
        return booked

    def attempt(self, pending: Pending, verdict: SuggestionVerdict = "none") -> None:
        """Write one attempt: settle its reservation with its real cost, or record it free."""
        record = record_of(pending.attempt, pending.source, verdict, pending.call.audit)
        reservation, cost = pending.reservation, pending.attempt.cost_nano
        if reservation is not None:
            self.guarded(lambda s: s.settle(reservation, cost, record))
        elif pending.source == "cache":
            self.guarded(lambda s: s.record(self.run_id, pending.call, record, self.now()))

    def compared(self, comparisons: Sequence[Comparison]) -> None:
        """File a run's comparisons with the best model, for the next runs to learn from."""
        if comparisons:
            self.guarded(lambda s: s.compare(self.run_id, comparisons, self.now()))

    def guarded(self, action: Callable[[LedgerStore], T]) -> T | None:
        """Run ``action`` on the store; its first failure turns the store off for the run."""
        if self.store is None:
            return None
        try:
            return action(self.store)
        except LedgerError as exc:
            self.failure = self.failure or str(exc)
            self.store = None
            return None


def record_of(
    attempt: Attempt, source: CostSource, verdict: SuggestionVerdict, audit: bool = False
) -> AttemptRecord:
    """The ledger's row of an attempt, from the report's."""
    return AttemptRecord(
        outcome=attempt.outcome,
        input_tokens=attempt.input_tokens,
        cached_tokens=attempt.cached_tokens,
        output_tokens=attempt.output_tokens,
        cost_source=source,
        verdict=verdict,
        latency_ms=attempt.latency_ms,
        audit=audit,
    )


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a run is in the ledger: repository, PR (``None`` outside one) and head commit."""

    repo: str = ""
    pr: int | None = None
    head_sha: str = ""


@dataclass(frozen=True, slots=True)
class Books:
    """A run's place in the ledger, settled before it plans: its budget and the PR's so far."""

    shared: Shared
    budget_nano: int  # min(budget_usd, what the PR and the month have left)
    pr_before: int | None  # what earlier runs of this PR spent; ``None``: no PR or no ledger
    month_before: int | None
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def without_ledger(config: Config) -> Books:
    """Books of a run the ledger does not see: its own ``budget_usd`` only."""
    return Books(Shared(), usd_to_nano(config.budget_usd), None, None)


def open_books(store: LedgerStore, config: Config, who: Identity, access: LedgerAccess) -> Books:
    """Read what the PR and the month spent, derive the run's budget, and open its row."""
    limits = BudgetScope(
        usd_to_nano(config.budget_usd),
        _nano(config.pr_budget_usd),
        _nano(config.monthly_budget_usd),
    )
    try:
        at = access.now()
        pr_before = None if who.pr is None else store.pr_spent(who.repo, who.pr)
        month_before = store.month_spent(at)
        budget, notes = _budget(limits, pr_before, month_before)
        spec = RunSpec(who.repo, who.pr, who.head_sha, replace(limits, run_nano=budget))
        run = store.open_run(spec, at)
    except LedgerError as exc:
        return _complain(without_ledger(config), f"{exc}; {FALLBACK}", access.required)
    shared = Shared(store, run.id, access.now, required=access.required)
    return Books(shared, budget, pr_before, month_before, notes)


FALLBACK = "the run fell back to its own budget_usd and is not recorded in the ledger"


def _nano(usd: float | None) -> int | None:
    return None if usd is None else usd_to_nano(usd)


def _budget(
    limits: BudgetScope, pr_before: int | None, month_before: int
) -> tuple[int, tuple[str, ...]]:
    """The run's budget: the least of its own and what its PR and the month have left."""
    budget, notes = limits.run_nano, []
    shared = (
        ("pr_budget_usd", "this PR's earlier runs", limits.pr_nano, pr_before),
        ("monthly_budget_usd", "this month's runs", limits.monthly_nano, month_before),
    )
    for key, who, limit, spent in shared:  # fmt: skip
        if limit is None or spent is None:
            continue
        left = max(0, limit - spent)
        if left < budget:
            budget = left
            notes.append(
                f"{key}: {who} spent ${nano_to_usd(spent):.4f} of "
                f"${nano_to_usd(limit):.4f}; this run may spend ${nano_to_usd(left):.4f}"
            )
    return budget, tuple(notes)


@dataclass(frozen=True, slots=True)
class Closed:
    """What closing a run adds to its report."""

    pr_budget: SharedBudget | None
    monthly_budget: SharedBudget | None
    notes: tuple[str, ...]
    problems: tuple[str, ...]


def close_books(books: Books, config: Config, who: Identity, spent: int, baseline: int) -> Closed:
    """Close the run's row with its baseline; read back the PR's and the month's spend."""
    shared = books.shared
    pr_spent, month_spent = _close(shared, who, baseline)
    notes = [f"ledger refused a try: {shared.refusal}"] if shared.refusal else []
    problems: list[str] = []
    if shared.failure:
        (problems if shared.required else notes).append(f"{shared.failure}; {FALLBACK_MIDWAY}")
    return Closed(
        _so_far(config.pr_budget_usd, pr_spent, books.pr_before, spent),
        _so_far(config.monthly_budget_usd, month_spent, books.month_before, spent),
        tuple(notes),
        tuple(problems),
    )


FALLBACK_MIDWAY = "the run went on with its own budget and is only partly recorded in the ledger"


def _close(shared: Shared, who: Identity, baseline: int) -> tuple[int | None, int | None]:
    if shared.store is None:
        return None, None
    at = shared.now()
    shared.guarded(lambda s: s.close_run(shared.run_id, at, baseline))
    pr = who.pr
    pr_spent = None if pr is None else shared.guarded(lambda s: s.pr_spent(who.repo, pr))
    return pr_spent, shared.guarded(lambda s: s.month_spent(at))


def _so_far(
    limit_usd: float | None, read: int | None, before: int | None, spent: int
) -> SharedBudget | None:
    """A shared budget as the ledger reads it after the run, else as known before plus this run."""
    if read is None and before is None:
        return None
    return SharedBudget(_nano(limit_usd), read if read is not None else (before or 0) + spent)


def _never() -> datetime:
    raise AssertionError("a run without a ledger reads no clock")


@dataclass(frozen=True, slots=True)
class LedgerAccess:
    """The ledger a command opened for a run, or why it could not, and the clock to file by."""

    store: LedgerStore | None = None
    problem: str | None = None  # the configured ledger could not be opened
    now: Callable[[], datetime] = _never
    required: bool = False  # losing it is a problem, not a note (``commands.ledgering``)


def books_for(access: LedgerAccess, config: Config, who: Identity, offline: bool) -> Books:
    """The run's books: an offline run records nothing; a broken ledger is a problem line."""
    if offline or access.store is None:
        lost = None if offline or access.problem is None else f"{access.problem}; {FALLBACK}"
        books = without_ledger(config)
        return _complain(books, lost, access.required)
    return open_books(access.store, config, who, access)


def _complain(books: Books, lost: str | None, required: bool) -> Books:
    """A lost ledger is a problem of the run when the user relied on it, else a note."""
    if lost is None:
        return books
    if required:
        return replace(books, problems=(*books.problems, lost))
    return replace(books, notes=(*books.notes, lost))
