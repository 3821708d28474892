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

A route's reason says which of these chose its model. Steps 1–3 are here; prices and
eligibility are in ``cost.py``, booking (steps 4 and 5) in ``booking.py``, and each booked
request's routes in ``routes.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from hunkroute.config import CategoryConfig, Config, ProviderConfig
from hunkroute.model import SKIP, Batch, Hunk, Learned, Plan, Route
from hunkroute.plan.booking import book, cap_requests, upgrade
from hunkroute.plan.cost import (
    LOW_LATENCY_MS,
    MAX_HUNKS_PER_REQUEST,
    PROMPT_OVERHEAD_CHARS,
    PlanItem,
    best_eligible,
    by_value,
    cost_on,
    eligible,
    hunk_chars,
    premium_estimates,
    premium_model,
    quality_of,
    request_cost,
    tokens_for_chars,
    with_learned,
)
from hunkroute.plan.routes import routes_for

__all__ = [
    "PROMPT_OVERHEAD_CHARS",
    "PlanItem",
    "by_value",
    "eligible",
    "hunk_chars",
    "make_plan",
    "premium_estimates",
    "premium_model",
    "request_cost",
    "tokens_for_chars",
    "with_learned",
]


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
    requests = cap_requests(requests, config, routes)
    booked = book(requests, config, pool, budget_nano, routes)
    booked = upgrade(booked, config, pool, budget_nano)
    batches = tuple(replace(b, id=f"b{i + 1}") for i, b in enumerate(booked))
    for batch in batches:
        routes.update(routes_for(batch, config, learned))
    ordered = tuple(routes[item.hunk.id] for item in items)
    estimates = premium_estimates(worthy, config, claimed)
    used = tuple(learned[key] for key in sorted(learned))
    return Plan(budget_nano, ordered, batches, sum(estimates.values()), estimates, used)


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
    best = best_eligible(batch, category, providers)
    if best.quality_for(category.name) <= quality_of(providers, batch.model, category.name):
        return batch
    why = ", ".join(dict.fromkeys(i.escalation for i in chunk))
    return replace(batch, model=best.name, reservation_nano=cost_on(batch, best), escalation=why)


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
