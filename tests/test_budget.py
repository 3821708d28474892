"""budget.py: the ledger, and spent ≤ reserved ≤ budget through the whole stage under faults."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hunkroute.models.budget import Ledger
from tests.helpers.fake_llm import FakeLLM, Say, Seen, findings
from tests.helpers.llmcase import change, config_for, python_files, run


def test_reserve_settle_caps_the_charge() -> None:
    ledger = Ledger(100)
    assert ledger.try_reserve(60) and not ledger.try_reserve(50)
    assert ledger.settle(60, 500) == 60  # a provider cannot bill past the worst case
    assert (ledger.spent, ledger.held, ledger.reserved) == (60, 0, 60)
    assert not ledger.try_reserve(41) and ledger.try_reserve(40)


def test_reserve_waits_for_in_flight_settlement() -> None:
    async def go() -> list[str]:
        ledger = Ledger(100)
        order: list[str] = []
        assert ledger.try_reserve(80)

        async def waiter() -> None:
            ok = await ledger.reserve(50)
            order.append(f"reserved {ok}")

        task = asyncio.create_task(waiter())
        await asyncio.sleep(0)
        order.append("settling")
        ledger.settle(80, 10)
        await task
        return order

    assert asyncio.run(go()) == ["settling", "reserved True"]


def test_reserve_gives_up_when_nothing_is_in_flight() -> None:
    assert asyncio.run(Ledger(10).reserve(11)) is False


FAULTS = st.sampled_from(["ok", "no_usage", "huge_usage", "500", "429", "timeout", "drop",
                          "garbage", "prose"])  # fmt: skip


def faulty(faults: list[str]):  # type: ignore[no-untyped-def]
    def script(seen: Seen) -> Say | str:
        fault = faults[seen.index % len(faults)]
        return {
            "ok": Say(findings()),
            "no_usage": Say(findings(), usage=None),
            "huge_usage": Say(findings(), usage=(10**9, 10**9, 0)),
            "500": Say("x", status=500),
            "429": Say("x", status=429, headers={"retry-after": "0"}),
            "timeout": Say(delay_s=0.3),
            "drop": Say(drop=True),
            "garbage": Say(raw="{"),
            "prose": Say("no JSON at all"),
        }[fault]

    return script


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    faults_a=st.lists(FAULTS, min_size=1, max_size=6),
    faults_b=st.lists(FAULTS, min_size=1, max_size=6),
    budget_calls=st.floats(min_value=0.0, max_value=8.0),
)
def test_spent_le_reserved_le_budget_under_faults(
    faults_a: list[str], faults_b: list[str], budget_calls: float
) -> None:
    old, new = python_files(5)
    with (
        FakeLLM("openai", faulty(faults_a)) as a,
        FakeLLM("anthropic", faulty(faults_b)) as b,
        tempfile.TemporaryDirectory() as cache,
    ):
        conf = config_for([a, b], Path(cache), budget=budget_calls * 0.0003,
                          provider_extra=", timeout_s: 0.1")  # fmt: skip
        report = run(change(old, new), conf)
    assert 0 <= report.spent_nano <= report.reserved_nano <= report.budget_nano
    assert report.spent_nano == sum(h.cost_nano for h in report.hunks)
    for hunk in report.hunks:
        assert len(hunk.attempts) <= conf.max_attempts
        assert hunk.status in ("reviewed", "failed", "skipped_budget", "gated")
