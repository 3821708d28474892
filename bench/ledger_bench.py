"""The spend ledger's overhead per model try: reserve + settle (with its attempt record).

One process books ``attempts`` tries on a SQLite file (WAL, synchronous=NORMAL) and on a
throwaway local PostgreSQL cluster started through the tests' helper, with durable commits
(fsync on) unless ``--fast``. Each try is two transactions, as in a real run. A model call
takes hundreds of milliseconds, so anything under a few milliseconds is noise beside it.

Run: python bench/ledger_bench.py [attempts] [--fast]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.helpers.postgres import PostgresCluster  # noqa: E402

from hunkroute.ledger import (  # noqa: E402
    AttemptRecord,
    BudgetScope,
    Call,
    LedgerStore,
    Reservation,
    RunSpec,
    open_ledger,
)

AT = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
CALL = Call("openai", "gpt-small", "review", ("a.py#1",))
DONE = AttemptRecord("ok", input_tokens=1200, output_tokens=300, latency_ms=900)


def per_attempt_us(url: str, attempts: int) -> float:
    """Mean µs of reserve + settle over ``attempts`` tries, after a short warm-up."""
    ledger = open_ledger(url)
    scope = BudgetScope(10**15, pr_nano=10**15, monthly_nano=10**15)
    run = ledger.open_run(RunSpec("acme/shop", 1, "abc", scope), AT)
    for _ in range(20):
        ledger.release(_reserve(ledger, run.id))
    started = time.perf_counter()
    for _ in range(attempts):
        ledger.settle(_reserve(ledger, run.id), 700, DONE)
    elapsed = time.perf_counter() - started
    ledger.close_run(run.id, AT)
    ledger.close()
    return elapsed / attempts * 1e6


def _reserve(ledger: LedgerStore, run_id: int) -> Reservation:
    booked = ledger.reserve(run_id, 1000, CALL, AT)
    assert isinstance(booked, Reservation), booked
    return booked


def main(argv: list[str]) -> int:
    attempts = int(next((a for a in argv if a.isdigit()), "2000"))
    durable = "--fast" not in argv
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_us = per_attempt_us(f"sqlite:///{tmp}/ledger.sqlite3", attempts)
    with PostgresCluster(durable=durable) as cluster:
        postgres_us = per_attempt_us(cluster.new_database(), attempts)
    print(f"attempts: {attempts}, postgres fsync: {'on' if durable else 'off'}")
    print(f"sqlite:     {sqlite_us:8.0f} µs/attempt (reserve + settle + record)")
    print(f"postgresql: {postgres_us:8.0f} µs/attempt (reserve + settle + record)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
