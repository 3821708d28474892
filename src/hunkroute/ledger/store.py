"""``SqlLedger``: the ledger's bookkeeping, one transaction per method, on any ``Database``.

Concurrency: every booking is a guarded ``UPDATE … WHERE spent + reserved + x <= limit``, first
on the run's row, then on the shared scope rows in sorted key order. Under SQLite the writing
transaction (``BEGIN IMMEDIATE``) serializes writers outright; under PostgreSQL each guarded
``UPDATE`` row-locks its row and re-checks the guard on the newest version once the lock is
granted (READ COMMITTED), so two processes can never both take the last of a budget. Locking the
run first and the scopes in one global order means no two transactions wait on each other in a
cycle. A guard that fails rolls the whole reservation back (``_NoRoom``), so a try is booked at
every scope or at none. The orphan rule is in ``interface.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from hunkroute.ledger import queries, schema
from hunkroute.ledger.db import Database
from hunkroute.ledger.interface import (
    STALE_AFTER,
    AttemptRecord,
    Call,
    Comparison,
    CostSource,
    Evidence,
    Refused,
    Reservation,
    Run,
    RunSpec,
    ScopeKind,
    Settlement,
    Stats,
    month_of,
    utc,
)
from hunkroute.model import nano_to_usd

_ORPHAN = AttemptRecord(outcome="error", cost_source="reservation")


class _NoRoom(Exception):
    """Raised inside a reservation's transaction to roll it back; never leaves this module."""

    def __init__(self, scope: ScopeKind, key: str) -> None:
        super().__init__(key)
        self.scope, self.key = scope, key


def stamp(at: datetime) -> str:
    """A time as the schema stores it: fixed-width UTC text that sorts chronologically."""
    return utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def pr_scope(repo: str, pr: int) -> str:
    return f"pr:{repo}#{pr}"


def month_scope(month: str) -> str:
    return f"month:{month}"


