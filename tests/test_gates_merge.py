"""gates/merge.py: one problem on one line is one finding, whichever tools saw it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hunkroute.gates.equivalents import BANDIT_TO_SEMGREP
from hunkroute.gates.merge import merged
from hunkroute.model import Finding, Related
from tests.helpers.cli import run_cli

RULES = Path(__file__).parents[1] / "src" / "hunkroute" / "gates" / "rules"


def found(line: int, severity: str, source: str, rule: str) -> Finding:
    return Finding("a.py", line, line, severity, source, rule, f"{rule} says")  # type: ignore[arg-type]


def test_same_problem_same_line_merges_with_the_strongest_severity() -> None:
    bandit = found(3, "error", "bandit", "B602")
    semgrep = found(3, "warning", "semgrep", "subprocess-shell-true")
    ruff = found(3, "warning", "ruff", "S602")
    (one, other) = merged([bandit, ruff, semgrep])
    assert one.source == "bandit" and one.severity == "error"
    assert one.also == (Related("semgrep", "subprocess-shell-true"),)
    assert other == ruff  # no mapping for ruff's rule: left alone


def test_a_tie_goes_to_semgrep_and_other_lines_or_problems_stay_apart() -> None:
    findings = [
        found(5, "warning", "bandit", "B301"),
        found(5, "warning", "semgrep", "unsafe-deserialization"),
        found(6, "warning", "bandit", "B301"),
        found(5, "warning", "semgrep", "eval-exec-dynamic"),
    ]
    first, second, third = merged(findings)
    assert (first.source, first.also) == ("semgrep", (Related("bandit", "B301"),))
    assert second.line == 6 and not second.also
    assert third.rule == "eval-exec-dynamic"


def test_every_mapped_problem_is_a_real_semgrep_rule() -> None:
    ids = {path.stem for path in RULES.glob("*.yaml")}
    assert set(BANDIT_TO_SEMGREP.values()) <= ids


@pytest.mark.tools
def test_shell_true_is_one_finding_with_also_in_every_format(tmp_path: Path) -> None:
    (tmp_path / "run.py").write_text("import subprocess\n\n\ndef go(cmd):\n"
                                     "    subprocess.call(cmd, shell=True)\n")  # fmt: skip
    diff = tmp_path / "change.diff"
    diff.write_text(
        "diff --git a/run.py b/run.py\nnew file mode 100644\n--- /dev/null\n+++ b/run.py\n"
        "@@ -0,0 +1,5 @@\n+import subprocess\n+\n+\n+def go(cmd):\n"
        "+    subprocess.call(cmd, shell=True)\n"
    )
    shutil.copy(diff, tmp_path / "c.diff")
    report = json.loads(run_cli(["run", "--offline", "--diff", "c.diff", "--format", "json"],
                                tmp_path).out)  # fmt: skip
    on_line = [f for f in report["findings"] if f["line"] == 5]
    assert len(on_line) == 1, on_line
    assert on_line[0]["also"] == [{"source": "bandit", "rule": "B602"}]
    text = run_cli(["run", "--offline", "--diff", "c.diff"], tmp_path).out
    assert "(also: bandit B602)" in text and text.count("run.py:5 ") == 1
    sarif = json.loads(
        run_cli(["run", "--offline", "--diff", "c.diff", "--format", "sarif"], tmp_path).out
    )
    (result,) = [r for r in sarif["runs"][0]["results"] if "shell" in r["ruleId"]]
    assert result["properties"]["also"] == [{"source": "bandit", "rule": "B602"}]
