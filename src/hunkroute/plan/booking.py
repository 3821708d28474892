"""Booking requests against the budget: caps, cheaper models, splits, and upgrades.

Steps 4 and 5 of the plan (see ``plan/__init__.py``): requests are booked riskiest first; what
does not fit tries a cheaper model, then is split, then is ``skipped_budget``; leftover budget,
up to ``upgrade_share``, upgrades the riskiest requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hunkroute.config import Config, ProviderConfig
from hunkroute.model import Batch, Route
from hunkroute.plan.cost import (
    PROMPT_OVERHEAD_CHARS,
    best_eligible,
    cost_on,
    eligible,
    tokens_for_chars,
)


def cap_requests(requests: list[Batch], config: Config, routes: dict[str, Route]) -> list[Batch]:
    """Past ``limits.max_model_requests``, the least risky requests are not sent."""
    cap = config.limits.max_model_requests
    ranked = sorted(requests, key=lambda b: -config.risk(b.category))
    for batch in ranked[cap:]:
        reason = f"more than limits.max_model_requests ({cap}) requests"
        for hunk_id in batch.hunk_ids:
            routes[hunk_id] = Route(hunk_id, batch.category, None, "skipped_limit", reason)
    kept = {id(b) for b in ranked[:cap]}
    return [b for b in requests if id(b) in kept]


def book(
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
        single = replace(single, reservation_nano=cost_on(single, config.provider(single.model)))
        option = (
            single
            if single.reservation_nano <= left
            else _cheapest_fitting(single, config, providers, left)
        )
        if option is not None:
            singles.append(option)
            left -= option.reservation_nano
    return singles


def _cheapest_fitting(
    batch: Batch, config: Config, providers: Sequence[ProviderConfig], left: int
) -> Batch | None:
    category = config.categories[batch.category]
    options = sorted(
        (cost_on(batch, p), p.name) for p in eligible(providers, category, batch.est_input_tokens)
    )
    cost, name = options[0] if options else (left + 1, "")
    cheaper = replace(batch, model=name, reservation_nano=cost, escalation="")
    return cheaper if cost <= left else None


def upgrade(
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
        best = best_eligible(batch, category, providers)
        extra = cost_on(batch, best) - batch.reservation_nano
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
