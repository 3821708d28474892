"""report/codequality.py: GitLab's Code Quality JSON, and ``run --format codequality``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hunkroute.report import codequality
from tests.helpers.cli import run_main
from tests.helpers.prs import findings_for, make_pr, report_for


@pytest.fixture(scope="module")
def issues(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    pr = make_pr(tmp_path_factory.mktemp("cq"))
    return json.loads(codequality.render(report_for(pr, findings_for())))


def test_every_finding_is_an_issue_with_gitlab_fields(issues: list[dict]) -> None:
    assert len(issues) == 4
    first = issues[0]
    assert first["check_name"] == "bandit/B307" and first["location"] == {
        "path": "app.py", "lines": {"begin": 21, "end": 21}}  # fmt: skip
    assert all(isinstance(i["description"], str) and i["description"] for i in issues)
    assert len({i["fingerprint"] for i in issues}) == 4


def test_severities_map_and_blocking_is_critical(issues: list[dict]) -> None:
    # fail_on: error (the default): the bandit error blocks
    assert [i["severity"] for i in issues] == ["critical", "minor", "info", "minor"]


def test_fingerprints_survive_a_push_that_moves_the_lines(
    issues: list[dict], tmp_path: Path
) -> None:
    moved = make_pr(tmp_path / "moved", shift=3)
    again = json.loads(codequality.render(report_for(moved, findings_for(3))))
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]
    assert again[0]["location"]["lines"]["begin"] == 24


@pytest.mark.tools
def test_run_format_codequality(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diff = tmp_path / "change.diff"
    diff.write_text(
        "diff --git a/app.py b/app.py\nnew file mode 100644\n--- /dev/null\n+++ b/app.py\n"
        "@@ -0,0 +1,2 @@\n+def f(x):\n+    return eval(x)\n"
    )
    result = run_main(["run", "--diff", str(diff), "--offline", "--format", "codequality"], capsys)
    issues = json.loads(result.out)
    severity = {i["check_name"]: i["severity"] for i in issues}
    assert severity == {"semgrep/eval-exec-dynamic": "critical"}  # one problem, one issue
    assert "(also: bandit B307)" in issues[0]["description"]
    assert result.code == 1
