"""The model stage: run the plan's batches concurrently under the budget ledger.

Each batch becomes a ``Work``: one request about some hunks of one file. A work tries its
planned model, then the next best-value eligible models (``plan.eligible``/``plan.by_value``
on the real prompt size) while a call fails, its provider's breaker is open, or the answer does
not parse — up to ``config.max_attempts`` and while the budget allows. When every work of a
round has answered, the suggestions of the whole round are judged at once (the gates start
once per round, not once per hunk); hunks with a rejected suggestion go to the next round as a
new work for the next model, told why. Every attempt is recorded per hunk.

An interactive run has a deadline (``Job.deadline_s``, on the ``clock`` passed in) for the
whole stage, fallback rounds included: calls unanswered by then are dropped (attempt
``timeout``, hunk ``failed``, charged their reservation) and the rest of the run goes on.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from hunkroute.config import Config, ProviderConfig
from hunkroute.model import Batch, HunkResult, Judge, Plan
from hunkroute.models import answers
from hunkroute.models.budget import Ledger
from hunkroute.models.cache import AnswerCache
from hunkroute.models.providers.http import open_client
from hunkroute.models.resilience import Gateway
from hunkroute.models.rounds import ModelStage, Outcome, RoundBook, Work
from hunkroute.models.spend import Shared
from hunkroute.models.steps import Stepper
from hunkroute.plan import PlanItem

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Job:
    """Everything the model stage needs, read at the edges by the pipeline."""

    plan: Plan
    items: Mapping[str, PlanItem]
    config: Config
    providers: tuple[ProviderConfig, ...]
    keys: Mapping[str, str | None] = field(repr=False)
    files: Mapping[str, str | None] = field(repr=False)
    title: str = ""
    deadline_s: float | None = None  # for the whole stage; None: no deadline (``run``)


def run(
    job: Job,
    judge: Judge = answers.checked_judge,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    shared: Shared | None = None,
) -> ModelStage:
    """The model stage, synchronously (it owns its event loop)."""
    return asyncio.run(
        execute(job, judge, transport=transport, progress=progress, clock=clock, shared=shared)
    )


def run_all(
    jobs: Sequence[Job],
    judge: Judge = answers.checked_judge,
    transport: httpx.AsyncBaseTransport | None = None,
    shared: Shared | None = None,
) -> list[ModelStage]:
    """Several jobs at once, each under its own budget: the audit stage, one job per model, so
    that no hunk is twice in one job."""

    async def together() -> list[ModelStage]:
        runs = (execute(job, judge, transport=transport, shared=shared) for job in jobs)
        return list(await asyncio.gather(*runs))

    return asyncio.run(together())


async def execute(
    job: Job,
    judge: Judge = answers.checked_judge,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
    clock: Callable[[], float] = time.monotonic,
    shared: Shared | None = None,
) -> ModelStage:
    """Run every batch, judge every round, and collect per-hunk results.

    ``shared`` books every try in the persistent ledger too; answered tries are filed there
    once their round is judged, so the ledger knows which suggestions the gates accepted.
    """
    ledger = Ledger(job.plan.budget_nano)
    pool = sum(p.max_concurrency for p in job.providers) or 1
    deadline = None if job.deadline_s is None else clock() + job.deadline_s
    async with open_client(pool, transport) as client:
        gateway = Gateway(client, job.providers, job.keys, job.config.retry, ledger, sleep, rand,
                          clock, deadline, shared)  # fmt: skip
        cache = AnswerCache(Path(job.config.cache_dir))
        stepper = Stepper(gateway, cache, job.providers, job.config, job.title, job.files)
        book = RoundBook(job.config, judge, deadline_s=job.deadline_s)
        pending = [_first_work(batch, job) for batch in job.plan.batches]
        while pending:
            outcomes = await _round(stepper, pending, progress)
            pending = book.judge_round(outcomes)
            for judged in filter(None, map(book.judged, outcomes)):
                gateway.shared.attempt(*judged)
    return _stage(job, book, stepper, ledger, gateway)


def _first_work(batch: Batch, job: Job) -> Work:
    return Work(batch, tuple(job.items[i].hunk for i in batch.hunk_ids))


async def _round(
    stepper: Stepper, pending: Sequence[Work], progress: Progress | None
) -> list[Outcome]:
    """All works of a round concurrently (each provider's semaphore bounds its own calls)."""
    done = 0

    async def one(work: Work) -> Outcome:
        nonlocal done
        outcome = await stepper.work(work)
        done += 1
        if progress is not None:
            progress(done, len(pending))
        return outcome

    return list(await asyncio.gather(*(one(w) for w in pending)))


def _stage(
    job: Job, book: RoundBook, stepper: Stepper, ledger: Ledger, gateway: Gateway
) -> ModelStage:
    routes = {r.hunk_id: r for r in job.plan.routes}
    results: dict[str, HunkResult] = {}
    for batch in job.plan.batches:
        for hunk_id in batch.hunk_ids:
            item = job.items[hunk_id]
            attempts = tuple(book.attempts.get(hunk_id, ()))
            results[hunk_id] = HunkResult(
                item.hunk, item.classification, routes[hunk_id], book.status(hunk_id),
                sum(a.cost_nano for a in attempts), attempts, hunk_id in book.redacted,
            )  # fmt: skip
    findings = tuple(f for hunk_id in results for f in book.findings.get(hunk_id, ()))
    problems, covered = book.problems(stepper.failures, gateway.outages(), results.values())
    notes = covered + book.notes(results.values(), stepper.overcharged)
    return ModelStage(results, findings, problems, notes, ledger.spent, ledger.reserved)
