"""The honest premium baseline: what this run would have cost on the best model (issue 14).

``premium_baseline_usd`` answers "what did routing save?", so it must price the same work the
run really did: every request really sent, each priced at the best configured model for its
category (``plan.premium_model``) on the tokens the provider really billed, cached input at the
cached price; plus, for model-worthy hunks that sent nothing (budget, caps, failures before a
request), the plan's estimate at the best model. Hunks answered from the cache cost nothing
either way and count nothing. A try that reported no usage was charged its reservation; it
counts at that charge, since its tokens are unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hunkroute.config import ProviderConfig
from hunkroute.model import Attempt, HunkResult, was_sent
from hunkroute.models.providers.interface import Usage, cost_nano
from hunkroute.plan import premium_model


def honest_baseline(
    results: Sequence[HunkResult],
    estimates: Mapping[str, int],
    providers: Sequence[ProviderConfig],
) -> int:
    """The baseline in nano-dollars (see the module docstring for the formula)."""
    total = 0
    for result in results:
        # audits are the price of learning, not work an all-premium run would have done
        sent = [a for a in result.attempts if was_sent(a) and not a.audit]
        if sent:
            best = premium_model(providers, result.classification.category)
            total += sum(at_best(a, best) for a in sent)
        elif not any(a.outcome == "cached" for a in result.attempts):
            total += estimates.get(result.hunk.id, 0)
    return total


def at_best(attempt: Attempt, best: ProviderConfig | None) -> int:
    """One sent attempt's billed tokens at the best model's prices."""
    if best is None or not (attempt.input_tokens or attempt.output_tokens):
        return attempt.cost_nano
    usage = Usage(attempt.input_tokens, attempt.output_tokens, attempt.cached_tokens)
    return cost_nano(best, usage)
