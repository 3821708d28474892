"""ghaction.py and ghevent.py: the ``github`` command from event to exit code, against the fake."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hunkroute import pipeline
from hunkroute.commands import github as ghaction
from hunkroute.errors import InputError, UsageError
from hunkroute.forges.github import diff as github_diff
from hunkroute.forges.github.event import read_event
from tests.helpers.cli import run_main
from tests.helpers.fake_github import FakeGitHub
from tests.helpers.prs import PullRequestRepo, actions_env, findings_for, make_pr


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server
        assert server.errors == []


@pytest.fixture
def pr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PullRequestRepo:
    made = make_pr(tmp_path / "repo")
    monkeypatch.chdir(made.repo.root)
    real_run = pipeline.run

    def with_findings(*args: object, **kwargs: object) -> object:
        return replace(real_run(*args, **kwargs), findings=findings_for())  # type: ignore[arg-type]

    # The gates belong to another module; these tests need findings to post.
    monkeypatch.setattr(pipeline, "run", with_findings)
    return made


def outputs(runner: Path) -> dict[str, str]:
    lines = (runner / "output.txt").read_text(encoding="utf-8").splitlines()
    return {lines[i].split("<<")[0]: lines[i + 1] for i in range(0, len(lines), 3)}


def run(**kwargs: object) -> int:
    return ghaction.command(None, sleep=lambda s: None, **kwargs)  # type: ignore[arg-type]


def test_same_repo_pr_gets_one_review_summary_outputs_and_files(
    fake: FakeGitHub, pr: PullRequestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = actions_env(monkeypatch, tmp_path, fake.url, shas=(pr.base, pr.head))
    assert run() == 1  # the bandit error blocks (fail_on: error by default)
    assert len(fake.calls("pulls/create-review")) == 1 and fake.calls("pulls/get") == []
    out = outputs(runner)
    assert (out["findings"], out["blocking"], out["spent-usd"]) == ("4", "1", "0.000000")
    report = json.loads(Path(out["report"]).read_text(encoding="utf-8"))
    assert len(report["findings"]) == 4
    sarif = json.loads(Path(out["sarif"]).read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == 4
    summary = (runner / "summary.md").read_text(encoding="utf-8")
    assert "channel: **review** · new inline: 2" in summary and "| error | `app.py:21`" in summary
    assert run() == 1  # a second push of the same head posts nothing new
    assert len(fake.calls("pulls/create-review")) == 1


def test_fork_pr_in_auto_mode_posts_annotations_and_says_why(
    fake: FakeGitHub, pr: PullRequestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    runner = actions_env(
        monkeypatch, tmp_path, fake.url, "pull_request_fork.json", (pr.base, pr.head)
    )
    run()
    assert fake.calls("pulls/create-review") == []
    assert "::error file=app.py,line=21,endLine=21," in capsys.readouterr().out
    assert "fork PR: GitHub gives it a read-only token" in (runner / "summary.md").read_text()


def test_read_only_token_in_review_mode_falls_back_and_fails_closed(
    fake: FakeGitHub, pr: PullRequestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    runner = actions_env(monkeypatch, tmp_path, fake.url, shas=(pr.base, pr.head))
    monkeypatch.setenv("HUNKROUTE_POST", "review")
    monkeypatch.setenv("HUNKROUTE_FAIL_ON", "never")
    (runner / "cfg.yaml").write_text("fail_closed: true\n")
    monkeypatch.setenv("HUNKROUTE_CONFIG", str(runner / "cfg.yaml"))
    fake.read_only = True
    assert run() == 4
    assert "::error file=app.py,line=21" in capsys.readouterr().out
    summary = (runner / "summary.md").read_text()
    assert "could not post the review" in summary and "403" in summary
    assert "| error | `app.py:21`" in summary  # nothing lost


def test_github_down_while_posting_loses_nothing(
    fake: FakeGitHub, pr: PullRequestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = actions_env(monkeypatch, tmp_path, fake.url, shas=(pr.base, pr.head))
    monkeypatch.setenv("HUNKROUTE_FAIL_ON", "never")
    for _ in range(4):
        fake.script("pulls/list-review-comments", 502, {"message": "Bad Gateway"})
    assert run() == 0  # fail_closed is off by default: a warning, not a failure
    summary = (runner / "summary.md").read_text()
    assert "502" in summary and summary.count("| `app.py:") == 4
    assert outputs(runner)["findings"] == "4"


def test_diff_and_files_come_from_the_api_when_the_checkout_lacks_them(
    fake: FakeGitHub, pr: PullRequestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.diff = pr.repo.git("diff", f"{pr.base}...{pr.head}")
    fake.files["app.py"] = b"print('head')\n"
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    actions_env(monkeypatch, tmp_path, fake.url, shas=("1" * 40, "2" * 40))
    monkeypatch.setenv("HUNKROUTE_POST", "checks")
    run()
    assert len(fake.calls("pulls/get")) == 1 and len(fake.calls("checks/create")) == 1
    event = read_event(dict(os.environ))
    client = ghaction.GitHubClient(fake.url, "ghs_fake-token-for-tests")
    loaded = github_diff.load_diff(event, None, client)
    assert loaded.snapshot.read("app.py") == b"print('head')\n"
    assert loaded.snapshot.read("missing.py") is None


def test_neither_git_nor_api_says_what_to_do(
    fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    actions_env(monkeypatch, tmp_path, fake.url)
    error = {"resource": "PullRequest", "field": "diff", "code": "too_large"}
    too_big = {"message": "Sorry, the diff exceeded the maximum number of files (300).",
               "errors": [error]}  # fmt: skip
    fake.script("pulls/get", 406, too_big)
    result = run_main(["github"], capsys)
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert "fetch-depth: 0" in line and "maximum number of files" in line


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "runs inside GitHub Actions"),
        ({"GITHUB_EVENT_NAME": "push"}, "event 'push' is not a pull request"),
        ({"HUNKROUTE_POST": "everywhere"}, "input post: expected auto, review, checks"),
        ({"HUNKROUTE_MAX_COMMENTS": "lots"}, "input max-comments: expected a number >= 0"),
        ({"HUNKROUTE_SUMMARY_COMMENT": "yes"}, "input summary-comment: expected true or false"),
    ],
)
def test_wrong_place_or_input_is_one_line_exit_2(
    env: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    if env:
        actions_env(monkeypatch, tmp_path, "http://127.0.0.1:9")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run_main(["github"], capsys)
    assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1


def test_push_event_fixture_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actions_env(monkeypatch, tmp_path, "http://127.0.0.1:9", "push.json", event_name="push")
    with pytest.raises(UsageError, match="not a pull request"):
        read_event(dict(os.environ))


def test_event_payloads_say_fork_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actions_env(monkeypatch, tmp_path, "http://x")
    same = read_event(dict(os.environ))
    assert (same.number, same.fork, same.head_ref) == (7, False, "fix-rounding")
    assert same.description == "Totals were a cent off.\r\n\r\nCloses #41."
    actions_env(monkeypatch, tmp_path, "http://x", "pull_request_fork.json")
    fork = read_event(dict(os.environ))
    assert (fork.fork, fork.description) == (True, "")  # a PR without a body has "body": null
    broken = tmp_path / "runner" / "event.json"
    broken.write_text('{"pull_request": {"number": 7}}')
    with pytest.raises(InputError, match="event payload has no pull_request.base.sha"):
        read_event(dict(os.environ))
