"""The run reads a Python file's lines by its real syntax: the new version for added lines,
the old one (given back by the diff) for removed lines, so a docstring edit is docs (issue 12)."""

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
