"""plan.py: best value routing, quality floors, budget order, upgrades, batching."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from hunkroute import config
from hunkroute.config import Config
from hunkroute.model import usd_to_nano
from hunkroute.plan import PlanItem, make_plan, request_cost
from tests.helpers.hunks import item

PROVIDERS = """
providers:
  - {name: cheap, base_url: http://x, model: c, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: 8.6, supported_tasks: [review, debugging, boilerplate],
     latency_target_ms: 300}
  - {name: mid, base_url: http://x, model: m, cost_per_input_token: 3.0e-7,
     cost_per_output_token: 4.0e-7, quality: 8.9, supported_tasks: [review, debugging, boilerplate],
     latency_target_ms: 2000}
  - {name: premium, base_url: http://x, model: p, cost_per_input_token: 2.0e-6,
     cost_per_output_token: 8.0e-6, quality: 9.5, supported_tasks: [review, debugging],
     latency_target_ms: 5000}
"""


def cfg(extra: str = "") -> Config:
    return config.loads(PROVIDERS + extra, "test")


def plan_for(items: list[PlanItem], conf: Config, budget_usd: float, interactive: bool = False):
    return make_plan(items, conf, conf.providers, usd_to_nano(budget_usd), interactive)


def models(plan) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [r.model for r in plan.routes]


def test_best_value_model_that_meets_min_quality() -> None:
    conf = cfg("upgrade_share: 0\n")
    plan = plan_for([item("review"), item("boilerplate", "b.py")], conf, 1.0)
    assert models(plan) == ["cheap", "cheap"]


def test_min_quality_excludes_weak_models() -> None:
    conf = cfg("upgrade_share: 0\ncategories:\n  review: {min_quality: 8.8}\n")
    assert models(plan_for([item("review")], conf, 1.0)) == ["mid"]


def test_no_provider_good_enough_is_gated_with_reason() -> None:
    conf = cfg("categories:\n  review: {min_quality: 9.9}\n")
    (route,) = plan_for([item("review")], conf, 1.0).routes
    assert route.model is None and route.status == "gated"
    assert "no provider" in route.reason


def test_skip_category_and_skip_status_need_no_model() -> None:
    conf = cfg()
    other = item("review", "other.py")
    skipped = PlanItem(other.hunk, other.classification, "refused", "outside")
    plan = plan_for([item("skip"), skipped], conf, 1.0)
    assert [r.status for r in plan.routes] == ["skipped", "refused"]
    assert plan.reserved_nano == 0


def test_budget_drops_boilerplate_before_review() -> None:
    conf = cfg("upgrade_share: 0\n")
    items = [item("boilerplate", "a.py"), item("review", "b.py"), item("debugging", "c.py")]
    full = plan_for(items, conf, 1.0)
    review_cost = next(b for b in full.batches if b.category == "review").reservation_nano
    plan = make_plan(items, conf, conf.providers, review_cost)
    statuses = {r.category: r.status for r in plan.routes}
    assert statuses == {
        "boilerplate": "skipped_budget",
        "review": None,
        "debugging": "skipped_budget",
    }
    assert plan.reserved_nano <= review_cost


def test_zero_budget_skips_everything() -> None:
    plan = plan_for([item("review"), item("debugging", "b.py")], cfg(), 0.0)
    assert {r.status for r in plan.routes} == {"skipped_budget"}
    assert plan.batches == ()


def test_leftover_budget_upgrades_review_only_when_opted_in() -> None:
    conf = cfg("upgrade_share: 0.3\n")
    plan = plan_for([item("review"), item("boilerplate", "b.py")], conf, 10.0)
    assert models(plan) == ["premium", "cheap"]
    assert "upgraded from cheap with leftover budget (upgrade_share 0.3" in plan.routes[0].reason


def test_default_is_cheapest_good_enough_whatever_budget_is_left() -> None:
    plan = plan_for([item("review")], cfg(), 10.0)
    assert models(plan) == ["cheap"]
    assert plan.routes[0].reason == "cheap: quality 8.6, best value"


def test_a_blocking_prescan_finding_escalates_only_when_opted_in() -> None:
    risky = replace(item("review"), escalation="blocking prescan finding B602")
    assert models(plan_for([risky], cfg(), 10.0)) == ["cheap"]
    on = plan_for([risky, item("review", "b.py")], cfg("escalate_on_findings: true\n"), 10.0)
    assert models(on) == ["premium", "cheap"]
    assert on.routes[0].reason == "premium: quality 9.5, escalated: blocking prescan finding B602"


def test_an_escalation_that_does_not_fit_falls_back_to_a_cheaper_model() -> None:
    conf = cfg("escalate_on_findings: true\n")
    risky = replace(item("review"), escalation="blocking prescan finding B602")
    cheap = plan_for([item("review")], conf, 1.0).reserved_nano
    plan = plan_for([risky], conf, cheap / 1e9)
    assert models(plan) == ["cheap"]
    assert plan.routes[0].reason.endswith("best value")


def test_hunks_of_one_file_and_category_share_a_request() -> None:
    conf = cfg("upgrade_share: 0\n")
    items = [item("debugging", "a.py", 1), item("debugging", "a.py", 40), item("debugging", "b.py")]
    plan = plan_for(items, conf, 1.0)
    assert len(plan.batches) == 2
    assert plan.batches[0].hunk_ids == (items[0].hunk.id, items[1].hunk.id)
    assert sum(r.reservation_nano for r in plan.routes) == plan.reserved_nano


def test_batches_respect_context_window() -> None:
    small = config.loads(
        PROVIDERS.replace(
            "latency_target_ms: 300}", "latency_target_ms: 300, context_window: 3000}"
        )
        + "upgrade_share: 0\n",
        "t",
    )
    items = [item("boilerplate", "a.py", i * 100, size=40) for i in range(4)]
    plan = plan_for(items, small, 1.0)
    for batch in plan.batches:
        provider = small.provider(batch.model)
        assert batch.est_input_tokens + batch.max_output_tokens <= provider.context_window


def test_interactive_prefers_low_latency_models() -> None:
    conf = cfg("upgrade_share: 0\ncategories:\n  review: {min_quality: 8.8}\n")
    assert models(plan_for([item("review")], conf, 1.0)) == ["mid"]
    fast = config.loads(
        PROVIDERS.replace("quality: 8.6", "quality: 8.85") + "upgrade_share: 0\n", "t"
    )
    assert models(plan_for([item("review")], fast, 1.0, interactive=True)) == ["cheap"]


def test_request_cap_skips_least_risky() -> None:
    conf = cfg("limits: {max_model_requests: 1}\n")
    plan = plan_for([item("boilerplate", "a.py"), item("review", "b.py")], conf, 1.0)
    assert [r.status for r in plan.routes] == ["skipped_limit", None]


def test_huge_hunk_is_skipped_for_size() -> None:
    conf = cfg("files: {max_hunk_lines: 5}\n")
    (route,) = plan_for([item("review", size=6)], conf, 1.0).routes
    assert route.status == "skipped_limit" and "max_hunk_lines" in route.reason


def test_premium_baseline_uses_best_model_per_hunk() -> None:
    conf = cfg()
    plan = plan_for([item("review"), item("boilerplate", "b.py")], conf, 1.0)
    cheap = plan_for([item("review")], cfg("upgrade_share: 0\n"), 1.0).reserved_nano
    assert plan.premium_baseline_nano > cheap
    premium = conf.provider("premium")
    assert plan.premium_baseline_nano > request_cost(premium, 0, 1200)


def test_plan_is_deterministic() -> None:
    conf = cfg()
    items = [item(c, f"f{i % 3}.py", i * 10) for i, c in enumerate(["review", "debugging"] * 6)]
    assert plan_for(items, conf, 0.01) == plan_for(items, conf, 0.01)


CATEGORIES = st.sampled_from(["review", "debugging", "boilerplate", "skip"])


@settings(max_examples=150, deadline=None)
@given(
    cats=st.lists(st.tuples(CATEGORIES, st.integers(0, 4), st.integers(1, 60)), max_size=40),
    budget=st.integers(0, 5_000_000),
    share=st.sampled_from([0.0, 0.2, 0.5, 1.0]),
    interactive=st.booleans(),
)
def test_no_plan_reserves_more_than_the_budget(
    cats: list[tuple[str, int, int]], budget: int, share: float, interactive: bool
) -> None:
    conf = cfg(f"upgrade_share: {share}\n")
    items = [item(c, f"f{f}.py", i * 100, size) for i, (c, f, size) in enumerate(cats)]
    plan = make_plan(items, conf, conf.providers, budget, interactive)
    assert plan.reserved_nano <= budget
    assert sum(r.reservation_nano for r in plan.routes) == plan.reserved_nano
    routed = {h for b in plan.batches for h in b.hunk_ids}
    assert len(routed) == sum(len(b.hunk_ids) for b in plan.batches)  # no hunk twice
    for route in plan.routes:
        assert (route.model is None) == (route.hunk_id not in routed)


def test_an_upgraded_route_says_why_it_was_upgraded() -> None:
    """Issue 13: an upgraded route no longer claims "best value" (upgrades are opt-in: issue 14)."""
    conf = cfg("upgrade_share: 0.5\n")
    upgraded, plain = plan_for([item("review"), item("boilerplate", "b.py")], conf, 10.0).routes
    assert upgraded.reason.startswith("premium: quality 9.5, upgraded from cheap")
    assert "leftover budget" in upgraded.reason and "best value" not in upgraded.reason
    assert plain.reason == "cheap: quality 8.6, best value"
