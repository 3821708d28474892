"""What a run reads beside the diff (issue 12): a Python file's lines by its real syntax (the new
version for added lines, the old one given back by the diff for removed lines, so a docstring edit
is docs), and a git change's commit subjects as each file's title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run_main
from tests.helpers.docstrings import NEW, OLD
from tests.helpers.gitrepo import GitRepo


def test_docstring_edits_and_deletions_are_skipped_by_the_old_versions_syntax(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("pkg/auth.py", OLD)
    base = repo.commit("base")
    repo.write("pkg/auth.py", NEW)
    repo.commit("Fix CVE-2031-0004: frame the admin pages")
    monkeypatch.chdir(repo.root)
    argv = ["run", "--offline", "--base", base, "--format", "json", "--fail-on", "never"]
    title = ["--title", "Fix CVE-2031-0004: frame the admin pages"]
    result = run_main([*argv, *title], capsys)
    assert result.code == 0, result.err
    hunks = json.loads(result.out)["hunks"]
    docs = ("skip", ["docstring or comment-only change"])
    assert [(h["category"], h["reasons"]) for h in hunks][:2] == [docs, docs]
    assert hunks[2]["category"] != "skip"  # the header name in code changed


def _classified(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    result = run_main(["run", "--offline", "--format", "json", "--fail-on", "never", *argv], capsys)
    assert result.code == 0, result.err
    return {h["file"]: h["category"] for h in json.loads(result.out)["hunks"]}


def test_a_git_run_without_a_title_reads_each_files_commit_subjects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12: a local run names no PR title, but its commits have one each."""
    repo = GitRepo(tmp_path / "repo")
    body = (
        "def pick(items, wanted):\n    for item in items:\n        if item.name == {}:\n"
        "            return item\n    return None\n"
    )
    repo.write("store/lookup.py", body.format("wanted"))
    repo.write("store/report.py", body.format("wanted"))
    base = repo.commit("base")
    repo.write("store/lookup.py", body.format("wanted.strip()"))
    repo.commit("Fix the access control bypass in lookups")
    repo.write("store/report.py", body.format("wanted.strip()"))
    repo.commit("Fix report lookups")
    monkeypatch.chdir(repo.root)
    said = _classified(["--base", base], capsys)
    assert said == {"store/lookup.py": "review", "store/report.py": "debugging"}
    untitled = _classified(["--base", base, "--title", ""], capsys)
    assert untitled["store/lookup.py"] != "review"  # "" is no title: the subjects stay unread


def test_an_advisory_named_in_a_commit_message_body_is_security_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("store/lookup.py", "def pick(items, wanted):\n    return items.get(wanted)\n")
    base = repo.commit("base")
    repo.write(
        "store/lookup.py", "def pick(items, wanted):\n    return items.get(wanted.strip())\n"
    )
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Tidy lookups", "-m", "This fixes CVE-2031-0042.")
    monkeypatch.chdir(repo.root)
    assert _classified(["--base", base], capsys) == {"store/lookup.py": "review"}
    untold = _classified(["--base", base, "--description", ""], capsys)
    assert untold == {"store/lookup.py": "debugging"}
    (repo.root / "change.diff").write_bytes(repo.git_bytes("diff", base, "HEAD"))
    told = _classified(["--diff", "change.diff", "--description", "Fixes CVE-2031-0042"], capsys)
    assert told == {"store/lookup.py": "review"}  # a diff file has no commits: the flag says it
