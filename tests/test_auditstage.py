"""Audits inside runs (issue 15, phase B): a cheap model that silently misses what the best model
finds is caught by budgeted audits, filed in a real SQLite ledger, and routed around once the
evidence outweighs its claim — against the loopback fake LLM."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access, lessons_from
from hunkroute.config import Config
from hunkroute.ledger import open_ledger
from hunkroute.model import Candidate, Report, Verdict, usd_to_nano
from hunkroute.models.spend import LedgerAccess
from hunkroute.report import jsonreport
from tests.helpers.cli import run_main
from tests.helpers.fake_llm import FakeLLM, Say, Seen, findings
from tests.helpers.llmcase import ENV, change, provider_yaml, python_files, unified

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEARNING = (
    "gates: []\nlearning: {audit_share: SHARE, min_samples: 3}\n"
    "classify:\n  rules:\n    - {path: 'pkg/**', category: review, reason: test}\n"
    "categories:\n  review: {min_quality: 8.5}\n"
)


def fixing(seen: Seen) -> Say:
    """The best model: a fix on every added total line it is shown."""
    fixes = []
    for text in seen.prompt.splitlines():
        number, sep, code = text.partition(" +| ")
        if sep and "total = sum(items)" in code:
            line = int(number.strip())
            fixes.append({"line": line, "end_line": line, "severity": "warning",
                          "message": "unchecked", "suggestion": code + "  # checked"})  # fmt: skip
    return Say(findings(*fixes))


def accept(candidates: Sequence[Candidate]) -> list[Verdict]:
    return [Verdict(c, "accepted", "gates passed") for c in candidates]


def learning_yaml(cheap: FakeLLM, best: FakeLLM, tmp_path: Path, budget: float = 1.0,
                  share: float = 0.5) -> str:  # fmt: skip
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    learning = LEARNING.replace("SHARE", f"{share!r}")
    text = f"budget_usd: {budget!r}\ncache_dir: '{tmp_path}/cache'\nledger: '{url}'\n{learning}"
    text += "providers:\n" + provider_yaml("cheap", cheap, 1e-7, 2e-7, 8.7)
    return text + provider_yaml("premium", best, 2e-6, 8e-6, 9.4)


def learning_config(cheap: FakeLLM, best: FakeLLM, tmp_path: Path, budget: float = 1.0,
                    share: float = 0.5) -> Config:  # fmt: skip
    return configmod.loads(learning_yaml(cheap, best, tmp_path, budget, share), "test config")


def run_once(conf: Config, number: int) -> Report:
    """One run of four fresh review hunks, learning from the ledger as ``run`` does."""
    old, new = python_files(4, start=4 * number)
    with ledger_access(conf, {}, offline=False) as access:
        ledger = LedgerAccess(access.store, access.problem, lambda: NOW, access.required)
        lessons = lessons_from(ledger, conf)
        return pipeline.run(change(old, new), conf, pipeline.RunOptions(), ENV, judge=accept,
                            ledger=ledger, lessons=lessons)  # fmt: skip


@pytest.fixture
def fakes() -> Iterator[tuple[FakeLLM, FakeLLM]]:
    with FakeLLM("openai", lambda seen: Say()) as cheap, FakeLLM("openai", fixing) as best:
        yield cheap, best


def test_audits_catch_a_silent_miss_and_the_next_run_routes_around_it(
    fakes: tuple[FakeLLM, FakeLLM], tmp_path: Path
) -> None:
    conf = learning_config(*fakes, tmp_path)
    first = run_once(conf, 0)
    assert {h.route.model for h in first.hunks} == {"cheap"}  # the claim: 8.7 ≥ 8.5
    audited = [a for h in first.hunks for a in h.attempts if a.audit]
    assert audited and {a.model for a in audited} == {"premium"}
    # what only the audits found is real, so it is reported
    assert {f.model for f in first.findings if f.validated} == {"premium"}
    attempts = [a for h in jsonreport.to_dict(first)["hunks"] for a in h["attempts"]]
    assert {a["audit"] for a in attempts} == {True, False}
    assert any(line.startswith("learning: ") for line in first.notes)
    reports = [first] + [run_once(conf, n) for n in range(1, 3)]
    store = open_ledger(conf.ledger or "")
    try:
        evidence = {e.model: e for e in store.evidence()}
    finally:
        store.close()
    cheap = evidence["cheap"]
    assert cheap.compared >= 3 and cheap.matched == 0
    assert evidence["premium"].audits == sum(a.audit for r in reports for h in r.hunks
                                             for a in h.attempts)  # fmt: skip
    after = run_once(conf, 3)
    assert {h.route.model for h in after.hunks} == {"premium"}
    reason = after.hunks[0].route.reason
    assert "cheap left out: learned " in reason
    assert f" on review from {cheap.compared} audits (claimed 8.7" in reason


def test_plan_reads_the_ledgers_lessons(
    fakes: tuple[FakeLLM, FakeLLM], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    conf = learning_config(*fakes, tmp_path)
    for number in range(3):
        run_once(conf, number)
    config = tmp_path / "hunkroute.yaml"
    config.write_text(learning_yaml(*fakes, tmp_path), encoding="utf-8")
    old, new = python_files(4, start=40)
    (tmp_path / "change.diff").write_text(unified(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["plan", "--diff", "change.diff", "--config", str(config), "--format", "json"]
    data = json.loads(run_main(args, capsys).out)
    (quality,) = data["quality"]
    assert (quality["model"], quality["claimed"]) == ("cheap", 8.7)
    assert quality["learned"] < 8.5
    assert {h["model"] for h in data["hunks"]} == {"premium"}


def test_no_ledger_no_audits(fakes: tuple[FakeLLM, FakeLLM], tmp_path: Path) -> None:
    conf = learning_config(*fakes, tmp_path)
    old, new = python_files(4)
    lessons = lessons_from(LedgerAccess(), conf)
    report = pipeline.run(change(old, new), conf, pipeline.RunOptions(), ENV, judge=accept,
                          lessons=lessons)  # fmt: skip
    assert lessons is None
    assert not [a for h in report.hunks for a in h.attempts if a.audit]
    assert len(fakes[1].seen) == 0


def test_audits_stay_within_their_share_of_the_budget(
    fakes: tuple[FakeLLM, FakeLLM], tmp_path: Path
) -> None:
    conf = learning_config(*fakes, tmp_path, budget=0.03)  # room for one audit
    report = run_once(conf, 0)
    audits = [a for h in report.hunks for a in h.attempts if a.audit]
    assert len(audits) == 1  # the allowance had room for one premium call, not four
    assert 0 < audits[0].cost_nano <= report.budget_nano * conf.learning.audit_share
    assert report.spent_nano <= report.reserved_nano <= report.budget_nano
    data = json.loads(jsonreport.render(report))
    assert data["spent_usd"] <= data["reserved_usd"] <= data["budget_usd"]


def test_money_invariants_hold_with_audits_through_the_real_executor(tmp_path: Path) -> None:
    """Random budgets, audit shares and ledger histories: spent ≤ reserved ≤ budget, and the
    audits within their share, in every run and in the ledger."""
    with FakeLLM("openai", lambda seen: Say()) as cheap, FakeLLM("openai", fixing) as best:

        @settings(max_examples=15, deadline=None)
        @given(budget=st.floats(0.0, 0.06), share=st.floats(0.0, 1.0), runs=st.integers(1, 3))
        def check(budget: float, share: float, runs: int) -> None:
            folder = Path(tempfile.mkdtemp(dir=tmp_path))
            conf = learning_config(cheap, best, folder, budget=budget, share=share)
            for number in range(runs):
                report = run_once(conf, number)
                assert report.spent_nano <= report.reserved_nano <= report.budget_nano
                audit = sum(a.cost_nano for h in report.hunks for a in h.attempts if a.audit)
                assert audit <= report.budget_nano * share
            store = open_ledger(conf.ledger or "")
            try:
                totals = store.stats().totals
            finally:
                store.close()
            assert totals.reserved_nano == 0
            assert totals.spent_nano <= runs * usd_to_nano(budget)

        check()
