"""Gates in the pipeline and the CLI: blocking findings, free suggestions, failures, plan."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.diff.source import LoadedDiff
from hunkroute.gates.runner import ToolRunner
from tests.helpers.cli import FIXTURES, run_cli, run_main
from tests.helpers.gates import MemorySnapshot, Starts, line_of, unified


@pytest.mark.tools
def test_run_offline_blocks_on_shell_true_and_proposes_validated_ruff_fixes(
    tmp_path: Path,
) -> None:
    """The issue's done-when: bandit and semgrep on the line, ruff's safe fixes validated."""
    shutil.copytree(FIXTURES / "gates" / "shell-true", tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "diffs" / "adds-shell-true.diff", tmp_path / "change.diff")
    result = run_cli(["run", "--offline", "--diff", "change.diff", "--format", "json"], tmp_path)
    assert result.code == 1, result.err
    report = json.loads(result.out)
    source = (tmp_path / "tools" / "deploy.py").read_text(encoding="utf-8")
    shell_line = line_of(source, "shell=True")
    on_line = [f for f in report["findings"] if f["line"] == shell_line]
    merged = [f for f in on_line if f["rule"] == "subprocess-shell-true"]
    assert len(merged) == 1 and merged[0]["severity"] == "error"
    assert merged[0]["also"] == [{"source": "bandit", "rule": "B602"}]
    assert not any(f["rule"] == "B602" for f in on_line)  # one problem, one finding
    fixes = {f["rule"]: f for f in report["findings"] if f["suggestion"] is not None}
    assert set(fixes) == {"F401", "F541"}
    assert all(f["validated"] and f["source"] == "ruff" for f in fixes.values())
    assert fixes["F541"]["suggestion"] == '    label = "deploy"'
    assert report["problems"] == []
    assert [h["category"] for h in report["hunks"]] == ["review"]


def write_change(root: Path, config: str) -> None:
    (root / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (root / "change.diff").write_text(unified("ok.py", "", "x = 1\n"), encoding="utf-8")
    (root / "broken.toml").write_text("this is [not toml\n", encoding="utf-8")
    (root / "hunkroute.yaml").write_text(config, encoding="utf-8")


@pytest.mark.tools
@pytest.mark.parametrize(("fail_closed", "code"), [("true", 4), ("false", 0)])
def test_a_crashing_gate_is_a_problem_and_exit_4_only_when_fail_closed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fail_closed: str,
    code: int,
) -> None:
    config = f"fail_closed: {fail_closed}\ngates:\n  - name: ruff\n    config: broken.toml\n"
    write_change(tmp_path, config)
    monkeypatch.chdir(tmp_path)
    result = run_main(["run", "--offline", "--diff", "change.diff"], capsys)
    assert result.code == code
    assert "problem: gate ruff unavailable: ruff exited with code 2" in result.out
    assert "Traceback" not in result.err


def loaded(path: str, old: str, new: str) -> LoadedDiff:
    data = unified(path, old, new).encode()
    return LoadedDiff(data, "test", MemorySnapshot({path: new}))


def test_plan_starts_no_gate_and_says_so() -> None:
    starts = Starts()
    prepared = pipeline.prepare(
        loaded("a.py", "", "import subprocess\nsubprocess.call(c, shell=True)\n"),
        configmod.load(None),
        pipeline.RunOptions(),
        {},
        for_plan_only=True,
        tools=ToolRunner(dict(os.environ), on_start=starts),
    )
    assert starts.calls == []
    assert prepared.prescan == ()
    assert any("static gates not run by plan" in note for note in prepared.notes)


OLD = "def first():\n    return 1\n" + "\n" * 12 + "def second():\n    return 2\n"
NEW = OLD.replace("return 1", "return eval(expr)").replace("return 2", "return 3")


@pytest.mark.tools
def test_a_gate_finding_makes_only_its_own_hunk_a_review() -> None:
    config = configmod.loads("gates: [bandit]\n", "test config")
    prepared = pipeline.prepare(
        loaded("calc.py", OLD, NEW), config, pipeline.RunOptions(offline=True), dict(os.environ)
    )
    categories = {item.hunk.new_start: item.classification for item in prepared.items}
    assert len(categories) == 2
    first, second = (categories[k] for k in sorted(categories))
    assert first.category == "review" and first.reasons[0].startswith("bandit B307")
    assert second.category != "review" and not any("B307" in r for r in second.reasons)
    assert [(f.rule, f.line) for f in prepared.prescan] == [("B307", 2)]


@pytest.mark.tools
def test_a_diff_without_its_files_is_gated_on_the_lines_it_shows(tmp_path: Path) -> None:
    """The README's demo: the example diff alone, outside any checkout, blocks on shell=True."""
    example = Path(__file__).parents[1] / "examples" / "pr-export-and-billing.diff"
    result = run_cli(["run", "--offline", "--diff", str(example), "--format", "json"], tmp_path)
    assert result.code == 1, result.err
    report = json.loads(result.out)
    blocking = {(f["file"], f["source"], f["rule"]) for f in report["findings"]}
    assert ("app/export.py", "semgrep", "subprocess-shell-true") in blocking
    also = [a for f in report["findings"] for a in f["also"]]
    assert {"source": "bandit", "rule": "B602"} in also
    assert not any(f["source"] == "ruff" for f in report["findings"])  # fragments: no pyflakes


@pytest.mark.tools
@pytest.mark.parametrize("escalate", [False, True])
def test_a_blocking_prescan_finding_escalates_the_route_only_when_opted_in(
    tmp_path: Path, escalate: bool
) -> None:
    shutil.copytree(FIXTURES / "gates" / "shell-true", tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "diffs" / "adds-shell-true.diff", tmp_path / "change.diff")
    (tmp_path / "hunkroute.yaml").write_text(f"escalate_on_findings: {str(escalate).lower()}\n")
    argv = ["run", "--offline", "--diff", "change.diff", "--format", "json"]
    (hunk,) = json.loads(run_cli(argv, tmp_path).out)["hunks"]
    escalated = "escalated: blocking prescan finding " in hunk["route_reason"]
    assert escalated == escalate, hunk["route_reason"]
    assert hunk["planned_model"] == ("kimi-k2.5" if escalate else "deepseek-v4-flash")
