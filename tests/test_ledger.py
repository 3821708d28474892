"""The spend ledger on both stores: schema, bookings, PR and monthly limits, orphans, stats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from hunkroute.errors import LedgerError
from hunkroute.ledger import (
    STALE_AFTER,
    AttemptRecord,
    BudgetScope,
    Call,
    Comparison,
    LedgerStore,
    Refused,
    Reservation,
    RunSpec,
    open_ledger,
    postgres,
    sqlite,
)
from hunkroute.ledger.db import Database
from hunkroute.ledger.schema import LATEST, migrate

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
CALL = Call("openai", "gpt-small", "review", ("a.py#1", "a.py#2"))
OK = AttemptRecord("ok", input_tokens=1000, output_tokens=200, latency_ms=800)
CONNECT: dict[str, Callable[[str], Database]] = {
    "sqlite": sqlite.connect,
    "postgresql": postgres.connect,
}


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[LedgerStore]:
    store = open_ledger(ledger_url)
    yield store
    store.close()


def spec(budget: int = 1000, pr: int | None = 7, pr_nano: int | None = None,
         monthly: int | None = None, repo: str = "acme/shop") -> RunSpec:  # fmt: skip
    return RunSpec(repo, pr, "abc123", BudgetScope(budget, pr_nano, monthly))


def booked(result: Reservation | Refused) -> Reservation:
    assert isinstance(result, Reservation), result
    return result


def test_a_new_ledger_is_created_at_the_latest_version(ledger: LedgerStore) -> None:
    assert ledger.schema_version() == LATEST


def test_reopening_keeps_the_data_and_the_version(ledger_url: str) -> None:
    first = open_ledger(ledger_url)
    run = first.open_run(spec(), T0)
    first.settle(booked(first.reserve(run.id, 50, CALL, T0)), 30, OK)
    first.close()
    again = open_ledger(ledger_url)
    assert again.schema_version() == LATEST
    assert again.pr_spent("acme/shop", 7) == 30
    again.close()


def old_ledger(url: str, version: int, *statements: str) -> None:
    """A ledger created at schema ``version`` by an older hunkroute, holding ``statements``."""
    db = CONNECT[url.split(":")[0]](url)
    assert migrate(db, upto=version) == version
    with db.transaction():
        for statement in statements:
            db.rows(statement)
    db.close()


def test_a_version_1_ledger_is_migrated_on_open(ledger_url: str) -> None:
    old_ledger(
        ledger_url,
        1,
        "INSERT INTO runs (repo, pr, head_sha, started_at, budget_nano, spent_nano)"
        " VALUES ('acme/old', 3, 'f00', '2026-01-05T10:00:00.000000Z', 100, 40)",
        "INSERT INTO attempts (run_id, at, week, provider, model, category,"
        " input_tokens, cached_tokens, output_tokens, cost_nano, cost_source, outcome,"
        " verdict, latency_ms, hunk_ids, hunk_count) VALUES (1,"
        " '2026-01-05T10:00:01.000000Z', '2026-W02', 'p', 'm', 'review', 10, 0, 5, 40,"
        " 'usage', 'ok', 'accepted', 500, '[\"h\"]', 1)",
    )
    ledger = open_ledger(ledger_url)
    assert ledger.schema_version() == LATEST
    (row,) = ledger.evidence()
    assert (row.model, row.calls, row.accepted, row.audits) == ("m", 1, 1, 0)
    assert ledger.stats().by_pr[0].spent_nano == 40
    ledger.close()


def test_a_version_2_ledger_gains_comparisons_and_audited_reservations(ledger_url: str) -> None:
    old_ledger(
        ledger_url,
        2,
        "INSERT INTO runs (repo, pr, head_sha, started_at, budget_nano, reserved_nano)"
        " VALUES ('acme/old', 3, 'f00', '2026-03-10T09:00:00.000000Z', 100, 30)",
        "INSERT INTO reservations (run_id, amount_nano, month_scope, reserved_at, provider,"
        " model, category, hunk_ids) VALUES (1, 30, 'month:2026-03',"
        " '2026-03-10T09:00:01.000000Z', 'p', 'm', 'review', '[\"h\"]')",
        "INSERT INTO scopes (key, reserved_nano) VALUES ('month:2026-03', 30)",
    )
    ledger = open_ledger(ledger_url)
    assert ledger.schema_version() == LATEST == 3
    ledger.close_run(1, T0)  # the old reservation is an orphan, not an audit
    run = ledger.open_run(spec(), T0)
    audited = Call("openai", "big", "review", ("a.py#1",), audit=True)
    ledger.settle(booked(ledger.reserve(run.id, 50, audited, T0)), 20, AttemptRecord("ok"))
    ledger.compare(
        run.id,
        [
            Comparison("a.py#1", "review", "m", "big", "audit", False),
            Comparison("a.py#2", "review", "m", "big", "explore", True),
        ],
        T0,
    )
    rows = {row.model: row for row in ledger.evidence()}
    ledger.close()
    assert (rows["m"].calls, rows["m"].audits, rows["m"].compared, rows["m"].matched) == (
        1,
        0,
        2,
        1,
    )
    assert (rows["big"].audits, rows["big"].compared) == (1, 0)


def test_an_orphaned_audit_is_filed_as_an_audit(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(), T0)
    ledger.reserve(run.id, 40, Call("openai", "big", "review", ("a.py#1",), audit=True), T0)
    ledger.close_run(run.id, T0)
    (row,) = ledger.evidence()
    assert (row.model, row.calls, row.audits) == ("big", 1, 1)


def test_comparisons_alone_make_evidence_and_respect_since(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(), T0)
    ledger.compare(run.id, [Comparison("a.py#1", "debugging", "small", "big", "audit", True)], T0)
    (row,) = ledger.evidence()
    assert (row.model, row.category, row.calls, row.compared, row.matched) == (
        "small", "debugging", 0, 1, 1)  # fmt: skip
    assert ledger.evidence(since=date(2026, 4, 1)) == ()


def test_a_ledger_newer_than_the_code_is_refused(ledger_url: str) -> None:
    open_ledger(ledger_url).close()
    db = CONNECT[ledger_url.split(":")[0]](ledger_url)
    db.rows("INSERT INTO ledger_version (version) VALUES (99)")
    db.close()
    with pytest.raises(LedgerError, match="version 99, newer"):
        open_ledger(ledger_url)


def test_reserve_settle_and_release_move_money_within_the_run(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(budget=100), T0)
    first = booked(ledger.reserve(run.id, 60, CALL, T0))
    refused = ledger.reserve(run.id, 50, CALL, T0)
    assert isinstance(refused, Refused) and refused.scope == "run"
    assert "run's budget" in refused.reason
    assert ledger.settle(first, 40, OK).charged_nano == 40
    second = booked(ledger.reserve(run.id, 60, CALL, T0))  # 40 spent + 60 fits 100
    assert ledger.stats().totals.reserved_nano == 60
    ledger.release(second)
    totals = ledger.stats().totals
    assert (totals.spent_nano, totals.reserved_nano, totals.calls) == (40, 0, 1)


def test_a_cost_above_the_reservation_is_clamped_and_explained(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(budget=100), T0)
    settled = ledger.settle(booked(ledger.reserve(run.id, 60, CALL, T0)), 90, OK)
    assert settled.charged_nano == 60
    assert "exceeds the reservation" in settled.note
    assert ledger.stats().by_model[0].spent_nano == 60


def test_the_pr_budget_holds_across_runs_of_that_pr(ledger: LedgerStore) -> None:
    first = ledger.open_run(spec(pr_nano=100), T0)
    ledger.settle(booked(ledger.reserve(first.id, 70, CALL, T0)), 70, OK)
    ledger.close_run(first.id, T0)
    second = ledger.open_run(spec(pr_nano=100), T0 + timedelta(minutes=5))
    refused = ledger.reserve(second.id, 40, CALL, T0)
    assert isinstance(refused, Refused) and refused.scope == "pr"
    assert "pr:acme/shop#7" in refused.reason
    booked(ledger.reserve(second.id, 30, CALL, T0))
    other = ledger.open_run(spec(pr=8, pr_nano=100), T0)
    booked(ledger.reserve(other.id, 100, CALL, T0))
    assert ledger.pr_spent("acme/shop", 7) == 70
    assert ledger.pr_spent("acme/shop", 9) == 0


def test_a_refused_reservation_books_nothing_anywhere(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(pr_nano=1000, monthly=50), T0)
    assert isinstance(ledger.reserve(run.id, 60, CALL, T0), Refused)
    booked(ledger.reserve(run.id, 50, CALL, T0))  # neither the run nor the PR kept the 60
    assert ledger.stats().totals.reserved_nano == 50


def test_the_monthly_budget_is_per_utc_calendar_month(ledger: LedgerStore) -> None:
    last_minute = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
    run = ledger.open_run(spec(monthly=100), last_minute)
    ledger.settle(booked(ledger.reserve(run.id, 100, CALL, last_minute)), 100, OK)
    refused = ledger.reserve(run.id, 1, CALL, last_minute + timedelta(seconds=59))
    assert isinstance(refused, Refused) and refused.scope == "month"
    # 00:30 in UTC+1 is still 23:30 on January 31 in UTC.
    plus_one = datetime(2026, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert isinstance(ledger.reserve(run.id, 1, CALL, plus_one), Refused)
    february = booked(ledger.reserve(run.id, 80, CALL, datetime(2026, 2, 1, tzinfo=UTC)))
    ledger.settle(february, 80, OK)
    assert ledger.month_spent(date(2026, 1, 1)) == 100
    assert ledger.month_spent(date(2026, 2, 28)) == 80


def test_a_try_settled_after_midnight_is_booked_in_the_month_it_reserved(
    ledger: LedgerStore,
) -> None:
    late = datetime(2026, 4, 30, 23, 59, 59, tzinfo=UTC)
    run = ledger.open_run(spec(), late)
    reservation = booked(ledger.reserve(run.id, 10, CALL, late))
    ledger.settle(reservation, 10, OK)  # settle takes no time: the reservation's month counts
    assert ledger.month_spent(date(2026, 4, 1)) == 10
    assert ledger.month_spent(date(2026, 5, 1)) == 0
    assert ledger.stats().by_week[0].week == "2026-W18"


def test_a_crashed_runs_reservations_keep_counting_until_reaped(ledger: LedgerStore) -> None:
    crashed = ledger.open_run(spec(pr_nano=100, monthly=1000), T0)
    booked(ledger.reserve(crashed.id, 60, CALL, T0))  # the process dies here
    later = T0 + timedelta(hours=1)
    rerun = ledger.open_run(spec(pr_nano=100, monthly=1000), later)
    assert isinstance(ledger.reserve(rerun.id, 50, CALL, later), Refused)
    assert ledger.pr_spent("acme/shop", 7) == 0  # still reserved, not yet spent
    after = T0 + STALE_AFTER + timedelta(minutes=1)
    ledger.open_run(spec(pr_nano=100), after)  # opening a run reaps the stale one
    assert ledger.pr_spent("acme/shop", 7) == 60  # charged in full: it may have been billed
    assert isinstance(ledger.reserve(rerun.id, 50, CALL, after), Refused)
    booked(ledger.reserve(rerun.id, 40, CALL, after))
    orphan = [row for row in ledger.evidence() if row.calls == 1]
    assert orphan and orphan[0].cost_per_hunk_nano == 30.0


def test_a_reaped_run_cannot_book_and_its_late_settle_is_charged_in_full(
    ledger: LedgerStore,
) -> None:
    run = ledger.open_run(spec(), T0)
    reservation = booked(ledger.reserve(run.id, 60, CALL, T0))
    assert ledger.reap(T0 + STALE_AFTER + timedelta(seconds=1)) == 1
    settled = ledger.settle(reservation, 10, OK)
    assert settled.charged_nano == 60 and "closed first" in settled.note
    refused = ledger.reserve(run.id, 1, CALL, T0)
    assert isinstance(refused, Refused) and "closed" in refused.reason
    assert ledger.stats().totals.spent_nano == 60


def test_close_run_charges_open_reservations_and_keeps_the_baseline(
    ledger: LedgerStore,
) -> None:
    run = ledger.open_run(spec(), T0)
    ledger.settle(booked(ledger.reserve(run.id, 50, CALL, T0)), 20, OK)
    booked(ledger.reserve(run.id, 30, CALL, T0))
    ledger.close_run(run.id, T0 + timedelta(minutes=2), premium_baseline_nano=400)
    ledger.close_run(run.id, T0 + timedelta(minutes=3))  # a second close changes nothing
    totals = ledger.stats().totals
    assert (totals.spent_nano, totals.reserved_nano) == (50, 0)
    assert (totals.runs, totals.calls, totals.premium_baseline_nano) == (1, 2, 400)


def test_stats_aggregate_by_model_pr_and_week_since_a_date(ledger: LedgerStore) -> None:
    old = ledger.open_run(spec(pr=1), datetime(2026, 2, 2, tzinfo=UTC))
    at_old = datetime(2026, 2, 2, 1, tzinfo=UTC)
    ledger.settle(booked(ledger.reserve(old.id, 10, CALL, at_old)), 10, OK)
    new = ledger.open_run(spec(pr=2), T0)
    accepted = AttemptRecord("ok", 300, 100, 50, verdict="accepted", latency_ms=100)
    ledger.settle(booked(ledger.reserve(new.id, 20, CALL, T0)), 15, accepted)
    ledger.record(new.id, CALL, AttemptRecord("cached", cost_source="cache"), T0)
    solo = ledger.open_run(spec(pr=None), T0)
    ledger.settle(booked(ledger.reserve(solo.id, 5, CALL, T0)), 5, OK)
    full = ledger.stats()
    assert [(r.pr, r.runs, r.spent_nano) for r in full.by_pr] == [(1, 1, 10), (2, 1, 15)]
    assert [(w.week, w.calls) for w in full.by_week] == [("2026-W06", 1), ("2026-W11", 3)]
    (model,) = full.by_model
    assert (model.calls, model.input_tokens, model.output_tokens) == (4, 2300, 450)
    assert (model.spent_nano, model.suggestions, model.accepted) == (30, 1, 1)
    recent = ledger.stats(since=date(2026, 3, 1))
    assert (recent.totals.runs, recent.totals.calls, recent.totals.spent_nano) == (2, 3, 20)


def test_evidence_per_model_and_category_leaves_cache_hits_out(ledger: LedgerStore) -> None:
    run = ledger.open_run(spec(), T0)
    small, big = CALL, Call("anthropic", "claude-big", "debugging", ("b.py#1",))
    tries = [(small, AttemptRecord("ok", verdict="accepted", latency_ms=100), 20),
             (small, AttemptRecord("rejected", verdict="rejected", latency_ms=300), 40),
             (small, AttemptRecord("unparseable", latency_ms=200, audit=True), 30),
             (big, AttemptRecord("ok", verdict="accepted", latency_ms=900), 50)]  # fmt: skip
    for call, attempt, cost in tries:
        ledger.settle(booked(ledger.reserve(run.id, 50, call, T0)), cost, attempt)
    ledger.record(run.id, small, AttemptRecord("cached", cost_source="cache"), T0)
    by_model = {row.model: row for row in ledger.evidence()}
    assert by_model["gpt-small"].calls == 3
    row = by_model["gpt-small"]
    assert (row.accepted, row.rejected, row.unparseable, row.audits) == (1, 1, 1, 1)
    assert row.mean_latency_ms == 200.0
    assert row.cost_per_hunk_nano == 15.0  # 90 nano over 6 hunks
    assert by_model["claude-big"].category == "debugging"
    assert ledger.evidence(since=date(2026, 4, 1)) == ()


def test_a_naive_time_is_a_bug(ledger: LedgerStore) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.open_run(spec(), datetime(2026, 1, 1))
