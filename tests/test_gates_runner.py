"""The runner: tool lookup, and every way a gate can fail becoming a GateUnavailable value."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from hunkroute.config import GateConfig
from hunkroute.gates import GATES, GateJob, GateResult, GateUnavailable
from hunkroute.gates.runner import ToolRunner
from tests.helpers.gates import Starts, fake_tool


def job(root: Path, gate: str, timeout_s: float = 30.0) -> GateJob:
    (root / "t0").mkdir(parents=True, exist_ok=True)
    (root / "t0" / "a.py").write_text("x = 1\n", encoding="utf-8")
    settings = GateConfig(gate, timeout_s=timeout_s)
    return GateJob(str(root), {"t0/a.py": "x = 1\n"}, {"t0/a.py": "python"}, ("t0",), settings, {})


def runner(bin_dir: Path, starts: Starts | None = None, path: str = os.defpath) -> ToolRunner:
    """Tools from ``bin_dir`` only; ``path`` is for what the fake tools themselves call."""
    return ToolRunner({"PATH": path}, search=(bin_dir,), on_start=starts)


def test_a_crash_is_reported_with_the_tools_last_words(tmp_path: Path) -> None:
    fake_tool(tmp_path / "bin", "semgrep", 'echo "starting" >&2; echo "fatal: boom" >&2; exit 2')
    outcome = runner(tmp_path / "bin").run(GATES["semgrep"], job(tmp_path / "w", "semgrep"))
    assert outcome == GateUnavailable("semgrep", "semgrep exited with code 2: fatal: boom")


def test_output_that_is_not_json_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    fake_tool(tmp_path / "bin", "bandit", 'echo "Traceback: oops"; exit 1')
    outcome = runner(tmp_path / "bin").run(GATES["bandit"], job(tmp_path / "w", "bandit"))
    assert isinstance(outcome, GateUnavailable)
    assert outcome.reason.startswith("unreadable output from bandit (JSONDecodeError")


def test_a_timeout_kills_the_tool_and_its_children(tmp_path: Path) -> None:
    # The background sleep keeps stdout open: only killing the process group ends the wait.
    fake_tool(tmp_path / "bin", "ruff", "sleep 30 & sleep 30")
    started = time.monotonic()
    outcome = runner(tmp_path / "bin").run(GATES["ruff"], job(tmp_path / "w", "ruff", 0.5))
    assert outcome == GateUnavailable("ruff", "timed out after 0.5s")
    assert time.monotonic() - started < 10


def test_a_missing_tool_names_where_it_was_looked_for(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    tools = runner(tmp_path / "bin", path=str(tmp_path / "bin"))
    outcome = tools.run(GATES["ruff"], job(tmp_path / "w", "ruff"))
    assert outcome == GateUnavailable("ruff", f"ruff not found in {tmp_path / 'bin'} or on PATH")


def test_the_search_folders_come_before_path(tmp_path: Path) -> None:
    first = fake_tool(tmp_path / "first", "ruff", "echo '[]'")
    fake_tool(tmp_path / "path", "ruff", "exit 9")
    tools = ToolRunner({"PATH": str(tmp_path / "path")}, search=(tmp_path / "first",))
    assert tools.locate("ruff") == str(first)
    assert ToolRunner({"PATH": str(tmp_path / "path")}, search=()).locate("ruff") == str(
        tmp_path / "path" / "ruff"
    )


def test_a_gate_with_nothing_to_scan_starts_nothing(tmp_path: Path) -> None:
    starts = Starts()
    empty = GateJob(str(tmp_path), {}, {}, (), GateConfig("bandit"), {})
    outcome = runner(tmp_path / "bin", starts).run(GATES["bandit"], empty)
    assert outcome == GateResult("bandit", ())
    assert starts.calls == []


def test_by_default_tools_are_looked_for_next_to_the_interpreter() -> None:
    assert ToolRunner({}).search == (Path(sys.executable).parent,)


@pytest.mark.tools
def test_real_semgrep_past_its_timeout_is_unavailable(tmp_path: Path) -> None:
    started = time.monotonic()
    tools = ToolRunner(dict(os.environ))
    outcome = tools.run(GATES["semgrep"], job(tmp_path, "semgrep", 0.01))
    assert outcome == GateUnavailable("semgrep", "timed out after 0.01s")
    assert time.monotonic() - started < 10
