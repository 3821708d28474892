"""Four processes spend against one ledger at once: the shared budget never goes over.

The monthly (and separately the PR) budget holds about two runs' worth, so half of the tries
must be refused; a ledger that checked and booked in two steps would let some through.
"""

from __future__ import annotations

import multiprocessing

import pytest

from hunkroute.ledger import BudgetScope, RunSpec, open_ledger
from tests.helpers import ledger_race
from tests.helpers.ledger_race import AT, RESERVE_NANO, TRIES

PROCESSES = 4
RUN_NANO = TRIES * RESERVE_NANO  # one run alone never hits its own budget
SHARED_NANO = 2 * TRIES * (RESERVE_NANO * 3 // 4)  # about two runs' worth of real spend


def race(url: str, scope: BudgetScope) -> list[tuple[int, int, int]]:
    open_ledger(url).close()  # the schema exists before the processes start
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(PROCESSES), ctx.Queue()
    specs = [RunSpec("acme/shop", 42, f"sha{n}", scope) for n in range(PROCESSES)]
    workers = [ctx.Process(target=ledger_race.spend, args=(url, s, start, out)) for s in specs]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return results


@pytest.mark.parametrize("shared", ["month", "pr"])
def test_concurrent_runs_never_overspend_a_shared_budget(ledger_url: str, shared: str) -> None:
    if shared == "month":
        scope = BudgetScope(RUN_NANO, monthly_nano=SHARED_NANO)
    else:
        scope = BudgetScope(RUN_NANO, pr_nano=SHARED_NANO)
    url = ledger_url
    results = race(url, scope)
    charged = sum(c for _, _, c in results)
    ledger = open_ledger(url)
    stats = ledger.stats()
    spent = ledger.month_spent(AT) if shared == "month" else ledger.pr_spent("acme/shop", 42)
    ledger.close()
    assert charged == spent == stats.totals.spent_nano <= SHARED_NANO
    assert stats.totals.reserved_nano == 0
    assert any(refused for _, refused, _ in results)
    assert spent > SHARED_NANO - PROCESSES * RESERVE_NANO  # refusals came from a full budget
    assert stats.totals.calls == sum(tries - refused for tries, refused, _ in results)
