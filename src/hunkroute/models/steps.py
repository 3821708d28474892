"""One work's attempts: the planned model, then fallbacks while calls fail or answers do not parse.

A ``Stepper`` makes each attempt: build the prompt, pick the model (the real prompt must fit
its context window), answer from the cache if it can, else reserve and call through the
``Gateway``, parse the answer, and log one structured line per call.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from hunkroute.config import Config, ProviderConfig
from hunkroute.ledger import Call
from hunkroute.model import Attempt, AttemptOutcome, nano_to_usd
from hunkroute.models import answers, prompts
from hunkroute.models.answers import Answer, Unparseable
from hunkroute.models.cache import AnswerCache, cache_key
from hunkroute.models.providers.interface import ChatRequest, Reply
from hunkroute.models.resilience import CallResult, Gateway
from hunkroute.models.rounds import Outcome, Work
from hunkroute.models.spend import Pending
from hunkroute.plan import by_value, eligible, request_cost, tokens_for_chars

log = logging.getLogger("hunkroute.calls")


@dataclass(frozen=True, slots=True)
class Step:
    """One attempt's record, its answer if it had a usable one, and whether to stop trying."""

    attempt: Attempt | None
    answer: Answer | None = None
    unparseable: str | None = None
    out_of_budget: bool = False
    dropped: bool = False  # at the run's deadline
    pending: Pending | None = None  # the answered try, for the ledger once it is judged


