"""models/learning.py: claims as priors, comparisons as evidence, learned quality explained."""

from __future__ import annotations

from hunkroute import config
from hunkroute.model import Finding
from hunkroute.models.learning import (
    PairEvidence,
    add,
    best_for,
    learn,
    matched,
    posterior,
    prior_recall,
)
from tests.helpers.learning import PROVIDERS as SHARED

PROVIDERS = config.loads(SHARED, "test").providers


def test_best_model_is_the_highest_claim() -> None:
    best = best_for(PROVIDERS, "review")
    assert best is not None and best.name == "premium"
    assert best_for(PROVIDERS, "architecture") is None


def test_a_pair_below_min_samples_keeps_its_claim() -> None:
    evidence = [PairEvidence("cheap", "review", compared=7, matched=1)]
    assert learn(evidence, PROVIDERS, min_samples=8) == {}


def test_a_cheap_model_that_misses_review_learns_a_low_quality() -> None:
    evidence = [PairEvidence("cheap", "review", compared=24, matched=6, accepted=7, rejected=9)]
    learned = learn(evidence, PROVIDERS, min_samples=8)[("cheap", "review")]
    assert learned.claimed == 8.7
    assert 3.5 < learned.quality < 4.5
    assert learned.reason == (
        f"learned {learned.quality:.1f} on review from 24 audits (claimed 8.7; gates passed 7/16)"
    )


def test_an_underclaimed_model_that_fixes_bugs_learns_a_higher_quality() -> None:
    evidence = [PairEvidence("cheap", "debugging", compared=12, matched=12)]
    learned = learn(evidence, PROVIDERS, min_samples=8)[("cheap", "debugging")]
    assert learned.quality > 8.5 > learned.claimed


def test_the_best_model_stays_the_yardstick() -> None:
    evidence = [PairEvidence("premium", "review", compared=30, matched=0)]
    assert learn(evidence, PROVIDERS, min_samples=1) == {}


def test_unknown_models_are_ignored_and_order_does_not_matter() -> None:
    one = PairEvidence("cheap", "review", 10, 5)
    two = PairEvidence("cheap", "debugging", 10, 9)
    ghost = PairEvidence("gone", "review", 10, 0)
    assert learn([one, two, ghost], PROVIDERS, 8) == learn([two, ghost, one], PROVIDERS, 8)
    assert set(learn([ghost], PROVIDERS, 8)) == set()


def test_posterior_narrows_with_evidence() -> None:
    cheap, _, premium = PROVIDERS
    prior = prior_recall(cheap, premium, "review")
    assert abs(prior - 8.7 / 9.4) < 1e-9
    few = posterior(PairEvidence("cheap", "review", 4, 1), prior, 8)
    many = posterior(PairEvidence("cheap", "review", 40, 10), prior, 8)
    assert many.sd < few.sd
    assert abs(many.mean - 0.25) < abs(few.mean - 0.25)


def _finding(line: int, validated: bool = True, suggestion: str | None = "fixed") -> Finding:
    return Finding("a.py", line, line, "error", "model", "m", "msg", suggestion, "x", validated)


def test_comparison_needs_a_validated_fix_from_the_best_model() -> None:
    assert matched([], [_finding(3)]) is None
    assert matched([_finding(3, validated=False)], []) is None
    assert matched([_finding(3)], [_finding(3)]) is True
    assert matched([_finding(3)], [_finding(3, validated=False)]) is False
    assert matched([_finding(3)], [_finding(9)]) is False


def test_add_sums_evidence_per_pair() -> None:
    table = add({}, "cheap", "review", compared=1, matched=1)
    table = add(table, "cheap", "review", compared=1, rejected=1)
    assert table[("cheap", "review")] == PairEvidence("cheap", "review", 2, 1, 0, 1)


def test_one_miss_in_min_samples_does_not_sink_an_honest_model() -> None:
    # mid claims 8.9 and is that good (ratio 0.95); one unlucky miss in 8 is not proof otherwise
    evidence = [PairEvidence("mid", "review", compared=8, matched=7)]
    assert learn(evidence, PROVIDERS, min_samples=8)[("mid", "review")].quality >= 8.5
