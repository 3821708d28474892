"""What a request costs and which models may take it: token estimates, worst-case prices,
eligibility and value, and the best configured model per category (the premium baseline).

Pure; the planner and the model stage both price requests with these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hunkroute.config import CategoryConfig, Config, ProviderConfig
from hunkroute.model import Batch, Classification, Hunk, HunkStatus, Learned, token_cost_nano

PROMPT_OVERHEAD_CHARS = 2400  # instructions and answer format, per request
PER_HUNK_OVERHEAD_CHARS = 120  # fences and headers around each hunk
CONTEXT_LINE_CHARS = 48  # a typical source line, for the surrounding code we send
CHARS_PER_TOKEN = 3  # conservative: real code runs 3.5 to 4 chars a token
MAX_HUNKS_PER_REQUEST = 8  # beyond this, answers get long and line numbers sloppy
LOW_LATENCY_MS = 1000


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A hunk, its category, and why it needs no model (when it does not)."""

    hunk: Hunk
    classification: Classification
    skip_status: HunkStatus | None = None
    skip_reason: str | None = None
    # Evidence for a stronger first model ("blocking prescan finding B602"), used when
    # ``escalate_on_findings`` is on.
    escalation: str = ""


def tokens_for_chars(chars: int) -> int:
    return math.ceil(chars / CHARS_PER_TOKEN)


def hunk_chars(hunk: Hunk, category: CategoryConfig) -> int:
    """What one hunk adds to a prompt: its lines plus the surrounding code sent with it."""
    body = sum(len(line.text) + 2 for line in hunk.added + hunk.removed + hunk.context)
    return body + PER_HUNK_OVERHEAD_CHARS + category.context_lines * CONTEXT_LINE_CHARS


def request_cost(provider: ProviderConfig, input_tokens: int, output_tokens: int) -> int:
    """The worst case of one request: all input at list price plus the whole output cap."""
    return token_cost_nano(input_tokens, provider.cost_per_input_token) + token_cost_nano(
        output_tokens, provider.cost_per_output_token
    )


def eligible(
    providers: Sequence[ProviderConfig], category: CategoryConfig, prompt_tokens: int
) -> list[ProviderConfig]:
    """Models that may do this work: support it, are good enough, and can hold the prompt."""
    return [
        p
        for p in providers
        if p.supports(category.name)
        and p.quality_for(category.name) >= category.min_quality
        and prompt_tokens + category.max_output_tokens <= p.context_window
    ]


def by_value(
    candidates: Sequence[ProviderConfig], input_tokens: int, output_tokens: int, category: str
) -> list[ProviderConfig]:
    """Best value first: quality per dollar, then cheaper, then by name (deterministic)."""

    def key(p: ProviderConfig) -> tuple[float, int, str]:
        cost = request_cost(p, input_tokens, output_tokens)
        value = p.quality_for(category) / cost if cost else math.inf
        return (-value, cost, p.name)

    return sorted(candidates, key=key)


def with_learned(
    providers: Sequence[ProviderConfig], learned: Learned
) -> tuple[ProviderConfig, ...]:
    """The providers with their learned quality in place of the claim, pair by pair."""
    result = []
    for p in providers:
        mine = {cat: q.quality for (name, cat), q in learned.items() if name == p.name}
        result.append(replace(p, quality={**p.quality, **mine}) if mine else p)
    return tuple(result)


def best_eligible(
    batch: Batch, category: CategoryConfig, providers: Sequence[ProviderConfig]
) -> ProviderConfig:
    """The highest-quality eligible model for a request (the cheaper one on a tie)."""
    return max(
        eligible(providers, category, batch.est_input_tokens),
        key=lambda p: (p.quality_for(category.name), -cost_on(batch, p), p.name),
    )


def quality_of(providers: Sequence[ProviderConfig], name: str, category: str) -> float:
    return next(p.quality_for(category) for p in providers if p.name == name)


def cost_on(batch: Batch, provider: ProviderConfig) -> int:
    return request_cost(provider, batch.est_input_tokens, batch.max_output_tokens)


def premium_model(providers: Sequence[ProviderConfig], category: str) -> ProviderConfig | None:
    """The best configured model for a category: the highest claimed quality among those that
    support it (any model when none does), the pricier on a tie; ``None`` without providers."""
    pool = [p for p in providers if p.supports(category)] or list(providers)
    if not pool:
        return None
    return max(pool, key=lambda p: (p.quality_for(category), p.cost_per_output_token, p.name))


def premium_estimates(
    items: Sequence[PlanItem], config: Config, providers: Sequence[ProviderConfig]
) -> dict[str, int]:
    """Per hunk, what one request to the best configured model would reserve."""
    estimates: dict[str, int] = {}
    for item in items:
        category = config.categories[item.classification.category]
        best = premium_model(providers, category.name)
        if best is None:
            continue
        chars = PROMPT_OVERHEAD_CHARS + hunk_chars(item.hunk, category)
        cost = request_cost(best, tokens_for_chars(chars), category.max_output_tokens)
        estimates[item.hunk.id] = cost
    return estimates
