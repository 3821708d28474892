"""Evidence → learned quality per (model, category): what each model is really worth on this code.

Pure and deterministic: the same evidence gives the same qualities. A model's claimed quality
(the config's score) is a prior; comparisons with the best model for the category update it.
A comparison is a hunk both were asked about (an audit: the best model also asked about a
cheaper model's hunk; or an exploration: a cheaper model also asked about the best model's
hunk) on which the best model found a validated fix; it *matched* when the other model found a
validated fix there too. So each pair has a Beta posterior on its recall relative to the best
model, whose mean starts at ``claim / best claim`` worth ``learning.min_samples`` comparisons,
and

    learned quality = best claim × posterior mean recall.

The claim weighs as much as the first ``min_samples`` comparisons, so a learned quality takes
over only once the evidence is at least as heavy as the claim; with a lighter prior (4) the
frontier bench saw an honest model (true ratio 0.95) pushed under ``min_quality`` by one miss
in 8 and routed around for a third of the stream. A pair with fewer comparisons routes on its
claim; the best model of a category is the yardstick, so
its own quality stays its claim. Gate results (suggestions accepted and rejected by the gates)
go into the explanation, not the number: a rejected suggestion is already a miss in every
comparison it takes part in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hunkroute.config import ProviderConfig
from hunkroute.ledger.interface import Evidence
from hunkroute.model import Finding, Learned, LearnedQuality, LearningRow


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """What is known of one (model, category) pair, summed over the ledger's attempts."""

    model: str
    category: str
    compared: int = 0  # hunks where the best model found a validated fix and this one was asked
    matched: int = 0  # of those, hunks where this model found a validated fix too
    accepted: int = 0  # its suggestions the gates accepted
    rejected: int = 0  # and rejected


@dataclass(frozen=True, slots=True)
class Posterior:
    """A Beta posterior on a pair's recall relative to the best model."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def sd(self) -> float:
        total = self.alpha + self.beta
        return math.sqrt(self.alpha * self.beta / (total * total * (total + 1)))


def best_for(providers: Sequence[ProviderConfig], category: str) -> ProviderConfig | None:
    """The yardstick of a category: the highest claimed quality, then the dearer, then by name."""
    pool = [p for p in providers if p.supports(category)]
    if not pool:
        return None
    return max(pool, key=lambda p: (p.quality_for(category), p.cost_per_output_token, p.name))


def prior_recall(provider: ProviderConfig, best: ProviderConfig, category: str) -> float:
    """What the claims say: the pair's recall relative to the best, kept off 0 and 1."""
    top = best.quality_for(category)
    ratio = provider.quality_for(category) / top if top > 0 else 0.5
    return min(0.99, max(0.01, ratio))


def posterior(evidence: PairEvidence | None, prior: float, weight: float) -> Posterior:
    """The claim's prior, worth ``weight`` comparisons, updated by the pair's comparisons."""
    matched = evidence.matched if evidence else 0
    missed = (evidence.compared - evidence.matched) if evidence else 0
    return Posterior(weight * prior + matched, weight * (1 - prior) + missed)


def learn(
    evidence: Iterable[PairEvidence], providers: Sequence[ProviderConfig], min_samples: int
) -> dict[tuple[str, str], LearnedQuality]:
    """Learned quality of every pair with at least ``min_samples`` comparisons."""
    by_name = {p.name: p for p in providers}
    learned: dict[tuple[str, str], LearnedQuality] = {}
    for item in sorted(evidence, key=lambda e: (e.model, e.category)):
        provider = by_name.get(item.model)
        best = best_for(providers, item.category)
        if provider is None or best is None or best.name == provider.name:
            continue
        if item.compared < min_samples or not provider.supports(item.category):
            continue
        prior = prior_recall(provider, best, item.category)
        recall = posterior(item, prior, min_samples).mean
        quality = round(best.quality_for(item.category) * recall, 1)
        claimed = provider.quality_for(item.category)
        reason = explain(item, quality, claimed)
        learned[(item.model, item.category)] = LearnedQuality(
            item.model, item.category, quality, claimed, reason
        )
    return learned


def explain(item: PairEvidence, quality: float, claimed: float) -> str:
    """E.g. ``learned 3.1 on review from 24 audits (claimed 8.7; gates passed 5/9)``."""
    gates = item.accepted + item.rejected
    passed = f"; gates passed {item.accepted}/{gates}" if gates else ""
    return (
        f"learned {quality:.1f} on {item.category} from {item.compared} audits "
        f"(claimed {claimed:g}{passed})"
    )


def matched(best: Sequence[Finding], other: Sequence[Finding]) -> bool | None:
    """One comparison on one hunk: ``None`` when the best model found no validated fix there,
    else whether every validated fix it found is covered by a validated fix of the other."""
    found = [f for f in best if f.validated and f.suggestion is not None]
    if not found:
        return None
    mine = [f for f in other if f.validated and f.suggestion is not None]
    return all(any(overlaps(f, g) for g in mine) for f in found)


def overlaps(a: Finding, b: Finding) -> bool:
    """Whether two findings are about the same lines of the same file."""
    return a.file == b.file and a.line <= b.end_line and b.line <= a.end_line


Table = Mapping[tuple[str, str], PairEvidence]


@dataclass(frozen=True, slots=True)
class Lessons:
    """What a run routes and audits by: learned qualities, and the evidence per pair they came
    from, which draws the run's audits (``None``: audit nothing, e.g. a yardstick's truths)."""

    learned: Learned
    evidence: Table | None = None


def lessons(rows: Iterable[Evidence], providers: Sequence[ProviderConfig], min_samples: int
            ) -> Lessons:  # fmt: skip
    """The ledger's evidence rows as ``PairEvidence``, and what they teach."""
    table = {
        (row.model, row.category): PairEvidence(
            row.model, row.category, row.compared, row.matched, row.accepted, row.rejected
        )
        for row in rows
    }
    return Lessons(learn(table.values(), providers, min_samples), table)


def claimed_vs_learned(
    rows: Iterable[Evidence], providers: Sequence[ProviderConfig], min_samples: int
) -> tuple[LearningRow, ...]:
    """Every pair that was compared with its category's best model, claim beside lesson."""
    taught = lessons(rows, providers, min_samples)
    by_name = {p.name: p for p in providers}
    table = []
    for (model, category), pair in sorted((taught.evidence or {}).items()):
        if not pair.compared:
            continue
        known = taught.learned.get((model, category))
        claim = by_name[model].quality_for(category) if model in by_name else None
        why = known.reason if known else (
            f"{pair.compared} of learning.min_samples {min_samples} comparisons: the claim stands"
        )  # fmt: skip
        table.append(LearningRow(model, category, claim, known.quality if known else None,
                                 pair.compared, pair.matched, why))  # fmt: skip
    return tuple(table)


def add(
    table: Mapping[tuple[str, str], PairEvidence], model: str, category: str, **counts: int
) -> dict[tuple[str, str], PairEvidence]:
    """``table`` with ``counts`` added to one pair: how a caller sums evidence as it comes."""
    old = table.get((model, category), PairEvidence(model, category))
    new = PairEvidence(
        model,
        category,
        old.compared + counts.get("compared", 0),
        old.matched + counts.get("matched", 0),
        old.accepted + counts.get("accepted", 0),
        old.rejected + counts.get("rejected", 0),
    )
    return {**table, (model, category): new}
