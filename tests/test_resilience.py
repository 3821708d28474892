"""providers/resilience.py: backoff, breaker, and retries that honour Retry-After."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hunkroute.config import RetryConfig
from hunkroute.models.budget import Ledger
from hunkroute.models.providers.http import open_client
from hunkroute.models.providers.interface import ChatRequest, Failure
from hunkroute.models.resilience import Breaker, CallResult, Gateway, backoff_s
from tests.helpers.fake_llm import FakeLLM, Say, sequence, serve
from tests.helpers.llmcase import KEY, config_for

CHAT = ChatRequest("s", "u", 100)


def call(fake: FakeLLM, tmp_path: Path, retry: RetryConfig, budget: int = 10**9):  # type: ignore[no-untyped-def]
    config = config_for([fake], tmp_path).providers[0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def go() -> tuple[CallResult, Gateway]:
        async with open_client(4) as client:
            ledger = Ledger(budget)
            gateway = Gateway(client, [config], {config.name: KEY}, retry, ledger, sleep,
                              lambda: 1.0)  # fmt: skip
            return await gateway.call(config, CHAT, 1000), gateway

    result, gateway = asyncio.run(go())
    return result, gateway, sleeps


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    retry = RetryConfig(backoff_s=1.0, max_backoff_s=5.0)
    assert [backoff_s(n, retry, lambda: 1.0) for n in range(4)] == [1.0, 2.0, 4.0, 5.0]
    assert backoff_s(1, retry, lambda: 0.0) == 1.0  # jitter keeps at least half


def test_breaker_opens_after_consecutive_failures_or_one_fatal() -> None:
    breaker = Breaker(3)
    flaky = Failure("error", "500", True)
    breaker.record(flaky)
    breaker.record(flaky)
    breaker.record(None)
    breaker.record(flaky)
    assert breaker.open_reason is None
    breaker.record(Failure("error", "bad key", False, fatal=True))
    assert breaker.open_reason == "bad key"


def test_retry_after_is_used_as_the_wait(tmp_path: Path) -> None:
    script = sequence(Say("x", status=429, headers={"retry-after": "1.5"}), Say())
    with serve("openai", script) as fake:
        result, _, sleeps = call(fake, tmp_path, RetryConfig(max_retries=2, max_backoff_s=2))
    assert result.reply is not None and result.tries == 2 and sleeps == [1.5]


def test_retry_after_beyond_the_cap_falls_back_at_once(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say("x", status=429, headers={"retry-after": "60"})) as fake:
        result, _, sleeps = call(fake, tmp_path, RetryConfig(max_retries=3, max_backoff_s=2))
    assert result.reply is None and result.tries == 1 and sleeps == []
    assert result.failure is not None and result.failure.outcome == "rate_limited"


def test_bounded_attempts_with_exponential_waits(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say("x", status=502)) as fake:
        retry = RetryConfig(max_retries=2, backoff_s=0.5, breaker_threshold=10)
        result, gateway, sleeps = call(fake, tmp_path, retry)
    assert len(fake.seen) == 3 and sleeps == [0.5, 1.0] and result.cost_nano == 0
    assert not gateway.outages()


def test_open_breaker_stops_calls(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say("x", status=500)) as fake:
        result, gateway, _ = call(fake, tmp_path, RetryConfig(max_retries=5, breaker_threshold=2))
    assert len(fake.seen) == 2 and "server error" in gateway.outages()["p0"]
    assert result.failure is not None


def test_no_budget_no_request(tmp_path: Path) -> None:
    with serve() as fake:
        result, _, _ = call(fake, tmp_path, RetryConfig(), budget=999)
    assert result.budget_refused and not fake.seen