@dataclass
class Stepper:
    """Makes the attempts of every work of the run."""

    gateway: Gateway
    cache: AnswerCache
    providers: Sequence[ProviderConfig]
    config: Config
    title: str
    files: Mapping[str, str | None]
    failures: dict[str, list[str]] = field(default_factory=dict)
    overcharged: set[str] = field(default_factory=set)

    async def work(self, work: Work) -> Outcome:
        """Attempts for one work until an answer, the attempt cap, or the budget stops it."""
        category = self.config.categories[work.batch.category]
        tried, feedback = list(work.tried), work.feedback
        attempts: list[Attempt] = []
        limit = (self.config.max_attempts if self.config.fallback else 1) - work.used
        redacted: frozenset[str] = frozenset()
        while len(attempts) < limit:
            prompt = prompts.build(work.hunks, category, self.title, self.files, feedback)
            redacted |= prompt.redacted
            out_tokens = category.max_output_tokens * len(work.hunks)
            provider = self.pick(work, tried, prompt, out_tokens)
            if provider is None:
                if not attempts:
                    attempts.append(self._no_model(work, tried))
                break
            tried.append(provider.name)
            chat = ChatRequest(prompt.system, prompt.user, out_tokens, provider.json_mode,
                               provider.temperature)  # fmt: skip
            step = await self.attempt(provider, chat, work)
            if step.attempt is not None:
                attempts.append(step.attempt)
            if step.answer is not None or step.out_of_budget or step.dropped:
                return Outcome(work, tuple(attempts), step.answer, redacted, step.out_of_budget,
                               step.dropped, step.pending)  # fmt: skip
            if step.unparseable:
                feedback = (f"Your previous answer could not be used ({step.unparseable}). "
                            'Answer with the JSON object {"findings": [...]} only.')  # fmt: skip
        return Outcome(work, tuple(attempts), None, redacted)

    def pick(
        self, work: Work, tried: Sequence[str], prompt: prompts.Prompt, out_tokens: int
    ) -> ProviderConfig | None:
        """The planned model first, then the best value among the rest that can hold it; an
        audit's model only."""
        category = self.config.categories[work.batch.category]
        in_tokens = tokens_for_chars(len(prompt.system) + len(prompt.user))
        audit = work.batch.audit  # one model asked on purpose, whatever its claimed quality
        usable = [
            p
            for p in (self.providers if audit else eligible(self.providers, category, 0))
            if p.name not in tried
            and not self.gateway.is_open(p.name)
            and in_tokens + out_tokens <= p.context_window
        ]
        planned = [p for p in usable if p.name == work.batch.model and not tried]
        if audit:  # another model's answer would compare nothing
            return planned[0] if planned else None
        ranked = by_value(usable, in_tokens, out_tokens, category.name)
        choices = planned or ranked
        return choices[0] if choices else None

    def _no_model(self, work: Work, tried: Sequence[str]) -> Attempt:
        closed = ", ".join(sorted(self.gateway.outages())) or "none"
        detail = (
            f"no usable model left (tried: {', '.join(tried) or 'none'}; circuit open: {closed})"
        )
        return Attempt(work.batch.model, "error", detail=detail)

    async def attempt(self, provider: ProviderConfig, chat: ChatRequest, work: Work) -> Step:
        """Cache, or reserve and call; then parse."""
        key = cache_key(provider, chat, prompts.PROMPT_VERSION)
        batch = work.batch
        call = Call(provider.api, provider.name, batch.category, batch.hunk_ids, batch.audit)
        hit = self.cache.get(key)
        if hit is not None:
            parsed = answers.parse(hit.text, work.hunks, provider.name, work.batch.category)
            if isinstance(parsed, Answer):
                attempt = Attempt(provider.name, "cached", detail=_dropped("cache hit", parsed))
                self._log(provider, work, attempt)
                return Step(attempt, parsed, pending=Pending(call, None, attempt, "cache"))
        in_tokens = tokens_for_chars(len(chat.system) + len(chat.user))
        reservation = request_cost(provider, in_tokens, chat.max_output_tokens)
        result = await self.gateway.call(provider, chat, reservation, call)
        if result.overcharge:
            self.overcharged.add(provider.name)
        step = self._step(provider, work, result)
        if step.answer is not None and result.reply is not None:
            self.cache.put(key, result.reply.text, result.reply.usage)
        if step.attempt is not None:
            self._log(provider, work, step.attempt)
        return step

    def _step(self, provider: ProviderConfig, work: Work, result: CallResult) -> Step:
        if result.budget_refused and result.tries == 0:
            return Step(None, out_of_budget=True)
        tokens = _tokens(result.reply)
        base = Attempt(provider.name, "error", *tokens[:2], result.cost_nano, result.latency_ms,
                       cached_tokens=tokens[2])  # fmt: skip
        if result.reply is None:
            assert result.failure is not None or result.budget_refused
            detail = result.failure.detail if result.failure else "no answer"
            detail += f" ({result.tries} tr{'y' if result.tries == 1 else 'ies'})"
            if result.dropped:  # not the provider's fault: no outage, no fallback
                return Step(_with(base, "timeout", detail), dropped=True)
            self.failures.setdefault(provider.name, []).append(detail)
            outcome = result.failure.outcome if result.failure else "error"
            if result.budget_refused:
                detail += "; budget exhausted before the next try"
            return Step(_with(base, outcome, detail), out_of_budget=result.budget_refused)
        parsed = answers.parse(result.reply.text, work.hunks, provider.name, work.batch.category)
        if isinstance(parsed, Unparseable):
            if result.pending is not None:  # no answer, no verdict: filed now
                self.gateway.shared.attempt(result.pending.judged("unparseable"))
            return Step(_with(base, "unparseable", parsed.reason), unparseable=parsed.reason)
        return Step(_with(base, "ok", _dropped("", parsed)), parsed, pending=result.pending)

    def _log(self, provider: ProviderConfig, work: Work, attempt: Attempt) -> None:
        log.info(
            "call provider=%s model=%s category=%s hunks=%d input_tokens=%d output_tokens=%d "
            "cost_usd=%.9f latency_ms=%d outcome=%s",
            provider.name, provider.model, work.batch.category, len(work.hunks),
            attempt.input_tokens, attempt.output_tokens, nano_to_usd(attempt.cost_nano),
            attempt.latency_ms, attempt.outcome,
        )  # fmt: skip


def _tokens(reply: Reply | None) -> tuple[int, int, int]:
    """Input, output and cached input tokens the provider billed."""
    if reply is None or reply.usage is None:
        return 0, 0, 0
    usage = reply.usage
    return usage.input_tokens, usage.output_tokens, usage.cached_input_tokens


def _with(base: Attempt, outcome: AttemptOutcome, detail: str) -> Attempt:
    return replace(base, outcome=outcome, detail=detail)


def _dropped(prefix: str, answer: Answer) -> str:
    if not answer.dropped:
        return prefix
    text = f"dropped {len(answer.dropped)}: " + "; ".join(answer.dropped)
    return f"{prefix}; {text}" if prefix else text
