"""cli.py: commands, flags, output formats and exit codes, called like users call them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hunkroute import __version__, pipeline
from tests.helpers.cli import Result, run_cli, run_main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pr-export-and-billing.diff"
SEED = ROOT / "tests" / "fixtures" / "config" / "ai-router.config.yaml"
HUNK_KEYS = {"id", "file", "new_start", "new_end", "category", "reasons", "model", "status",
             "cost_usd", "attempts"}  # fmt: skip
TOP_KEYS = {"version", "budget_usd", "spent_usd", "reserved_usd", "premium_baseline_usd", "hunks",
            "findings"}  # fmt: skip


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.code == code, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["--version"], capsys)
    assert result.code == 0 and result.out.strip() == f"hunkroute {__version__}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "a command is required"),
        (["run", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["lint"], "invalid choice: 'lint'"),
        (["run", "--diff", "x", "--staged"], "--diff and --staged cannot be combined"),
        (["run", "--head", "HEAD"], "--head needs --base"),
        (["run", "--budget", "-1", "--diff", "x"], "--budget must be a number >= 0"),
        (["run", "--budget", "lots"], "invalid float value: 'lots'"),
        (["run", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_usage_is_one_line_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in one_line_error(run_main(argv, capsys))


def test_offline_run_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["run", "--diff", str(EXAMPLE), "--offline"], capsys)
    assert result.code in (0, 1)
    assert "app/export.py:1-15" in result.out
    assert "skipped files: 1 (lock file 1; -v lists them)" in result.out
    verbose = run_main(["run", "--diff", str(EXAMPLE), "--offline", "-v"], capsys)
    assert "package-lock.json (lock file)" in verbose.out
    assert "offline: no model calls" in result.out
    assert result.err.strip().splitlines()[-1].startswith("hunkroute: ")


def test_no_keys_means_offline_and_says_which(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["run", "--diff", str(EXAMPLE), "--format", "json"], capsys)
    notes = json.loads(result.out)["notes"]
    assert any("no provider has its API key set" in n and "DEEPSEEK_API_KEY" in n for n in notes)


def test_json_report_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["run", "--diff", str(EXAMPLE), "--format", "json", "--offline"], capsys)
    data = json.loads(result.out)
    assert TOP_KEYS <= set(data)
    assert data["spent_usd"] <= data["reserved_usd"] <= data["budget_usd"]
    assert data["hunks"] and all(HUNK_KEYS <= set(h) for h in data["hunks"])
    statuses = {h["file"]: h["status"] for h in data["hunks"]}
    assert statuses["docs/billing.md"] == "skipped"
    assert statuses["app/export.py"] == "gated"
    assert data["saving_percent"] is None  # nothing was sent: no saving to claim (issue 13)
    assert data["legacy_findings_hidden"] == 0  # a diff alone has no base version
    assert all(f["also"] is not None for f in data["findings"])
    assert not any("not configured" in n for n in data["notes"])  # catalogue models: no news


def test_quiet_and_verbose_reach_the_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = run_main(["run", "--diff", str(EXAMPLE), "--offline", "-q"], capsys).out
    default = run_main(["run", "--diff", str(EXAMPLE), "--offline"], capsys).out
    verbose = run_main(["run", "--diff", str(EXAMPLE), "--offline", "-v"], capsys).out
    assert len(quiet.splitlines()) < len(default.splitlines()) < len(verbose.splitlines())
    assert "summary:" not in quiet and quiet.splitlines()[-1].startswith(("passed", "blocked"))


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    result = run_main(
        ["run", "--diff", str(EXAMPLE), "--format", "json", "--output", str(out)], capsys
    )
    assert result.out == ""
    assert json.loads(out.read_text())["version"] == 1


def test_unwritable_output_prints_the_report_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-dir" / "r.json"
    result = run_main(
        ["run", "--diff", str(EXAMPLE), "--format", "json", "--output", str(target)], capsys
    )
    assert "cannot write report" in one_line_error(result)
    assert json.loads(result.out)["hunks"]  # nothing lost


def test_malformed_diff_exit_2_names_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.diff"
    bad.write_text("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n")
    message = one_line_error(run_main(["run", "--diff", str(bad)], capsys))
    assert f"{bad}: line 4: malformed diff" in message


def test_missing_diff_file(capsys: pytest.CaptureFixture[str]) -> None:
    message = one_line_error(run_main(["run", "--diff", "nope.diff"], capsys))
    assert "nope.diff: cannot read diff" in message


def test_bad_config_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hunkroute.yaml").write_text("budget_usd: 1\nfail_on: maybe\n")
    message = one_line_error(run_main(["run", "--diff", str(EXAMPLE)], capsys))
    assert "hunkroute.yaml:2: fail_on: expected one of error, warning, never" in message


def test_budget_flag_overrides_config(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(
        ["run", "--diff", str(EXAMPLE), "--format", "json", "--budget", "0.02"], capsys
    )
    assert json.loads(result.out)["budget_usd"] == 0.02


def test_diff_from_stdin(tmp_path: Path) -> None:
    result = run_cli(
        ["run", "--diff", "-", "--format", "json"], tmp_path, stdin=EXAMPLE.read_bytes()
    )
    assert result.code in (0, 1), result.err
    assert json.loads(result.out)["origin"] == "stdin"


def test_plan_with_the_seed_config(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--diff", str(EXAMPLE), "--config", str(SEED), "--format", "json"]
    result = run_main(argv, capsys)
    assert result.code == 0
    data = json.loads(result.out)
    assert data["budget_usd"] == 5.0
    routed = [h for h in data["hunks"] if h["model"]]
    assert routed and {h["model"] for h in routed} <= {"deepseek-v4-flash", "qwen3-coder-30b"}
    assert 0 < data["reserved_usd"] <= data["premium_baseline_usd"]
    assert any("ga-standard" in note for note in data["notes"])


def test_plan_text(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["plan", "--diff", str(EXAMPLE)], capsys)
    assert "ROUTE" in result.out and "model requests" in result.out


def test_init_writes_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(["init"], capsys).code == 0
    assert (tmp_path / "hunkroute.yaml").read_text().startswith("# hunkroute configuration")
    assert "already exists" in one_line_error(run_main(["init"], capsys))
    assert run_main(["init", "--force"], capsys).code == 0


def test_internal_error_is_exit_3_with_crash_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "run", explode)
    message = one_line_error(run_main(["run", "--diff", str(EXAMPLE)], capsys), code=3)
    assert "internal error: RuntimeError: boom" in message
    (crash,) = tmp_path.glob("hunkroute-crash-*.txt")
    assert "Traceback" in crash.read_text()


def test_interrupt_is_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run", interrupt)
    assert run_main(["run", "--diff", str(EXAMPLE)], capsys).code == 130


def test_module_entry_point(tmp_path: Path) -> None:
    result = run_cli(["--version"], tmp_path)
    assert result.code == 0 and __version__ in result.out


def test_run_formats_are_the_sink_registry() -> None:
    from hunkroute.cli import RUN_FORMATS
    from hunkroute.report import sinks

    assert tuple(sinks()) == RUN_FORMATS


def test_run_format_sarif_and_github(capsys: pytest.CaptureFixture[str]) -> None:
    offline = ["run", "--diff", str(EXAMPLE), "--offline", "--fail-on", "never"]
    sarif = run_main([*offline, "--format", "sarif"], capsys)
    assert sarif.code == 0 and json.loads(sarif.out)["version"] == "2.1.0"
    github = run_main([*offline, "--format", "github"], capsys)
    assert github.code == 0 and all(line.startswith("::") for line in github.out.splitlines())


def test_budget_skips_are_said_in_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "run",
        "--diff",
        str(EXAMPLE),
        "--format",
        "json",
        "--budget",
        "0",
        "--fail-on",
        "never",
    ]
    data = json.loads(run_main(argv, capsys).out)
    assert any(n.startswith("plan: ") and "skipped_budget" in n for n in data["notes"])
    assert {h["status"] for h in data["hunks"]} <= {"skipped_budget", "skipped"}
