"""execute.py through pipeline.run, against real fake-LLM servers on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from hunkroute import pipeline
from hunkroute.model import Candidate, Finding, Verdict
from hunkroute.report import jsonreport
from tests.helpers.fake_llm import Say, Seen, findings, sequence, serve
from tests.helpers.llmcase import ENV, KEY, change, config_for, python_files, run

OLD, NEW = python_files(4)  # four files, one hunk each: added lines 3-6, the total at 5
FIX = {"line": 5, "end_line": 5, "severity": "warning", "message": "use a generator",
       "suggestion": "    total = sum(list(items)) + 0"}  # fmt: skip


def test_success_with_usage_records_cost_tokens_and_findings(tmp_path: Path) -> None:
    with serve("openai", lambda seen: findings(FIX)) as fake:
        conf = config_for([fake], tmp_path)
        report = run(change(OLD, NEW), conf, title="Add totals")
    assert len(fake.seen) == 4 and {h.status for h in report.hunks} == {"reviewed"}
    first = report.hunks[0].attempts[0]
    assert (first.outcome, first.input_tokens, first.output_tokens) == ("ok", 1000, 100)
    assert first.cost_nano == 1000 * 100 + 100 * 200  # 1e-7 and 2e-7 per token, in nano
    assert report.spent_nano == 4 * first.cost_nano <= report.reserved_nano <= report.budget_nano
    model = [f for f in report.findings if f.source == "model"]
    assert len(model) == 4 and all(f.validated and f.model == "p0" for f in model)
    assert "Add totals" in fake.seen[0].prompt and "def added_0_0(items):" in fake.bodies()
    assert fake.seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert fake.seen[0].body["response_format"] == {"type": "json_object"}


def test_no_usage_charges_the_reservation(tmp_path: Path) -> None:
    with serve("openai", lambda seen: Say(findings(), usage=None)) as fake:
        report = run(change(OLD, NEW), config_for([fake], tmp_path))
    costs = [h.cost_nano for h in report.hunks]
    assert all(c > 0 for c in costs) and report.spent_nano == sum(costs)
    assert report.spent_nano == report.reserved_nano  # every call cost its whole reservation


def test_anthropic_plain_text_answer_in_prose(tmp_path: Path) -> None:
    answer = "Here is what I found:\n```json\n" + findings(FIX)[:-2] + ",]}\n```\nThanks!"
    with serve("anthropic", lambda seen: answer) as fake:
        report = run(change(OLD, NEW), config_for([fake], tmp_path))
    seen = fake.seen[0]
    assert seen.path == "/v1/messages" and seen.headers["x-api-key"] == KEY
    assert seen.headers["anthropic-version"] and "response_format" not in seen.body
    assert sum(1 for f in report.findings if f.source == "model") == 4


def test_json_mode_refused_falls_back_to_plain_text(tmp_path: Path) -> None:
    def script(seen: Seen) -> Say | str:
        if "response_format" in seen.body:
            return Say("response_format is not supported", status=400)
        return findings()

    with serve("openai", script) as fake:
        report = run(change(OLD, NEW), config_for([fake], tmp_path))
    assert {h.status for h in report.hunks} == {"reviewed"} and not report.problems
    plain = [s for s in fake.seen if "response_format" not in s.body]
    assert len(plain) == 4 and len(fake.seen) <= 8


def test_429_with_retry_after_is_honoured_then_succeeds(tmp_path: Path) -> None:
    script = sequence(Say("slow down", status=429, headers={"retry-after": "0.3"}), findings())
    with serve("openai", script) as fake:
        retry = "{max_retries: 1, backoff_s: 0.001, max_backoff_s: 1}"
        conf = config_for([fake], tmp_path, extra="max_attempts: 1", retry=retry)
        start = time.monotonic()
        report = run(change(OLD, NEW), conf)
        elapsed = time.monotonic() - start
    assert elapsed >= 0.3 and {h.status for h in report.hunks} == {"reviewed"}
    assert len(fake.seen) == 5 and not report.problems


def test_500s_exhaust_retries_then_fall_back(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say("boom", status=500)) as bad, serve("openai") as good:
        conf = config_for([bad, good], tmp_path, provider_extra=", max_concurrency: 1")
        report = run(change(OLD, NEW), conf)
    assert {h.status for h in report.hunks} == {"reviewed"}
    outcomes = [[a.outcome for a in h.attempts] for h in report.hunks]
    assert ["error", "ok"] in outcomes
    assert len(bad.seen) == 3  # one call, two retries, then the breaker (threshold 3) opened
    # the fallback reviewed every hunk: nothing went unchecked, so the outage is a note
    assert not report.problems
    (note,) = [n for n in report.notes if "p0 unavailable: server error (HTTP 500)" in n]
    assert "circuit open" in note and "fallback models reviewed its hunks" in note


def test_timeouts_and_connection_refused(tmp_path: Path, unused_port: int) -> None:
    with serve("openai", lambda s: Say(delay_s=2.5)) as slow:
        conf = config_for([slow], tmp_path, provider_extra=", timeout_s: 0.2")
        report = run(change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}), conf)
    (hunk,) = [h for h in report.hunks if h.attempts]
    assert hunk.status == "failed" and hunk.attempts[0].outcome == "timeout"
    assert hunk.cost_nano == report.spent_nano > 0  # a read timeout may have been billed
    conf = config_for([slow], tmp_path)
    refused = replace(conf.providers[0], base_url=f"http://127.0.0.1:{unused_port}/v1")
    report = run(change(OLD, NEW), replace(conf, providers=(refused,)))
    assert {h.status for h in report.hunks} == {"failed"} and report.spent_nano == 0
    assert "cannot connect" in report.problems[0]


def test_malformed_body_and_unparseable_answer_fall_back(tmp_path: Path) -> None:
    script = sequence(Say(raw="<html>gateway</html>"), Say("I think it is fine."), findings())
    with serve("openai", script) as first, serve("openai") as second, serve("openai") as third:
        conf = config_for([first, second, third], tmp_path)
        report = run(change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}), conf)
    (hunk,) = [h for h in report.hunks if h.attempts]
    assert [a.outcome for a in hunk.attempts] == ["error", "ok"]
    assert "malformed response body" in hunk.attempts[0].detail


def test_unparseable_answer_tells_the_next_model(tmp_path: Path) -> None:
    with serve("openai", lambda s: "no json here") as first, serve("openai") as second:
        report = run(change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}),
                     config_for([first, second], tmp_path))  # fmt: skip
    (hunk,) = [h for h in report.hunks if h.attempts]
    assert [a.outcome for a in hunk.attempts] == ["unparseable", "ok"]
    assert "could not be used" in second.seen[0].prompt


def test_bad_line_numbers_and_noop_suggestions_are_dropped_with_reasons(tmp_path: Path) -> None:
    answer = findings(
        {"line": 99, "end_line": 99, "severity": "error", "message": "elsewhere"},
        {"line": 7, "end_line": 5, "severity": "error", "message": "backwards"},
        {"line": 5, "end_line": 5, "severity": "note", "message": "same",
         "suggestion": "    total = sum(items) + 0"},
    )  # fmt: skip
    with serve("openai", lambda s: answer) as fake:
        report = run(
            change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}), config_for([fake], tmp_path)
        )
    (hunk,) = [h for h in report.hunks if h.attempts]
    detail = hunk.attempts[0].detail
    assert "outside the changed hunks" in detail and "bad line numbers" in detail
    assert "identical to the current code" in detail
    (kept,) = [f for f in report.findings if f.source == "model"]
    assert kept.message == "same" and kept.suggestion is None


def test_provider_dying_mid_run_opens_breaker_and_falls_back(tmp_path: Path) -> None:
    old, new = python_files(8)
    dying = sequence(findings(), findings(), Say(drop=True))
    with serve("openai", dying) as main, serve("anthropic") as backup:
        conf = config_for([main, backup], tmp_path, extra="max_attempts: 2",
                          provider_extra=", max_concurrency: 1")  # fmt: skip
        report = run(change(old, new), conf)
    assert {h.status for h in report.hunks} == {"reviewed"}
    assert len(main.seen) == 2 + 3  # two answers, then three drops open the breaker
    assert sum(1 for h in report.hunks if h.attempts[-1].model == "p1") == 6
    assert not report.problems and "circuit open" in report.notes[0]


def test_budget_runs_out_mid_run(tmp_path: Path) -> None:
    """The plan books every hunk, but the code around them is longer than it estimated."""
    old, new = python_files(6, hunks_per_file=3)
    wide = {path: text.replace("# filler", "# " + "x" * 300) for path, text in new.items()}
    old = {path: text.replace("# filler", "# " + "x" * 300) for path, text in old.items()}
    with serve("openai", lambda s: Say(findings(), usage=None)) as fake:
        conf = config_for(
            [fake],
            tmp_path,
            provider_extra=", max_concurrency: 1",
            extra="categories: {boilerplate: {context_lines: 40}}",
        )
        planned = pipeline.prepare(change(old, wide), conf, pipeline.RunOptions(), ENV).plan
        assert len(planned.batches) == 6
        report = run(change(old, wide), replace(conf, budget_usd=planned.reserved_nano / 1e9))
    statuses = [h.status for h in report.hunks]
    assert statuses[0] == "reviewed" and statuses[-1] == "skipped_budget"
    assert set(statuses) == {"reviewed", "skipped_budget"} and len(fake.seen) < 6
    assert report.spent_nano <= report.reserved_nano <= report.budget_nano
    one_request = sum(h.cost_nano for h in report.hunks if h.hunk.file == "pkg/mod_0.py")
    assert report.budget_nano - report.spent_nano < one_request
    assert any("budget ran out mid-run: " in n for n in report.notes)


def test_calls_for_different_hunks_overlap(tmp_path: Path) -> None:
    old, new = python_files(8)
    with serve("openai", lambda s: Say(findings(), delay_s=0.3)) as fake:
        conf = config_for([fake], tmp_path, provider_extra=", max_concurrency: 4")
        run(change(old, new), conf)
    # the server saw 4 requests in flight at once: they overlapped, and never more than
    # max_concurrency (a wall-clock bound would only measure how busy the machine is)
    assert fake.max_in_flight == 4


def test_rerun_hits_the_cache_and_spends_nothing(tmp_path: Path) -> None:
    with serve("openai", lambda s: findings(FIX)) as fake:
        conf = config_for([fake], tmp_path)
        first = run(change(OLD, NEW), conf)
        calls = len(fake.seen)
        second = run(change(OLD, NEW), conf)
        edited = dict(NEW, **{"pkg/mod_1.py": NEW["pkg/mod_1.py"].replace("+ 0", "+ 42")})
        third = run(change(OLD, edited), conf)
    assert calls == 4 and first.spent_nano > 0
    assert second.spent_nano == 0 and len(fake.seen) == 5  # the rerun asked nothing...
    assert {a.outcome for h in second.hunks for a in h.attempts} == {"cached"}
    assert [f.suggestion for f in second.findings] == [f.suggestion for f in first.findings]
    assert third.spent_nano > 0  # ...and the edited hunk alone missed


def test_secrets_in_the_diff_never_reach_the_server(tmp_path: Path) -> None:
    secret = "sk-live-abcdefghijklmnopqrstuvwxyz0123"
    aws = "AKIAIOSFODNN7EXAMPLE"
    new = dict(NEW)
    new["pkg/mod_0.py"] = NEW["pkg/mod_0.py"].replace(
        "    return total\n", f'    api_key = "{secret}"\n    aws = "{aws}"\n    return total\n', 1
    )
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9\n-----END RSA PRIVATE KEY-----\n"
    new["pkg/mod_1.py"] = NEW["pkg/mod_1.py"] + f'KEY = """\n{pem}"""\n'
    with serve("openai") as fake:
        report = run(change(OLD, new), config_for([fake], tmp_path), title=f"rotate {secret}")
    received = fake.bodies()
    for leaked in (secret, aws, "MIIEowIBAAKCAQEAx9"):
        assert leaked not in received
    assert "[REDACTED:openai_key]" in received and "[REDACTED:private_key]" in received
    redacted = {h.hunk.file for h in report.hunks if h.redacted}
    assert redacted == {"pkg/mod_0.py", "pkg/mod_1.py"}
    assert json.loads(jsonreport.render(report))["hunks"][0]["redacted"] is True


def test_placeholder_suggestion_is_rejected_and_the_next_model_is_told(tmp_path: Path) -> None:
    bad = dict(FIX, suggestion='    total = "[REDACTED:secret]"')
    with serve("openai", lambda s: findings(bad)) as first, serve("openai") as second:
        report = run(change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}),
                     config_for([first, second], tmp_path))  # fmt: skip
    (hunk,) = [h for h in report.hunks if h.attempts]
    assert [a.outcome for a in hunk.attempts] == ["rejected", "ok"]
    assert "placeholder" in second.seen[0].prompt


def test_gates_judge_rejection_triggers_fallback_with_gate_findings(tmp_path: Path) -> None:
    def judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        gate = Finding("pkg/mod_0.py", 6, 6, "error", "bandit", "B101", "assert used")
        return [
            Verdict(c, "rejected", "new gate findings", (gate,))
            if c.finding.model == "p0"
            else Verdict(c, "accepted", "accepted")
            for c in candidates
        ]

    with (
        serve("openai", lambda s: findings(FIX)) as first,
        serve("openai", lambda s: findings(FIX)) as second,
    ):  # noqa: E501
        report = run(change(OLD, {"pkg/mod_0.py": NEW["pkg/mod_0.py"]}),
                     config_for([first, second], tmp_path), judge=judge)  # fmt: skip
    (hunk,) = [h for h in report.hunks if h.attempts]
    assert [(a.model, a.outcome) for a in hunk.attempts] == [("p0", "rejected"), ("p1", "ok")]
    assert "bandit B101: assert used" in second.seen[0].prompt
    (finding,) = [f for f in report.findings if f.source == "model"]
    assert finding.model == "p1" and finding.validated


def test_structured_log_line_per_call_without_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="hunkroute")
    with serve("openai") as fake:
        run(change(OLD, NEW), config_for([fake], tmp_path))
    calls = [r.getMessage() for r in caplog.records if r.getMessage().startswith("call ")]
    assert len(calls) == 4
    assert all("provider=p0 model=m-p0 category=boilerplate" in c and "outcome=ok" in c
               and "cost_usd=" in c and "latency_ms=" in c for c in calls)  # fmt: skip
    assert KEY not in caplog.text


def test_rate_limited_run_says_so_last_and_fails_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers.cli import run_main
    from tests.helpers.llmcase import KEY_ENV, provider_yaml, unified

    (tmp_path / "change.diff").write_text(unified(OLD, NEW))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(KEY_ENV, KEY)
    quota = Say('{"error": {"code": "insufficient_quota"}}', status=429)
    with serve("openai", lambda s: quota) as fake:
        (tmp_path / "hunkroute.yaml").write_text(
            "fail_closed: true\nretry: {backoff_s: 0.001}\nproviders:\n"
            + provider_yaml("p0", fake, 1e-7, 2e-7, 9.0)
        )
        result = run_main(["run", "--diff", "change.diff", "--format", "json"], capsys)
    assert result.code == 4
    last = result.err.strip().splitlines()[-1]
    assert "failed closed" in last and "p0 unavailable: quota or credit exhausted" in last
    data = json.loads(result.out)
    assert data["problems"][0].startswith("provider p0 unavailable")
    assert {h["status"] for h in data["hunks"]} == {"failed"}
    assert len(fake.seen) <= 4  # at most the first try of each hunk: a fatal failure is not retried
    assert KEY not in result.out + result.err
