"""Money across runs (issue 14): PR budgets over pushes, the answer cache, the honest baseline,
the ledger's keys in the report, and a ledger that fails — against the loopback fake LLM."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access
from hunkroute.config import Config
from hunkroute.errors import ConfigError, LedgerError
from hunkroute.ledger import Call, open_ledger
from hunkroute.model import Candidate, Report, Verdict, nano_to_usd
from hunkroute.models.spend import LedgerAccess, Shared
from hunkroute.report import jsonreport, markdown
from tests.helpers.fake_llm import FakeLLM, Say, Seen, findings, serve
from tests.helpers.llmcase import ENV, change, config_for

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PR = pipeline.RunOptions(repo="acme/shop", pr=7, head_sha="h1")


def files(count: int, start: int = 0) -> dict[str, str]:
    return {f"m{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(start, start + count)}


def clock() -> datetime:
    return NOW


def run(conf: Config, new: dict[str, str], options: pipeline.RunOptions = PR) -> Report:
    with ledger_access(conf, {}, offline=options.offline) as access:
        ledger = LedgerAccess(access.store, access.problem, clock, access.required)
        return pipeline.run(change({}, new), conf, options, ENV, judge=lambda c: [], ledger=ledger)


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with serve("openai") as server:
        yield server


def money_config(fake: FakeLLM, tmp_path: Path, extra: str) -> Config:
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    return config_for([fake], tmp_path / "cache", extra=f"gates: []\nledger: '{url}'\n{extra}")


def test_money_keys_load_with_their_defaults(tmp_path: Path) -> None:
    default = configmod.loads("{}", "t")
    assert (default.upgrade_share, default.escalate_on_findings) == (0.0, False)
    assert (default.ledger, default.pr_budget_usd, default.monthly_budget_usd) == ("", None, None)
    off = configmod.loads("ledger: null\npr_budget_usd: 2\nmonthly_budget_usd: 50\n", "t")
    assert (off.ledger, off.pr_budget_usd, off.monthly_budget_usd) == (None, 2.0, 50.0)
    with pytest.raises(ConfigError, match="pr_budget_usd: must be at least 0"):
        configmod.loads("pr_budget_usd: -1\n", "t")


def test_two_pushes_share_the_pr_budget_and_a_rerun_costs_nothing(
    fake: FakeLLM, tmp_path: Path
) -> None:
    conf = money_config(fake, tmp_path, "pr_budget_usd: 0.0012\n")
    first = run(conf, files(3))
    assert first.spent_nano > 0 and first.pr_budget is not None
    again = run(conf, files(3))
    assert again.spent_nano == 0 and again.saving_percent is None
    assert {a.outcome for h in again.hunks for a in h.attempts} == {"cached"}
    second = run(conf, files(3) | files(12, 3), pipeline.RunOptions(repo="acme/shop", pr=7))
    data = jsonreport.to_dict(second)
    assert data["pr_budget_usd"] == 0.0012
    total = first.spent_nano + second.spent_nano
    assert data["pr_spent_usd"] == nano_to_usd(total) <= 0.0012
    statuses = {h.hunk.file: h.status for h in second.hunks}
    cached = {h.hunk.file for h in second.hunks if h.attempts and h.attempts[0].outcome == "cached"}
    assert cached and cached <= set(files(3))  # the cache carried them over, free
    assert "skipped_budget" in statuses.values()
    assert any(n.startswith("pr_budget_usd: this PR's earlier runs spent") for n in second.notes)
    store = open_ledger(conf.ledger or "")
    try:
        stats = store.stats()
    finally:
        store.close()
    assert (stats.totals.runs, stats.totals.spent_nano) == (3, total)
    by_pr = [(r.repo, r.pr, r.runs, r.spent_nano) for r in stats.by_pr]
    assert by_pr == [("acme/shop", 7, 3, total)]


def test_a_spent_pr_budget_skips_every_hunk_but_still_reports(
    fake: FakeLLM, tmp_path: Path
) -> None:
    spent = run(money_config(fake, tmp_path, ""), files(3)).spent_nano
    conf = money_config(fake, tmp_path, f"pr_budget_usd: {nano_to_usd(spent)}\n")
    later = run(conf, files(3, 3))
    assert {h.status for h in later.hunks} == {"skipped_budget"}
    assert later.spent_nano == 0 and later.budget_nano == 0
    assert later.problems == () and later.pr_budget is not None
    assert later.pr_budget.spent_nano == spent
    assert "this PR so far: $0.0004 of $0.0004" in markdown.render(later)


def test_the_honest_baseline_prices_billed_tokens_at_the_best_model(
    tmp_path: Path,
) -> None:
    with serve("openai") as cheap, serve("openai") as best:
        conf = config_for([cheap, best], tmp_path / "cache", extra="gates: []\nledger: null\n")
        report = run(conf, files(2))
    billed = len(cheap.billed)
    assert billed == 2 and best.billed == []
    premium = conf.providers[1]
    per_call = 1000 * premium.cost_per_input_token + 100 * premium.cost_per_output_token
    assert nano_to_usd(report.premium_baseline_nano) == pytest.approx(billed * per_call)
    assert report.saving_percent == pytest.approx(50.0, abs=0.1)


def test_offline_runs_record_nothing(fake: FakeLLM, tmp_path: Path) -> None:
    conf = money_config(fake, tmp_path, "")
    report = run(conf, files(2), pipeline.RunOptions(offline=True))
    assert report.saving_percent is None and jsonreport.to_dict(report)["saving_percent"] is None
    assert not (tmp_path / "ledger.sqlite3").exists()


@pytest.mark.parametrize("relied", [False, True], ids=["default-file", "named"])
def test_an_unusable_ledger_is_reported_and_the_run_keeps_its_own_budget(
    fake: FakeLLM, tmp_path: Path, relied: bool
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the ledger wants a directory")
    ledger = f"ledger: 'sqlite:///{blocker}/ledger.sqlite3'\n" if relied else ""
    conf = config_for([fake], blocker / "cache", extra=f"gates: []\n{ledger}")
    report = run(conf, files(2))
    said = report.problems if relied else report.notes
    assert any("fell back to its own budget_usd" in line for line in said)
    assert (report.problems != ()) == relied
    assert {h.status for h in report.hunks} == {"reviewed"}
    assert 0 < report.spent_nano <= report.budget_nano
    assert report.pr_budget is None
    assert json.loads(jsonreport.render(report))["hunks"]


def suggesting(seen: Seen) -> Say:
    fix = {"line": 2, "end_line": 2, "severity": "warning", "message": "m",
           "suggestion": "    return 0 + x"}  # fmt: skip
    return Say(findings(fix))


def test_attempts_reach_the_ledger_with_their_verdicts(tmp_path: Path) -> None:
    def judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        return [Verdict(c, "accepted" if c.finding.model == "p1" else "rejected", "gates")
                for c in candidates]  # fmt: skip

    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    with FakeLLM("openai", suggesting) as first, FakeLLM("openai", suggesting) as second:
        conf = config_for([first, second], tmp_path / "cache", extra=f"gates: []\nledger: '{url}'")
        with ledger_access(conf, {}, offline=False) as access:
            ledger = LedgerAccess(access.store, None, clock)
            report = pipeline.run(change({}, files(1)), conf, PR, ENV, judge=judge, ledger=ledger)
    assert [a.outcome for a in report.hunks[0].attempts] == ["rejected", "ok"]
    store = open_ledger(url)
    try:
        evidence = {(e.model, e.accepted, e.rejected) for e in store.evidence()}
        rows = {(r.model, r.calls, r.suggestions, r.accepted) for r in store.stats().by_model}
    finally:
        store.close()
    assert evidence == {("p0", 0, 1), ("p1", 1, 0)}
    assert rows == {("p0", 1, 1, 0), ("p1", 1, 1, 1)}


class BrokenStore:
    """A ledger whose connection died after the run was opened."""

    def reserve(self, *args: object) -> object:
        raise LedgerError("ledger sqlite:///gone: disk I/O error")


def test_a_ledger_lost_mid_run_turns_itself_off_and_says_so() -> None:
    shared = Shared(BrokenStore(), 1, clock, required=True)  # type: ignore[arg-type]
    call = Call("openai", "p0", "review", ("a",))
    assert shared.reserve(1000, call) is None and shared.store is None
    assert shared.reserve(1000, call) is None  # no second error: the store is off
    assert shared.failure == "ledger sqlite:///gone: disk I/O error"
