"""models/audit.py: deterministic audits and explorations, more while unknown, within budget."""

from __future__ import annotations

import pytest

from hunkroute import config
from hunkroute.config import Config
from hunkroute.model import usd_to_nano
from hunkroute.models import audit
from hunkroute.models.audit import MIN_RATE, allowance, choose, draw, rate
from hunkroute.models.learning import PairEvidence
from hunkroute.plan import PlanItem, make_plan
from tests.helpers.hunks import item
from tests.helpers.learning import PROVIDERS

ONLY_PREMIUM_DEBUGS = "categories:\n  debugging: {min_quality: 9.0}\n"


def cfg(extra: str = "") -> Config:
    return config.loads(PROVIDERS + ONLY_PREMIUM_DEBUGS + extra, "test")


def items(category: str, count: int) -> list[PlanItem]:
    return [item(category, f"{category}_{i}.py") for i in range(count)]


@pytest.fixture(autouse=True)
def every_pair_in_doubt(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Selection tests draw every hunk: no quality loss is small enough to skip a check."""
    if "rate" not in request.function.__name__:
        monkeypatch.setattr(audit, "FULL_LOSS", 1e-12)


def run_choose(conf: Config, work: list[PlanItem], evidence=None, budget: float = 1.0):  # type: ignore[no-untyped-def]
    plan = make_plan(work, conf, conf.providers, usd_to_nano(budget))
    left = allowance(conf, plan.budget_nano, plan.reserved_nano)
    return plan, choose(plan.routes, work, conf, conf.providers, evidence or {}, left)


def test_draw_is_fixed_by_hunk_and_model() -> None:
    assert draw("a.py:1", "cheap") == draw("a.py:1", "cheap")
    assert draw("a.py:1", "cheap") != draw("a.py:1", "premium")
    assert 0 <= draw("x", "y") < 1


def pair_rate(compared: int, matched: int, category: str = "review") -> float:
    conf = config.loads(PROVIDERS, "test")
    cheap, _, premium = conf.providers
    evidence = PairEvidence("cheap", category, compared, matched) if compared else None
    return rate(evidence, cheap, premium, conf.categories[category], 8)


def test_rate_claim_near_the_line_often_far_from_it_rarely() -> None:
    assert pair_rate(0, 0, "review") > 0.4  # claims 8.7, review needs 8.5
    assert pair_rate(0, 0, "boilerplate") < pair_rate(0, 0, "review")  # 8.0 against 7.0


def test_rate_is_full_after_a_miss_against_the_claim_in_force() -> None:
    assert pair_rate(1, 0) == 1.0
    assert pair_rate(2, 0) == 1.0


def test_rate_of_settled_pairs_is_the_floor() -> None:
    assert pair_rate(400, 100) == MIN_RATE  # clearly not good enough
    assert pair_rate(400, 396) == MIN_RATE  # clearly good enough


def test_rate_near_min_quality_is_higher() -> None:
    at_the_line = pair_rate(10, 9)  # about 0.9 x 9.4 = 8.5, review's min_quality
    assert at_the_line > 0.4 and pair_rate(10, 3) == MIN_RATE
    assert pair_rate(100, 90) < at_the_line / 2  # at the line, but known closely


def test_rate_is_high_for_an_underclaimed_pair_that_keeps_matching() -> None:
    # debugging: cheap claims 7.5 < 8.0, so routing leaves it out until min_samples
    assert pair_rate(6, 6, "debugging") > 0.9


def test_cheap_routed_hunks_are_audited_by_the_best_model() -> None:
    _, calls = run_choose(cfg(), items("review", 3))
    audits = [(c.kind, c.model, c.routed, c.best) for c in calls if c.kind == "audit"]
    assert audits == [("audit", "premium", "cheap", "premium")] * 3


def test_an_audited_hunk_also_explores_the_other_models() -> None:
    _, calls = run_choose(cfg(), items("review", 1))
    assert [(c.kind, c.model, c.routed) for c in calls] == [
        ("explore", "mid", "cheap"),
        ("audit", "premium", "cheap"),
    ]


def test_no_exploration_leans_on_an_audit_that_was_not_drawn() -> None:
    known = {("cheap", "review"): PairEvidence("cheap", "review", 400, 380)}
    work = items("review", 60)
    _, calls = run_choose(cfg(), work, known)
    audited = {c.hunk_id for c in calls if c.kind == "audit"}
    assert {c.hunk_id for c in calls} == audited


def test_best_routed_hunks_explore_the_cheaper_model() -> None:
    plan, calls = run_choose(cfg(), items("debugging", 2))
    assert {r.model for r in plan.routes} == {"premium"}
    explored = [(c.kind, c.model, c.routed) for c in calls]
    assert explored == [("explore", "cheap", "premium"), ("explore", "mid", "premium")] * 2


def test_known_pairs_are_audited_on_a_small_deterministic_sample() -> None:
    known = {("cheap", "review"): PairEvidence("cheap", "review", 400, 380)}
    work = items("review", 200)
    _, first = run_choose(cfg(), work, known)
    _, again = run_choose(cfg(), work, known)
    assert first == again
    assert 0 < len(first) < 0.15 * len(work)


def test_audits_stay_within_their_share_and_what_the_plan_left() -> None:
    conf = cfg("learning: {audit_share: 0.05}\n")
    plan, calls = run_choose(conf, items("review", 20), budget=1.0)
    audit = sum(c.reservation_nano for c in calls)
    assert audit <= plan.budget_nano * 0.05
    assert plan.reserved_nano + audit <= plan.budget_nano
    assert 0 < len(calls) < 20


def test_explorations_come_before_audits_when_money_is_short() -> None:
    conf = cfg("learning: {audit_share: 0.02}\n")
    work = items("review", 4) + items("debugging", 4)
    _, calls = run_choose(conf, work, budget=0.5)
    kinds = [c.kind for c in calls]
    assert kinds.count("explore") == 8 and kinds.count("audit") < 4


def test_no_audits_without_share() -> None:
    _, calls = run_choose(cfg("learning: {audit_share: 0}\n"), items("review", 3))
    assert calls == ()


def test_allowance_is_the_share_or_what_is_left() -> None:
    conf = cfg("learning: {audit_share: 0.1}\n")
    assert allowance(conf, 1000, 0) == 100
    assert allowance(conf, 1000, 950) == 50
    assert allowance(conf, 1000, 1000) == 0


def test_exploration_rate_brings_the_audit_it_needs() -> None:
    # cheap is settled good on review (its own audits at the floor); mid is unknown, so it is
    # explored, and each exploration brings the best model's answer to compare with
    settled = {("cheap", "review"): PairEvidence("cheap", "review", 400, 396)}
    _, calls = run_choose(cfg(), items("review", 40), settled)
    explored = {c.hunk_id for c in calls if c.kind == "explore"}
    audited = {c.hunk_id for c in calls if c.kind == "audit"}
    assert explored and explored <= audited
    assert len(audited) > 40 * MIN_RATE * 2
