"""Hooks against the real static gates: a risky change blocks, a clean one passes.

Every test here starts the real ruff, bandit and semgrep (through ``hunkroute precommit
--offline``), so they carry the ``tools`` marker and set up commits with ``--no-verify``
to start the gates only where the test looks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hunkroute.commands import hookinstall
from tests.helpers.cli import SRC, run_cli
from tests.helpers.gitrepo import GitRepo, scratch_repo
from tests.test_precommit_framework import try_repo

pytestmark = pytest.mark.tools

HEAD = "import subprocess\n\n\ndef archive(path):\n"
CLEAN = HEAD + "    return subprocess.call(['tar', 'czf', 'b.tgz', path])\n"
RISKY = HEAD + "    return subprocess.call('tar czf b.tgz ' + path, shell=True)\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return scratch_repo(tmp_path / "scratch")


def hook_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(SRC))


def git(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo.root, env=hook_env(), capture_output=True,
                          text=True, check=False)  # fmt: skip


def blocked_on_archive(output: str) -> bool:
    """The compact line for the shell=True call: ``tools.py:5: error <rule> <message>``."""
    return any(line.startswith("tools.py:5: error ") for line in output.splitlines())


def test_try_repo_blocks_a_staged_risky_change(repo: GitRepo) -> None:
    repo.write("tools.py", RISKY)
    repo.git("add", "tools.py")
    result = try_repo(repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hunkroute (static gates only)" in result.stdout and "Failed" in result.stdout
    assert blocked_on_archive(result.stdout), result.stdout
    assert "hunkroute: blocked (skip once with --no-verify)" in result.stdout


def test_only_the_staged_content_is_judged(repo: GitRepo) -> None:
    repo.write("tools.py", RISKY)
    repo.git("add", "tools.py")
    repo.write("tools.py", CLEAN)  # fixed in the work tree, not staged: still blocked
    staged_risky = run_cli(["precommit", "--offline"], repo.root)
    repo.git("add", "tools.py")
    repo.write("tools.py", RISKY)  # risky in the work tree only: not this commit's problem
    staged_clean = run_cli(["precommit", "--offline"], repo.root)
    assert staged_risky.code == 1 and blocked_on_archive(staged_risky.out), staged_risky
    assert staged_clean.code == 0 and not blocked_on_archive(staged_clean.out), staged_clean


def test_commit_all_is_judged_on_what_git_commits(repo: GitRepo) -> None:
    hookinstall.install(repo.root, sys.executable, force=False)
    repo.write("tools.py", CLEAN)
    assert git(repo, "add", "tools.py").returncode == 0
    assert git(repo, "commit", "-q", "--no-verify", "-m", "tools").returncode == 0
    repo.write("tools.py", RISKY)  # `git commit -a` stages it in a temporary index
    committed = git(repo, "commit", "-a", "-m", "risky")
    output = committed.stdout + committed.stderr
    assert committed.returncode != 0 and blocked_on_archive(output), output
    assert repo.git("log", "--format=%s", "-1").strip() == "tools"


def test_pre_push_hook_blocks_a_real_push(repo: GitRepo, tmp_path: Path) -> None:
    remote = repo.bare_remote(tmp_path / "remote.git")
    hookinstall.install(repo.root, sys.executable, force=False)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("tools.py", RISKY)
    repo.git("add", "tools.py")
    assert git(repo, "commit", "-q", "--no-verify", "-m", "risky").returncode == 0
    pushed = git(repo, "push", "origin", "feature")
    assert pushed.returncode != 0, pushed.stderr
    assert blocked_on_archive(pushed.stdout + pushed.stderr), pushed.stdout + pushed.stderr
    assert "feature" not in repo.git("ls-remote", str(remote))
    assert git(repo, "push", "-q", "--no-verify", "origin", "feature").returncode == 0
