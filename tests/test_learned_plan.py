"""plan.py with learned quality: eligibility, value, reasons, renders, and the money invariant."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from hunkroute import config
from hunkroute.config import Config
from hunkroute.model import LearnedQuality, Plan, usd_to_nano
from hunkroute.models.audit import allowance, choose
from hunkroute.models.learning import PairEvidence, learn
from hunkroute.plan import PlanItem, make_plan, request_cost
from hunkroute.report.jsonreport import plan_to_dict
from hunkroute.report.text import render_plan
from tests.helpers.hunks import item
from tests.helpers.learning import PROVIDERS

CONF = config.loads(PROVIDERS, "test")
WORK = [item("review", "r.py"), item("debugging", "d.py"), item("boilerplate", "b.py")]


def learned(model: str, category: str, quality: float, claimed: float) -> LearnedQuality:
    reason = f"learned {quality:g} on {category} from 24 audits (claimed {claimed:g})"
    return LearnedQuality(model, category, quality, claimed, reason)


LEARNED = {
    ("cheap", "review"): learned("cheap", "review", 3.1, 8.7),
    ("cheap", "debugging"): learned("cheap", "debugging", 8.6, 7.5),
}


def plan_with(table, conf: Config = CONF, budget: float = 1.0) -> Plan:  # type: ignore[no-untyped-def]
    return make_plan(WORK, conf, conf.providers, usd_to_nano(budget), learned=table)


def test_claims_route_when_nothing_is_learned() -> None:
    assert [r.model for r in plan_with({}).routes] == ["cheap", "mid", "cheap"]
    assert plan_with({}).learned == ()


def test_learned_quality_decides_eligibility_both_ways() -> None:
    plan = plan_with(LEARNED)
    assert [r.model for r in plan.routes] == ["mid", "cheap", "cheap"]
    debugging = plan.routes[1]
    assert debugging.reason == (
        "cheap: learned 8.6 on debugging from 24 audits (claimed 7.5), best value"
    )


def test_learned_quality_is_the_value_numerator() -> None:
    same_price = config.loads(
        """
upgrade_share: 0
providers:
  - {name: a, base_url: http://x, model: a, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: 9.0, supported_tasks: [boilerplate]}
  - {name: b, base_url: http://x, model: b, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: 8.9, supported_tasks: [boilerplate]}
""",
        "test",
    )
    assert plan_with({}, same_price).routes[2].model == "a"
    worse = {("a", "boilerplate"): learned("a", "boilerplate", 8.0, 9.0)}
    assert plan_with(worse, same_price).routes[2].model == "b"


def test_premium_baseline_stays_on_claims() -> None:
    assert plan_with(LEARNED).premium_baseline_nano == plan_with({}).premium_baseline_nano


def test_plan_renders_show_learned_beside_claimed() -> None:
    plan = plan_with(LEARNED)
    text = render_plan(WORK, plan, ())
    assert "quality learned on this code:" in text
    row = next(
        line.split() for line in text.splitlines() if line.split()[:2] == ["cheap", "review"]
    )
    assert row[2:4] == ["8.7", "3.1"]
    data = json.loads(json.dumps(plan_to_dict(tuple(WORK), plan, ())))
    assert data["quality"][1] == {
        "model": "cheap",
        "category": "review",
        "claimed": 8.7,
        "learned": 3.1,
        "reason": "learned 3.1 on review from 24 audits (claimed 8.7)",
    }
    assert "quality learned" not in render_plan(WORK, plan_with({}), ())


pairs = st.builds(
    PairEvidence,
    model=st.sampled_from(["cheap", "mid", "premium", "gone"]),
    category=st.sampled_from(["review", "debugging", "boilerplate"]),
    compared=st.integers(0, 60),
    matched=st.integers(0, 60),
    accepted=st.integers(0, 20),
    rejected=st.integers(0, 20),
).filter(lambda e: e.matched <= e.compared)


@settings(max_examples=150, deadline=None)
@given(
    ledger=st.lists(pairs, max_size=12),
    budget=st.floats(0.0, 0.2),
    share=st.floats(0.0, 1.0),
    categories=st.lists(st.sampled_from(["review", "debugging", "boilerplate"]), max_size=12),
    min_samples=st.integers(1, 20),
)
def test_learned_routing_keeps_the_money_invariants(  # type: ignore[no-untyped-def]
    ledger, budget, share, categories, min_samples
) -> None:
    conf = config.loads(PROVIDERS + f"learning: {{audit_share: {share}}}\n", "test")
    work: list[PlanItem] = [item(c, f"f{i}.py", size=1 + i % 5) for i, c in enumerate(categories)]
    table = {(e.model, e.category): e for e in ledger}
    plan = make_plan(work, conf, conf.providers, usd_to_nano(budget),
                     learned=learn(table.values(), conf.providers, min_samples))  # fmt: skip
    left = allowance(conf, plan.budget_nano, plan.reserved_nano)
    audits = choose(plan.routes, work, conf, conf.providers, table, left)
    spend = plan.reserved_nano + sum(a.reservation_nano for a in audits)
    assert spend <= plan.budget_nano
    for batch in plan.batches:  # every call's reservation covers its worst case
        worst = request_cost(conf.provider(batch.model), batch.est_input_tokens,
                             batch.max_output_tokens)  # fmt: skip
        assert batch.reservation_nano >= worst
    for audit in audits:
        worst = request_cost(conf.provider(audit.model), audit.est_input_tokens,
                             audit.max_output_tokens)  # fmt: skip
        assert audit.reservation_nano >= worst
