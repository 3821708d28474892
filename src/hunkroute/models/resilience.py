"""Calling a provider without hurting it or the budget: semaphores, retries, circuit breakers.

``Gateway.call`` makes one logical call: up to ``retry.max_retries + 1`` HTTP tries, each
under the provider's concurrency semaphore and each with its own reservation in the ledger,
backing off exponentially with jitter (or as ``Retry-After`` says) between tries. After
``retry.breaker_threshold`` consecutive failures, or one fatal one (bad key, no quota), the
provider's breaker opens and every later call to it fails at once, so the run falls back.
With a ``deadline`` (interactive runs), a call still unanswered when it passes is dropped: its
in-flight try is cancelled and charged its whole reservation, since the provider may bill it.
Each try is booked in the run's ``Ledger`` and then in the persistent ledger (``Shared``); a
failed try is written there at once, the answered one once the gates judged it (``pending``).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import httpx

from hunkroute.config import ProviderConfig, RetryConfig
from hunkroute.ledger import Call, Refused
from hunkroute.ledger.interface import CostSource
from hunkroute.model import Attempt
from hunkroute.models.budget import Ledger
from hunkroute.models.providers import PROVIDERS
from hunkroute.models.providers.http import send_once
from hunkroute.models.providers.interface import ChatRequest, Failure, Reply, Usage, cost_nano
from hunkroute.models.spend import Pending, Shared


@dataclass(frozen=True, slots=True)
class CallResult:
    """The end of one logical call: a reply or the last failure, and what all tries cost."""

    reply: Reply | None
    failure: Failure | None
    cost_nano: int
    tries: int
    latency_ms: int
    budget_refused: bool = False
    overcharge: bool = False
    dropped: bool = False  # the run's deadline passed before an answer came
    pending: Pending | None = None  # the answered try, to be written to the ledger when judged


@dataclass(slots=True)
class _Tally:
    """One logical call so far, kept outside its loop so that a dropped call keeps its costs."""

    call: Call
    spent: int = 0
    tries: int = 0
    latency: int = 0
    failure: Failure | None = None
    overcharge: bool = False
    pending: Pending | None = None

    def result(self, reply: Reply | None, budget_refused: bool = False) -> CallResult:
        failure = None if reply is not None else self.failure
        return CallResult(reply, failure, self.spent, self.tries, self.latency, budget_refused,
                          self.overcharge, pending=self.pending)  # fmt: skip

    def dropped(self, latency_ms: int) -> CallResult:
        failure = Failure("timeout", "deadline passed before the answer came: call dropped", False)
        return CallResult(None, failure, self.spent, self.tries, latency_ms,
                          overcharge=self.overcharge, dropped=True)  # fmt: skip


@dataclass(slots=True)
class Breaker:
    """Consecutive failures of one provider; open means: do not call it again this run."""

    threshold: int
    failures: int = 0
    open_reason: str | None = None
    incidents: list[str] = field(default_factory=list)

    def record(self, failure: Failure | None) -> None:
        if failure is None:
            self.failures = 0
            return
        self.failures += 1
        self.incidents.append(failure.detail)
        if failure.fatal or self.failures >= self.threshold:
            self.open_reason = self.open_reason or failure.detail


def backoff_s(attempt: int, retry: RetryConfig, rand: Callable[[], float]) -> float:
    """Exponential backoff with jitter: half fixed, half random, capped at ``max_backoff_s``."""
    ceiling = min(retry.max_backoff_s, retry.backoff_s * 2.0**attempt)
    return ceiling * (0.5 + rand() / 2)


def _filed(config: ProviderConfig, outcome: Reply | Failure, charged: int) -> Attempt:
    """One try as the ledger files it: its own tokens, cost and latency."""
    if isinstance(outcome, Failure):
        return Attempt(config.name, outcome.outcome, cost_nano=charged,
                       latency_ms=outcome.latency_ms)  # fmt: skip
    usage = outcome.usage or Usage(0, 0)
    return Attempt(config.name, "ok", usage.input_tokens, usage.output_tokens, charged,
                   outcome.latency_ms, cached_tokens=usage.cached_input_tokens)  # fmt: skip


def _source(outcome: Reply | Failure) -> CostSource:
    """Usage when the provider reported it; otherwise the try was charged its worst case."""
    if isinstance(outcome, Reply) and outcome.usage is not None:
        return "usage"
    return "usage" if isinstance(outcome, Failure) and not outcome.billed else "reservation"


def charge(config: ProviderConfig, outcome: Reply | Failure, reservation: int) -> int:
    """Real cost from usage; no usage (or a possibly billed failure) costs the reservation."""
    if isinstance(outcome, Failure):
        return reservation if outcome.billed else 0
    if outcome.usage is None:
        return reservation
    return cost_nano(config, outcome.usage)


class Gateway:
    """Every provider of one run, behind one shared HTTP client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        providers: Sequence[ProviderConfig],
        keys: Mapping[str, str | None],
        retry: RetryConfig,
        ledger: Ledger,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        deadline: float | None = None,
        shared: Shared | None = None,
    ) -> None:
        self.client, self.retry, self.ledger = client, retry, ledger
        self.shared = shared or Shared()
        self.keys = keys
        self.sleep, self.rand, self.clock = sleep, rand, clock
        self.deadline = deadline  # on ``clock``; ``None``: calls may take as long as they take
        self.apis = PROVIDERS
        self.breakers = {p.name: Breaker(retry.breaker_threshold) for p in providers}
        self.slots = {p.name: asyncio.Semaphore(p.max_concurrency) for p in providers}
        self.plain_text: set[str] = set()  # providers that refused JSON mode

    def is_open(self, name: str) -> bool:
        return self.breakers[name].open_reason is not None

    async def call(
        self, config: ProviderConfig, chat: ChatRequest, reservation: int, call: Call | None = None
    ) -> CallResult:
        """One logical call with retries, dropped at the deadline; the ledgers see every try."""
        tally = _Tally(call=call or Call(config.api, config.name, "", ()))
        left = None if self.deadline is None else self.deadline - self.clock()
        if left is not None and left <= 0:
            return tally.dropped(0)
        started = self.clock()
        scope = asyncio.timeout(left)
        try:
            async with scope:
                return await self._tries(config, chat, reservation, tally)
        except TimeoutError:
            if not scope.expired():
                raise
            return tally.dropped(round((self.clock() - started) * 1000))

    async def _tries(
        self, config: ProviderConfig, chat: ChatRequest, reservation: int, tally: _Tally
    ) -> CallResult:
        while tally.tries <= self.retry.max_retries:
            tried = await self._try(config, chat, reservation, tally)
            if tried is None:
                return tally.result(None, budget_refused=True)
            if isinstance(tried, Failure):  # the circuit opened: no point waiting for it
                tally.failure = tally.failure or tried
                break
            outcome, cost, over = tried
            tally.tries, tally.spent = tally.tries + 1, tally.spent + cost
            tally.latency += outcome.latency_ms
            tally.overcharge = tally.overcharge or over
            if isinstance(outcome, Reply):
                self.breakers[config.name].record(None)
                return tally.result(outcome)
            tally.failure = outcome
            if outcome.json_rejected:  # a missing feature, not an outage: ask again in plain text
                self.plain_text.add(config.name)
                continue
            self.breakers[config.name].record(outcome)
            wait = self._wait(outcome, tally.tries - 1)
            if wait is None or tally.tries > self.retry.max_retries:
                break
            await self.sleep(wait)
        return tally.result(None)

    async def _try(
        self, config: ProviderConfig, chat: ChatRequest, reservation: int, tally: _Tally
    ) -> tuple[Reply | Failure, int, bool] | Failure | None:
        """One HTTP try under the semaphore and a fresh reservation.

        ``None`` when the budget cannot cover it; a bare ``Failure`` when the provider's circuit
        opened while this try waited for its turn.
        """
        async with self.slots[config.name]:
            reason = self.breakers[config.name].open_reason
            if reason is not None:
                return Failure("error", f"circuit open: {reason}", False)
            if not await self.ledger.reserve(reservation):
                return None
            booked = self.shared.reserve(reservation, tally.call)
            if isinstance(booked, Refused):
                self.ledger.settle(reservation, 0)
                return None
            if config.name in self.plain_text:
                chat = replace(chat, json_mode=False)
            api, key = self.apis[config.api], self.keys.get(config.name)
            try:
                outcome = await send_once(self.client, api, config, key, chat, self.retry,
                                          self.clock)  # fmt: skip
            except BaseException:
                # Cancelled in flight: the provider may still bill it, so the worst case stands.
                tally.spent += self.ledger.settle(reservation, reservation)
                tally.tries += 1
                raise
            cost = charge(config, outcome, reservation)
            charged = self.ledger.settle(reservation, cost)
            filed = _filed(config, outcome, charged)
            pending = Pending(tally.call, booked, filed, _source(outcome))
            if isinstance(outcome, Reply):
                tally.pending = pending  # an answer waits for its verdict
            else:
                self.shared.attempt(pending)
            return outcome, charged, cost > reservation

    def _wait(self, failure: Failure, attempt: int) -> float | None:
        """Seconds before the next try, or ``None`` when another try is pointless."""
        if not failure.retryable or failure.fatal:
            return None
        wait = failure.retry_after_s
        if wait is not None:
            # A server asking for a longer pause than we would ever wait: fall back instead.
            return wait if wait <= self.retry.max_backoff_s else None
        return backoff_s(attempt, self.retry, self.rand)

    def outages(self) -> dict[str, str]:
        """Providers whose breaker opened, with the reason."""
        return {n: b.open_reason for n, b in self.breakers.items() if b.open_reason is not None}
