"""The worker of the ledger's race test: one process, one run, many small tries at once.

It lives apart from the test because ``multiprocessing``'s spawn start method re-imports the
function in each child by its module name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from hunkroute.ledger import AttemptRecord, Call, Refused, RunSpec, open_ledger

AT = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
RESERVE_NANO = 10_000
TRIES = 130
CALL = Call("fake", "fake-small", "review", ("h1",))


def spend(url: str, spec: RunSpec, start: Barrier, out: Queue[tuple[int, int, int]]) -> None:
    """Reserve and settle ``TRIES`` tries as fast as possible; report (tries, refused, charged)."""
    ledger = open_ledger(url)
    run = ledger.open_run(spec, AT)
    start.wait(timeout=60)
    refused = charged = 0
    for n in range(TRIES):
        booked = ledger.reserve(run.id, RESERVE_NANO, CALL, AT)
        if isinstance(booked, Refused):
            refused += 1
            continue
        cost = RESERVE_NANO // 2 + (n * 997) % (RESERVE_NANO // 2)  # 5,000 … 9,999
        charged += ledger.settle(booked, cost, AttemptRecord("ok", 100, 0, 20)).charged_nano
    ledger.close_run(run.id, AT)
    ledger.close()
    out.put((TRIES, refused, charged))
