"""A small pull request in a real git repository, a report with findings on it, and an Actions env.

``make_pr`` commits a base and a head version of ``app.py``; ``findings_for`` places findings on
the head's changed lines (one inline-able range with a suggestion, single lines, one outside the
diff); ``actions_env`` writes an event payload and sets the variables the runner would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.diff import source
from hunkroute.model import Finding, Report
from tests.helpers.fake_github import TOKEN
from tests.helpers.gitrepo import GitRepo

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "github" / "events"
BASE = [f"value_{i} = {i}" for i in range(1, 31)]


@dataclass(frozen=True)
class PullRequestRepo:
    repo: GitRepo
    base: str
    head: str


def make_pr(root: Path, shift: int = 0) -> PullRequestRepo:
    """Base: 30 lines. Head: lines 5-6 and 20-22 changed (``shift`` blank lines added on top)."""
    repo = GitRepo(root)
    repo.write("app.py", "\n".join(BASE) + "\n")
    base = repo.commit("base")
    head_lines = list(BASE)
    head_lines[4:6] = ["total = price * 1.2", "print(total)"]
    head_lines[19:22] = ["def pay(x):", "    eval(x)", "    return x"]
    repo.write("app.py", "\n".join([""] * shift + head_lines) + "\n")
    return PullRequestRepo(repo, base, repo.commit("head"))


def findings_for(shift: int = 0) -> tuple[Finding, ...]:
    """Findings on the head of ``make_pr``: inline ranges, a suggestion, one outside the diff."""
    return (
        Finding("app.py", 21 + shift, 21 + shift, "error", "bandit", "B307", "Use of eval."),
        Finding(
            "app.py",
            5 + shift,
            6 + shift,
            "warning",
            "model",
            "review",
            "Rounds money with a float.",
            suggestion="total = round(price * 1.2, 2)\n",
            model="cheap-model",
            validated=True,
        ),  # fmt: skip
        Finding("app.py", 6 + shift, 6 + shift, "note", "ruff", "T201", "print found."),
        Finding("app.py", 30 + shift, 30 + shift, "warning", "ruff", "E501", "Line too long."),
    )


def report_for(pr: PullRequestRepo, findings: tuple[Finding, ...]) -> Report:
    """The real pipeline over the PR's diff, with ``findings`` in place of the gates' output."""
    wanted = source.DiffSource("range", base=pr.base, head=pr.head)
    loaded = source.load(wanted, pr.repo.root)
    report = pipeline.run(loaded, configmod.load(None), pipeline.RunOptions(), {})
    return replace(report, findings=findings)


def actions_env(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    api_url: str,
    event: str = "pull_request_same_repo.json",
    shas: tuple[str, str] | None = None,
    event_name: str = "pull_request",
) -> Path:
    """Set the runner's variables; returns the folder with the summary and outputs files."""
    payload = json.loads((EVENTS / event).read_text(encoding="utf-8"))
    if shas and "pull_request" in payload:
        payload["pull_request"]["base"]["sha"], payload["pull_request"]["head"]["sha"] = shas
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    (runner / "event.json").write_text(json.dumps(payload), encoding="utf-8")
    for name, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(runner / "event.json"),
        "GITHUB_REPOSITORY": "octo/shop",
        "GITHUB_API_URL": api_url,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "GITHUB_OUTPUT": str(runner / "output.txt"),
        "RUNNER_TEMP": str(runner),
    }.items():
        monkeypatch.setenv(name, value)
    return runner
