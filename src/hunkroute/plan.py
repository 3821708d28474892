"""Hunks × models × budget → a ``Plan``: which model reviews which hunk, in which request.

Pure and deterministic. The steps, each a small function:

1. hunks that need no model (skip, size caps) get a route with the reason and no cost;
2. the rest are grouped per file and category into requests that fit the model's context;
3. each request goes to the best-value eligible model (quality per dollar, the seed's "value
   efficiency"), among models that support the category and reach its ``min_quality``; quality
   is what was learned on this codebase where ``learned`` has the pair, else the config's claim;
   — except hunks with a blocking prescan finding when ``escalate_on_findings`` is on: they
   start on the highest-quality model (evidence of risk, not spare budget, buys the upgrade);
4. requests are booked riskiest first; what does not fit the budget tries a cheaper model, then
   is split, then is ``skipped_budget`` — so boilerplate is dropped before review;
5. leftover budget (up to ``upgrade_share`` of it, 0 by default: cheapest good enough) upgrades
   the riskiest requests to the highest-quality model.

A route's reason says which of these chose its model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hunkroute.config import CategoryConfig, Config, ProviderConfig
from hunkroute.model import (
    SKIP,
    Batch,
    Classification,
    Hunk,
    HunkStatus,
    Learned,
    Plan,
    Route,
    token_cost_nano,
)

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


def make_plan(
    items: Sequence[PlanItem],
    config: Config,
    providers: Sequence[ProviderConfig],
    budget_nano: int,
    interactive: bool = False,
    learned: Learned | None = None,
) -> Plan:
    """Route every hunk; the sum of reservations never exceeds ``budget_nano``."""
    learned = learned or {}
    claimed = providers
    providers = with_learned(providers, learned)
    config = replace(config, providers=with_learned(config.providers, learned))
    routes: dict[str, Route] = {}
    worthy: list[PlanItem] = []
    for item in items:
        reason = _no_model_reason(item, config)
        if reason is None:
            worthy.append(item)
        else:
            routes[item.hunk.id] = reason
    worthy = _cap_hunks(worthy, config, routes)
    pool = _prefer_fast(providers) if interactive else list(providers)
    requests = _requests(worthy, config, pool, routes)
    requests = _cap_requests(requests, config, routes)
    booked = _book(requests, config, pool, budget_nano, routes)
    booked = _upgrade(booked, config, pool, budget_nano)
    batches = tuple(replace(b, id=f"b{i + 1}") for i, b in enumerate(booked))
    for batch in batches:
        routes.update(_routes_for(batch, config, learned))
    ordered = tuple(routes[item.hunk.id] for item in items)
    estimates = premium_estimates(worthy, config, claimed)
    used = tuple(learned[key] for key in sorted(learned))
    return Plan(budget_nano, ordered, batches, sum(estimates.values()), estimates, used)


def with_learned(
    providers: Sequence[ProviderConfig], learned: Learned
) -> tuple[ProviderConfig, ...]:
    """The providers with their learned quality in place of the claim, pair by pair."""
    result = []
    for p in providers:
        mine = {cat: q.quality for (name, cat), q in learned.items() if name == p.name}
        result.append(replace(p, quality={**p.quality, **mine}) if mine else p)
    return tuple(result)


def _no_model_reason(item: PlanItem, config: Config) -> Route | None:
    category = item.classification.category
    if item.skip_status is not None:
        return Route(item.hunk.id, category, None, item.skip_status, item.skip_reason or "")
    if category == SKIP:
        return Route(item.hunk.id, category, None, "skipped", "category skip: no model needed")
    if len(item.hunk.added) > config.files.max_hunk_lines:
        limit = config.files.max_hunk_lines
        reason = f"{len(item.hunk.added)} added lines > files.max_hunk_lines {limit}"
        return Route(item.hunk.id, category, None, "skipped_limit", reason)
    return None


def _by_risk(items: Sequence[PlanItem], config: Config) -> list[PlanItem]:
    return sorted(items, key=lambda i: -config.risk(i.classification.category))


def _cap_hunks(items: list[PlanItem], config: Config, routes: dict[str, Route]) -> list[PlanItem]:
    """Past ``limits.max_hunks``, the least risky hunks get no model."""
    cap = config.limits.max_hunks
    if len(items) <= cap:
        return items
    ranked = _by_risk(items, config)
    for item in ranked[cap:]:
        reason = f"more than limits.max_hunks ({cap}) hunks need a model"
        routes[item.hunk.id] = Route(
            item.hunk.id, item.classification.category, None, "skipped_limit", reason
        )
    kept = {i.hunk.id for i in ranked[:cap]}
    return [i for i in items if i.hunk.id in kept]


def _prefer_fast(providers: Sequence[ProviderConfig]) -> list[ProviderConfig]:
    """Interactive runs use only low-latency models when there are any."""
    fast = [p for p in providers if (p.latency_target_ms or math.inf) <= LOW_LATENCY_MS]
    return fast or list(providers)


def _requests(
    items: list[PlanItem],
    config: Config,
    providers: Sequence[ProviderConfig],
    routes: dict[str, Route],
) -> list[Batch]:
    """Group hunks per file and category into requests, each given its best-value model."""
    groups: dict[tuple[str, str, bool], list[PlanItem]] = {}
    for item in items:
        key = (item.hunk.file, item.classification.category, bool(item.escalation))
        groups.setdefault(key, []).append(item)
    requests: list[Batch] = []
    for (file, name, _), group in groups.items():
        category = config.categories[name]
        for chunk in _chunks(group, category, providers):
            batch = _batch(file, category, [i.hunk for i in chunk], providers)
            if batch is None:
                routes.update(_no_provider(chunk, category))
            else:
                escalate = config.escalate_on_findings and bool(chunk[0].escalation)
                requests.append(_escalate(batch, chunk, category, providers) if escalate else batch)
    return requests


def _escalate(
    batch: Batch,
    chunk: list[PlanItem],
    category: CategoryConfig,
    providers: Sequence[ProviderConfig],
) -> Batch:
    """A request about hunks with a blocking prescan finding starts on the best model."""
    best = _best(batch, category, providers)
    if best.quality_for(category.name) <= _quality(providers, batch.model, category.name):
        return batch
    why = ", ".join(dict.fromkeys(i.escalation for i in chunk))
    return replace(batch, model=best.name, reservation_nano=_cost_on(batch, best), escalation=why)


def _best(
    batch: Batch, category: CategoryConfig, providers: Sequence[ProviderConfig]
) -> ProviderConfig:
    """The highest-quality eligible model for a request (the cheaper one on a tie)."""
    return max(
        eligible(providers, category, batch.est_input_tokens),
        key=lambda p: (p.quality_for(category.name), -_cost_on(batch, p), p.name),
    )


def _quality(providers: Sequence[ProviderConfig], name: str, category: str) -> float:
    return next(p.quality_for(category) for p in providers if p.name == name)


def _chunks(
    group: list[PlanItem], category: CategoryConfig, providers: Sequence[ProviderConfig]
) -> list[list[PlanItem]]:
    """Split a group so that each request fits the largest eligible context window."""
    window = max((p.context_window for p in providers if p.supports(category.name)), default=0)
    limit = window - category.max_output_tokens
    chunks: list[list[PlanItem]] = []
    current: list[PlanItem] = []
    chars = PROMPT_OVERHEAD_CHARS
    for item in group:
        size = hunk_chars(item.hunk, category)
        full = len(current) >= MAX_HUNKS_PER_REQUEST
        if current and (full or tokens_for_chars(chars + size) > limit):
            chunks.append(current)
            current, chars = [], PROMPT_OVERHEAD_CHARS
        current.append(item)
        chars += size
    if current:
        chunks.append(current)
    return chunks


def _batch(
    file: str, category: CategoryConfig, hunks: list[Hunk], providers: Sequence[ProviderConfig]
) -> Batch | None:
    chars = PROMPT_OVERHEAD_CHARS + sum(hunk_chars(h, category) for h in hunks)
    input_tokens = tokens_for_chars(chars)
    output_tokens = category.max_output_tokens * len(hunks)
    candidates = by_value(
        eligible(providers, category, input_tokens), input_tokens, output_tokens, category.name
    )
    if not candidates:
        return None
    best = candidates[0]
    cost = request_cost(best, input_tokens, output_tokens)
    ids = tuple(h.id for h in hunks)
    return Batch("", best.name, category.name, file, ids, input_tokens, output_tokens, cost)


def _no_provider(chunk: list[PlanItem], category: CategoryConfig) -> dict[str, Route]:
    reason = (
        f"no provider: none supports {category.name!r} with quality >= "
        f"{category.min_quality:g} and a context window that holds the prompt"
    )
    return {i.hunk.id: Route(i.hunk.id, category.name, None, "gated", reason) for i in chunk}


def _cap_requests(requests: list[Batch], config: Config, routes: dict[str, Route]) -> list[Batch]:
    """Past ``limits.max_model_requests``, the least risky requests are not sent."""
    cap = config.limits.max_model_requests
    ranked = sorted(requests, key=lambda b: -config.risk(b.category))
    for batch in ranked[cap:]:
        reason = f"more than limits.max_model_requests ({cap}) requests"
        for hunk_id in batch.hunk_ids:
            routes[hunk_id] = Route(hunk_id, batch.category, None, "skipped_limit", reason)
    kept = {id(b) for b in ranked[:cap]}
    return [b for b in requests if id(b) in kept]


def _book(
    requests: list[Batch],
    config: Config,
    providers: Sequence[ProviderConfig],
    budget_nano: int,
    routes: dict[str, Route],
) -> list[Batch]:
    """Book requests riskiest first; a request that does not fit gets cheaper, smaller, or none."""
    booked: list[tuple[int, int, Batch]] = []
    left = budget_nano
    ranked = sorted(range(len(requests)), key=lambda i: -config.risk(requests[i].category))
    for index in ranked:
        batch = requests[index]
        options = _fitting_options(batch, config, providers, left)
        for sub, option in enumerate(options):
            booked.append((index, sub, option))
            left -= option.reservation_nano
        covered = {h for option in options for h in option.hunk_ids}
        for hunk_id in batch.hunk_ids:
            if hunk_id not in covered:
                reason = f"budget: ${left / 1e9:.6f} left of ${budget_nano / 1e9:.4f}"
                routes[hunk_id] = Route(hunk_id, batch.category, None, "skipped_budget", reason)
    return [option for _, _, option in sorted(booked, key=lambda entry: entry[:2])]


def _fitting_options(
    batch: Batch, config: Config, providers: Sequence[ProviderConfig], left: int
) -> list[Batch]:
    """The batch as is, on a cheaper model, or split into single hunks that fit one by one."""
    if batch.reservation_nano <= left:
        return [batch]
    cheaper = _cheapest_fitting(batch, config, providers, left)
    if cheaper is not None:
        return [cheaper]
    if len(batch.hunk_ids) == 1:
        return []
    singles: list[Batch] = []
    per_hunk_input = max(1, batch.est_input_tokens // len(batch.hunk_ids))
    category = config.categories[batch.category]
    for hunk_id in batch.hunk_ids:
        single = replace(
            batch,
            hunk_ids=(hunk_id,),
            est_input_tokens=per_hunk_input + tokens_for_chars(PROMPT_OVERHEAD_CHARS),
            max_output_tokens=category.max_output_tokens,
        )
        single = replace(single, reservation_nano=_cost_on(single, config.provider(single.model)))
        option = (
            single
            if single.reservation_nano <= left
            else _cheapest_fitting(single, config, providers, left)
        )
        if option is not None:
            singles.append(option)
            left -= option.reservation_nano
    return singles


def _cost_on(batch: Batch, provider: ProviderConfig) -> int:
    return request_cost(provider, batch.est_input_tokens, batch.max_output_tokens)


def _cheapest_fitting(
    batch: Batch, config: Config, providers: Sequence[ProviderConfig], left: int
) -> Batch | None:
    category = config.categories[batch.category]
    options = sorted(
        (_cost_on(batch, p), p.name) for p in eligible(providers, category, batch.est_input_tokens)
    )
    cost, name = options[0] if options else (left + 1, "")
    cheaper = replace(batch, model=name, reservation_nano=cost, escalation="")
    return cheaper if cost <= left else None


def _upgrade(
    booked: list[Batch], config: Config, providers: Sequence[ProviderConfig], budget_nano: int
) -> list[Batch]:
    """Spend leftover budget (up to ``upgrade_share``) on better models for the riskiest work."""
    left = budget_nano - sum(b.reservation_nano for b in booked)
    allowance = min(left, int(budget_nano * config.upgrade_share))
    result = list(booked)
    ranked = sorted(range(len(result)), key=lambda i: -config.risk(result[i].category))
    for index in ranked:
        batch = result[index]
        category = config.categories[batch.category]
        if not category.upgrade or allowance <= 0:
            continue
        best = _best(batch, category, providers)
        extra = _cost_on(batch, best) - batch.reservation_nano
        current = config.provider(batch.model).quality_for(category.name)
        if best.quality_for(category.name) > current and 0 < extra <= allowance:
            result[index] = replace(
                batch,
                model=best.name,
                reservation_nano=batch.reservation_nano + extra,
                upgraded_from=batch.model,
            )
            allowance -= extra
    return result


def _routes_for(batch: Batch, config: Config, learned: Learned) -> dict[str, Route]:
    """Routes of a batch's hunks, the reservation shared so the hunks add up to the batch."""
    share, extra = divmod(batch.reservation_nano, len(batch.hunk_ids))
    known = learned.get((batch.model, batch.category))
    quality = (
        known.reason
        if known
        else f"quality {config.provider(batch.model).quality_for(batch.category):g}"
    )
    quality = f"{batch.model}: {quality}"
    if batch.upgraded_from:
        reason = (
            f"{quality}, upgraded from {batch.upgraded_from} with leftover budget "
            f"(upgrade_share {config.upgrade_share:g}, {batch.category} allows upgrades)"
        )
    elif batch.escalation:
        reason = f"{quality}, escalated: {batch.escalation}"
    else:
        reason = f"{quality}, best value"
    reason += _left_out(batch, config, learned)
    tokens = batch.est_input_tokens // len(batch.hunk_ids)
    output = batch.max_output_tokens // len(batch.hunk_ids)
    return {
        hunk_id: Route(
            hunk_id,
            batch.category,
            batch.model,
            None,
            reason,
            tokens,
            output,
            share + (extra if i == 0 else 0),
            batch.id,
        )  # fmt: skip
        for i, hunk_id in enumerate(batch.hunk_ids)
    }


def _left_out(batch: Batch, config: Config, learned: Learned) -> str:
    """The models whose claim made the cut but whose learned quality did not, and why."""
    floor = config.categories[batch.category].min_quality
    out = [
        f"; {q.model} left out: {q.reason}"
        for (_, category), q in sorted(learned.items())
        if category == batch.category and q.model != batch.model and q.quality < floor <= q.claimed
    ]
    return "".join(out)


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