class SqlLedger:
    """The ``LedgerStore`` over one ``Database`` (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def open_run(self, spec: RunSpec, at: datetime) -> Run:
        self.reap(at)
        budget = spec.budget
        params = {"repo": spec.repo, "pr": spec.pr, "sha": spec.head_sha, "at": stamp(at),
                  "budget": budget.run_nano, "pr_budget": budget.pr_nano,
                  "monthly": budget.monthly_nano}  # fmt: skip
        with self._db.transaction():
            rows = self._db.rows(
                "INSERT INTO runs (repo, pr, head_sha, started_at, budget_nano, pr_budget_nano,"
                " monthly_budget_nano) VALUES (:repo, :pr, :sha, :at, :budget, :pr_budget,"
                " :monthly) RETURNING id",
                params,
            )
        return Run(int(rows[0][0]), spec, utc(at))

    def reserve(
        self, run_id: int, amount_nano: int, call: Call, at: datetime
    ) -> Reservation | Refused:
        if amount_nano < 0:
            raise ValueError(f"a reservation cannot be negative: {amount_nano}")
        try:
            with self._db.transaction():
                rid = self._book(run_id, amount_nano, call, at)
        except _NoRoom as full:
            return Refused(full.scope, self._refusal(run_id, full, amount_nano))
        return Reservation(rid, run_id, amount_nano, call, utc(at))

    def _book(self, run_id: int, amount: int, call: Call, at: datetime) -> int:
        """The reservation's statements: run first, then the scopes in key order."""
        limits = self._db.rows(
            "UPDATE runs SET reserved_nano = reserved_nano + :x WHERE id = :id"
            " AND closed_at IS NULL AND spent_nano + reserved_nano + :x <= budget_nano"
            " RETURNING repo, pr, pr_budget_nano, monthly_budget_nano",
            {"x": amount, "id": run_id},
        )
        if not limits:
            raise _NoRoom("run", str(run_id))
        repo, pr, pr_limit, month_limit = limits[0]
        month = month_scope(month_of(at))
        pr_key = None if pr is None else pr_scope(repo, pr)
        scopes: list[tuple[str, ScopeKind, int | None]] = [(month, "month", month_limit)]
        if pr_key is not None:
            scopes.append((pr_key, "pr", pr_limit))
        for key, kind, limit in sorted(scopes):
            self._take(key, kind, amount, limit)
        return int(self._db.rows(
            "INSERT INTO reservations (run_id, amount_nano, pr_scope, month_scope, reserved_at,"
            " provider, model, category, hunk_ids, audit) VALUES (:run, :x, :pr, :month, :at,"
            " :provider, :model, :category, :hunks, :audit) RETURNING id",
            {"run": run_id, "x": amount, "pr": pr_key, "month": month, "at": stamp(at),
             "provider": call.provider, "model": call.model, "category": call.category,
             "hunks": json.dumps(call.hunk_ids), "audit": call.audit},
        )[0][0])  # fmt: skip

    def _take(self, key: str, kind: ScopeKind, amount: int, limit: int | None) -> None:
        self._db.rows("INSERT INTO scopes (key) VALUES (:key) ON CONFLICT (key) DO NOTHING",
                      {"key": key})  # fmt: skip
        taken = self._db.rows(
            "UPDATE scopes SET reserved_nano = reserved_nano + :x WHERE key = :key AND"
            " (CAST(:limit AS BIGINT) IS NULL OR spent_nano + reserved_nano + :x <= :limit)"
            " RETURNING key",
            {"x": amount, "key": key, "limit": limit},
        )
        if not taken:
            raise _NoRoom(kind, key)

    def _refusal(self, run_id: int, full: _NoRoom, amount: int) -> str:
        """Why a reservation did not fit, read after its rollback (for the report only)."""
        need = f"a try needing {nano_to_usd(amount)} USD"
        if full.scope == "run":
            row = self._db.rows("SELECT closed_at, budget_nano - spent_nano - reserved_nano"
                                " FROM runs WHERE id = :id", {"id": run_id})  # fmt: skip
            if not row:
                return f"run {run_id} is not in the ledger"
            if row[0][0] is not None:
                return f"run {run_id} is closed"
            return f"the run's budget has {nano_to_usd(row[0][1])} USD left, {need}"
        row = self._db.rows("SELECT spent_nano + reserved_nano FROM scopes WHERE key = :key",
                            {"key": full.key})  # fmt: skip
        used = nano_to_usd(row[0][0]) if row else 0.0
        return f"{full.key} has {used} USD spent or reserved, no room for {need}"

    def settle(
        self, reservation: Reservation, cost_nano: int, attempt: AttemptRecord
    ) -> Settlement:
        amount = reservation.amount_nano
        charged = min(max(cost_nano, 0), amount)
        note = ""
        if cost_nano > amount:
            note = f"cost {cost_nano} nano-USD exceeds the reservation: charged the reservation"
            attempt = _with_source(attempt, "reservation")
        with self._db.transaction():
            if not self._unbook(reservation.id, reservation.run_id, amount, charged):
                return Settlement(amount, "the run was closed first: charged its reservation")
            self._insert(reservation.run_id, reservation.call, attempt, charged,
                         reservation.reserved_at)  # fmt: skip
        return Settlement(charged, note)

    def release(self, reservation: Reservation) -> None:
        with self._db.transaction():
            self._unbook(reservation.id, reservation.run_id, reservation.amount_nano, 0)

    def _unbook(self, reservation_id: int, run_id: int, amount: int, charged: int) -> bool:
        """Delete a reservation and move ``amount`` out of reserved, ``charged`` into spent."""
        gone = self._db.rows(
            "DELETE FROM reservations WHERE id = :id RETURNING pr_scope, month_scope",
            {"id": reservation_id},
        )
        if not gone:
            return False  # already charged in full when its run was closed
        move = (-amount, charged)
        self._shift(run_id, move, {key: move for key in gone[0] if key is not None})
        return True

    def _shift(
        self, run_id: int, run_move: tuple[int, int], scope_moves: dict[str, tuple[int, int]]
    ) -> None:
        """Add (reserved, spent) deltas to a run, then to scopes in the global lock order."""
        sql = "UPDATE {} SET reserved_nano = reserved_nano + :r, spent_nano = spent_nano + :s"
        self._db.rows(sql.format("runs") + " WHERE id = :id",
                      {"r": run_move[0], "s": run_move[1], "id": run_id})  # fmt: skip
        for key in sorted(scope_moves):
            r, s = scope_moves[key]
            self._db.rows(sql.format("scopes") + " WHERE key = :key", {"r": r, "s": s, "key": key})

    def _insert(
        self, run_id: int, call: Call, attempt: AttemptRecord, cost: int, at: datetime
    ) -> None:
        day = utc(at).isocalendar()
        self._db.rows(
            "INSERT INTO attempts (run_id, at, week, provider, model, category, input_tokens,"
            " cached_tokens, output_tokens, cost_nano, cost_source, outcome, verdict, latency_ms,"
            " audit, hunk_ids, hunk_count) VALUES (:run, :at, :week, :provider, :model,"
            " :category, :input, :cached, :output, :cost, :source, :outcome, :verdict,"
            " :latency, :audit, :hunks, :count)",
            {"run": run_id, "at": stamp(at), "week": f"{day.year:04d}-W{day.week:02d}",
             "provider": call.provider, "model": call.model, "category": call.category,
             "input": attempt.input_tokens, "cached": attempt.cached_tokens,
             "output": attempt.output_tokens, "cost": cost, "source": attempt.cost_source,
             "outcome": attempt.outcome, "verdict": attempt.verdict,
             "latency": attempt.latency_ms, "audit": call.audit or attempt.audit,
             "hunks": json.dumps(call.hunk_ids), "count": len(call.hunk_ids)},
        )  # fmt: skip

    def record(self, run_id: int, call: Call, attempt: AttemptRecord, at: datetime) -> None:
        with self._db.transaction():
            self._insert(run_id, call, attempt, 0, at)

    def compare(self, run_id: int, comparisons: Sequence[Comparison], at: datetime) -> None:
        with self._db.transaction():
            for c in comparisons:
                self._db.rows(
                    "INSERT INTO comparisons (run_id, at, hunk_id, category, model, best, kind,"
                    " matched) VALUES (:run, :at, :hunk, :category, :model, :best, :kind,"
                    " :matched)",
                    {"run": run_id, "at": stamp(at), "hunk": c.hunk_id, "category": c.category,
                     "model": c.model, "best": c.best, "kind": c.kind, "matched": c.matched},
                )  # fmt: skip

    def close_run(self, run_id: int, at: datetime, premium_baseline_nano: int = 0) -> None:
        with self._db.transaction():
            closed = self._db.rows(
                "UPDATE runs SET closed_at = :at, premium_baseline_nano = :premium"
                " WHERE id = :id AND closed_at IS NULL RETURNING id",
                {"at": stamp(at), "premium": premium_baseline_nano, "id": run_id},
            )
            if closed:
                self._charge_orphans(run_id)

    def _charge_orphans(self, run_id: int) -> None:
        """Charge a closing run's open reservations in full: their requests may have been billed."""
        orphans = self._db.rows(
            "DELETE FROM reservations WHERE run_id = :id RETURNING amount_nano, pr_scope,"
            " month_scope, reserved_at, provider, model, category, hunk_ids, audit",
            {"id": run_id},
        )
        moves: dict[str, tuple[int, int]] = {}
        for amount, pr_key, month_key, at, provider, model, category, hunks, audit in orphans:
            for key in (k for k in (pr_key, month_key) if k is not None):
                held, spent = moves.get(key, (0, 0))
                moves[key] = (held - amount, spent + amount)
            call = Call(provider, model, category, tuple(json.loads(hunks)), bool(audit))
            self._insert(run_id, call, _ORPHAN, amount, _parse_stamp(at))
        total = sum(int(row[0]) for row in orphans)
        self._shift(run_id, (-total, total), moves)

    def reap(self, now: datetime, stale_after: timedelta = STALE_AFTER) -> int:
        stale = self._db.rows(
            "SELECT id FROM runs WHERE closed_at IS NULL AND started_at < :cutoff ORDER BY id",
            {"cutoff": stamp(now - stale_after)},
        )
        for (run_id,) in stale:
            self.close_run(int(run_id), now)  # one transaction each: locks stay short
        return len(stale)

    def pr_spent(self, repo: str, pr: int) -> int:
        return self._scope_spent(pr_scope(repo, pr))

    def month_spent(self, month: date) -> int:
        return self._scope_spent(month_scope(month_of(month)))

    def _scope_spent(self, key: str) -> int:
        row = self._db.rows("SELECT spent_nano FROM scopes WHERE key = :key", {"key": key})
        return int(row[0][0]) if row else 0

    def stats(self, since: date | None = None) -> Stats:
        return queries.stats(self._db, since)

    def evidence(self, since: date | None = None) -> tuple[Evidence, ...]:
        return queries.evidence(self._db, since)

    def schema_version(self) -> int:
        return int(self._db.rows("SELECT MAX(version) FROM ledger_version")[0][0])

    def close(self) -> None:
        self._db.close()


def _with_source(attempt: AttemptRecord, source: CostSource) -> AttemptRecord:
    return replace(attempt, cost_source=source)


def _parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def attach(db: Database) -> SqlLedger:
    """The ledger over ``db`` once its schema is current; closes ``db`` if migrating fails."""
    try:
        schema.migrate(db)
    except BaseException:
        db.close()
        raise
    return SqlLedger(db)
