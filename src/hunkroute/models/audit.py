"""Which hunks a second model is also asked about, so that learning sees what routing hides.

A silent miss (a model that finds nothing where there was something) is invisible to the
gates; only asking a second model about the same hunk shows it. Two ways, both ordinary
budgeted calls of one hunk each:

- an **exploration** asks a cheaper model too about a hunk the plan gave to the category's best
  model: cheap, and it answers "would this cheaper model have found it?" directly;
- an **audit** asks the best model too about a hunk the plan gave to a cheaper one: dear, and
  the only way to keep checking a pair that routing already trusts.

On a hunk that is audited the best model's answer is there anyway, so the other models may be
explored on it too. Which hunks: a deterministic draw per (hunk id, model) against a rate that
follows what the one question routing asks of the pair — is it good enough for the category? —
may still cost if answered wrong: high while few comparisons leave the posterior wide, or while
they contradict the claim routing still uses, down to ``MIN_RATE`` once that is settled.
How much: hunks that need no audit first, then the rest, cheapest first, a hunk's calls all or
none, while they fit
``learning.audit_share`` of the budget and what the run left of it — so the run's reservations
plus the audits' never exceed the budget.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from hunkroute.config import CategoryConfig, Config, ProviderConfig
from hunkroute.model import Route
from hunkroute.models.learning import PairEvidence, best_for, posterior, prior_recall
from hunkroute.plan import PROMPT_OVERHEAD_CHARS, PlanItem, hunk_chars, request_cost
from hunkroute.plan import tokens_for_chars as tokens

AuditKind = Literal["audit", "explore"]
MIN_RATE = 0.04  # a known pair is still checked now and then: code and models change
FULL_LOSS = 0.5  # quality points a wrong eligibility call may cost in expectation: always check


@dataclass(frozen=True, slots=True)
class AuditCall:
    """One extra request: ``model`` asked about one hunk the plan gave to ``routed``.

    An audit asks ``best`` and judges ``routed``; an exploration asks and judges ``model``.
    """

    hunk_id: str
    category: str
    model: str
    routed: str
    best: str  # whose answer the comparison takes as the truth
    kind: AuditKind
    est_input_tokens: int
    max_output_tokens: int
    reservation_nano: int


def draw(hunk_id: str, model: str) -> float:
    """A number in [0, 1) fixed by the hunk and the model: the same ledger, the same audits."""
    digest = hashlib.sha256(f"{hunk_id}\0{model}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def rate(
    evidence: PairEvidence | None,
    provider: ProviderConfig,
    best: ProviderConfig,
    category: CategoryConfig,
    min_samples: int,
) -> float:
    """How often to compare this pair with the best model: in proportion to the quality the
    routing call in force ("good enough for ``min_quality``?") may lose, under the posterior.

    The call in force is made on the claim until ``min_samples`` comparisons, then on the
    learned quality. Its expected loss (quality points on the wrong side of the line, normal
    approximation) is large while the posterior is wide near the line or disagrees with the
    claim still in force, and small once the answer is settled; ``FULL_LOSS`` or more is
    checked on every hunk.
    """
    belief = posterior(evidence, prior_recall(provider, best, category.name), min_samples)
    scale = best.quality_for(category.name)
    mean, spread = scale * belief.mean, max(scale * belief.sd, 1e-9)
    known = evidence is not None and evidence.compared >= min_samples
    in_force = mean if known else provider.quality_for(category.name)
    k = (category.min_quality - mean) / spread
    density = math.exp(-k * k / 2) / math.sqrt(2 * math.pi)
    below = 0.5 * math.erfc(-k / math.sqrt(2))  # P(quality < min_quality)
    if in_force >= category.min_quality:  # routed as good enough: loss if it is not
        loss = spread * (density + k * below)
    else:  # left out: loss if it is good enough after all
        loss = spread * (density - k * (1 - below))
    return max(MIN_RATE, min(1.0, loss / FULL_LOSS))


def allowance(config: Config, budget_nano: int, reserved_nano: int) -> int:
    """What audits may reserve: their share of the budget, and no more than is left of it."""
    return max(0, min(int(budget_nano * config.learning.audit_share), budget_nano - reserved_nano))


def choose(
    routes: Sequence[Route],
    items: Sequence[PlanItem],
    config: Config,
    providers: Sequence[ProviderConfig],
    evidence: Mapping[tuple[str, str], PairEvidence],
    allowance_nano: int,
) -> tuple[AuditCall, ...]:
    """The audits and explorations of a run's routes, within ``allowance_nano`` together.

    A hunk's calls are booked together or not at all, since an exploration of a hunk the best
    model was not routed to needs that hunk's audit; hunks that need no audit go first.
    """
    left = allowance_nano
    hunks = {item.hunk.id: item for item in items}
    groups = [
        _wanted(route, hunks[route.hunk_id], config, providers, evidence)
        for route in routes
        if route.model is not None and route.hunk_id in hunks
    ]
    groups.sort(
        key=lambda g: (any(c.kind == "audit" for c in g), _cost(g), g[0].hunk_id if g else "")
    )
    chosen: list[AuditCall] = []
    for group in groups:
        if group and _cost(group) <= left:
            chosen += group
            left -= _cost(group)
    return tuple(sorted(chosen, key=lambda c: (c.hunk_id, c.model)))


def _cost(group: Sequence[AuditCall]) -> int:
    return sum(c.reservation_nano for c in group)


def _wanted(
    route: Route,
    item: PlanItem,
    config: Config,
    providers: Sequence[ProviderConfig],
    evidence: Mapping[tuple[str, str], PairEvidence],
) -> list[AuditCall]:
    """The calls one hunk draws: explorations of the models other than the routed and the best
    one, and an audit of the routed model by the best one — drawn for its own sake, or brought
    along by an exploration, which needs the best model's answer to compare with."""
    best = best_for(providers, route.category)
    category = config.categories.get(route.category)
    if best is None or category is None or route.model is None:
        return []
    in_tokens = tokens(PROMPT_OVERHEAD_CHARS + hunk_chars(item.hunk, category))
    out_tokens = category.max_output_tokens

    def call(
        asked: ProviderConfig, judged: ProviderConfig, kind: AuditKind, needed: bool = False
    ) -> AuditCall | None:
        fits = in_tokens + out_tokens <= asked.context_window and judged.supports(route.category)
        known = evidence.get((judged.name, route.category))
        odds = rate(known, judged, best, category, config.learning.min_samples)
        if not fits or not (needed or draw(route.hunk_id, judged.name) < odds):
            return None
        cost = request_cost(asked, in_tokens, out_tokens)
        return AuditCall(route.hunk_id, route.category, asked.name, route.model or "", best.name,
                         kind, in_tokens, out_tokens, cost)  # fmt: skip

    others = [p for p in providers if p.name not in (best.name, route.model)]
    explores = [c for c in (call(p, p, "explore") for p in others) if c is not None]
    if route.model == best.name:
        return explores
    routed = next(p for p in providers if p.name == route.model)
    audit = call(best, routed, "audit", needed=bool(explores))
    return [audit, *explores] if audit is not None else []
