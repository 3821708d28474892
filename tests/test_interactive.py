"""Interactive runs (``precommit``) through pipeline.run: the deadline, fast models, startup cost.

The deadline tests run against real fake-LLM servers on 127.0.0.1 that answer slowly; the
startup test imports the pipeline in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.model import Candidate, Judge, Report, Verdict
from hunkroute.report import compact
from tests.helpers.cli import SRC
from tests.helpers.fake_llm import FakeLLM, Say, Script, Seen, findings, serve
from tests.helpers.llmcase import ENV, change, config_for, python_files

OLD, NEW = python_files(2)  # two files, one hunk each: added lines 3-6, the total at 5
FIX = {"line": 5, "end_line": 5, "severity": "warning", "message": "use a generator",
       "suggestion": "    total = sum(list(items)) + 0"}  # fmt: skip
INTERACTIVE = pipeline.RunOptions(interactive=True)


def slow_for(marker: str, delay_s: float = 2.0) -> Script:
    """A script answering at once, except for prompts containing ``marker``."""

    def script(seen: Seen) -> Say:
        return Say(findings(), delay_s=delay_s if marker in seen.prompt else 0.0)

    return script


def timed_run(
    fakes: Sequence[FakeLLM],
    tmp_path: Path,
    options: pipeline.RunOptions,
    deadline_s: float = 0.5,
    judge: Judge | None = None,
) -> tuple[Report, float]:
    extra = f"gates: []\nprecommit: {{deadline_s: {deadline_s}}}"
    conf = config_for(fakes, tmp_path, extra=extra)
    start = time.monotonic()
    report = pipeline.run(change(OLD, NEW), conf, options, ENV, judge=judge)
    return report, time.monotonic() - start


def test_deadline_drops_slow_calls_and_charges_their_reservations(tmp_path: Path) -> None:
    with serve("openai", slow_for("def added_")) as fake:
        report, elapsed = timed_run([fake], tmp_path, INTERACTIVE)
    assert elapsed < 1.5  # the server answers after 2 s
    assert len(fake.seen) == 2 and {h.status for h in report.hunks} == {"failed"}
    for hunk in report.hunks:
        (attempt,) = hunk.attempts
        assert attempt.outcome == "timeout" and "deadline passed" in attempt.detail
        assert attempt.cost_nano == hunk.cost_nano > 0
    # Both calls were in flight together, then charged: spent equals the peak of what was held.
    assert report.spent_nano == report.reserved_nano <= report.budget_nano
    assert report.spent_nano == sum(h.cost_nano for h in report.hunks)
    assert report.problems[0] == (
        "2 model call(s) dropped at the deadline (0.5 s, precommit.deadline_s);"
        " the run is judged on what came back"
    )
    assert not any("unavailable" in p for p in report.problems)  # not the provider's fault


def test_run_is_judged_on_what_came_back_and_does_not_block(tmp_path: Path) -> None:
    # the fast answer needs a local round trip before the deadline, even on a loaded machine
    with serve("openai", slow_for("def added_1_0", delay_s=4.0)) as fake:
        report, elapsed = timed_run([fake], tmp_path, INTERACTIVE, deadline_s=1.5)
    assert elapsed < 3.5
    statuses = {h.hunk.file: h.status for h in report.hunks}
    assert statuses == {"pkg/mod_0.py": "reviewed", "pkg/mod_1.py": "failed"}
    dropped = next(h for h in report.hunks if h.status == "failed").attempts[0]
    assert report.spent_nano == sum(h.cost_nano for h in report.hunks) > dropped.cost_nano > 0
    assert report.spent_nano <= report.reserved_nano <= report.budget_nano
    lines = compact.closing_lines(report, elapsed)
    assert "1 model call(s) dropped at the deadline" in lines[-2]
    assert lines[-2].endswith("this does not block") and "hunkroute: passed" in lines[-1]


def test_deadline_covers_fallback_rounds(tmp_path: Path) -> None:
    """The gates take the first round past the deadline: the fallback is dropped, never sent."""

    def slow_rejecting_judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        time.sleep(0.4)
        return [Verdict(c, "rejected", "new gate findings") for c in candidates]

    with serve("openai", lambda s: findings(FIX)) as first, serve("openai") as second:
        report, _ = timed_run([first, second], tmp_path, INTERACTIVE, deadline_s=0.3,
                              judge=slow_rejecting_judge)  # fmt: skip
    assert len(first.seen) == 2 and second.seen == []
    for hunk in report.hunks:
        assert [(a.model, a.outcome) for a in hunk.attempts] == [
            ("p0", "rejected"),
            ("p1", "timeout"),
        ]
        assert hunk.attempts[1].cost_nano == 0 and "(0 tries)" in hunk.attempts[1].detail
    assert report.spent_nano == sum(h.cost_nano for h in report.hunks)
    assert "2 model call(s) dropped at the deadline" in report.problems[0]


def test_run_without_interactive_waits_for_slow_answers(tmp_path: Path) -> None:
    with serve("openai", slow_for("def added_", delay_s=0.6)) as fake:
        report, elapsed = timed_run([fake], tmp_path, pipeline.RunOptions(), deadline_s=0.1)
    assert elapsed >= 0.6 and {h.status for h in report.hunks} == {"reviewed"}
    assert report.problems == () and len(fake.seen) == 2


PROVIDERS = """\
providers:
  - {name: slow, base_url: 'http://127.0.0.1:9/v1', model: s, cost_per_input_token: 1.0e-7,
     cost_per_output_token: 2.0e-7, quality: 9.0, supported_tasks: [review, debugging, boilerplate]}
  - {name: fast, base_url: 'http://127.0.0.1:9/v1', model: f, cost_per_input_token: 3.0e-7,
     cost_per_output_token: 4.0e-7, quality: 9.0, supported_tasks: [review, debugging, boilerplate],
     latency_target_ms: 300}
"""


def planned_models(prefer: bool, interactive: bool) -> set[str]:
    text = f"gates: []\nupgrade_share: 0\nprecommit: {{prefer_low_latency: {prefer}}}\n" + PROVIDERS
    conf = configmod.loads(text, "test config")
    options = pipeline.RunOptions(interactive=interactive)
    prepared = pipeline.prepare(change(OLD, NEW), conf, options, {}, for_plan_only=True)
    return {b.model for b in prepared.plan.batches}


def test_prefer_low_latency_is_what_makes_interactive_runs_pick_fast_models() -> None:
    assert planned_models(prefer=True, interactive=True) == {"fast"}
    assert planned_models(prefer=False, interactive=True) == {"slow"}
    assert planned_models(prefer=True, interactive=False) == {"slow"}


def test_pipeline_and_an_offline_run_do_not_import_httpx(tmp_path: Path) -> None:
    (tmp_path / "hunkroute.yaml").write_text("gates: []\n" + PROVIDERS)
    code = f"""
import sys
from pathlib import Path
from hunkroute import config, pipeline
from tests.helpers.llmcase import change, python_files
conf = config.loads(Path({str(tmp_path / "hunkroute.yaml")!r}).read_text(), "test config")
old, new = python_files(2)
report = pipeline.run(change(old, new), conf, pipeline.RunOptions(offline=True), {{}})
assert {{h.status for h in report.hunks}} == {{"gated"}}, report.hunks
heavy = sorted(m for m in ("httpx", "hunkroute.models.execute") if m in sys.modules)
print(",".join(heavy) or "none")
"""
    root = SRC.parent
    env = {
        "PYTHONPATH": f"{SRC}:{root}",
        "PATH": "/usr/bin:/bin",
        "HUNKROUTE_CACHE_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "none"
