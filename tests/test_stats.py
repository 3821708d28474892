"""``hunkroute stats`` and its renders: the JSON contract, the text table and bars, Markdown's
Mermaid pie, and one-line exit-2 mistakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute.ledger import (
    AttemptRecord,
    BudgetScope,
    Call,
    Comparison,
    Evidence,
    Reservation,
    RunSpec,
    open_ledger,
)
from hunkroute.models.learning import claimed_vs_learned
from hunkroute.report import stats as render
from tests.helpers.cli import run_main

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def filled(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    store = open_ledger(url)
    try:
        run = store.open_run(RunSpec("acme/shop", 7, "h1", BudgetScope(10**9)), AT)
        for model, cost, verdict in (("small", 2000, "accepted"), ("big", 9000, "rejected")):
            booked = store.reserve(run.id, 10_000, Call("openai", model, "review", ("a",)), AT)
            assert isinstance(booked, Reservation)
            record = AttemptRecord("ok", 1000, 0, 100, verdict=verdict)
            store.settle(booked, cost, record)
        store.record(run.id, Call("openai", "small", "review", ("a",)),
                     AttemptRecord("cached", cost_source="cache"), AT)  # fmt: skip
        store.close_run(run.id, AT, premium_baseline_nano=22_000)
    finally:
        store.close()
    return url


def test_json_keeps_designs_keys_and_totals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(["stats", "--ledger", filled(tmp_path), "--format", "json"], capsys)
    data = json.loads(result.out)
    assert (data["spent_usd"], data["premium_baseline_usd"], data["runs"]) == (1.1e-05, 2.2e-05, 1)
    assert data["saving_percent"] == 50.0
    big, small = data["by_model"]
    assert big == {
        "model": "big",
        "category": "review",
        "calls": 1,
        "input_tokens": 1000,
        "output_tokens": 100,
        "spent_usd": 9e-06,
        "suggestions": 1,
        "accepted": 0,
    }
    assert (small["calls"], small["accepted"]) == (2, 1)
    assert data["by_pr"] == [{"repo": "acme/shop", "pr": 7, "runs": 1, "spent_usd": 1.1e-05}]
    assert data["by_week"] == [{"week": "2026-W49", "calls": 3, "spent_usd": 1.1e-05}]


def test_text_has_a_table_and_bars_biggest_spender_longest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_main(["stats", "--ledger", filled(tmp_path)], capsys).out
    assert out.startswith("1 run(s) · 3 call(s) · spent $0.0000")
    bars = [line for line in out.splitlines() if "█" in line]
    assert [b.split()[0] for b in bars] == ["big", "small"]
    assert bars[0].count("█") == render.BAR_WIDTH > bars[1].count("█") > 0
    assert "acme/shop#7" in out and "2026-W49" in out


def test_markdown_has_tables_and_a_mermaid_pie(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_main(["stats", "--ledger", filled(tmp_path), "--format", "markdown"], capsys).out
    assert "```mermaid\npie title Spend by model (USD)\n" in out
    assert '    "big" : 0.000009' in out
    assert "| model | category | calls |" in out


def test_since_filters_older_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["stats", "--ledger", filled(tmp_path), "--since", "2026-12-01", "--format", "json"]
    data = json.loads(run_main(argv, capsys).out)
    assert (data["runs"], data["by_model"], data["saving_percent"]) == (0, [], None)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--since", "yesterday"], "--since: expected a date YYYY-MM-DD, got 'yesterday'"),
        (["--ledger", "mysql://u:secret@h/db"], "--ledger: 'mysql://u:***@h/db' is not a ledger"),
        (["--format", "csv"], "invalid choice: 'csv'"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    argv: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(["stats", *argv], capsys)
    assert result.code == 2 and says in result.err and len(result.err.splitlines()) == 1
    assert "secret" not in result.err


def test_the_renders_are_the_clis_formats() -> None:
    from hunkroute.cli import STATS_FORMATS

    assert tuple(render.RENDERS) == STATS_FORMATS


CLAIMS = """providers:
  - {name: small, base_url: http://x, model: s, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: {review: 8.7}, supported_tasks: [review]}
  - {name: big, base_url: http://x, model: b, cost_per_input_token: 2.0e-6,
     cost_per_output_token: 8.0e-6, quality: 9.4, supported_tasks: [review]}
"""


def compared(tmp_path: Path) -> tuple[str, str]:
    """A ledger where ``small`` matched ``big`` on 1 of 10 review hunks, and its config."""
    url = filled(tmp_path)
    store = open_ledger(url)
    try:
        run = store.open_run(RunSpec("acme/shop", 8, "h2", BudgetScope(10**9)), AT)
        store.compare(run.id, [Comparison(f"h{i}", "review", "small", "big", "audit", i == 0)
                               for i in range(10)], AT)  # fmt: skip
    finally:
        store.close()
    config = tmp_path / "hunkroute.yaml"
    config.write_text(CLAIMS, encoding="utf-8")
    return url, str(config)


def test_stats_show_claimed_beside_learned_quality(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, config = compared(tmp_path)
    args = ["stats", "--ledger", url, "--config", config]
    data = json.loads(run_main([*args, "--format", "json"], capsys).out)
    (row,) = data["learning"]
    assert (row["model"], row["category"], row["claimed"]) == ("small", "review", 8.7)
    assert (row["comparisons"], row["matched"]) == (10, 1)
    # the claim (8.7 / 9.4 of the best) weighs 8 comparisons: (7.4 + 1) / 18 of 9.4
    assert row["learned"] == 4.4
    assert row["explanation"].startswith(f"learned {row['learned']:.1f} on review from 10 audits")
    text = run_main(args, capsys).out
    claimed, learned = [line for line in text.splitlines() if "ed  █" in line]
    assert (claimed.count("█"), learned.count("█")) == (26, 13)
    markdown = run_main([*args, "--format", "markdown"], capsys).out
    assert "| model | category | claimed | learned | comparisons | matched | why |" in markdown
    assert "| small | review | 8.7 |" in markdown


def test_a_pair_under_min_samples_keeps_its_claim_and_says_so(tmp_path: Path) -> None:
    rows = [Evidence("small", "review", 3, 0, 0, 0, 0.0, 0.0, 0, compared=3, matched=0)]
    conf = configmod.loads(CLAIMS, "claims")
    (row,) = claimed_vs_learned(rows, conf.providers, min_samples=8)
    assert (row.claimed, row.learned) == (8.7, None)
    assert "3 of learning.min_samples 8 comparisons: the claim stands" in row.explanation
    assert render.learning_text(()) == []
    assert "3 of learning.min_samples 8" in "\n".join(render.learning_text((row,)))
